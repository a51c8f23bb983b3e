"""Record what an asyncio event loop does, for drawing a timeline of a listing's run.

The book shows, beside the output of some listings, *when* each task ran and waited.
That picture must come from a real run of the very file shown on the page, so this
module is installed from outside (``timeline/site/sitecustomize.py``) and the listing
is not changed. Its one hard rule: **a traced run prints exactly what an untraced run
prints** -- same bytes, same order, same tracebacks, same reprs. Everything below is
shaped by that rule:

* The loop is a subclass of the default selector loop (named like it, so ``repr(loop)``
  does not change), handed out by an event loop policy, the standard hook for choosing
  the loop class without touching the program.
* Scheduling is observed by overriding the public ``call_soon``/``call_at``/
  ``call_later``/``create_task``/``run_until_complete``/``close`` methods and calling
  ``super()``. Tasks -- pure-Python or the C ``_asyncio.Task`` -- schedule every step
  (``TaskStepMethWrapper``) and wake-up (``Task.task_wakeup``) through
  ``loop.call_soon``; in both, ``callback.__self__`` is the task (checked on 3.11.7,
  3.12.1 and 3.13.0).
* *When* a callback runs is observed without wrapping the callback: the handle returned
  by ``super().call_soon()`` gets its class switched to a layout-identical subclass
  (``__slots__ = ()``, same class name) whose ``_run`` notes the start and end around
  ``super()._run()``. A wrapper function would add a frame to the traceback that
  asyncio logs when a callback raises, and change the handle's repr; this does neither.
* Tasks are registered in ``create_task``, not through ``loop.set_task_factory``: on
  Python 3.13.0 a task factory makes ``create_task`` call ``task.set_name(None)``, which
  renames every task ``'None'`` and so changes any printed task repr.
* A task's outcome is read from ``_result``/``_exception``, never through ``result()`` or
  ``exception()``: those mark the exception as retrieved and would silence asyncio's
  "Task exception was never retrieved" message.
* Tasks are only referenced weakly, so their garbage collection (and its messages)
  happens when it would without the tracer.
* ``sys.stdout``/``sys.stderr`` become thin proxies that forward every write unchanged,
  then note the line, the time and the lane that was running.
* Nothing is ever printed by the tracer; if something fails, the trace file says so.

Times come from ``time.monotonic()``, the clock behind ``BaseEventLoop.time()``, and are
stored in milliseconds since the first recorded event. The JSON schema is documented in
:meth:`Trace.to_json`.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import json
import os
import sys
import tempfile
import time
import warnings
import weakref
from asyncio import events
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO

SCHEMA_VERSION = 1
_ENV = "OUTPUTCHECK_TRACE"
# Modules whose callbacks are the machinery of asyncio, not the listing's own code.
_INTERNAL_PREFIXES = ("asyncio", "_asyncio", "concurrent.futures", __name__)
_MAX_TEXT = 200  # characters of a printed line or a repr kept in the trace


def _short(text: str, limit: int = _MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_simple(value: object) -> bool:
    """Values whose repr is short and says something (shown in a lane's label)."""
    if isinstance(value, (bool, int, float)) or value is None:
        return True
    return isinstance(value, str) and len(value) <= 20


def _format_call(name: str, args: list[str]) -> str:
    return f"{name}({', '.join(args)})" if args else name


@dataclass
class Lane:
    """One row of the timeline: a task, a user callback, or the program outside them."""

    id: str
    kind: str  # "main" | "task" | "callback" | "program"
    label: str
    name: str
    created: float
    via: str | None = None
    created_by: str | None = None
    task_name: str | None = None
    due: float | None = None
    done: float | None = None
    outcome: str | None = None  # "result" | "cancelled" | "exception" | None
    outcome_text: str | None = None


@dataclass
class Trace:
    """What one process recorded, lanes and events, and how it is written (:meth:`to_json`,
    :meth:`write`); :class:`Recorder` fills it from what the loop does."""

    path: str
    clock: Callable[[], float] = time.monotonic
    t0: float | None = None
    lanes: dict[str, Lane] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    pid: int = field(default_factory=os.getpid)
    _counter: dict[str, int] = field(default_factory=dict)

    # -- time ---------------------------------------------------------------------

    def now(self) -> float:
        t = self.clock()
        if self.t0 is None:
            self.t0 = t
        return t

    def ms(self, t: float | None) -> float | None:
        if t is None:
            return None
        return round((t - (self.t0 if self.t0 is not None else t)) * 1000.0, 3)

    # -- lanes and events -----------------------------------------------------------

    def _new_lane(self, prefix: str, **kw: Any) -> Lane:
        n = self._counter.get(prefix, 0) + 1
        self._counter[prefix] = n
        lane = Lane(id=f"{prefix}{n}", **kw)
        self.lanes[lane.id] = lane
        return lane

    def program_lane(self) -> str:
        if "program" not in self.lanes:
            self.lanes["program"] = Lane(
                id="program", kind="program", label="<program>", name="<program>",
                created=self.t0 if self.t0 is not None else self.now(),
            )
        return "program"

    def mark(self, lane: str, kind: str, at: float, **extra: Any) -> None:
        self.events.append({"type": "mark", "lane": lane, "kind": kind, "at": at, **extra})

    def span(self, lane: str, start: float, end: float) -> None:
        self.events.append(
            {"type": "span", "lane": lane, "kind": "running", "start": start, "end": end}
        )

    # -- output -------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The trace, as written to ``$OUTPUTCHECK_TRACE``.

        ``{"version": 1, "python": "3.11.7", "clock": ..., "end_ms": float,
        "error": str | null, "lanes": [...], "events": [...]}``

        Each lane: ``id`` ("program", "t1", "c1"...), ``kind`` ("main" for a task run by
        ``run_until_complete``, "task", "callback" for a listing's own callback
        scheduled with ``call_soon``/``call_later``/``call_at``, "program" for code
        outside any task or callback), ``label`` (a code name: ``phase1``, ``phase(2)``,
        ``callback(3)``), ``name`` (the bare function name), ``via`` (``create_task``,
        ``call_soon``, ``call_later``, ``call_at``), ``created_by`` (lane running when
        it was created, or null), ``task_name`` (``Task-2``, tasks only),
        ``created_ms``, ``due_ms`` (callbacks: when the loop was asked to run it),
        ``done_ms`` (when the task finished or the callback returned; null if never),
        ``outcome`` ("result" | "cancelled" | "exception" | null) and ``outcome_text``
        (repr of the result or exception).

        Each event, in time order: a span ``{"type": "span", "lane", "kind": "running",
        "start_ms", "end_ms"}`` -- the lane's code was executing (one task step or one
        callback call); or a mark ``{"type": "mark", "lane", "kind", "at_ms", ...}``
        with kind "scheduled" (callback scheduled), "called" (callback started),
        "cancelled", "result", "exception" (``text``: the repr) or "print" (``text``:
        the line without its newline, ``stream``: "stdout" | "stderr"). Waiting is not
        stored: a lane waits between ``created_ms`` and ``done_ms`` when not running.
        """
        events_out: list[dict[str, Any]] = []
        end = self.t0 if self.t0 is not None else 0.0
        for ev in self.events:
            out = dict(ev)
            for key in ("at", "start", "end"):
                if key in out:
                    end = max(end, out[key])
                    out[f"{key}_ms"] = self.ms(out.pop(key))
            events_out.append(out)
        events_out.sort(key=lambda e: e.get("at_ms", e.get("start_ms")))  # stable
        lanes_out = []
        for lane in self.lanes.values():
            for t in (lane.created, lane.done):
                if t is not None:
                    end = max(end, t)
            lanes_out.append({
                "id": lane.id, "kind": lane.kind, "label": lane.label, "name": lane.name,
                "via": lane.via, "created_by": lane.created_by, "task_name": lane.task_name,
                "created_ms": self.ms(lane.created), "due_ms": self.ms(lane.due),
                "done_ms": self.ms(lane.done), "outcome": lane.outcome,
                "outcome_text": lane.outcome_text,
            })
        lanes_out.sort(key=lambda l: l["created_ms"])  # stable: creation order on ties
        return {
            "version": SCHEMA_VERSION,
            "python": ".".join(map(str, sys.version_info[:3])),
            "clock": "time.monotonic() (loop.time()), milliseconds since the first event",
            "end_ms": self.ms(end) if self.t0 is not None else 0.0,
            "error": self.error,
            "lanes": lanes_out,
            "events": events_out,
        }

    def write(self) -> None:
        """Write the trace atomically; never raises, never prints."""
        if os.getpid() != self.pid:  # a forked child must not overwrite the parent's
            return
        try:
            data = json.dumps(self.to_json(), ensure_ascii=False, indent=1)
            folder = os.path.dirname(os.path.abspath(self.path))
            fd, tmp = tempfile.mkstemp(prefix=".trace-", suffix=".json", dir=folder)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(data)
                os.replace(tmp, self.path)
            except BaseException:
                os.unlink(tmp)
                raise
        except Exception:  # noqa: BLE001, S110 - the run's output must not change
            pass



@dataclass
class Recorder(Trace):
    """Fills a :class:`Trace` from what the loop reports: tasks and callbacks as lanes,
    each handle's run as a span, outcomes, and the lines the program prints."""

    current: str | None = None
    _tasks: weakref.WeakKeyDictionary[asyncio.Task[Any], str] = field(
        default_factory=weakref.WeakKeyDictionary
    )
    # Pending handles of user callbacks: id -> (handle, lane id). The handle is kept so
    # its id cannot be reused; entries leave when the handle runs or is cancelled.
    _handles: dict[int, tuple[events.Handle, str]] = field(default_factory=dict)
    _partial: dict[str, tuple[str, float, str | None]] = field(default_factory=dict)

    # -- lanes of tasks and callbacks ---------------------------------------------------

    def task_lane(self, task: asyncio.Task[Any], *, main: bool = False) -> str:
        """The lane of ``task``, created the first time the task is seen."""
        lane_id = self._tasks.get(task)
        if lane_id is None:
            name, label = _describe_coro(task.get_coro())
            lane = self._new_lane(
                "t", kind="task", label=label, name=name, created=self.now(),
                via="create_task", created_by=self.current,
            )
            self._tasks[task] = lane.id
            lane_id = lane.id
        if main:
            self.lanes[lane_id].kind = "main"
        return lane_id

    def callback_lane(self, handle: events.Handle, callback: Any, args: tuple[Any, ...],
                      via: str, when: float | None) -> None:
        name, label = _describe_callback(callback, args)
        lane = self._new_lane(
            "c", kind="callback", label=label, name=name, created=self.now(), via=via,
            created_by=self.current, due=when,
        )
        self._handles[id(handle)] = (handle, lane.id)
        self.mark(lane.id, "scheduled", lane.created)

    # -- handles: when each ran, and how it ended -------------------------------------

    def handle_started(self, handle: events.Handle) -> tuple[str | None, Any, float]:
        """Called by a traced handle before it runs: which lane is now running."""
        t = self.now()
        entry = self._handles.pop(id(handle), None)
        task = None
        if entry is not None:
            lane: str | None = entry[1]
            self.mark(entry[1], "called", t)
        else:
            owner = getattr(handle._callback, "__self__", None)
            if isinstance(owner, asyncio.Task):
                task = owner
                lane = self.task_lane(owner)
            else:
                lane = None  # asyncio's own machinery
        previous = self.current
        self.current = lane
        return previous, task, t

    def handle_finished(self, handle: events.Handle, token: tuple[str | None, Any, float],
                        exc: BaseException | None) -> None:
        previous, task, start = token
        lane, t = self.current, self.now()
        self.current = previous
        if lane is None:
            return
        self.span(lane, start, t)
        info = self.lanes[lane]
        if task is not None:
            info.task_name = task.get_name()
            if task.done() and info.done is None:
                self._settle(info, task, t)
        elif info.kind == "callback":
            info.done = t
            info.outcome = "result" if exc is None else "exception"
            if exc is not None:
                info.outcome_text = _short(repr(exc))

    def handle_cancelled(self, handle: events.Handle) -> None:
        entry = self._handles.pop(id(handle), None)
        if entry is not None:
            t = self.now()
            info = self.lanes[entry[1]]
            info.done, info.outcome = t, "cancelled"
            self.mark(info.id, "cancelled", t)

    def _settle(self, info: Lane, task: asyncio.Task[Any], t: float) -> None:
        info.done = t
        info.task_name = task.get_name()
        if task.cancelled():
            info.outcome = "cancelled"
            self.mark(info.id, "cancelled", t)
            return
        # Not task.exception()/result(): they would mark the exception as retrieved.
        exc = getattr(task, "_exception", None)
        if exc is not None:
            info.outcome, info.outcome_text = "exception", _short(repr(exc))
            self.mark(info.id, "exception", t, text=info.outcome_text)
        else:
            info.outcome = "result"
            info.outcome_text = _safe_repr(getattr(task, "_result", None))
            self.mark(info.id, "result", t, text=info.outcome_text)

    # -- printed lines --------------------------------------------------------------

    def wrote(self, stream: str, text: str) -> None:
        """Note text written to a stream; a line is timed by its first fragment."""
        if not text:
            return
        pending = self._partial.get(stream)
        start = 0
        while start < len(text):
            stop = text.find("\n", start)
            piece = text[start:] if stop < 0 else text[start:stop + 1]
            start = len(text) if stop < 0 else stop + 1
            if pending is None:
                pending = ("", self.now(), self.current)
            pending = (pending[0] + piece, pending[1], pending[2])
            if stop >= 0:
                self._line(stream, *pending)
                pending = None
        if pending is None:
            self._partial.pop(stream, None)
        else:
            self._partial[stream] = pending

    def _line(self, stream: str, text: str, at: float, lane: str | None) -> None:
        self.mark(lane or self.program_lane(), "print", at, stream=stream,
                  text=_short(text.rstrip("\r\n")))

    def to_json(self) -> dict[str, Any]:
        """The trace (see :meth:`Trace.to_json`), with a last unfinished line included."""
        for stream, pending in list(self._partial.items()):
            self._line(stream, *pending)
        self._partial.clear()
        return super().to_json()


