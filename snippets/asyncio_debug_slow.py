import asyncio
import logging
import sys
import time

# asyncio는 경고를 'asyncio' 로거로 남긴다. 표준 출력에 메시지만 쓴다.
logging.basicConfig(stream=sys.stdout, format="%(name)s: %(message)s")

def slow_callback():
    # 콜백이 루프를 0.6초 동안 붙잡는다.
    time.sleep(0.6)

async def slow_task():
    time.sleep(0.6)

async def main():
    loop = asyncio.get_running_loop()
    print(f"debug mode: {loop.get_debug()}")
    # 이보다 오래 걸리는 콜백과 작업의 한 단계를 경고한다(기본값 0.1초).
    loop.slow_callback_duration = 0.5
    loop.call_soon(slow_callback)
    await asyncio.sleep(0.1)
    # 디버그 모드의 작업은 자신이 만들어진 곳을 기억한다.
    await loop.create_task(slow_task(), name="slow")
    print("main: done")

asyncio.run(main(), debug=True)
