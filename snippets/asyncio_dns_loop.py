import asyncio
import socket


async def address_of(loop: asyncio.AbstractEventLoop, name: str) -> str:
    answers = await loop.getaddrinfo(
        name, 10000, family=socket.AF_INET, type=socket.SOCK_STREAM
    )
    return answers[0][4][0]


async def name_of(loop: asyncio.AbstractEventLoop, address: str) -> str:
    host, port = await loop.getnameinfo((address, 10000), socket.NI_NUMERICSERV)
    return host


async def main(loop: asyncio.AbstractEventLoop) -> list[str]:
    return await asyncio.gather(
        address_of(loop, "localhost"),
        address_of(loop, "127.0.0.1"),
        name_of(loop, "127.0.0.1"),
    )


# 루프를 직접 만들고, 조회하는 코루틴에 인자로 넘긴다.
event_loop = asyncio.new_event_loop()
try:
    results = event_loop.run_until_complete(main(event_loop))
    print(results)
finally:
    event_loop.close()
