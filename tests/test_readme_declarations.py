"""Every declaration the README documents has an example there, and every example is a
block the build accepts and that holds for the runs it describes."""

from __future__ import annotations

from pathlib import Path

from outputcheck.reading.blocks import OutputBlock
from outputcheck.judging.matching import matches
from outputcheck.reading.pages import scan_text

README = Path(__file__).parent.parent / "README.md"
DECLARATIONS = ("vary", "any", "optional", "joined", "unordered", "host")


def examples() -> list[OutputBlock]:
    return [found.block() for found in scan_text(README, README.read_text(encoding="utf-8")) if found.name == "output"]


def test_every_declaration_has_an_example_that_builds() -> None:
    blocks = examples()  # a BlockError here names the README line
    for option in DECLARATIONS:
        assert any(option in found.options for found in scan_text(README, README.read_text(encoding="utf-8"))), option
    assert sum(1 for block in blocks if block.vary.declared or block.vary.host) >= 5


def test_the_examples_hold_for_the_runs_they_describe() -> None:
    by_command = {block.command: block for block in examples()}
    debug = by_command["$ python3 debug_mode.py"]
    run = "$ python3 debug_mode.py\ndebug mode: True\nExecuting <Handle slow()> took 0.201 seconds\nmain: done"
    assert matches(debug.text, run, debug.vary)
    crash = run + "\nTraceback (most recent call last):\n  File \"x.py\", line 3\nValueError: x"
    assert not matches(debug.text, crash, debug.vary)  # ValueError: x is not a declared line
    echo = by_command["$ python3 echo_client.py"]
    split = echo.text.replace("message. It", "message. '\nreceived b'It")
    assert split != echo.text and matches(echo.text, split, echo.vary)
    executors = by_command["$ python3 executors.py"]
    other = executors.text.replace("4242", "77").replace("0_1", "0_0").replace("0.30", "0.31")
    assert matches(executors.text, other, executors.vary)
    assert not matches(executors.text, other.replace("stopped pid 77", "stopped pid 78"), executors.vary)
    gather = by_command["$ python3 gather.py"]
    assert matches(gather.text, gather.text.replace("task b done\ntask a done", "task a done\ntask b done"), gather.vary)


def test_the_advice_examples_hold_and_still_catch_a_wrong_value() -> None:
    by_command = {block.command: block for block in examples()}
    workers = by_command["$ python3 workers.py"]
    crossed = workers.text.replace("PID  9998", "PID 10002")
    assert matches(workers.text, crossed, workers.vary)  # the pid reached five digits
    assert not matches(workers.text, crossed.replace("exit code 0", "exit code 1"), workers.vary)
    assert not matches(workers.text, workers.text.replace("exited, PID  9998", "exited, PID  9999"), workers.vary)
    volumes = by_command["$ python3 volumes.py"]
    fuller = volumes.text.replace(" 4.3K 1020K   0%", "  617K  407K  60%")
    assert matches(volumes.text, fuller, volumes.vary)
    assert not matches(volumes.text, fuller.replace("/srv/logs", "/srv/log"), volumes.vary)
    slow = by_command["$ python3 slow.py"]
    line = ("Executing <Task pending name='Task-1' coro=<main() running at slow.py:18> created at "
            "<python>/lib/python3.13/asyncio/runners.py:117> took 0.151 seconds")
    run = slow.text.replace("main: got", line + "\nmain: got")
    assert matches(slow.text, run, slow.vary) and not matches(slow.text, run.replace("KEY", "KEX"), slow.vary)
    interleaved = by_command["$ python3 interleaved.py"]
    other = interleaved.text.replace(
        "client: received b'This is the mess'\nclient: sent b'It will be sent '\nclient: received b'age. It will be sent '",
        "client: sent b'It will be sent '\nclient: received b'This is the message. It will be sent '",
    )
    assert other != interleaved.text and matches(interleaved.text, other, interleaved.vary)
    assert not matches(interleaved.text, other.replace("message.", "massage."), interleaved.vary)
