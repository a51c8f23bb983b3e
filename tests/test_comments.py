"""What a translator sees of a listing's comments: prose, never a shebang, an encoding
line, a license header or commented-out code."""

from __future__ import annotations

import pytest

from bilingual.comments import comments, is_code, translate

SOURCE = '''\
#!/usr/bin/env python3
# -*- coding: utf-8 -*-
# Copyright (c) 2024 The Authors
# SPDX-License-Identifier: MIT

"""A docstring is not a comment."""

import asyncio

# 이벤트 루프를 시작한다.
# asyncio.run(main())
x = 1  # 끝
# done
# 결과 = 계산(x)
# 참고: 나중에
'''


def test_only_prose_is_a_message() -> None:
    assert [(c.first, c.last, c.text) for c in comments(SOURCE)] == [
        (10, 10, "이벤트 루프를 시작한다."),  # the line of code under it is not part of it
        (12, 12, "끝"),
        # 13, "# done", is prose but already in the target language (no Hangul): not a message
        (15, 15, "참고: 나중에"),
    ]


@pytest.mark.parametrize(
    "text",
    ["asyncio.run(main())", "loop.close()", "x = 1", "import os", "def f(): pass", "return x", "await task",
     "total += n", "a[0]", "n * 2", "x: int = 3", "결과 = 계산(x)", "print(f'{n} done')"],
)
def test_commented_out_code(text: str) -> None:
    assert is_code(text)


@pytest.mark.parametrize(
    "text",
    ["done", "TODO: fix later", "note: this waits", "이벤트 루프를 시작한다.", "완료", "서버 생성",
     "Ctrl-C(SIGINT)로 서버를 멈춘다.", "see asyncio.run", "wait for it...", "e.g. a socket", ""],
)
def test_prose_is_not_code(text: str) -> None:
    assert not is_code(text)


def test_encoding_lines_only_at_the_top_and_license_only_as_the_header() -> None:
    source = "# vim: set fileencoding=utf-8 :\nx = 1\n# 데이터의 license는 여기서 확인한다\n# encoding: 나중에\n"
    assert [c.text for c in comments(source)] == ["데이터의 license는 여기서 확인한다\nencoding: 나중에"]
    later = "x = 1\n# Copyright 안내문은 아래에 출력한다\n"
    assert [c.text for c in comments(later)] == ["Copyright 안내문은 아래에 출력한다"]


def test_skipped_comments_stay_as_written_in_the_translation() -> None:
    translated, missing = translate(SOURCE, lambda msgid: {"끝": "end"}.get(msgid))
    assert "# Copyright (c) 2024 The Authors" in translated and "#!/usr/bin/env python3" in translated
    assert "x = 1  # end" in translated
    assert [c.first for c in missing] == [10, 15]
    assert "# done" in translated  # already in the target language: as written
    assert "# asyncio.run(main())" in translated and "# 결과 = 계산(x)" in translated
