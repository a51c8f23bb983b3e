import asyncio

WORDS = ["pear", "fig", "apple", "plum"]


async def sort_words(words):
    proc = await asyncio.create_subprocess_exec(
        "sort",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    for word in words:
        print(f"writing {word!r}")
        proc.stdin.write(f"{word}\n".encode())
        # 파이프의 버퍼가 차 있으면 자식이 읽어 갈 때까지 기다린다.
        await proc.stdin.drain()
    # stdin을 닫아야 sort가 EOF를 보고 결과를 출력한다.
    proc.stdin.close()
    await proc.stdin.wait_closed()
    print("stdin closed, reading the sorted lines")
    lines = [line.decode().rstrip() async for line in proc.stdout]
    await proc.wait()
    return lines


async def main():
    result = await sort_words(WORDS)
    print(f"sorted: {result}")


asyncio.run(main())