def _safe_repr(value: object) -> str:
    try:
        return _short(repr(value))
    except Exception:  # noqa: BLE001
        return f"<{type(value).__name__}>"


def _describe_coro(coro: Any) -> tuple[str, str]:
    """(name, label) of a coroutine: ``phase`` and ``phase(2)``.

    The label shows each argument's value when it is a short literal and its
    parameter's name otherwise (``coro1(lock)``), so lanes of one coroutine differ.
    Read from the frame before the coroutine starts, when it holds only arguments.
    """
    code = getattr(coro, "cr_code", None) or getattr(coro, "gi_code", None)
    name = getattr(coro, "__qualname__", None) or getattr(coro, "__name__", None)
    if code is None or name is None:
        return type(coro).__name__, type(coro).__name__
    frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
    count = code.co_argcount + code.co_kwonlyargcount
    params = code.co_varnames[:count]
    try:
        values = dict(frame.f_locals) if frame is not None else {}
    except Exception:  # noqa: BLE001
        values = {}
    args = []
    for param in params:
        if param == "self":
            continue
        value = values.get(param, param)
        args.append(_safe_repr(value) if param in values and _is_simple(value) else param)
    return name, _format_call(name, args)


def _describe_callback(callback: Any, args: tuple[Any, ...]) -> tuple[str, str]:
    """(name, label) of a scheduled callback: ``callback`` and ``callback(3, loop)``.

    Like :func:`_describe_coro`: short literals by value, anything else by the name of
    the parameter it is passed to (``…`` where there is none, as for a builtin).
    """
    keywords: dict[str, Any] = {}
    while isinstance(callback, functools.partial):
        args = callback.args + args
        keywords = {**callback.keywords, **keywords}
        callback = callback.func
    name = (getattr(callback, "__qualname__", None) or getattr(callback, "__name__", None)
            or type(callback).__name__)
    code = getattr(callback, "__code__", None)
    params = code.co_varnames[: code.co_argcount] if code is not None else ()
    shown = [
        _safe_repr(a) if _is_simple(a) else (params[i] if i < len(params) else "…")
        for i, a in enumerate(args)
    ]
    shown += [f"{k}={_safe_repr(v) if _is_simple(v) else k}" for k, v in keywords.items()]
    return name, _format_call(name, shown)


