import asyncio
import socket


async def main():
    loop = asyncio.get_running_loop()
    address = ("127.0.0.1", 10000)

    # 주소에서 이름을 찾는다. 포트는 서비스 이름 대신 숫자로 둔다.
    host, port = await loop.getnameinfo(address, socket.NI_NUMERICSERV)
    print(f"{address} -> host={host!r} port={port!r}")

    # NI_NUMERICHOST를 주면 이름을 찾지 않고 주소를 글자로 바꾸기만 한다.
    host, port = await loop.getnameinfo(
        address, socket.NI_NUMERICHOST | socket.NI_NUMERICSERV
    )
    print(f"{address} -> host={host!r} port={port!r} (numeric)")

    # 이름에서 주소로, 그 주소에서 다시 이름으로.
    answers = await loop.getaddrinfo(
        "localhost", 10000, family=socket.AF_INET, type=socket.SOCK_STREAM
    )
    sockaddr = answers[0][4]
    host, port = await loop.getnameinfo(sockaddr, socket.NI_NUMERICSERV)
    print(f"'localhost' -> {sockaddr} -> {host!r}")


asyncio.run(main())
