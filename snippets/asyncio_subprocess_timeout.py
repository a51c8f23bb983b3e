import asyncio
import signal
import sys

# SIGTERM을 무시하는 자식: 준비가 끝나면 한 줄을 출력하고 오래 잠든다.
STUBBORN = """
import signal, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ignoring SIGTERM", flush=True)
time.sleep(10)
"""


def describe(returncode):
    # 시그널로 끝난 자식의 종료 코드는 음수: -시그널 번호
    if returncode < 0:
        return f"{returncode} ({signal.Signals(-returncode).name})"
    return str(returncode)


async def run(name, args, limit, grace=1.0):
    proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE)
    if name == "stubborn":
        # 자식이 SIGTERM을 무시하도록 설정을 마칠 때까지 기다린다.
        print(f"{name}: {(await proc.stdout.readline()).decode().rstrip()}")
    try:
        async with asyncio.timeout(limit):
            await proc.wait()
    except TimeoutError:
        print(f"{name}: still running after {limit} s, sending SIGTERM")
        proc.terminate()
        try:
            async with asyncio.timeout(grace):
                await proc.wait()
        except TimeoutError:
            print(f"{name}: still running {grace} s later, sending SIGKILL")
            proc.kill()
            # kill()은 시그널을 보내기만 한다. 자식이 끝나기를 wait()로 기다린다.
            await proc.wait()
    print(f"{name}: exit code {describe(proc.returncode)}")


async def main():
    await run("quick", ["sleep", "0.1"], limit=1)
    await run("sleepy", ["sleep", "10"], limit=0.3)
    await run("stubborn", [sys.executable, "-c", STUBBORN], limit=0.3)


asyncio.run(main())
