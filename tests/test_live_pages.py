"""No reader gets half a page while the live preview rebuilds.

Two halves, both real: Sphinx (with outputcheck) replaces each page whole, by a rename,
also when failure marks are written into pages after the build; and the preview's
server sends the bytes of the one file it opened, with that file's length, however
often the page is replaced meanwhile.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from booktools import STOPPED_WITHIN, Book, processes_under, wait_for

ROOT = Path(__file__).resolve().parent.parent
PAGE = "# P\n\n```{output}\n$ python3 hello.py\nhello\n```\n"


def test_a_rebuild_replaces_each_page_whole_and_so_do_the_marks(book: Book) -> None:
    """A reader who opened a page before a rebuild reads that page to its end: the new
    page is a new file renamed over it, never the old file emptied and written again."""
    book.snippet("hello", 'print("hello")\n')
    book.page("page", PAGE + "\n" + "Some text. " * 2000 + "\n")
    assert book.build(outputcheck_mark_failures=1).status == 0
    html = book.root / "_build" / "html" / "page.html"
    before = html.read_bytes()
    with html.open("rb") as reader:  # a reader in the middle of the page
        head = reader.read(1000)
        book.page("page", PAGE + "\n" + "Other text. " * 2000 + "\n")  # Sphinx writes the page again
        book.snippet("hello", 'print("goodbye")\n')  # and it fails: a mark is written into it after Sphinx
        built = book.build(outputcheck_mark_failures=1)
        assert built.status != 0
        assert head + reader.read() == before, "the page a reader had open was changed under it"
    after = html.read_text(encoding="utf-8")
    assert 'class="outputcheck-mark"' in after and "Other text." in after and after.rstrip().endswith("</html>")
    for name in ("page.html", "index.html", "genindex.html", "search.html"):
        assert (book.root / "_build" / "html" / name).stat().st_mode & 0o777 == 0o644, name
    assert not [p.name for p in (book.root / "_build" / "html").rglob("*.tmp")]


SERVER = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount
from outputcheck.live import whole_files
app = Starlette(routes=[Mount("/", app=whole_files()(directory=sys.argv[1], html=True))])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def test_the_preview_server_sends_a_page_whole_while_it_is_replaced(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    versions = [("<html>" + "a" * 58000 + "</html>\n").encode(), ("<html>" + "b" * 57859 + "</html>\n").encode()]
    page = site / "page.html"
    page.write_bytes(versions[0])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(site), str(port)], cwd=tmp_path,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)), start_new_session=True)
    done = threading.Event()
    replaced = 0

    def rebuild() -> None:  # what a build does to the page, as fast as it can
        nonlocal replaced
        while not done.is_set():
            staged = site / ".page.html.tmp"
            staged.write_bytes(versions[replaced % 2])
            os.replace(staged, page)
            replaced += 1

    def fetch() -> bytes:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/page.html", timeout=10) as response:
            return response.read()  # a body shorter than its Content-Length raises IncompleteRead

    def listening() -> bool:
        try:
            return bool(fetch())
        except OSError:
            return False

    try:
        wait_for(listening, 60, "the server")
        writer = threading.Thread(target=rebuild, daemon=True)
        writer.start()
        bodies = [fetch() for _ in range(300)]
        done.set()
        writer.join(5)
    finally:
        done.set()
        os.killpg(server.pid, 9)
        server.wait()
    assert replaced > 300, f"the page was replaced only {replaced} times during the reads"
    assert all(body in versions for body in bodies), "a body was neither the old page nor the new one"
    assert {versions.index(b) for b in bodies} == {0, 1}, "the reads never saw both pages"
    deadline = time.monotonic() + STOPPED_WITHIN
    while processes_under(tmp_path) and time.monotonic() < deadline:
        time.sleep(0.05)
