import asyncio
import sys

async def save(record):
    print(f"saving {record!r}")

def start_saving(record):
    # 실수: 코루틴 객체를 만들기만 하고 await하지 않는다.
    save(record)

async def main():
    # 디버그 모드는 코루틴이 만들어진 곳을 프레임 10개까지 기록한다.
    # 이 예제의 프레임만 보이도록 2개로 줄인다.
    sys.set_coroutine_origin_tracking_depth(2)
    # 느린 콜백 경고(10.5.15.2)는 이 예제의 주제가 아니다. 기준을 1초로 올린다.
    asyncio.get_running_loop().slow_callback_duration = 1.0
    start_saving("first")
    print("main: done", flush=True)

asyncio.run(main(), debug=True)
