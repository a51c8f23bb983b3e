"""When fresh runs disagree: what varied, and a declaration that is checked before it
is offered.  Every test pastes the proposal into a page and checks that the runs pass."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from pathlib import Path

import pytest

from outputcheck.reading.blocks import OutputBlock
from outputcheck.verbs.check import Settings, run_blocks
from outputcheck.judging.compare import check, transcript
from outputcheck.judging.matching import matches
from outputcheck.declaring.normalize import HostPaths
from outputcheck.reading.pages import scan_text
from outputcheck.judging.propose import Proposal, propose

CORPUS = Path(__file__).parent / "corpus"


def page(text: str, options: list[str] = ()) -> str:
    lines = "\n".join(options)
    return f"# P\n\n```{{output}}\n{lines}\n\n{text}\n```\n" if options else f"# P\n\n```{{output}}\n{text}\n```\n"


def block_of(source: str) -> OutputBlock:
    (found,) = scan_text(Path("p.md"), source)
    return found.block()


def pasted(proposal: Proposal, text: str, keep: list[str] = ()) -> OutputBlock:
    """The block an author gets by putting the proposed option lines on it (with
    ``text``, a run, as its content), read back from a page like any other."""
    return block_of(page(text, [*keep, *proposal.option_lines()]))


def runs(*bodies: str) -> list[str]:
    return ["$ python3 demo.py\n" + textwrap.dedent(body).strip("\n") for body in bodies]


def assert_agree(block: OutputBlock, transcripts: list[str]) -> None:
    for expected in transcripts:
        for actual in transcripts:
            assert matches(expected, actual, block.vary), f"{block.vary.label}\n{expected}\n---\n{actual}"


def proposal_for(transcripts: list[str], options: list[str] = ()) -> Proposal:
    proposal = propose(block_of(page(transcripts[0], list(options))), transcripts)
    assert proposal is not None and proposal.options is not None, proposal
    for text in texts(proposal, transcripts):
        assert_agree(pasted(proposal, text), transcripts)
    return proposal


def texts(proposal: Proposal, transcripts: list[str]) -> list[str]:
    """The page texts a proposal holds with: whichever run, or the run it names."""
    return transcripts if proposal.pairwise else [proposal.text]


def test_runs_that_agree_need_no_proposal() -> None:
    same = runs("took 0.5 s", "took 0.5 s")
    assert propose(block_of(page(same[0])), same) is None
    floats = runs("took 0.5 s", "took 0.7 s")
    assert propose(block_of(page(floats[0], [":any: float"])), floats) is None
    with pytest.raises(ValueError, match="at least two runs"):
        propose(block_of(page(same[0])), same[:1])


def test_optional_lines() -> None:
    transcripts = runs(
        "start\nExecuting <Handle slow()> took 0.201 seconds\nend",
        "start\nend",
        "start\nExecuting <Handle slow()> took 0.204 seconds\nend",
    )
    proposal = proposal_for(transcripts)
    assert proposal.option_lines() == [r":optional: /Executing <Handle slow\(\)> took \d+\.\d+ seconds/"]
    assert "line 3: in 2 of 3 runs: Executing" in str(proposal)


def test_joined_reads() -> None:
    transcripts = runs(
        "connected\nreceived b'This is the message.'\nclosed",
        "connected\nreceived b'This is '\nreceived b'the message.'\nclosed",
        "connected\nreceived b'Th'\nreceived b'is is the mes'\nreceived b'sage.'\nclosed",
    )
    proposal = proposal_for(transcripts)
    assert proposal.option_lines() == [":joined: /received b'(.*)'/"]
    assert "the same data in 1 to 3 lines" in str(proposal)


def test_any_worker_in_any_order() -> None:
    transcripts = runs(
        """
        ThreadPoolExecutor-0_0 blocks(0): done
        ThreadPoolExecutor-0_0 blocks(2): running
        ThreadPoolExecutor-0_1 blocks(1): done
        ThreadPoolExecutor-0_1 blocks(3): running
        results: [0, 1, 4, 9]
        """,
        """
        ThreadPoolExecutor-0_1 blocks(1): done
        ThreadPoolExecutor-0_1 blocks(2): running
        ThreadPoolExecutor-0_0 blocks(0): done
        ThreadPoolExecutor-0_0 blocks(3): running
        results: [4, 0, 9, 1]
        """,
    )
    proposal = proposal_for(transcripts)
    options = dict(line[1:].split(": ", 1) for line in proposal.option_lines())
    assert options["any"] == r"/ThreadPoolExecutor-\d+_\d+/"  # not every number: the task numbers stay checked
    # the reordered lines are named by their shape, which holds whichever run the page shows
    assert options["vary"] == "item-order" and options["unordered"] == "/ThreadPoolExecutor-.*/"
    assert proposal.pairwise


def test_pids_keep_identity_when_every_run_keeps_it() -> None:
    transcripts = runs(
        "started pid 101\nstarted pid 102\npid 101 exited\npid 102 exited",
        "started pid 201\nstarted pid 202\npid 201 exited\npid 202 exited",
        "started pid 301\nstarted pid 302\npid 301 exited\npid 302 exited",
    )
    proposal = proposal_for(transcripts)
    assert proposal.option_lines() == [":vary: number"]
    # the proposal is as strict as the runs allow: a pid that changes between lines fails
    wrong = "$ python3 demo.py\nstarted pid 7\nstarted pid 8\npid 8 exited\npid 7 exited"
    assert not matches(transcripts[0], wrong, pasted(proposal, transcripts[0]).vary)


def test_sizes_in_a_table() -> None:
    transcripts = runs(
        "path       size   used\n/         252G    23G\n/dev/shm   24G    20K",
        "path       size   used\n/         252G    24G\n/dev/shm   24G      0",
    )
    proposal = proposal_for(transcripts)
    assert proposal.option_lines() == [":any: size"]


def test_existing_declarations_are_kept() -> None:
    transcripts = runs("at 0x7f01 took 0.5 s\nend", "at 0x7f02 took 0.5 s\nextra line 1\nend")
    proposal = proposal_for(transcripts, [":vary: address"])
    assert ":vary: address" in proposal.option_lines()
    assert proposal.new_lines == [r":optional: /extra line 1/"]


def test_nothing_found_is_said() -> None:
    transcripts = runs("hello", "goodbye")
    proposal = propose(block_of(page(transcripts[0])), transcripts)
    assert proposal is not None and proposal.options is None
    report = str(proposal)
    assert "p.md:3: 2 fresh runs of demo.py do not agree; nothing was written" in report
    assert "no declaration found" in report and "next: make snippets/demo.py print the same thing" in report


RESTLESS = '''
import os, random
print(f"worker pid {os.getpid()} starting")
data = b"all the data, which arrives in parts"
cuts = sorted(random.sample(range(1, len(data)), random.randint(0, 3)))
for a, b in zip([0, *cuts], [*cuts, len(data)]):
    print(f"received {data[a:b]!r}")
if random.random() < 0.5:
    print(f"note: took the slow path ({random.random():.3f} s)")
lines = ["task a done", "task b done", "task c done"]
random.shuffle(lines)
print("\\n".join(lines))
print(f"took {random.random():.3f} s")
print("end")
'''


def fresh_runs(blocks: list[OutputBlock], snippets: Path, count: int) -> list[list[tuple[str, object]]]:
    """``count`` fresh runs of each block: (transcript, result) per block per run."""
    settings = Settings(snippets, sys.executable, cache_dir=None, timeout=60)

    async def all_runs() -> list:
        return await asyncio.gather(*(run_blocks(blocks, settings) for _ in range(count)))

    host = HostPaths.for_run(snippets)
    batches = asyncio.run(all_runs())
    return [[(transcript(b, batch.results[b.spec], host), batch.results[b.spec]) for batch in batches] for b in blocks]


def test_end_to_end_real_runs_propose_paste_and_pass(tmp_path: Path) -> None:
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "restless.py").write_text(RESTLESS)
    block = block_of(page("$ python3 restless.py"))  # a new block: only its command line
    (runs_of_block,) = fresh_runs([block], snippets, 6)
    transcripts = [t for t, _ in runs_of_block]
    proposal = propose(block, transcripts)
    assert proposal is not None and proposal.options is not None, proposal
    assert "pid" in str(proposal) and "nothing was written" in str(proposal)
    # paste the proposed lines, with one of the runs as the page's text: every run passes,
    # judged the way the build judges it
    for text in texts(proposal, transcripts)[:2]:
        new_block = pasted(proposal, text)
        for _, result in runs_of_block:
            verdict = check(new_block, result, HostPaths.for_run(snippets), 60)
            assert verdict.ok, verdict.report()


def test_end_to_end_on_corpus_listings() -> None:
    """The thread pool and the echo pair of the corpus, from their command lines alone:
    whatever their runs show, the proposal makes them pass."""
    sources = [
        page("$ python3 corpus_executor_thread.py"),
        page("$ python3 corpus_echo_client.py", [":server: corpus_echo_server"]),
        page("$ python3 corpus_echo_server.py", [":client: corpus_echo_client"]),
        page("$ python3 corpus_subprocess.py"),
    ]
    blocks = [block_of(s) for s in sources]
    host = HostPaths.for_run(CORPUS / "snippets")
    proposed = 0
    for source, block, runs_of_block in zip(sources, blocks, fresh_runs(blocks, CORPUS / "snippets", 5), strict=True):
        proposal = propose(block, [t for t, _ in runs_of_block])
        if proposal is None:
            continue  # these runs happened to agree
        proposed += 1
        assert proposal.options is not None, proposal
        keep = [line for line in source.split("\n") if line.startswith((":server:", ":client:"))]
        new_block = pasted(proposal, texts(proposal, [t for t, _ in runs_of_block])[-1], keep)
        for _, result in runs_of_block:
            verdict = check(new_block, result, host, 60)
            assert verdict.ok, f"{proposal}\n{verdict.report()}"
    assert proposed >= 1  # the subprocess pids alone differ on every run
