import asyncio
import threading

async def lookup(key):
    # 이벤트 루프의 스레드에서 실행되는 코루틴이다.
    print(f"loop: looking up {key!r}")
    await asyncio.sleep(0.1)
    return key.upper()

def worker(loop, queue):
    # 루프 밖의 스레드다. 루프와 큐의 메서드를 직접 부르지 않는다.
    values = []
    for key in ("a", "b"):
        print(f"thread: asking the loop for {key!r}")
        # 코루틴을 루프에 맡기고, 그 결과를 이 스레드에서 기다린다.
        future = asyncio.run_coroutine_threadsafe(lookup(key), loop)
        values.append(future.result(timeout=5))
        print(f"thread: got {values[-1]!r}")
    # 큐에 넣는 일은 루프의 스레드에서 하도록 콜백으로 넘긴다.
    for value in values + [None]:
        loop.call_soon_threadsafe(queue.put_nowait, value)

async def main():
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    thread = threading.Thread(target=worker, args=(loop, queue))
    thread.start()
    while (item := await queue.get()) is not None:
        print(f"main: received {item!r} from the thread")
    # 스레드가 끝나기를 기다리는 동안에도 루프를 막지 않는다.
    await asyncio.to_thread(thread.join)
    print("main: thread finished")

asyncio.run(main())
