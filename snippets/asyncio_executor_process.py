import asyncio
import concurrent.futures
import multiprocessing
import os

def count_primes(limit):
    # CPU만 쓰는 계산이다. 스레드에서는 GIL 때문에 동시에 하나만 진행된다.
    found = 0
    for n in range(2, limit):
        if all(n % d for d in range(2, int(n ** 0.5) + 1)):
            found += 1
    return limit, found, os.getpid()

async def main():
    print(f"main: pid {os.getpid()}")
    loop = asyncio.get_running_loop()
    # 작업 프로세스를 fork가 아닌 spawn으로 시작한다(본문 참고).
    context = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=2, mp_context=context
    ) as executor:
        futures = [
            loop.run_in_executor(executor, count_primes, limit)
            for limit in (10_000, 20_000, 30_000, 40_000)
        ]
        results = await asyncio.gather(*futures)
    # with 블록을 벗어날 때 작업 프로세스는 모두 끝나 있다.
    for limit, found, pid in results:
        print(f"primes below {limit}: {found} (worker pid {pid})")
    workers = {pid for _, _, pid in results}
    print(f"main: pid {os.getpid()} computed none: {os.getpid() not in workers}")

# spawn으로 시작한 작업 프로세스는 이 모듈을 다시 import한다.
# 그때 main()이 또 실행되지 않도록 막는다.
if __name__ == "__main__":
    asyncio.run(main())
