import asyncio
import functools


class WordCount(asyncio.SubprocessProtocol):
    # 자식 프로세스의 이벤트마다 루프가 이 프로토콜의 메서드를 호출한다.

    def __init__(self, done_future):
        self.done = done_future
        self.buffer = bytearray()
        super().__init__()

    def connection_made(self, transport):
        print("process started")
        self.transport = transport

    def pipe_data_received(self, fd, data):
        # 데이터가 몇 조각으로 나뉘어 올지는 알 수 없으므로 모아 두기만 한다.
        self.buffer.extend(data)

    def process_exited(self):
        # 이 메서드는 파이프의 데이터를 모두 받기 전에 호출될 수 있다.
        self.returncode = self.transport.get_returncode()

    def connection_lost(self, exc):
        # 프로세스가 끝나고 파이프도 모두 닫혔다. 이제 출력이 온전하다.
        print(f"process finished with exit code {self.returncode}")
        self.done.set_result(bytes(self.buffer))


async def run_wc(loop, *files):
    done = loop.create_future()
    factory = functools.partial(WordCount, done)
    transport, protocol = await loop.subprocess_exec(
        factory,
        "wc", "-l", "-w", *files,
        stdin=None,
        stderr=None,
    )
    try:
        output = await done
    finally:
        transport.close()
    return parse(output.decode())


def parse(text):
    # "줄 수 단어 수 파일 이름" 형식의 줄을 사전으로 바꾼다.
    counts = []
    for line in text.splitlines():
        lines, words, name = line.split()
        counts.append({"name": name, "lines": int(lines), "words": int(words)})
    return counts


# region main
event_loop = asyncio.new_event_loop()
try:
    counts = event_loop.run_until_complete(
        run_wc(event_loop, "asyncio_subprocess_fruits.txt", "asyncio_subprocess_colors.txt")
    )
finally:
    event_loop.close()

for entry in counts:
    print(f"{entry['name']:32} {entry['lines']:>4} lines {entry['words']:>5} words")
# endregion
