"""make soak counts a check's distinct outputs as the build compares them: a value the block
declares under ``:any:`` (whichever worker ran a call) is not another output."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _soak():
    sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
    spec = importlib.util.spec_from_file_location("bench_soak", ROOT / "bench" / "soak.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_soak"] = module
    spec.loader.exec_module(module)
    return module


def test_any_values_are_one_output_and_everything_else_still_counts() -> None:
    blank = _soak()._any_blanked
    kinds = ("/(?<=ThreadPoolExecutor-0_)\\d+/", "float")
    one = blank("ran in ThreadPoolExecutor-0_1 in 0.31 s\nresult 6", kinds)
    other = blank("ran in ThreadPoolExecutor-0_0 in 0.29 s\nresult 6", kinds)
    assert one == other
    # what is not declared still makes another output
    assert blank("ran in ThreadPoolExecutor-1_0 in 0.31 s\nresult 6", kinds) != one
    assert blank("ran in ThreadPoolExecutor-0_1 in 0.31 s\nresult 7", kinds) != one
