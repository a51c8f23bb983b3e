"""Build both editions and the root page that sends a visitor to one of them.

``make html`` runs this.  Three things happen at once:

- the snippets of every output block start running right away (found by the page
  scanner, longest first, results into the shared cache);
- the Korean and the English edition are built by two Sphinx processes side by side.

When a build reaches its check, it finds each run in the cache, or waits for the one
under way: a per-run lock in the cache makes every snippet run once for both editions.
So a clean build takes about as long as the slower of (the slowest snippet, the Sphinx
builds), not their sum.  Each edition's messages are printed together when it ends,
and the exit status is non-zero if either edition failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from outputcheck.running import interrupts, processes
from outputcheck.running.files import write_atomic

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
<main>
<h1>10.5 asyncio</h1>
<p><a href="ko/index.html" hreflang="ko" lang="ko">한국어: asyncio: 비동기적 I/O, 이벤트 루프, 동시 작업 도구</a></p>
<p><a href="en/index.html" hreflang="en" lang="en">English: asyncio: Asynchronous I/O, Event Loops, and Concurrency Tools</a></p>
</main>
</body>
</html>
"""


def sphinx_command(language: str, root: Path, builddir: Path, options: list[str], builder: str) -> list[str]:
    return [
        sys.executable, "-m", "sphinx",
        "-b", builder,
        "-c", str(root),
        "-d", str(builddir / "doctrees" / builder / language),
        *options,
        str(root / "docs"),
        str(builddir / builder / language),
    ]


def _inputs_stamp(root: Path) -> str:
    """Size and time of every page and snippet: when equal to the last prefetch's, every
    run it would start is already in the cache (or ran and failed: the builds report it)."""
    files = sorted(
        (str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns)
        for pattern in ("docs/*.md", "snippets/*.py")
        for p in root.glob(pattern)
    )
    return repr(files)


def prefetch(root: Path) -> threading.Thread | None:
    """Start every snippet run now, in the background, into the shared cache."""
    from outputcheck.verbs.check import run_blocks
    from outputcheck.verbs.config import load
    from outputcheck.reading.pages import collect
    from outputcheck.running.runner import RunResult

    project = load(root)
    marker = project.cache / "prefetched"
    stamp = _inputs_stamp(root)
    try:
        if marker.read_text() == stamp:
            return None  # nothing changed since every run was fetched
    except OSError:
        pass

    def progress(result: RunResult) -> None:
        if not result.cached:
            how = "timed out" if result.timed_out else f"exit {result.returncode}"
            print(f"outputcheck: ran {result.spec.label} ({how}, {result.duration:.2f} s)", flush=True)

    def work() -> None:
        blocks, _ = collect(project.pages, project.root)  # broken blocks: the builds report them
        batch = asyncio.run(run_blocks(blocks, project.settings(), on_result=progress))
        if batch.failed == 0:
            project.cache.mkdir(parents=True, exist_ok=True)
            write_atomic(marker, stamp.encode())

    return interrupts.worker(work, "prefetch")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bilingual.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("--builddir", type=Path, default=Path("_build"))
    parser.add_argument("--builder", default="html")
    parser.add_argument("--only", choices=sorted(EDITIONS), help="build one edition")
    parser.add_argument(
        "--editions", default=" ".join(EDITIONS),
        help="the editions to build, separated by spaces (make html EDITIONS=ko: the Korean one while the English catalogs lag)",
    )
    parser.add_argument("--serial", action="store_true", help="one edition after the other, no prefetch")
    parser.add_argument("sphinx_options", nargs="*", help="passed to sphinx-build (after --)")
    args = parser.parse_args(argv)
    root = Path(__file__).resolve().parent.parent
    started = time.monotonic()
    interrupts.install("make html" if args.builder == "html" else f"make {args.builder}")
    languages = [args.only] if args.only else args.editions.split()
    unknown = [lang for lang in languages if lang not in EDITIONS]
    if unknown or not languages:
        parser.error(f"EDITIONS takes {' and/or '.join(EDITIONS)}, not {' '.join(unknown) or 'nothing'}")
    # The editions' Sphinx processes and every listing they run belong to this command;
    # if it is interrupted, what they stored in the run cache goes too.
    from outputcheck.running.cache import forget_on_interrupt
    from outputcheck.verbs.config import load

    forget_on_interrupt(load(root).cache)
    child_env = dict(os.environ, **{processes.OWNER_MARKER: processes.OWNER})
    names = " and ".join(f"{EDITIONS[lang]} ({lang})" for lang in languages)
    interrupts.set_phase(f"building the {names} edition{'s' if len(languages) > 1 else ''}, with the listings running")
    executing = not any(o.replace(" ", "") in ("outputcheck_execute=0", "outputcheck_execute=False") for o in args.sphinx_options)
    fetcher = prefetch(root) if executing and not args.serial else None

    failed = []
    if args.serial:
        for language in languages:
            command = sphinx_command(language, root, args.builddir, args.sphinx_options, args.builder)
            print(f"== {EDITIONS[language]} ({language})", flush=True)
            if subprocess.run(command, env=dict(child_env, BOOK_LANGUAGE=language)).returncode != 0:
                failed.append(language)
    else:
        running = {
            language: subprocess.Popen(
                sphinx_command(language, root, args.builddir, args.sphinx_options, args.builder),
                env=dict(child_env, BOOK_LANGUAGE=language),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for language in languages
        }
        interrupts.on_interrupt(lambda: [p.kill() for p in running.values() if p.poll() is None])
        # Each edition's output is read by a worker; this thread only waits, in slices,
        # so that Ctrl-C or SIGTERM is acted on at once (see interrupts.worker).
        outputs: dict[str, str] = {}
        readers = [
            interrupts.worker(lambda lang=language, proc=proc: outputs.__setitem__(lang, proc.communicate()[0]),
                              f"read {language}")
            for language, proc in running.items()
        ]
        for reader in readers:
            interrupts.join(reader)
        for language, proc in running.items():
            print(f"== {EDITIONS[language]} ({language})", flush=True)
            print(outputs.get(language, ""), end="", flush=True)
            if proc.returncode != 0:
                failed.append(language)
    if fetcher:
        interrupts.join(fetcher)
    if args.builder == "html":
        write_atomic(args.builddir / "html" / "index.html", ROOT_PAGE.encode("utf-8"))
    took = time.monotonic() - started
    if failed:
        print(f"build: {', '.join(failed)} edition(s) failed ({took:.1f} s); see the errors above", file=sys.stderr)
        return 1
    built = "both editions" if len(languages) == len(EDITIONS) else names + " edition"
    where = args.builddir / args.builder / ("index.html" if args.builder == "html" else "")
    print(f"build: {built} built in {took:.1f} s; see {where}")
    left_out = [f"{EDITIONS[lang]} ({lang})" for lang in EDITIONS if lang not in languages]
    if left_out:
        print(f"build: the {' and '.join(left_out)} edition was NOT built or checked (EDITIONS={' '.join(languages)}); "
              f"`make html` builds and checks both")
    return 0


if __name__ == "__main__":
    sys.exit(main())
