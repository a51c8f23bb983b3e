import asyncio

async def compute():
    print("compute: working")
    await asyncio.sleep(0.1)
    return "the result"

async def announce(ready: asyncio.Event):
    await asyncio.sleep(0.1)
    print("announce: setting the event")
    ready.set()

async def main():
    # 결과를 만드는 코드가 코루틴이면 Future 대신 그 코루틴을 작업으로 실행한다.
    task = asyncio.create_task(compute())
    # 작업이 실행되는 동안 main()은 다른 일을 할 수 있다.
    print("main: doing other work")
    await asyncio.sleep(0.05)
    print("main: other work done, waiting for the task")
    print(f"task returned {await task!r}")

    # 값 없이 무언가 일어났다는 사실만 알릴 때는 Event를 쓴다.
    ready = asyncio.Event()
    announcer = asyncio.create_task(announce(ready))
    await ready.wait()
    print(f"event is set: {ready.is_set()}")
    await announcer

asyncio.run(main())
