"""What make update-outputs proposes for listings whose output varies holds on runs it
never saw, and still catches a wrong value on the page.

For each new case of the corpus (a pid padded with %5s that crosses from 4 to 5 digits
during the test, a df-like table whose sizes change, a debug-mode report of a slow
step, sent and received lines that interleave while TCP splits the data, a racy lookup
that sometimes prints no results): a block with only its command line is updated the
way make update-outputs does it (three fresh runs; when they disagree, a proposal
checked on new runs); the proposal is pasted in; 20 fresh rounds, all at once, must
match it; and a mutation of a meaningful value on the page must fail.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from corpus_rounds import SETTINGS, block, fresh
from outputcheck.judging import propose_internals
from outputcheck.verbs import update
from outputcheck.judging.matching import matches

ROUNDS = 20
NS_LAST_PID = Path("/proc/sys/kernel/ns_last_pid")


def set_last_pid(pid: int) -> None:
    """The next pid the kernel hands out is the first free one after ``pid``."""
    NS_LAST_PID.write_text(str(pid))


def propose_for(command: str, options: list[str] = (), attempts: int = 8) -> tuple[list[str], str]:
    """The option lines update proposes for a block that shows only its command line,
    and its whole report; the update is tried again while its three runs agree."""
    b = block(command, options)
    for _ in range(attempts):
        (verdict,) = fresh(b, 1)
        confirmed, refused = update.confirm([verdict], SETTINGS)
        if refused:
            report = refused[0].report()
            proposed = report.split("(every run matches every other under it):\n")[1].split("\n  next:")[0]
            assert "checked on 5 new fresh runs before it is shown: it held in 5 of 5" in report, report
            return [line.strip() for line in proposed.split("\n") if line.strip()], report
    raise AssertionError(f"{attempts} updates of {command}: the three runs always agreed")


def holds(command: str, options: list[str], mutate: list[tuple[str, str]], before_rounds=lambda: None) -> tuple[str, list[str]]:
    """The proposal pasted into a page with one run as its text: 20 fresh rounds all
    match it, and each mutation of the text fails for every round.  Returns the texts."""
    first = fresh(block(command, options), 1)[0].actual
    pasted = block(command, options, first)
    before_rounds()
    verdicts = fresh(pasted, ROUNDS)
    failures = [v.report() for v in verdicts if not v.ok]
    assert not failures, "\n\n".join(failures)
    print(f"{command}: {' '.join(options)} held {ROUNDS}/{ROUNDS} fresh rounds")
    for old, new in mutate:
        assert old in first, (old, first)
        wrong = first.replace(old, new, 1)
        assert not any(matches(wrong, v.actual, pasted.vary) for v in verdicts), (old, new)
    return first, [v.actual for v in verdicts]


@pytest.mark.skipif(not os.access(NS_LAST_PID, os.W_OK), reason="cannot set the next pid here (needs root): pids cannot be made to cross 4 to 5 digits")
def test_a_padded_pid_that_crosses_from_4_to_5_digits() -> None:
    set_last_pid(5000)  # the proposal sees 4-digit pids, padded to 5 columns
    options, report = propose_for("corpus_pids.py")
    assert "PID  " not in " ".join(options), report  # not the padding of one run
    mutations = [("exit code 0", "exit code 1"), ("worker 1 started", "worker 7 started"), ("3 different", "2 different")]
    first, runs = holds("corpus_pids.py", options, mutations, before_rounds=lambda: set_last_pid(9940))  # the rounds cross 10000
    assert re.search(r"PID  \d{4}\b", first), first  # the page shows a padded 4-digit pid
    pids = {int(p) for text in runs for p in re.findall(r"PID +(\d+)", text)}
    assert min(pids) < 10000 <= max(pids), sorted(pids)  # the test crossed from 4 to 5 digits
    # identity is kept: a worker that exits under another pid than it started with fails
    pasted = block("corpus_pids.py", options, first)
    a, b = re.findall(r"PID +(\d+)", first)[:2]
    swapped = first.replace(f"worker 0 exited, PID {a:>5}", f"worker 0 exited, PID {b:>5}")
    assert not matches(swapped, first, pasted.vary)


def test_a_df_like_table_whose_sizes_change() -> None:
    options, report = propose_for("corpus_volumes.py")
    assert not any(line.startswith(":optional:") for line in options), report  # no line per size seen
    assert ":any: size, /\\d+(?=%)/" in options, report  # the kind, and the percentage's number only
    holds("corpus_volumes.py", options, [("/srv/logs", "/srv/log"), ("vol-cache", "vol-cachet"), ("Mounted on", "Mounted at")])


def test_a_debug_mode_report_of_a_slow_step() -> None:
    options, report = propose_for("corpus_debug_slow.py")
    assert "python3.11" not in " ".join(options) and "base_events.py:" not in " ".join(options), report
    assert propose_internals.WAKEUP in " ".join(options), report  # a task's wakeup as every Python prints it
    holds("corpus_debug_slow.py", options, [("main: got KEY", "main: got KEX"), ("debug mode: True", "debug mode: False")])


def test_sent_and_received_lines_that_interleave() -> None:
    server = [":server: corpus_echo_server"]
    options, report = propose_for("corpus_interleaved.py", server)
    assert any("(?P<" in line for line in options), report
    holds("corpus_interleaved.py", server + options, [("message. ", "massage. "), ("client: done", "client: gone")])


def test_a_joined_pattern_with_an_optional_group_is_a_located_error() -> None:
    from outputcheck.reading.blocks import BlockError

    with pytest.raises(BlockError, match=r"does not take part in every line.*\(\?P<received>"):
        block("corpus_interleaved.py", [":server: corpus_echo_server", ":joined: /client: (?:received b'(.*)'|sent b'.*')/"])


def test_a_racy_listing_is_never_written_with_fewer_results() -> None:
    options, report = propose_for("corpus_racy.py")
    assert any(line.startswith(":optional:") for line in options), report
    assert "come and go together" in report and "the listing is racy: fix it" in report, report
    holds("corpus_racy.py", options, [("looking up 3 names", "looking up 4 names")])
    # The update with that declaration never writes the run without results: by default a
    # block whose runs show different numbers of results is refused, with its counts and
    # the command that writes the fullest run; that command writes a run with them.
    b = block("corpus_racy.py", options)
    seen = []
    for write_fullest in (False, False, False, True, True, True):
        (verdict,) = fresh(b, 1)
        confirmed, refused = update.confirm([verdict], SETTINGS, runs=8, write_fullest=write_fullest)
        if refused:
            (r,) = refused
            assert not write_fullest and not confirmed, r.report()
            assert r.report().startswith(f"{b.location}: not updated [python3 corpus_racy.py]"), r.report()
            assert "the listing is racy" in r.report() and update.WRITE_FULLEST_COMMAND in r.report(), r.report()
            seen.append(re.search(r"(\d+ of the \d+) runs had them", r.report()).group(1) + " (refused)")
            continue
        (written,) = confirmed
        assert "alpha: 10.0.0.1" in written.actual, written.update_note
        assert "runs had them" in written.update_note
        uneven = "wrote the run with the most" in written.update_note
        assert uneven <= write_fullest and uneven == ("8 of the 8" not in written.update_note), written.update_note
        seen.append(re.search(r"(\d+ of the \d+) runs had them", written.update_note).group(1) + (" (written)"))
    print("runs with results, per update of 8 runs (3 by default, then 3 with --write-fullest):", seen)
