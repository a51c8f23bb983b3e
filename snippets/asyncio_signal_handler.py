import asyncio
import os
import signal


async def main():
    loop = asyncio.get_running_loop()
    received = asyncio.Queue()
    for sig in (signal.SIGHUP, signal.SIGUSR1):
        # 처리기는 루프 안에서 실행되므로 asyncio 객체를 그대로 다룰 수 있다.
        loop.add_signal_handler(sig, received.put_nowait, sig.name)
    try:
        pid = os.getpid()
        for sig in (signal.SIGHUP, signal.SIGUSR1, signal.SIGHUP):
            print(f"sending {sig.name} to pid {pid}")
            os.kill(pid, sig)
            # 처리기가 실행돼 큐에 이름을 넣을 때까지 기다린다.
            name = await received.get()
            print(f"main: handler ran for {name}")
    finally:
        for sig in (signal.SIGHUP, signal.SIGUSR1):
            loop.remove_signal_handler(sig)
    print("handlers removed")


asyncio.run(main())
