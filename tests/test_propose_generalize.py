"""Proposals name the kind of variation, so they hold for runs they never saw (issue
#24, points 1 and 2): each case proposes from three runs, then meets a fourth that
differs the way the next real run would."""

from __future__ import annotations

from test_propose import block_of, page, pasted, runs

from outputcheck.judging.matching import matches
from outputcheck.judging.propose import propose


def proposal(transcripts: list[str]):
    found = propose(block_of(page(transcripts[0])), transcripts)
    assert found is not None and found.options is not None, found
    return found


def test_a_padded_pid_holds_when_pids_reach_five_digits() -> None:
    seen = runs(*(f"worker 1 started, PID {pid:>5}\nworker 1 exited, PID {pid:>5}, exit code 0" for pid in (4101, 4188, 4203)))
    found = proposal(seen)
    assert found.option_lines() == [r":vary: /(?<=PID ) *\d+/"]
    b = pasted(found, seen[0])
    assert matches(b.text, seen[0].replace(" 4101", "10023"), b.vary)
    assert not matches(b.text, seen[0].replace("exit code 0", "exit code 1"), b.vary)


def test_a_df_table_names_the_size_kind_and_the_percentage() -> None:
    rows = [("20K", "24G", "1%"), ("0", "24G", "0%"), ("77G", "1.2T", "66%")]
    seen = runs(*(f"path   size  used  free  use\n/data  1.8T  {u:>4}  {f:>4}  {p:>3}" for u, f, p in rows))
    found = proposal(seen)
    assert found.option_lines() == [r":any: size, /\d+(?=%)/"]
    assert not any("here" in v and "; " in v and "size" not in v for v in found.varied)  # kinds are told apart
    b = pasted(found, seen[0])
    assert matches(b.text, seen[0].replace(" 20K   24G   1%", " 76G  1.1T  65%"), b.vary)  # a size never seen
    assert not matches(b.text, seen[0].replace("/data", "/date"), b.vary)


def test_an_optional_debug_line_does_not_name_one_python_s_files() -> None:
    slow = ("Executing <Task pending name='Task-1' coro=<main() running at slow.py:18> cb=[_run_until_complete_cb() "
            "at <python>/lib/python3.11/asyncio/base_events.py:180]> took 0.151 seconds")
    seen = runs(f"debug: on\n{slow}\ndone", "debug: on\ndone", "debug: on\ndone")
    found = proposal(seen)
    (line,) = found.option_lines()
    assert "python3" not in line and "180" not in line, line
    b = pasted(found, seen[0])
    other = slow.replace("python3.11", "python3.13").replace(":180", ":197").replace("0.151", "0.2")
    assert matches(b.text, seen[1].replace("debug: on", f"debug: on\n{other}"), b.vary)
    assert not matches(b.text, seen[1].replace("done", "dome"), b.vary)


def test_interleaved_sent_and_received_lines_are_explained_and_joined_apart() -> None:
    seen = runs(
        "sent b'abc'\nreceived b'ab'\nsent b'def'\nreceived b'cdef'\nEOF",
        "sent b'abc'\nsent b'def'\nreceived b'abcdef'\nEOF",
        "sent b'abc'\nreceived b'abc'\nsent b'def'\nreceived b'd'\nreceived b'ef'\nEOF",
    )
    found = proposal(seen)
    assert found.varied and "interleave" in " ".join(found.varied), found.varied
    assert found.option_lines() == [r":joined: /(?:received b'(?P<received>.*)'|sent b'(?P<sent>.*)')/"] or found.option_lines() == [
        r":joined: /(?:sent b'(?P<sent>.*)'|received b'(?P<received>.*)')/"
    ]
    b = pasted(found, seen[0])
    assert not matches(b.text, seen[1].replace("b'abcdef'", "b'abcdeg'"), b.vary)
