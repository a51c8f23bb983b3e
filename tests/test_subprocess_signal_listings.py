"""What 10.5.12 and 10.5.13 promise beyond their output blocks.

The output blocks prove what each listing prints when it runs alone. The pages also
say things a block cannot show:

* the number after "pid " is the listing's own process id (a reader sends it signals
  with ``kill -HUP <pid>``); the blocks only declare that it varies;
* a real Ctrl-C from outside (SIGINT to the terminal's process group) runs the same
  cleanup as the listing's own ``signal.raise_signal()``, and the exit status is 130;
* Ctrl-C while the subprocess listings' children are running ends the children too:
  nothing of the listing's session is left (read from /proc);
* the children print nothing of this machine (their outputs hold no host facts).

Every listing runs as a real subprocess of the reader's Python, in its own session,
with DeprecationWarning as an error, as the build runs it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from listeners import default_sigint

from outputcheck.declaring.hostfacts import host_facts
from outputcheck.running.interpreters import reader_python
from outputcheck.reading.pages import scan_page
from outputcheck.running.processes import session_members
from outputcheck.running.runner import snippet_environment

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
PAGES = [ROOT / "docs" / "subprocesses.md", ROOT / "docs" / "signals.md"]

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


def start(script: Path | str, cwd: Path = SNIPPETS) -> subprocess.Popen[str]:
    """The listing as a reader starts it, in a session of its own (its own 'terminal')."""
    python = reader_python()
    return subprocess.Popen(
        [python, str(script)],
        cwd=cwd,
        env=snippet_environment(python),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=default_sigint,
    )


@pytest.fixture
def sessions() -> Iterator[list[int]]:
    """Session ids of the listings a test starts; whatever is left of them is killed."""
    started: list[int] = []
    yield started
    for sid in started:
        try:
            os.killpg(sid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def read_until(proc: subprocess.Popen[str], wanted: str, seconds: float = 20) -> list[str]:
    """Lines the listing printed up to and including ``wanted``."""
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            pytest.fail(f"the listing ended before printing {wanted!r}:\n{''.join(lines)}")
        lines.append(line.rstrip("\n"))
        if lines[-1] == wanted:
            return lines
    pytest.fail(f"no {wanted!r} within {seconds} s:\n" + "\n".join(lines))


def wait_gone(sid: int, seconds: float = 5) -> list[int]:
    """Members of session ``sid`` still alive after ``seconds`` (none, if all ended)."""
    deadline = time.monotonic() + seconds
    while (left := session_members(sid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


@pytest.mark.parametrize("listing", ["asyncio_signal_loop.py", "asyncio_signal_handler.py"])
def test_printed_pid_is_the_listings_own(listing: str, sessions: list[int]) -> None:
    proc = start(listing)
    sessions.append(proc.pid)
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    pids = re.findall(r"(?<=pid )\d+", output)
    assert len(pids) >= 2, output
    assert set(pids) == {str(proc.pid)}, f"pid {proc.pid} ran, it printed {pids}"


def test_ctrl_c_from_the_terminal_runs_the_same_cleanup(tmp_path: Path, sessions: list[int]) -> None:
    """SIGINT to the process group, as a terminal sends it, instead of raise_signal()."""
    source = (SNIPPETS / "asyncio_signal_ctrl_c.py").read_text(encoding="utf-8")
    # The listing interrupts itself after 0.2 s; here the 'user' is faster.
    assert source.count("call_later(0.2, press_ctrl_c)") == 1
    copy = tmp_path / "asyncio_signal_ctrl_c.py"
    copy.write_text(source.replace("call_later(0.2, press_ctrl_c)", "call_later(60, press_ctrl_c)"), encoding="utf-8")
    proc = start(copy, cwd=tmp_path)
    sessions.append(proc.pid)
    assert read_until(proc, "worker: working") == ["worker: working"]
    os.killpg(proc.pid, signal.SIGINT)
    rest, _ = proc.communicate(timeout=20)
    assert rest.splitlines() == [
        "worker: canceled",
        "worker: cleaning up",
        "main: canceled",
        "main: cleaning up",
        "asyncio.run() raised KeyboardInterrupt",
    ]
    assert proc.returncode == 130
    assert wait_gone(proc.pid) == []


@pytest.mark.parametrize(
    ("listing", "children_running"),
    [
        # the Python child that ignores SIGTERM is asleep
        ("asyncio_subprocess_timeout.py", "stubborn: ignoring SIGTERM"),
        # the child still has two lines to print
        ("asyncio_subprocess_lines.py", "read: step 1 of 3 done"),
    ],
)
def test_ctrl_c_ends_the_children_too(listing: str, children_running: str, sessions: list[int]) -> None:
    proc = start(listing)
    sessions.append(proc.pid)
    read_until(proc, children_running)
    children = [pid for pid in session_members(proc.pid) if pid != proc.pid]
    assert children, "the listing should have a child running at this point"
    os.killpg(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{listing} did not end within 20 s of Ctrl-C")
    # Not through communicate(): a child left behind would hold the pipe open until it ends.
    assert wait_gone(proc.pid) == [], f"processes of {listing}'s session left behind after Ctrl-C"
    assert proc.returncode in (-signal.SIGINT, 128 + signal.SIGINT, 1), proc.returncode
    proc.communicate(timeout=5)


def _blocks() -> list:
    return [found.block() for page in PAGES for found in scan_page(page) if found.name == "output"]


@pytest.mark.parametrize("block", _blocks(), ids=lambda b: f"{b.page.name}:{b.line}")
def test_outputs_show_nothing_of_this_machine(block, sessions: list[int]) -> None:
    """A fresh run, before the build replaces anything, shows no host fact; the page
    shows no placeholder of one either (so nothing was hidden by the replacement)."""
    assert not block.vary.host, f"{block.page.name}:{block.line} declares host facts"
    for placeholder in ("<host>", "<user>", "<mount>", "<ip>"):
        assert placeholder not in block.text, f"{block.page.name}:{block.line}"
    proc = start(block.spec.filename)
    sessions.append(proc.pid)
    output, _ = proc.communicate(timeout=30)
    assert proc.returncode == block.returncode, output
    transcript = f"$ {block.spec.command_line}\n{output}"
    assert host_facts(transcript, block) == []


def test_both_pages_have_their_blocks() -> None:
    names = sorted({b.spec.snippet for b in _blocks()})
    assert names == sorted(
        [f"asyncio_subprocess_{n}" for n in ("protocol", "lines", "stdin", "taskgroup", "timeout")]
        + [f"asyncio_signal_{n}" for n in ("loop", "handler", "ctrl_c")]
    )