def _is_user_callback(callback: Any) -> bool:
    """True for the listing's own callbacks, false for asyncio's and the tracer's."""
    if isinstance(getattr(callback, "__self__", None), asyncio.Future):
        return False
    while isinstance(callback, functools.partial):
        callback = callback.func
    module = getattr(callback, "__module__", None)
    if module is None:
        return False
    return not any(module == p or module.startswith(p + ".") for p in _INTERNAL_PREFIXES)


# -- the loop -------------------------------------------------------------------------

_RECORDER: Recorder | None = None


def _timed_run(handle: events.Handle, run: Callable[[events.Handle], None]) -> None:
    """Run ``handle`` with the base class's ``run`` between two notes to the recorder."""
    rec = _RECORDER
    if rec is None:
        return run(handle)
    token = rec.handle_started(handle)
    exc: BaseException | None = None
    try:
        run(handle)  # asyncio catches and logs the callback's exception itself
    except BaseException as e:  # SystemExit, KeyboardInterrupt
        exc = e
        raise
    finally:
        rec.handle_finished(handle, token, exc)
        # As asyncio does in Handle._run: an exception's traceback keeps this frame,
        # and its locals would keep the task alive and delay its "never retrieved" log.
        handle = token = exc = None  # type: ignore[assignment]


def _noted_cancel(handle: events.Handle) -> None:
    if _RECORDER is not None and not handle.cancelled():
        _RECORDER.handle_cancelled(handle)


