import asyncio
import sys

# 자식 프로세스로 실행할 파이썬 코드: 0.2초마다 한 줄씩 출력한다.
CHILD = """
import time
for step in range(1, 4):
    time.sleep(0.2)
    print(f"step {step} of 3 done", flush=True)
"""


async def main():
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD,
        stdout=asyncio.subprocess.PIPE,
    )
    print("child started, reading its output line by line")
    # proc.stdout은 StreamReader다. async for는 한 줄씩 readline()을 기다린다.
    async for line in proc.stdout:
        print(f"read: {line.decode().rstrip()}")
    print("reached EOF, waiting for the child to exit")
    returncode = await proc.wait()
    print(f"child exited with code {returncode}")


asyncio.run(main())
