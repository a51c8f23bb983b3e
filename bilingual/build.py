"""Build both editions and the root page that sends a visitor to one of them.

``make html`` runs this.  The Korean edition is built first: it runs the snippets (or
takes them from the cache); the English edition then finds every run in the cache, so
each snippet runs once for both.  Both builds always run, so one command reports every
problem of either edition, and the exit status is non-zero if either failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from outputcheck.cache import write_atomic

EDITIONS = {"ko": "한국어", "en": "English"}

ROOT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>10.5 asyncio</title>
<link rel="alternate" hreflang="ko" href="ko/index.html">
<link rel="alternate" hreflang="en" href="en/index.html">
<script>
  // Send the visitor to the edition of their browser's language; the links below
  // work without JavaScript.
  (function () {
    var langs = navigator.languages || [navigator.language || ""];
    var pick = "en";
    for (var i = 0; i < langs.length; i++) {
      var l = (langs[i] || "").toLowerCase();
      if (l.indexOf("ko") === 0) { pick = "ko"; break; }
      if (l.indexOf("en") === 0) { pick = "en"; break; }
    }
    location.replace(pick + "/index.html" + location.hash);
  })();
</script>
<style>
  body { font-family: system-ui, -apple-system, "Apple SD Gothic Neo", "Noto Sans KR", "Malgun Gothic", sans-serif;
         max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.6; }
  :lang(ko) { word-break: keep-all; }
  a { display: block; margin: 0.5rem 0; font-size: 1.2rem; }
</style>
</head>
<body>
<h1>10.5 asyncio</h1>
<p><a href="ko/index.html" hreflang="ko" lang="ko">한국어: asyncio: 비동기적 I/O, 이벤트 루프, 병렬 작업 도구</a></p>
<p><a href="en/index.html" hreflang="en" lang="en">English: asyncio: Asynchronous I/O, Event Loops, and Concurrency Tools</a></p>
</body>
</html>
"""


def build_edition(language: str, root: Path, builddir: Path, options: list[str], builder: str = "html") -> int:
    env = dict(os.environ, BOOK_LANGUAGE=language)
    command = [
        sys.executable, "-m", "sphinx",
        "-b", builder,
        "-c", str(root),
        "-d", str(builddir / "doctrees" / builder / language),
        *options,
        str(root / "docs"),
        str(builddir / builder / language),
    ]
    print(f"== {EDITIONS[language]} ({language}): {' '.join(command[2:])}", flush=True)
    return subprocess.run(command, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bilingual.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--builddir", type=Path, default=Path("_build"))
    parser.add_argument("--builder", default="html")
    parser.add_argument("--only", choices=sorted(EDITIONS), help="build one edition")
    parser.add_argument("sphinx_options", nargs="*", help="passed to sphinx-build (after --)")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    started = time.monotonic()
    failed = []
    for language in [args.only] if args.only else list(EDITIONS):
        if build_edition(language, root, args.builddir, args.sphinx_options, args.builder) != 0:
            failed.append(language)
    if args.builder == "html":
        write_atomic(args.builddir / "html" / "index.html", ROOT_PAGE.encode("utf-8"))
    took = time.monotonic() - started
    if failed:
        print(f"build: {', '.join(failed)} edition(s) failed ({took:.1f} s); see the errors above", file=sys.stderr)
        return 1
    built = args.only or "both editions"
    where = args.builddir / args.builder / ("index.html" if args.builder == "html" else "")
    print(f"build: {built} built in {took:.1f} s; see {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