class _TracedHandle(events.Handle):
    """An ``asyncio.Handle`` whose run is timed. Same layout and name as the original."""

    __slots__ = ()

    def _run(self) -> None:
        _timed_run(self, events.Handle._run)
        self = None  # type: ignore[assignment]  # noqa: PLW0642 - break cycles, as Handle._run does

    def cancel(self) -> None:
        _noted_cancel(self)
        events.Handle.cancel(self)


class _TracedTimerHandle(events.TimerHandle):
    """An ``asyncio.TimerHandle`` whose run is timed (see :class:`_TracedHandle`)."""

    __slots__ = ()

    def _run(self) -> None:
        _timed_run(self, events.TimerHandle._run)
        self = None  # type: ignore[assignment]  # noqa: PLW0642 - break cycles, as Handle._run does

    def cancel(self) -> None:
        _noted_cancel(self)
        events.TimerHandle.cancel(self)


# repr(handle) uses the class name; keep it.
_TracedHandle.__name__ = _TracedHandle.__qualname__ = "Handle"
_TracedTimerHandle.__name__ = _TracedTimerHandle.__qualname__ = "TimerHandle"


def _make_loop_class(base: type[asyncio.AbstractEventLoop]) -> type:
    """A subclass of the default loop class that reports to the recorder."""

    class TracingLoop(base):  # type: ignore[valid-type, misc]
        _tl_via: str | None = None
        _tl_main: bool = False

        def call_soon(self, callback: Any, *args: Any, context: Any = None) -> Any:
            handle = super().call_soon(callback, *args, context=context)
            rec = _RECORDER
            if rec is not None and type(handle) is events.Handle:
                handle.__class__ = _TracedHandle
                owner = getattr(callback, "__self__", None)
                if isinstance(owner, asyncio.Task):
                    rec.task_lane(owner, main=self._tl_take_main())
                elif _is_user_callback(callback):
                    rec.callback_lane(handle, callback, args, "call_soon", None)
            return handle

        def call_later(self, delay: float, callback: Any, *args: Any,
                       context: Any = None) -> Any:
            self._tl_via = "call_later"
            try:
                return super().call_later(delay, callback, *args, context=context)
            finally:
                self._tl_via = None

        def call_at(self, when: float, callback: Any, *args: Any,
                    context: Any = None) -> Any:
            via, self._tl_via = self._tl_via or "call_at", None
            handle = super().call_at(when, callback, *args, context=context)
            rec = _RECORDER
            if rec is not None and type(handle) is events.TimerHandle:
                handle.__class__ = _TracedTimerHandle
                if _is_user_callback(callback):
                    rec.callback_lane(handle, callback, args, via, when)
            return handle

        def create_task(self, coro: Any, **kwargs: Any) -> Any:
            main = self._tl_take_main()
            task = super().create_task(coro, **kwargs)
            if _RECORDER is not None and isinstance(task, asyncio.Task):
                _RECORDER.task_lane(task, main=main)
            return task

        def run_until_complete(self, future: Any) -> Any:
            if _RECORDER is not None:
                _RECORDER.now()
                if isinstance(future, asyncio.Task):
                    _RECORDER.task_lane(future, main=True)
                else:
                    self._tl_main = asyncio.iscoroutine(future)
            try:
                return super().run_until_complete(future)
            finally:
                self._tl_main = False

        def _tl_take_main(self) -> bool:
            main, self._tl_main = self._tl_main, False
            return main

        def close(self) -> None:
            super().close()
            if _RECORDER is not None:
                _RECORDER._handles.clear()
                _RECORDER.write()

    TracingLoop.__name__ = base.__name__  # repr(loop) shows the class name
    TracingLoop.__qualname__ = base.__qualname__
    return TracingLoop


