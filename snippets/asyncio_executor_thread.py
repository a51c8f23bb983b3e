import asyncio
import concurrent.futures
import threading
import time

def blocks(n):
    # 이벤트 루프를 모르는 평범한 함수다. 자는 동안 스레드 하나를 붙잡는다.
    time.sleep(0.1)
    return n ** 2, threading.current_thread().name

async def main():
    print(f"main: running in {threading.current_thread().name}")
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=3) as executor:
        # 함수 호출을 풀의 스레드에 맡기고, 각 호출의 Future를 기다린다.
        futures = [loop.run_in_executor(executor, blocks, n) for n in range(6)]
        print(f"main: waiting for {len(futures)} calls")
        # gather()는 결과를 넘겨준 순서대로 돌려준다.
        results = await asyncio.gather(*futures)
    for n, (square, worker) in enumerate(results):
        print(f"blocks({n}) = {square:2} in {worker}")

asyncio.run(main())
