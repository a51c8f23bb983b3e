import asyncio
import socket


async def main():
    loop = asyncio.get_running_loop()

    # localhost의 IPv4 주소를, TCP로 연결할 때 쓸 형태로 묻는다.
    answers = await loop.getaddrinfo(
        "localhost", 10000, family=socket.AF_INET, type=socket.SOCK_STREAM
    )
    # 답은 리스트다. 같은 주소가 두 번 들어 있는 시스템도 있으므로 첫 번째 답을 쓴다.
    family, type_, proto, canonname, sockaddr = answers[0]
    print("localhost, IPv4, TCP:")
    print(f"  family={family.name} type={type_.name} proto={proto}")
    print(f"  address={sockaddr}")

    # 주소 체계를 정하지 않으면 이름에 붙은 주소가 모두 나온다.
    # 답의 순서는 시스템이 정하므로 주소를 정렬해서 보여 준다.
    answers = await loop.getaddrinfo("localhost", 10000, type=socket.SOCK_STREAM)
    print("localhost, any family:")
    for family, address in sorted({(f.name, a[0]) for f, _, _, _, a in answers}):
        print(f"  {family} {address}")

    # 숫자로 쓴 주소는 찾아볼 것이 없다. 그대로 주소가 된다.
    for host in ["127.0.0.1", "::1"]:
        answers = await loop.getaddrinfo(host, 10000, type=socket.SOCK_STREAM)
        family, _, _, _, sockaddr = answers[0]
        print(f"{host}: family={family.name} address={sockaddr}")


asyncio.run(main())
