"""Draw a trace from :mod:`timeline.tracer` as a static, accessible SVG timeline.

The page shows the drawing beside a listing's output, in a furo-themed book that has a
light and a dark mode and is read on phones. So the SVG is static (no script), sized
by its ``viewBox`` with ``width="100%"``, coloured only through classes whose rules use
``currentColor`` and furo's CSS variables (with fallbacks for a standalone file), and
carries its own text alternative (``<title>``, ``<desc>``). The words in it come from
``labels`` so that the Korean edition passes Korean words; lane labels are code names
and stay as they are. The same trace always gives the same bytes: numbers are rounded
to 0.1 px and nothing but the trace is read.

It is read against the transcript beside it:

* lanes come in the order their tasks (or callbacks) started to run, top to bottom;
* every "printed" tick names the line it printed: a ``<title>`` (the browser's tooltip
  on hover), and it takes keyboard focus in the order the lines were printed (Tab
  walks the transcript), showing the line in a box below it while focused (CSS
  only) and giving it to a screen reader as its name (``role="img"``, ``aria-label``).
  The rest of the drawing is ``aria-hidden``: the text alternative says it in words.
  The root is a ``role="group"`` named by the ``<title>`` and described by the
  ``<desc>`` (an ``img`` could not hold focusable ticks).

Colours meet WCAG 2.1 for both of furo's themes: text 4.5:1 against the background,
every mark (bars, ticks, symbols, the focus ring) 3:1; grid lines and the zebra rows
are decoration. ``tests/browser/test_timeline_reading.py`` measures it in Chromium.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

# Words in the drawing and sentence parts of the text alternative. Keys missing from
# the ``labels`` passed to draw() fall back to these.
LABELS_EN: dict[str, str] = {
    "running": "running",
    "waiting": "waiting",
    "callback": "callback",
    "cancelled": "cancelled",
    "result": "result",
    "exception": "exception",
    "printed": "printed",
    "ms": "ms",
    # text alternative: one sentence per lane, parts joined by "sep"
    "sep": ", ",
    "created": "created at {t} ms",
    "scheduled": "scheduled at {t} ms",
    "called": "called at {t} ms",
    "waits_until": "waits until {t} ms",
    "result_is": "result {value}",
    "cancelled_at": "cancelled at {t} ms",
    "raised": "raised {value} at {t} ms",
    "unfinished": "not finished",
    "prints": "prints {items}",
    "print_item": "{text} at {t} ms",
    "item_sep": ", ",
    # a printed tick's name for a screen reader
    "tick": "{lane} printed {text} at {t} ms",
}

LABELS_KO: dict[str, str] = {
    "running": "실행 중",
    "waiting": "대기",
    "callback": "콜백",
    "cancelled": "취소",
    "result": "결과",
    "exception": "예외",
    "printed": "출력",
    "ms": "ms",
    "sep": ", ",
    "created": "{t} ms에 생성",
    "scheduled": "{t} ms에 예약",
    "called": "{t} ms에 호출",
    "waits_until": "{t} ms까지 대기",
    "result_is": "결과 {value}",
    "cancelled_at": "{t} ms에 취소",
    "raised": "{t} ms에 예외 {value}",
    "unfinished": "끝나지 않음",
    "prints": "출력 {items}",
    "print_item": "{text}({t} ms)",
    "item_sep": ", ",
    "tick": "{lane}: {t} ms에 {text} 출력",
}

# Geometry, in viewBox units (px at 100 % zoom).
PAD = 8
FONT = 13
SMALL = 12
CHAR_W = 0.6 * FONT  # monospace advance
MAX_LABEL = 32
PLOT_W = 480
LANE_H = 28
GAP = 10  # between the labels and time 0, so marks at 0 stay clear of labels
WAIT_H = 8
RUN_H = 12
MIN_RUN_W = 2.0
AXIS_H = 26
LEGEND_H = 24
RIGHT_PAD = 28

TIP_H = 18  # the box that shows a focused tick's line
TIP_PAD = 5
HIT_W = 8  # a tick's area for the pointer (wider than its line)

# ``.tl-wait`` is a mark, so 3:1 against the background (and the zebra rows): 50 % of
# the text colour is about 3.7:1 in both furo themes. The focus ring and a focused
# tick's box are furo's brand colour and background.
STYLE = """
.asyncio-timeline{font-family:var(--font-stack,sans-serif);font-size:%(small)spx}
.asyncio-timeline text{fill:currentColor}
.asyncio-timeline .tl-lane{font-family:var(--font-stack--monospace,monospace);font-size:%(font)spx}
.asyncio-timeline .tl-main{font-weight:bold}
.asyncio-timeline .tl-zebra{fill:currentColor;fill-opacity:.04}
.asyncio-timeline .tl-grid{stroke:currentColor;stroke-opacity:.15;stroke-width:1}
.asyncio-timeline .tl-axis{stroke:currentColor;stroke-opacity:.6;stroke-width:1}
.asyncio-timeline .tl-wait{fill:currentColor;fill-opacity:.5}
.asyncio-timeline .tl-run{fill:var(--color-brand-primary,#0a4bff)}
.asyncio-timeline .tl-call{fill:var(--color-background-primary,#fff);stroke:var(--color-brand-primary,#0a4bff);stroke-width:2}
.asyncio-timeline .tl-result{fill:var(--color-api-added,#21632c)}
.asyncio-timeline .tl-exception{fill:var(--color-problematic,#b30000)}
.asyncio-timeline .tl-cancel{stroke:var(--color-problematic,#b30000);stroke-width:2.2;stroke-linecap:round}
.asyncio-timeline .tl-print{stroke:currentColor;stroke-opacity:.85;stroke-width:1.5}
.asyncio-timeline .tl-hit{fill:transparent}
.asyncio-timeline .tl-tick{outline:none}
.asyncio-timeline .tl-ring{fill:none;stroke:none}
.asyncio-timeline .tl-tick:focus .tl-ring{stroke:var(--color-brand-primary,#0a4bff);stroke-width:2}
.asyncio-timeline .tl-tick:focus .tl-print{stroke-opacity:1;stroke-width:2.5}
.asyncio-timeline .tl-tip{visibility:hidden}
.asyncio-timeline .tl-tip rect{fill:var(--color-background-primary,#fff);stroke:var(--color-brand-primary,#0a4bff);stroke-width:1.5}
.asyncio-timeline .tl-tip text{font-family:var(--font-stack--monospace,monospace);white-space:pre}
""".replace("%(font)s", str(FONT)).replace("%(small)s", str(SMALL))


@dataclass(frozen=True)
class Drawing:
    """An inline ``<svg>`` and the same content as plain text (for a screen reader)."""

    svg: str
    text: str


def _n(value: float) -> str:
    """A coordinate rounded to 0.1, without a trailing ``.0`` (stable bytes)."""
    text = f"{value:.1f}"
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


def _nice_step(span: float, target: int = 6) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``target`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _fmt_ms(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return "0" if text.strip("-0.") == "" else text


def _text_width(text: str, size: float) -> float:
    """Rough advance of ``text``: wide for Hangul/CJK, 0.6 em otherwise."""
    return sum(size if ord(ch) >= 0x1100 else 0.6 * size for ch in text)


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _lane_events(trace: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    by_lane: dict[str, list[dict[str, Any]]] = {lane["id"]: [] for lane in trace["lanes"]}
    for event in trace["events"]:
        by_lane.setdefault(event["lane"], []).append(event)
    return by_lane


def started_ms(lane: dict[str, Any], events: list[dict[str, Any]]) -> float:
    """When ``lane`` started: its first run (a task's first step, a callback's call).

    A lane that never ran (a task cancelled before its first step) starts when it was
    created; so does the program lane, which is the code around the event loop.
    """
    runs = [ev["start_ms"] for ev in events if ev["type"] == "span"]
    return min(runs) if runs and lane["kind"] != "program" else lane["created_ms"]


def ordered_lanes(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """The lanes in the order they started (ties: the trace's order, i.e. creation)."""
    events = _lane_events(trace)
    return sorted(trace["lanes"], key=lambda lane: started_ms(lane, events[lane["id"]]))


def printed(trace: dict[str, Any]) -> list[dict[str, Any]]:
    """The "print" marks, in the order the lines were printed (the transcript's)."""
    return [ev for ev in trace["events"] if ev["type"] == "mark" and ev.get("kind") == "print"]


def _describe(lanes: list[dict[str, Any]], events: dict[str, list[dict[str, Any]]],
              words: dict[str, str], decimals: int) -> str:
    """The text alternative: one sentence per lane, in the order they are drawn."""
    lines = []
    for lane in lanes:
        def ms(value: float) -> str:
            return _fmt_ms(value, decimals)

        parts: list[str] = []
        kind, outcome, done = lane["kind"], lane.get("outcome"), lane.get("done_ms")
        if kind == "callback":
            parts.append(words["scheduled"].format(t=ms(lane["created_ms"])))
            for ev in events[lane["id"]]:
                if ev["kind"] == "called":
                    parts.append(words["called"].format(t=ms(ev["at_ms"])))
        elif kind != "program":
            parts.append(words["created"].format(t=ms(lane["created_ms"])))
            if done is not None:
                parts.append(words["waits_until"].format(t=ms(done)))
        if outcome == "cancelled" and done is not None:
            parts.append(words["cancelled_at"].format(t=ms(done)))
        elif outcome == "exception" and done is not None:
            parts.append(words["raised"].format(value=lane.get("outcome_text"), t=ms(done)))
        elif outcome == "result" and kind != "callback":
            parts.append(words["result_is"].format(value=lane.get("outcome_text")))
        elif outcome is None and kind != "program":
            parts.append(words["unfinished"])
        prints = [
            words["print_item"].format(text=repr(ev.get("text", "")), t=ms(ev["at_ms"]))
            for ev in events[lane["id"]]
            if ev["kind"] == "print"
        ]
        if prints:
            parts.append(words["prints"].format(items=words["item_sep"].join(prints)))
        lines.append(f"{lane['label']}: {words['sep'].join(parts)}")
    return "\n".join(lines)


def draw(trace: dict[str, Any], *, labels: dict[str, str], title: str) -> Drawing:
    """Draw ``trace`` (the JSON written by the tracer) as an SVG timeline.

    ``labels`` gives the words of the drawing and of its text alternative (see
    :data:`LABELS_EN` for the keys; :data:`LABELS_KO` is the Korean set); missing keys
    fall back to English. ``title`` becomes the SVG's ``<title>``. Lanes are drawn in
    the order they started (:func:`ordered_lanes`). Deterministic: same arguments,
    same bytes.
    """
    words = {**LABELS_EN, **labels}
    lanes = ordered_lanes(trace)
    events = _lane_events(trace)
    end = float(trace.get("end_ms") or 0.0)
    for lane in lanes:
        for key in ("created_ms", "done_ms", "due_ms"):
            if lane.get(key) is not None:
                end = max(end, lane[key])
    step = _nice_step(end)
    # A little room after the last event for its mark; ticks stay at round numbers.
    axis_max = max(end, step) * 1.03
    decimals = _decimals(step)

    label_w = max([len(_short(lane["label"])) for lane in lanes] + [4]) * CHAR_W + 2 * PAD
    x0 = PAD + label_w + GAP
    width = x0 + PLOT_W + RIGHT_PAD
    top = PAD
    plot_bottom = top + len(lanes) * LANE_H
    height = plot_bottom + AXIS_H + LEGEND_H + PAD

    def x(ms: float) -> float:
        return x0 + ms / axis_max * PLOT_W

    digest = hashlib.sha1(
        (title + json.dumps(trace, sort_keys=True, ensure_ascii=False)).encode()
    ).hexdigest()[:10]
    ident = f"tl-{digest}"
    text = _describe(lanes, events, words, decimals)
    row = {lane["id"]: i for i, lane in enumerate(lanes)}
    ticks = _ticks(printed(trace), lanes, row, words, decimals, x, top, width, ident)
    shown = ",".join(f"#{ident}-p{k}:focus~#{ident}-t{k}" for k in range(1, len(ticks) + 1))

    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="asyncio-timeline" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" width="100%" '
        f'style="max-width:{_n(width * 1.25)}px;height:auto" role="group" '
        f'aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(text)}</desc>',
        f"<style>{STYLE}" + (f"{shown}{{visibility:visible}}\n" if shown else "") + "</style>",
        # the picture; the text alternative and the ticks below say it in words
        '<g aria-hidden="true">',
    ]
    # zebra rows and grid lines first, so that everything else is drawn on top
    for i in range(len(lanes)):
        if i % 2 == 0:
            out.append(f'<rect class="tl-zebra" x="{PAD}" y="{_n(top + i * LANE_H)}" '
                       f'width="{_n(width - 2 * PAD)}" height="{LANE_H}"/>')
    grid = [i * step for i in range(int(axis_max / step + 1e-9) + 1)]
    for t in grid:
        out.append(f'<line class="tl-grid" x1="{_n(x(t))}" y1="{_n(top)}" '
                   f'x2="{_n(x(t))}" y2="{_n(plot_bottom)}"/>')

    for i, lane in enumerate(lanes):
        out.extend(_lane(lane, events[lane["id"]], top + i * LANE_H, x, end))

    # time axis
    out.append(f'<line class="tl-axis" x1="{_n(x0)}" y1="{_n(plot_bottom)}" '
               f'x2="{_n(x0 + PLOT_W)}" y2="{_n(plot_bottom)}"/>')
    for t in grid:
        out.append(f'<line class="tl-axis" x1="{_n(x(t))}" y1="{_n(plot_bottom)}" '
                   f'x2="{_n(x(t))}" y2="{_n(plot_bottom + 4)}"/>')
        out.append(f'<text x="{_n(x(t))}" y="{_n(plot_bottom + 16)}" text-anchor="middle">'
                   f"{_fmt_ms(t, decimals)}</text>")
    out.append(f'<text x="{_n(x0 - GAP - 6)}" y="{_n(plot_bottom + 16)}" text-anchor="end">'
               f"{escape(words['ms'])}</text>")

    out.extend(_legend(lanes, events, words, x0, plot_bottom + AXIS_H + LEGEND_H / 2))
    out.append("</g>")
    # printed ticks last: on top of everything, in the order printed; then their boxes
    if ticks:
        out.append('<g class="tl-prints">')
        out.extend(tick for tick, _ in ticks)
        out.extend(tip for _, tip in ticks)
        out.append("</g>")
    out.append("</svg>")
    return Drawing(svg="\n".join(out) + "\n", text=text)


def _lane(lane: dict[str, Any], events: list[dict[str, Any]], y_top: float,
          x: Any, end: float) -> list[str]:
    """The label, bars and marks of one lane (its printed ticks: :func:`_ticks`)."""
    mid = y_top + LANE_H / 2
    cls = "tl-lane tl-main" if lane["kind"] == "main" else "tl-lane"
    shown = _short(lane["label"])
    title = f"<title>{escape(lane['label'])}</title>" if shown != lane["label"] else ""
    out = [f'<text class="{cls}" x="{_n(x(0) - GAP - 6)}" y="{_n(mid + FONT * 0.35)}" '
           f'text-anchor="end">{title}{escape(shown)}</text>']
    if lane["kind"] != "program":
        start = lane["created_ms"]
        stop = lane.get("done_ms")
        stop = end if stop is None else stop
        out.append(f'<rect class="tl-wait" x="{_n(x(start))}" y="{_n(mid - WAIT_H / 2)}" '
                   f'width="{_n(max(x(stop) - x(start), 1.0))}" height="{WAIT_H}"/>')
    for ev in events:
        if ev["type"] == "span":
            w = max(x(ev["end_ms"]) - x(ev["start_ms"]), MIN_RUN_W)
            out.append(f'<rect class="tl-run" x="{_n(x(ev["start_ms"]))}" '
                       f'y="{_n(mid - RUN_H / 2)}" width="{_n(w)}" height="{RUN_H}"/>')
    for ev in events:  # marks on top of bars
        kind = ev.get("kind")
        if ev["type"] != "mark":
            continue
        cx = x(ev["at_ms"])
        if kind == "called":
            out.append(f'<circle class="tl-call" cx="{_n(cx)}" cy="{_n(mid)}" r="4"/>')
        elif kind == "cancelled":
            out.append(_cross(cx, mid, 5))
        elif kind in ("result", "exception"):
            out.append(_diamond(cx, mid, 6, f"tl-{kind}", ev.get("text")))
    return out


def _ticks(prints: list[dict[str, Any]], lanes: list[dict[str, Any]], row: dict[str, int],
           words: dict[str, str], decimals: int, x: Any, top: float, width: float,
           ident: str) -> list[tuple[str, str]]:
    """Each printed line: (its tick, the box that shows the line while it has focus).

    The tick is above its lane's bar (across the middle of the program lane, which has
    none); the box hangs below it, inside the drawing.
    """
    by_id = {lane["id"]: lane for lane in lanes}
    out = []
    for k, ev in enumerate((ev for ev in prints if ev["lane"] in by_id), start=1):
        lane = by_id[ev["lane"]]
        y_top = top + row[ev["lane"]] * LANE_H
        mid = y_top + LANE_H / 2
        y1 = mid - 7 if lane["kind"] == "program" else y_top + 1
        y2 = mid + 7 if lane["kind"] == "program" else mid - RUN_H / 2
        cx = x(ev["at_ms"])
        line = ev.get("text", "")
        name = words["tick"].format(lane=lane["label"], text=repr(line),
                                    t=_fmt_ms(ev["at_ms"], decimals))
        tick = (
            f'<g class="tl-tick" id="{ident}-p{k}" tabindex="0" role="img" '
            f'aria-label="{escape(name, {chr(34): "&quot;"})}">'
            f"<title>{escape(line)}</title>"
            f'<rect class="tl-hit" x="{_n(cx - HIT_W / 2)}" y="{_n(y1)}" width="{HIT_W}" '
            f'height="{_n(y2 - y1)}"/>'
            f'<line class="tl-print" x1="{_n(cx)}" y1="{_n(y1)}" x2="{_n(cx)}" y2="{_n(y2)}"/>'
            f'<rect class="tl-ring" x="{_n(cx - HIT_W / 2 - 1)}" y="{_n(y1 - 1)}" '
            f'width="{HIT_W + 2}" height="{_n(y2 - y1 + 2)}" rx="2"/></g>'
        )
        # the line as printed, cut to the drawing's width
        room = width - 2 * PAD - 2 * TIP_PAD
        shown = line
        while shown and _text_width(shown, SMALL) > room:
            shown = shown[:-2] + "…"
        box_w = _text_width(shown, SMALL) + 2 * TIP_PAD
        left = min(max(cx - HIT_W / 2, PAD), width - PAD - box_w)
        box_y = y2 + 3
        tip = (
            f'<g class="tl-tip" id="{ident}-t{k}" aria-hidden="true">'
            f'<rect x="{_n(left)}" y="{_n(box_y)}" width="{_n(box_w)}" height="{TIP_H}" rx="3"/>'
            f'<text x="{_n(left + TIP_PAD)}" y="{_n(box_y + TIP_H / 2 + SMALL * 0.35)}">'
            f"{escape(shown)}</text></g>"
        )
        out.append((tick, tip))
    return out


def _cross(cx: float, cy: float, r: float) -> str:
    return (f'<path class="tl-cancel" d="M{_n(cx - r)} {_n(cy - r)}L{_n(cx + r)} '
            f'{_n(cy + r)}M{_n(cx - r)} {_n(cy + r)}L{_n(cx + r)} {_n(cy - r)}"/>')


def _diamond(cx: float, cy: float, r: float, cls: str, tip: str | None = None) -> str:
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (f'<polygon class="{cls}" points="{_n(cx)},{_n(cy - r)} {_n(cx + r)},{_n(cy)} '
            f'{_n(cx)},{_n(cy + r)} {_n(cx - r)},{_n(cy)}">{title}</polygon>')


def _legend(lanes: list[dict[str, Any]], events: dict[str, list[dict[str, Any]]],
            words: dict[str, str], x_start: float, mid: float) -> list[str]:
    """A one-line legend of the symbols this drawing uses."""
    used = {ev.get("kind") for evs in events.values() for ev in evs if ev["type"] == "mark"}
    entries = ["running", "waiting"]
    entries += [k for k, mark in (("callback", "called"), ("cancelled", "cancelled"),
                                  ("result", "result"), ("exception", "exception"),
                                  ("printed", "print")) if mark in used]
    out, cx = [], x_start
    for key in entries:
        if key == "running":
            out.append(f'<rect class="tl-run" x="{_n(cx)}" y="{_n(mid - RUN_H / 2)}" '
                       f'width="14" height="{RUN_H}"/>')
        elif key == "waiting":
            out.append(f'<rect class="tl-wait" x="{_n(cx)}" y="{_n(mid - WAIT_H / 2)}" '
                       f'width="14" height="{WAIT_H}"/>')
        elif key == "callback":
            out.append(f'<circle class="tl-call" cx="{_n(cx + 7)}" cy="{_n(mid)}" r="4"/>')
        elif key == "cancelled":
            out.append(_cross(cx + 7, mid, 5))
        elif key in ("result", "exception"):
            out.append(_diamond(cx + 7, mid, 6, f"tl-{key}"))
        elif key == "printed":
            out.append(f'<line class="tl-print" x1="{_n(cx + 7)}" y1="{_n(mid - 6)}" '
                       f'x2="{_n(cx + 7)}" y2="{_n(mid + 6)}"/>')
        word = words[key]
        out.append(f'<text x="{_n(cx + 19)}" y="{_n(mid + SMALL * 0.35)}">{escape(word)}</text>')
        cx += 19 + _text_width(word, SMALL) + 16
    return out


__all__ = ["LABELS_EN", "LABELS_KO", "Drawing", "draw", "ordered_lanes", "printed", "started_ms"]
