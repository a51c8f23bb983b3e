import asyncio
import socket


async def address_of(name: str) -> str:
    loop = asyncio.get_running_loop()
    print(f"looking up the address of {name!r}")
    answers = await loop.getaddrinfo(
        name, 10000, family=socket.AF_INET, type=socket.SOCK_STREAM
    )
    family, type_, proto, canonname, sockaddr = answers[0]
    return sockaddr[0]


async def name_of(address: str) -> str:
    loop = asyncio.get_running_loop()
    print(f"looking up the name of {address!r}")
    host, port = await loop.getnameinfo((address, 10000), socket.NI_NUMERICSERV)
    return host


async def main():
    # 조회 세 개를 동시에 시작하고, 그룹이 모두 끝나기를 기다린다.
    async with asyncio.TaskGroup() as tg:
        lookups = [
            ("address of 'localhost'", tg.create_task(address_of("localhost"))),
            ("address of '127.0.0.1'", tg.create_task(address_of("127.0.0.1"))),
            ("name of '127.0.0.1'", tg.create_task(name_of("127.0.0.1"))),
        ]
    # 결과는 끝난 순서가 아니라 시작한 순서대로 보여 준다.
    for what, task in lookups:
        print(f"{what}: {task.result()}")


asyncio.run(main())
