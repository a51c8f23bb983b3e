import asyncio

def callback(n):
    print(f"callback {n} invoked")

async def main():
    # 루프를 인자로 받는 대신 지금 실행 중인 루프를 얻는다.
    loop = asyncio.get_running_loop()
    print("registering callbacks")
    loop.call_at(loop.time() + 0.3, callback, 1)
    loop.call_later(0.2, callback, 2)
    loop.call_later(0.1, callback, 3)
    loop.call_soon(callback, 4)

    # 예약한 콜백이 모두 호출될 때까지 main()이 끝나지 않게 한다.
    await asyncio.sleep(0.4)

print("entering event loop")
asyncio.run(main())
print("event loop closed")
