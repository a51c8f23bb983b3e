import asyncio
from pathlib import Path


async def run(label, *args, data):
    print(f"{label}: starting {' '.join(args)}")
    proc = await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    # communicate()는 data를 stdin에 쓰고 닫으면서 stdout과 stderr를 함께 읽는다.
    stdout, stderr = await proc.communicate(data)
    return proc.returncode, stdout.decode().split()


async def main():
    data = Path("asyncio_subprocess_fruits.txt").read_bytes()
    # 네 자식 프로세스가 동시에 실행된다.
    async with asyncio.TaskGroup() as tg:
        tasks = {
            "sorted": tg.create_task(run("sorted", "sort", data=data)),
            "unique": tg.create_task(run("unique", "sort", "-u", data=data)),
            "lines": tg.create_task(run("lines", "wc", "-l", data=data)),
            "upper": tg.create_task(run("upper", "tr", "a-z", "A-Z", data=data)),
        }
    # 결과는 작업이 끝난 순서가 아니라 정해 둔 순서로 출력한다.
    for label, task in tasks.items():
        returncode, words = task.result()
        print(f"{label}: exit code {returncode}: {words}")


asyncio.run(main())
