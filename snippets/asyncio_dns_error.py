import asyncio
import socket


async def lookup(name: str) -> str:
    loop = asyncio.get_running_loop()
    try:
        answers = await loop.getaddrinfo(
            name, 80, family=socket.AF_INET, type=socket.SOCK_STREAM
        )
    except socket.gaierror as error:
        # 실패한 조회는 이 조회의 일로 끝난다. 같은 그룹의 다른 조회는 취소되지 않는다.
        return f"{type(error).__name__}: {error}"
    return answers[0][4][0]


async def main():
    names = ["localhost", "nothing.invalid"]
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(lookup(name)) for name in names]
    for name, task in zip(names, tasks):
        print(f"{name}: {task.result()}")


asyncio.run(main())
