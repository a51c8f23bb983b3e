"""The load that ``make soak`` puts beside the listings, one kind per process:

    python bench/load.py burn                 # one core's worth of pure CPU, forever
    python bench/load.py build BOOK LOG       # clean + build the book at BOOK, again and again
    python bench/load.py render SITE LOG      # headless Chromium renders every page of SITE, again and again

Each runs until it is killed (``make soak`` starts them through ``common.Children``,
which stops them and everything they started).  ``build`` and ``render`` append one
line per finished build or rendered page to LOG, so the soak can say how much of
each really happened beside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
# Quiet, offline Chromium; no sandbox because the soak may run as root.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def burn() -> None:
    x = 0
    while True:
        x = (x * 31 + 7) % 1_000_003


def build(book: Path, log: Path) -> None:
    """What a second user building the book does: ``make clean``, then the build."""
    n = 0
    while True:
        n += 1
        shutil.rmtree(book / "_build", ignore_errors=True)
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "bilingual.build", "--", "-q"], cwd=book,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with log.open("a") as out:
            out.write(f"build {n}: exit {done.returncode}, {time.monotonic() - started:.1f} s\n")
            if done.returncode != 0:  # what failed: the first line of each error, or the end of the output
                errors = [line for line in done.stdout.splitlines() if line.startswith("ERROR: ")]
                out.write("".join(f"  | {line}\n" for line in errors or done.stdout.splitlines()[-20:]))


def render(site: Path, log: Path) -> None:
    """Load each page in Chromium and paint all of it (a full-page screenshot), in turn."""
    from playwright.sync_api import sync_playwright

    pages = sorted(site.glob("*/*.html"))
    if not pages:
        raise SystemExit(f"load: no pages under {site}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        tab = browser.new_page(viewport={"width": 1200, "height": 900})
        while True:
            for page in pages:
                started = time.monotonic()
                tab.goto(page.as_uri(), wait_until="load")
                tab.screenshot(full_page=True)
                with log.open("a") as out:
                    out.write(f"rendered {page.relative_to(site)} {time.monotonic() - started:.2f} s\n")


def main(argv: list[str]) -> None:
    kind = argv[0] if argv else ""
    if kind == "burn":
        burn()
    elif kind == "build" and len(argv) == 3:
        build(Path(argv[1]), Path(argv[2]))
    elif kind == "render" and len(argv) == 3:
        render(Path(argv[1]), Path(argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
