"""``pytest snippets``: one item per output block, the same verdicts as the build."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

PYPROJECT = """
[tool.outputcheck]
pages = "docs"
snippets = "snippets"
cache = "_cache"

[tool.pytest.ini_options]
asyncio_default_fixture_loop_scope = "function"
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> Path:
    root = pytester.path
    (root / "pyproject.toml").write_text(PYPROJECT)
    (root / "docs").mkdir()
    (root / "snippets").mkdir()
    (root / "snippets" / "__init__.py").write_text("")
    (root / "snippets" / "greet.py").write_text('print("hello")\nprint("world")\n')
    (root / "snippets" / "unused.py").write_text('print("no page shows me")\n')
    (root / "docs" / "intro.md").write_text(
        textwrap.dedent(
            """\
            # Intro

            ```{output}
            $ python3 greet.py
            hello
            world
            ```

            ```{output}
            $ python3 greet.py
            hello
            world
            ```
            """
        )
    )
    return root


def test_one_item_per_block_named_after_page_and_snippet(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest_subprocess("snippets", "--collect-only", "-q")
    lines = [line for line in result.outlines if "::" in line]
    assert lines == [
        "snippets/greet.py::docs/intro.md:3",
        "snippets/greet.py::docs/intro.md:9",
    ]


def test_passing_blocks_pass_and_run_once(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest_subprocess("snippets", "-v")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["outputcheck: 1 snippet runs: 1 ran, 0 cached, 0 failed*"])
    again = pytester.runpytest_subprocess("snippets")
    again.stdout.fnmatch_lines(["outputcheck: 1 snippet runs: 0 ran, 1 cached, 0 failed*"])


def test_drift_fails_with_the_diff_and_update_fixes_it(pytester: pytest.Pytester, project: Path) -> None:
    (project / "snippets" / "greet.py").write_text('print("hello")\nprint("everyone")\n')
    result = pytester.runpytest_subprocess("snippets")
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        [
            "*docs/intro.md:3: output differs from the page*",
            "*-world*",
            "*+everyone*",
            "*next: if the new output is right, run `make update-outputs`*",
        ]
    )
    updated = pytester.runpytest_subprocess("snippets", "--update-outputs")
    updated.assert_outcomes(passed=2)
    updated.stdout.fnmatch_lines(["outputcheck: updated docs/intro.md:3*", "outputcheck: updated docs/intro.md:9*"])
    assert (project / "docs" / "intro.md").read_text().count("everyone") == 2
    pytester.runpytest_subprocess("snippets").assert_outcomes(passed=2)


def test_block_naming_a_missing_snippet_fails_in_pytest_too(pytester: pytest.Pytester, project: Path) -> None:
    (project / "docs" / "more.md").write_text("# M\n\n```{output}\n$ python3 ghost.py\nboo\n```\n\n```{output}\n:vary: nonsense\n\n$ python3 greet.py\n```\n")
    result = pytester.runpytest_subprocess("snippets")
    result.assert_outcomes(passed=2, failed=2)
    result.stdout.fnmatch_lines(["*docs/more.md:3: snippet ghost.py does not exist*"])
    result.stdout.fnmatch_lines(["*docs/more.md:8: :vary: does not know 'nonsense'*"])


def test_a_listing_named_on_the_command_line_is_run_not_imported(pytester: pytest.Pytester, project: Path) -> None:
    # A listing that ends its process when imported: pytest's own Python collector would
    # run it inside pytest (SystemExit ends the session with 'no tests ran').
    (project / "snippets" / "greet.py").write_text(
        'import sys\nprint("hello")\nprint("world")\nif __name__ != "__main__":\n    sys.exit(3)\n'
    )
    result = pytester.runpytest_subprocess("snippets/greet.py", "-q")
    result.assert_outcomes(passed=2)
    assert "SystemExit" not in result.stdout.str() + result.stderr.str()
