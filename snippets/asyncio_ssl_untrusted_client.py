import asyncio
import os
import ssl

SERVER_ADDRESS = ("127.0.0.1", int(os.environ.get("ECHO_PORT", 10000)))


async def connect(name: str, context: ssl.SSLContext, server_hostname: str):
    try:
        reader, writer = await asyncio.open_connection(
            *SERVER_ADDRESS, ssl=context, server_hostname=server_hostname
        )
    except ssl.SSLCertVerificationError as error:
        # 핸드셰이크에서 서버의 인증서를 받아들이지 않았다. 데이터는 한 바이트도 오가지 않았다.
        print(f"{name}: {type(error).__name__}")
        print(f"  {error.verify_message}")
    else:
        print(f"{name}: connected")
        writer.close()
        await writer.wait_closed()


async def main():
    # 시스템이 믿는 인증 기관만 믿는 클라이언트: 이 서버의 인증서는 누구도 서명해 주지 않았다.
    await connect("system CAs only", ssl.create_default_context(), "localhost")
    # 인증서는 믿지만, 인증서에 없는 이름의 서버를 기대하는 클라이언트.
    trusting = ssl.create_default_context(cafile="localhost.crt")
    await connect("wrong name", trusting, "example.org")
    # 인증서를 믿고, 인증서에 있는 이름을 기대하는 클라이언트.
    await connect("trusted", trusting, "localhost")


asyncio.run(main())
