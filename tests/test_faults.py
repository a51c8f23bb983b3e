"""Fault injection: every failure names its page and snippet, leaves no process behind,
damages no page, and never passes falsely."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from booktools import Book, alive

from outputcheck.running import servers
from outputcheck.running.runner import RunSpec, run_snippet

ROOT = Path(__file__).resolve().parent.parent




@pytest.mark.asyncio
async def test_a_daemon_that_leaves_the_session_is_killed_too(tmp_path: Path) -> None:
    pidfile = tmp_path / "daemon.pid"
    (tmp_path / "daemon.py").write_text(textwrap.dedent(f"""
        import os, sys, time
        if os.fork() == 0:
            os.setsid()                      # a new session: not ours any more
            if os.fork() == 0:
                open({str(pidfile)!r}, "w").write(str(os.getpid()))
                os.closerange(0, 3)
                time.sleep(600)
            os._exit(0)
        time.sleep(0.5)
        print("parent done")
    """))
    result = await run_snippet(RunSpec("daemon"), snippets_dir=tmp_path, timeout=10)
    assert result.returncode == 0 and result.output == "parent done\n"
    await asyncio.sleep(0.2)
    assert not alive(int(pidfile.read_text()))


def test_bytes_that_are_not_utf8_fail_with_a_readable_diff(book: Book) -> None:
    book.snippet("raw", "import sys\nsys.stdout.buffer.write(b'caf\\xe9\\n')\n")
    book.page("page", "# P\n\n```{output}\n$ python3 raw.py\ncafé\n```\n")
    built = book.build()
    assert built.status == 1
    assert "page.md:3: output differs" in built.warnings and "+caf\\xe9" in built.warnings


def test_fifty_megabytes_of_output_are_refused_not_held(book: Book) -> None:
    book.snippet("flood", "import sys\nchunk = 'x' * 1_000_000 + '\\n'\nfor _ in range(50):\n    sys.stdout.write(chunk)\n")
    book.page("page", "# P\n\n```{output}\n$ python3 flood.py\nx\n```\n")
    built = book.build()
    assert built.status == 1
    assert "flood.py printed more than the output limit" in built.warnings
    assert len(built.warnings) < 20_000  # the report shows a part, not 50 MB


@pytest.mark.asyncio
async def test_a_taken_port_is_retried_on_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_servers import CLIENT, SERVER

    (tmp_path / "server.py").write_text(SERVER)
    (tmp_path / "client.py").write_text(CLIENT)
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    busy = taken.getsockname()[1]
    ports = iter([busy])
    original = servers.free_port
    monkeypatch.setattr(servers, "free_port", lambda: next(ports, None) or original())
    try:
        result = await servers.run_with_server(RunSpec("client", server="server"), snippets_dir=tmp_path, timeout=20)
    finally:
        taken.close()
    assert result.returncode == 0 and result.server_returncode == 0, result.server_output
    assert "serving on port 10000" in result.server_output


def test_crlf_and_trailing_spaces_in_a_page_still_compare_and_survive_update(book: Book) -> None:
    book.snippet("two", 'print("one")\nprint("two")\n')
    page = book.root / "page.md"
    book.page("page", "# P\n")
    page.write_bytes(b"# P\r\n\r\n```{output}\r\n$ python3 two.py   \r\none  \r\ntwo\r\n```\r\n")
    assert book.build().status == 0
    book.snippet("two", 'print("one")\nprint("three")\n')
    done = subprocess.run([sys.executable, "-m", "outputcheck", "update", "--project", str(book.root)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert page.read_bytes() == b"# P\r\n\r\n```{output}\r\n$ python3 two.py\r\none\r\nthree\r\n```\r\n"


def test_a_secret_never_reaches_a_page_or_the_html(book: Book) -> None:
    env = dict(os.environ, AWS_SECRET_ACCESS_KEY="do-not-print-me")
    book.snippet("env", "import os\nfor k in sorted(os.environ):\n    if not k.startswith('OUTPUTCHECK_'):\n        print(k, os.environ[k])\n")
    page = book.page("page", "# P\n\n```{output}\n$ python3 env.py\n```\n")
    done = subprocess.run([sys.executable, "-m", "outputcheck", "update", "--project", str(book.root)],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert "PYTHONHASHSEED 0" in page.read_text()
    build = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(book.root), str(book.root / "_build" / "html")],
                           capture_output=True, text=True, timeout=120, env=env)
    assert build.returncode == 0, build.stdout + build.stderr
    for path in [page, *(book.root / "_build").rglob("*")]:
        if path.is_file():
            assert b"do-not-print-me" not in path.read_bytes(), path


def test_two_builds_and_a_test_run_at_once(book: Book) -> None:
    (book.root / "pyproject.toml").write_text((book.root / "pyproject.toml").read_text() + "\n[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = 'function'\n")
    for i in range(4):
        book.snippet(f"s{i}", f'import time\ntime.sleep(0.3)\nprint("snippet {i}")\n')
        book.page(f"p{i}", f"# P{i}\n\n```{{output}}\n$ python3 s{i}.py\nsnippet {i}\n```\n")
    (book.root / "snippets" / "__init__.py").write_text("")
    commands = [
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(book.root), str(book.root / "_build" / "a")],
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(book.root), str(book.root / "_build" / "b")],
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "snippets"],
    ]
    procs = [subprocess.Popen(c, cwd=book.root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for c in commands]
    outputs = [p.communicate(timeout=180)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    assert "4 passed" in outputs[2]
    total_runs = sum(int(n) for out in outputs for n in __import__("re").findall(r"(\d+) ran", out))
    assert total_runs <= 4 + 1  # one run per snippet across all three (the lock), at most one racing


def test_two_clean_builds_are_byte_identical(tmp_path: Path) -> None:
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    trees = []
    for name in ("one", "two"):
        out = tmp_path / name
        done = subprocess.run([sys.executable, "-m", "bilingual.build", "--builddir", str(out), "--", "-q"],
                              cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        trees.append({p.relative_to(out / "html"): p.read_bytes() for p in (out / "html").rglob("*") if p.is_file()})
    assert trees[0].keys() == trees[1].keys()
    different = [str(p) for p in trees[0] if trees[0][p] != trees[1][p]]
    assert different == []
    assert any(b"2026, asyncio book contributors" in v for v in trees[0].values())
