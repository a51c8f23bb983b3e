"""What 10.5.14 and 10.5.15 promise beyond their output blocks.

* The process pool listing leaves no process behind: its workers (and anything
  multiprocessing started for them) are gone once the listing has exited, read from
  /proc by the listing's own session.
* The page says that a thread calling ``Event.set()`` directly, in debug mode, loses the
  wake-up and leaves the waiting coroutine stuck even past ``asyncio.timeout()``; this is
  asyncio's behaviour, so it is checked on every installed Python of the matrix, and the
  page must be corrected if a Python changes it.
* No output block of the two pages shows a path or line of the standard library, which
  differs from one Python (and one machine) to the next.
"""

from __future__ import annotations

import re
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from outputcheck.running.interpreters import find, reader_python
from outputcheck.running.processes import kill_session, session_members

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
MATRIX = ("python3.11", "python3.12", "python3.13")


def _run_in_session(command: list[str], timeout: float, cwd: Path = SNIPPETS) -> tuple[subprocess.Popen[str], str, bool]:
    """Run ``command`` in a session of its own; (process, output, timed out). Never leaves it running."""
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True, env={"PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "error::DeprecationWarning",
                                     "LC_ALL": "C.UTF-8"},
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc, out, False
    except subprocess.TimeoutExpired:
        kill_session(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return proc, out, True


def test_process_pool_listing_leaves_no_process() -> None:
    proc, out, timed_out = _run_in_session([reader_python(), "asyncio_executor_process.py"], timeout=60)
    try:
        assert not timed_out and proc.returncode == 0, out
        workers = {int(pid) for pid in re.findall(r"worker pid (\d+)", out)}
        assert workers and proc.pid not in workers, out
        deadline = time.monotonic() + 3.0
        left = session_members(proc.pid)
        while left and time.monotonic() < deadline:  # a worker may take a moment to be reaped
            time.sleep(0.05)
            left = session_members(proc.pid)
        assert left == [], f"processes of the listing's session still alive after it exited: {left}"
        assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    finally:
        kill_session(proc.pid, signal.SIGKILL)


UNSAFE_SET = textwrap.dedent("""
    import asyncio, threading, time

    def worker(event):
        time.sleep(0.1)
        try:
            event.set()  # the mistake the page warns about
        except RuntimeError as exc:
            print(f"thread: {exc}", flush=True)

    async def main():
        event = asyncio.Event()
        threading.Thread(target=worker, args=(event,), daemon=True).start()
        try:
            async with asyncio.timeout(0.5):
                await event.wait()
            print("main: woke up")
        except TimeoutError:
            print("main: timed out")

    asyncio.run(main(), debug=True)
""")


@pytest.mark.parametrize("name", MATRIX)
def test_event_set_from_a_thread_in_debug_mode_hangs(name: str, tmp_path: Path) -> None:
    python = find(name)
    if python is None:
        pytest.skip(f"{name} is not installed here")
    script = tmp_path / "unsafe_set.py"
    script.write_text(UNSAFE_SET, encoding="utf-8")
    # The timeout inside is 0.5 s; 2.5 s later the program is still waiting: stuck, not slow.
    proc, out, timed_out = _run_in_session([python, str(script)], timeout=3.0, cwd=tmp_path)
    assert "Non-thread-safe operation invoked on an event loop other than the current one" in out, out
    assert timed_out, f"{name}: the program ended (exit {proc.returncode}); the page says it hangs:\n{out}"
    assert "main:" not in out, out
    assert session_members(proc.pid) == []


@pytest.mark.parametrize("page", ["executors.md", "debugging.md"])
def test_no_standard_library_path_in_the_outputs(page: str) -> None:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    blocks = re.findall(r"```\{output\}\n(.*?)\n```", text, flags=re.S)
    assert len(blocks) >= 4
    for block in blocks:
        assert not re.search(r"lib/python3|asyncio/\w+\.py|\.pyenv|/usr/", block), block
