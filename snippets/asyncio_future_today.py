import asyncio

def mark_done(future: asyncio.Future, result):
    print(f"setting future result to {result!r}")
    future.set_result(result)

async def main():
    loop = asyncio.get_running_loop()
    # Future는 그 Future를 기다릴, 실행 중인 루프가 만든다.
    all_done = loop.create_future()

    print("scheduling mark_done")
    loop.call_soon(mark_done, all_done, "the result")

    result = await all_done
    print(f"returned result {result!r}")

asyncio.run(main())