class _Tee:
    """A stream that forwards everything to the real one and notes each write."""

    def __init__(self, stream: TextIO, name: str, rec: Recorder) -> None:
        self._tl_stream, self._tl_name, self._tl_rec = stream, name, rec

    def write(self, text: str) -> int:
        n = self._tl_stream.write(text)
        try:
            self._tl_rec.wrote(self._tl_name, text)
        except Exception:  # noqa: BLE001, S110 - never disturb the listing's output
            pass
        return n

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tl_stream, name)

    def __iter__(self) -> Any:
        return iter(self._tl_stream)


def install(path: str | None = None) -> Recorder | None:
    """Trace this process into ``path`` (default ``$OUTPUTCHECK_TRACE``).

    Sets an event loop policy whose ``new_event_loop()`` returns a traced loop, wraps
    ``sys.stdout``/``sys.stderr`` and writes the trace at exit and when a traced loop
    is closed. Never raises and never prints: a failure is written into the trace.
    """
    global _RECORDER
    path = path or os.environ.get(_ENV)
    if not path:
        return None
    rec = Recorder(path=path)
    try:
        # Policies are deprecated from Python 3.14 (removal planned for 3.16); on
        # 3.11-3.13 they are the standard way to choose the loop class and warn
        # nothing. Silence the warning where it exists: under -W error it would
        # otherwise abort sitecustomize and print a message into the listing's output.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            base_policy = asyncio.DefaultEventLoopPolicy
            loop_class = _make_loop_class(asyncio.SelectorEventLoop)

            class TracingPolicy(base_policy):  # type: ignore[valid-type, misc]
                def new_event_loop(self) -> asyncio.AbstractEventLoop:
                    return loop_class()

            TracingPolicy.__name__ = base_policy.__name__
            TracingPolicy.__qualname__ = base_policy.__qualname__
            asyncio.set_event_loop_policy(TracingPolicy())
        _RECORDER = rec
        sys.stdout = _Tee(sys.stdout, "stdout", rec)  # type: ignore[assignment]
        sys.stderr = _Tee(sys.stderr, "stderr", rec)  # type: ignore[assignment]
    except Exception as exc:  # noqa: BLE001
        rec.error = f"tracer not installed: {exc!r}"
    atexit.register(rec.write)
    return rec
