import asyncio
import threading
import time

def worker(loop, event):
    time.sleep(0.1)
    try:
        # 잘못된 방법: 다른 스레드에서 루프의 메서드를 직접 부른다.
        loop.call_soon(event.set)
    except RuntimeError as exc:
        print(f"thread: call_soon() failed: {exc}")
    # 맞는 방법: 루프의 스레드에서 실행해 달라고 넘긴다.
    print("thread: handing event.set() to the loop")
    loop.call_soon_threadsafe(event.set)

async def main():
    loop = asyncio.get_running_loop()
    # 느린 콜백 경고(10.5.15.2)는 이 예제의 주제가 아니다. 기준을 1초로 올린다.
    loop.slow_callback_duration = 1.0
    event = asyncio.Event()
    thread = threading.Thread(target=worker, args=(loop, event))
    thread.start()
    async with asyncio.timeout(5):
        await event.wait()
    print(f"main: woke up, is_set() = {event.is_set()}")
    await asyncio.to_thread(thread.join)

# 디버그 모드에서는 루프의 스레드가 아닌 곳에서 루프를 건드리면 오류가 난다.
asyncio.run(main(), debug=True)
