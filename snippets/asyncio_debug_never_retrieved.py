import asyncio
import gc
import logging
import sys

# asyncio가 로거로 남기는 오류를 표준 출력에 쓴다.
logging.basicConfig(stream=sys.stdout, format="%(name)s: %(message)s")

async def fail():
    raise ValueError("the data was wrong")

async def main():
    task = asyncio.create_task(fail())
    await asyncio.sleep(0.1)
    print(f"main: task done: {task.done()}")
    # 실수: 작업의 결과도 예외도 꺼내 보지 않고 참조를 버린다.
    del task
    # 작업 객체가 사라질 때 asyncio가 오류를 로그로 남긴다.
    gc.collect()
    print("main: done")

asyncio.run(main())
