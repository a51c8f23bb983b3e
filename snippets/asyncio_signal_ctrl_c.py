import asyncio
import signal
import sys


async def worker():
    print("worker: working")
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("worker: canceled")
        raise
    finally:
        # 취소돼도 finally 블록은 실행된다.
        print("worker: cleaning up")


def press_ctrl_c():
    print("sending SIGINT, as Ctrl-C in a terminal would")
    signal.raise_signal(signal.SIGINT)


async def main():
    # 0.2초 뒤에 이 프로세스가 스스로에게 SIGINT를 보낸다.
    asyncio.get_running_loop().call_later(0.2, press_ctrl_c)
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker())
    except asyncio.CancelledError:
        print("main: canceled")
        raise
    finally:
        print("main: cleaning up")


try:
    asyncio.run(main())
except KeyboardInterrupt:
    # asyncio.run()은 정리를 마친 뒤에 KeyboardInterrupt를 발생시킨다.
    print("asyncio.run() raised KeyboardInterrupt")
    # 셸이 Ctrl-C로 끝난 프로그램에 보여 주는 종료 상태: 128 + SIGINT
    sys.exit(128 + signal.SIGINT)
