import asyncio
import os
import subprocess
import sys

async def report():
    print(asyncio.get_running_loop().get_debug())

def child(how):
    if how == "set_debug":
        # 예전 코드: 루프를 직접 만들어 디버그 모드를 켠다.
        loop = asyncio.new_event_loop()
        loop.set_debug(True)
        try:
            loop.run_until_complete(report())
        finally:
            loop.close()
    else:
        # debug=None(기본값)이면 환경 변수와 -X dev 옵션을 따른다.
        asyncio.run(report(), debug=True if how == "debug=True" else None)

# 이 파일을 여러 방법으로 다시 실행해, 각 실행의 루프가 디버그 모드인지 묻는다.
WAYS = [
    ("python3 (nothing)", [], {}, "plain"),
    ("asyncio.run(..., debug=True)", [], {}, "debug=True"),
    ("PYTHONASYNCIODEBUG=1 python3", [], {"PYTHONASYNCIODEBUG": "1"}, "plain"),
    ("python3 -X dev", ["-X", "dev"], {}, "plain"),
    ("loop.set_debug(True)", [], {}, "set_debug"),
]

if __name__ == "__main__":
    if len(sys.argv) > 1:
        child(sys.argv[1])
    else:
        for label, options, extra, how in WAYS:
            env = {k: v for k, v in os.environ.items() if k != "PYTHONASYNCIODEBUG"}
            env.update(extra)
            run = subprocess.run(
                [sys.executable, *options, __file__, how],
                env=env, capture_output=True, text=True, check=True,
            )
            print(f"{label:30} debug mode: {run.stdout.strip()}")
