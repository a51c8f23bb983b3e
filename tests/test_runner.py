"""The runner on its own: real subprocesses, driven by asyncio."""

from __future__ import annotations

import asyncio
import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from booktools import alive

from outputcheck.running.runner import RunSpec, run_many, run_snippet, snippet_environment


def write(folder: Path, name: str, code: str) -> RunSpec:
    (folder / f"{name}.py").write_text(textwrap.dedent(code).lstrip())
    return RunSpec(name)




@pytest.mark.asyncio
async def test_stdout_and_stderr_interleave_in_the_order_written(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        "mixed",
        """
        import sys
        for i in range(5):
            print(f"out {i}")
            print(f"err {i}", file=sys.stderr)
        """,
    )
    result = await run_snippet(spec, snippets_dir=tmp_path)
    expected = "".join(f"out {i}\nerr {i}\n" for i in range(5))
    assert result.output == expected
    assert result.returncode == 0 and not result.timed_out


@pytest.mark.asyncio
async def test_runs_in_the_snippet_folder_as_a_reader_would(tmp_path: Path) -> None:
    spec = write(tmp_path, "where", "import os, sys\nprint(os.getcwd())\nprint(sys.argv)\n")
    result = await run_snippet(RunSpec("where", ("a b", "c")), snippets_dir=tmp_path)
    assert result.output.splitlines() == [str(tmp_path), "['where.py', 'a b', 'c']"]
    assert spec.command_line == "python3 where.py"


