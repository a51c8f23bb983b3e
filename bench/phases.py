"""A Sphinx extension for ``make bench``: where one Sphinx process spends its CPU.

``make bench`` copies this file into a private copy of the book and adds it to that
copy's extensions, so the book itself never loads it.  When ``BENCH_PHASES`` names a
folder, each Sphinx process writes ``<language>.json`` there with its own user + system
CPU seconds (threads included, child processes not) at four moments: reading starts;
reading ends (``env-updated``, before any other extension's handler); the checks that
extensions run on the complete environment end (``env-updated``, after every other
handler: outputcheck's verification, the translation drift check); the process exits.
Start-up (the interpreter, Sphinx, the extensions, the configuration, the catalogs) is
everything before reading; writing is everything after the checks.
"""

from __future__ import annotations

import atexit
import json
import os
import resource
from pathlib import Path


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def setup(app: object) -> dict[str, object]:
    folder = os.environ.get("BENCH_PHASES")
    marks: dict[str, float] = {}

    def reading(app: object, env: object, docnames: list[str]) -> None:
        marks.setdefault("reading starts", _cpu())

    def read(app: object, env: object) -> None:
        marks.setdefault("reading ends", _cpu())

    def checked(app: object, env: object) -> None:
        marks.setdefault("checks end", _cpu())

    def done() -> None:
        marks["exit"] = _cpu()
        language = app.config.language  # type: ignore[attr-defined]
        (Path(folder) / f"{language}.json").write_text(json.dumps(marks))

    if folder:
        app.connect("env-before-read-docs", reading)  # type: ignore[attr-defined]
        app.connect("env-updated", read, priority=0)  # type: ignore[attr-defined]
        app.connect("env-updated", checked, priority=1000)  # type: ignore[attr-defined]
        atexit.register(done)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
