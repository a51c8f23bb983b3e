"""Cutting listings out of snippets: objects, regions, lines, markers never shown."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from outputcheck.reading.listing import ListingError, excerpt

SOURCE = textwrap.dedent(
    '''\
    # region setup
    import asyncio
    # endregion


    class Echo(asyncio.Protocol):

        def data_received(self, data):
            self.transport.write(data)

        def eof_received(self):
            self.log("eof")
            # returning None closes the transport

        @property
        def name(self):
            return "echo"


    # region serve
    try:
        run()
    finally:
        close()
    # endregion
    '''
)


@pytest.fixture
def script(tmp_path: Path) -> Path:
    path = tmp_path / "echo.py"
    path.write_text(SOURCE)
    return path


def test_whole_file_hides_region_markers(script: Path) -> None:
    part = excerpt(script)
    assert "# region" not in part.text and "# endregion" not in part.text
    assert part.text.startswith("import asyncio") and not part.contiguous


def test_method_with_its_closing_comment_and_dedent(script: Path) -> None:
    part = excerpt(script, pyobject="Echo.eof_received", dedent=True)
    assert part.text == 'def eof_received(self):\n    self.log("eof")\n    # returning None closes the transport'
    assert part.first_line == 11


def test_decorated_method_and_class_line(script: Path) -> None:
    assert excerpt(script, pyobject="Echo.name", dedent=True).text.startswith("@property\ndef name")
    assert excerpt(script, pyobject="Echo", lines="1").text == "class Echo(asyncio.Protocol):"


def test_region(script: Path) -> None:
    assert excerpt(script, region="serve").text == "try:\n    run()\nfinally:\n    close()"


@pytest.mark.parametrize(
    "options, message",
    [
        ({"pyobject": "Echo.missing"}, "defined here: data_received, eof_received, name"),
        ({"region": "nope"}, "marked regions: serve, setup"),
        ({"lines": "40-50"}, "outside"),
    ],
)
def test_a_missing_part_says_what_exists(script: Path, options: dict[str, str], message: str) -> None:
    with pytest.raises(ListingError, match=message):
        excerpt(script, **options)