@pytest.mark.asyncio
async def test_timeout_kills_the_whole_tree(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    spec = write(
        tmp_path,
        "tree",
        f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c",
            "import subprocess, sys, time; g = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']);"
            "open({str(pids)!r}, 'a').write(f' {{g.pid}}'); time.sleep(600)"])
        open({str(pids)!r}, "a").write(f" {{os.getpid()}} {{child.pid}}")
        print("started", flush=True)
        time.sleep(600)
        """,
    )
    started = time.monotonic()
    result = await run_snippet(spec, snippets_dir=tmp_path, timeout=1.5)
    assert time.monotonic() - started < 1.5 + 5
    assert result.timed_out and result.returncode is None
    assert result.output == "started\n"
    found = [int(p) for p in pids.read_text().split()]
    assert len(found) == 3
    await asyncio.sleep(0.1)
    assert not any(alive(p) for p in found)


@pytest.mark.asyncio
async def test_children_left_behind_after_a_normal_exit_are_killed(tmp_path: Path) -> None:
    pidfile = tmp_path / "pid"
    spec = write(
        tmp_path,
        "leaver",
        f"""
        import subprocess, sys
        p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        open({str(pidfile)!r}, "w").write(str(p.pid))
        print("leaving")
        """,
    )
    result = await run_snippet(spec, snippets_dir=tmp_path, timeout=10)
    assert result.returncode == 0 and result.output == "leaving\n"
    await asyncio.sleep(0.1)
    assert not alive(int(pidfile.read_text()))


@pytest.mark.asyncio
async def test_huge_output_is_capped_not_held(tmp_path: Path) -> None:
    spec = write(tmp_path, "flood", "import sys\nsys.stdout.write('x' * 5_000_000)\n")
    result = await run_snippet(spec, snippets_dir=tmp_path, max_output=1000)
    assert result.truncated and len(result.output) == 1000 and result.returncode == 0


@pytest.mark.asyncio
async def test_undecodable_bytes_are_shown_not_fatal(tmp_path: Path) -> None:
    spec = write(tmp_path, "bytes", "import sys\nsys.stdout.buffer.write(b'ok \\xff\\xfe\\n')\n")
    result = await run_snippet(spec, snippets_dir=tmp_path)
    assert result.output == "ok \\xff\\xfe\n"


@pytest.mark.asyncio
async def test_missing_snippet_is_reported_not_raised(tmp_path: Path) -> None:
    result = await run_snippet(RunSpec("absent"), snippets_dir=tmp_path)
    assert result.missing and not result.completed


@pytest.mark.asyncio
async def test_longest_known_runs_start_first(tmp_path: Path) -> None:
    specs = [RunSpec(n) for n in ("short", "none", "long", "unknown", "middle")]
    known = {"short": 0.1, "long": 3.0, "middle": 1.0, "none": 0.0}  # 0.0: asks for no sleep
    order: list[str] = []

    async def fake_run(spec: RunSpec, timeout: float):
        order.append(spec.snippet)
        await asyncio.sleep(0)
        return spec

    await run_many(
        [(s, 5.0) for s in specs], fake_run, expected_duration=lambda s: known.get(s.snippet), jobs=1
    )
    assert order == ["unknown", "long", "middle", "short", "none"]


@pytest.mark.asyncio
async def test_runs_overlap_up_to_the_job_limit(tmp_path: Path) -> None:
    """Measured by the runs themselves, not by a stopwatch (the machine is shared): with
    room for all four, each one is still running when the last one starts."""
    code = "import os, time\nopen(os.path.basename(__file__) + '.start', 'w').write(repr(time.time()))\n" \
           "time.sleep(1.0)\nopen(os.path.basename(__file__) + '.end', 'w').write(repr(time.time()))\n"
    specs = [write(tmp_path, f"nap{i}", code) for i in range(4)]

    async def one(spec: RunSpec, timeout: float):
        return await run_snippet(spec, snippets_dir=tmp_path, timeout=timeout)

    results = await run_many([(s, 60.0) for s in specs], one, expected_duration=lambda s: None, jobs=4)
    assert all(r.returncode == 0 for r in results.values())
    starts = [float((tmp_path / f"nap{i}.py.start").read_text()) for i in range(4)]
    ends = [float((tmp_path / f"nap{i}.py.end").read_text()) for i in range(4)]
    assert max(starts) < min(ends)  # all four were running at once


def test_environment_is_fixed_and_inherits_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "nope")
    env = snippet_environment(sys.executable)
    assert "AWS_SECRET_ACCESS_KEY" not in env and "HOME" not in env
    assert env["PYTHONHASHSEED"] == "0" and env["PYTHONUNBUFFERED"] == "1"
    assert env["PYTHONWARNINGS"] == "error::DeprecationWarning"
    assert "PYTHONWARNINGS" not in snippet_environment(sys.executable, warnings="default")
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)


def test_a_listing_starts_with_default_signals_whatever_the_builder_ignores(tmp_path: Path) -> None:
    """Ignored signals survive exec: a build under nohup or as a background job ignores
    SIGHUP or SIGINT.  The listing, and any program it starts, must not."""
    import signal
    import subprocess

    from outputcheck.running import processes

    def ignoring() -> None:
        for sig in (signal.SIGINT, signal.SIGPIPE, signal.SIGHUP, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)

    launcher = list(processes._launcher())
    assert "--default-signal" in " ".join(launcher), "env --default-signal is expected here (coreutils 8.31+)"
    # A shell, not Python: Python ignores SIGPIPE itself at start-up, a program it runs does not.
    shown = subprocess.run([*launcher, "/bin/sh", "-c", "grep SigIgn /proc/self/status"], capture_output=True,
                           text=True, preexec_fn=ignoring, timeout=30)
    ignored = int(shown.stdout.split()[1], 16)
    for sig in (signal.SIGINT, signal.SIGPIPE, signal.SIGHUP, signal.SIGTERM):
        assert not ignored & (1 << (sig - 1)), f"{sig.name} is still ignored in the listing"


def test_a_listing_whose_runner_is_killed_dies_too(tmp_path: Path) -> None:
    """kill -9 of a build cannot be handled: the listings it started must still die."""
    import signal
    import subprocess
    import time

    from booktools import alive

    # It prints, then only sleeps: nothing it does would notice that its reader is gone.
    (tmp_path / "forever.py").write_text(
        "import time\nprint('up', flush=True)\nopen('ready', 'w').close()\ntime.sleep(600)\n"
    )
    runner = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import asyncio, sys
            from pathlib import Path
            from outputcheck.running.runner import RunSpec, run_snippet
            async def main():
                task = asyncio.ensure_future(run_snippet(RunSpec("forever"), snippets_dir=Path({str(tmp_path)!r}), timeout=600))
                await asyncio.sleep(60)
            asyncio.run(main())
        """)],
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    listing = None
    while listing is None and time.monotonic() < deadline:
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if b"forever.py" in (entry / "cmdline").read_bytes():
                        listing = int(entry.name)
                except OSError:
                    pass
        time.sleep(0.05)
    assert listing is not None
    while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    deadline = time.monotonic() + 2
    while alive(listing) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(listing)
