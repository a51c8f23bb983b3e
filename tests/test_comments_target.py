"""Comments that need no translator: already in the target language, or markers."""

from __future__ import annotations

from bilingual.comments import comments, translate

LISTING = '''import asyncio
import sys  # noqa: E402
# ----------------------------------------
# Run the blocking call in a thread pool.

# 스레드 풀에서 블로킹 호출을 실행한다.
x = 1  # type: ignore[assignment]
y = 2  # pragma: no cover
# ========
print(x)  # English note from the original project
'''


def test_english_comments_and_markers_are_not_messages() -> None:
    found = [c.text for c in comments(LISTING)]
    assert found == ["스레드 풀에서 블로킹 호출을 실행한다."]


def test_they_stay_as_written_and_never_count_as_untranslated() -> None:
    text, missing = translate(LISTING, lambda msgid: {"스레드 풀에서 블로킹 호출을 실행한다.": "Run it in a thread pool."}.get(msgid))
    assert missing == []
    assert "# Run it in a thread pool." in text and "# noqa: E402" in text and "# English note from the original project" in text
    assert "# ----------------------------------------" in text and "# type: ignore[assignment]" in text


def test_eight_listings_with_one_marker_add_no_message() -> None:
    listings = [f"# ----\nprint({i})  # noqa\n" for i in range(8)]
    assert sum(len(comments(source)) for source in listings) == 0
