"""Link API names in the text to the Python documentation, without fetching anything.

Intersphinx would download ``objects.inv`` at build time; this book may not touch the
network while it builds.  The chapter names a small, known set of APIs, so the table
below maps each to its page and anchor in the Python documentation.  An inline code
span whose text (without a trailing ``()``) is in the table becomes a link; the Korean
edition links to the Korean translation of the documentation.

Short names are listed only where they are unambiguous in this chapter: ``wait()`` is
both ``asyncio.wait`` and ``Event.wait``, so only the qualified forms link.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms import SphinxTransform

BASE = {"ko": "https://docs.python.org/ko/3/", "en": "https://docs.python.org/3/"}

_PAGES: dict[str, list[str]] = {
    "library/asyncio-eventloop.html": [
        "asyncio.loop.run_until_complete", "asyncio.loop.run_forever", "asyncio.loop.stop",
        "asyncio.loop.close", "asyncio.loop.call_soon", "asyncio.loop.call_later", "asyncio.loop.call_at",
        "asyncio.loop.time", "asyncio.loop.create_future", "asyncio.loop.create_task",
        "asyncio.loop.create_server", "asyncio.loop.create_connection", "asyncio.new_event_loop",
        "asyncio.get_event_loop", "asyncio.set_event_loop", "asyncio.get_running_loop",
        "asyncio.AbstractEventLoop", "asyncio.Server", "asyncio.Server.close", "asyncio.Server.wait_closed",
        "asyncio.Server.serve_forever", "asyncio.loop.subprocess_exec", "asyncio.loop.add_signal_handler",
        "asyncio.loop.run_in_executor", "asyncio.loop.set_debug", "asyncio.loop.getaddrinfo",
        "asyncio.loop.getnameinfo", "asyncio.loop.call_soon_threadsafe", "asyncio.loop.slow_callback_duration",
    ],
    "library/asyncio-subprocess.html": [
        "asyncio.create_subprocess_exec", "asyncio.subprocess.Process.communicate",
    ],
    "library/asyncio-runner.html": ["asyncio.run", "asyncio.Runner"],
    "library/asyncio-task.html": [
        "asyncio.sleep", "asyncio.gather", "asyncio.wait", "asyncio.as_completed", "asyncio.create_task",
        "asyncio.Task", "asyncio.Task.cancel", "asyncio.wait_for", "asyncio.shield",
        "asyncio.TaskGroup", "asyncio.timeout", "asyncio.eager_task_factory", "asyncio.to_thread",
        "asyncio.run_coroutine_threadsafe",
    ],
    "library/asyncio-future.html": [
        "asyncio.Future", "asyncio.ensure_future", "asyncio.Future.set_result", "asyncio.Future.result",
        "asyncio.Future.add_done_callback", "asyncio.Future.done", "asyncio.Future.cancel",
    ],
    "library/asyncio-sync.html": [
        "asyncio.Lock", "asyncio.Lock.acquire", "asyncio.Lock.release", "asyncio.Lock.locked",
        "asyncio.Event", "asyncio.Event.set", "asyncio.Event.is_set", "asyncio.Event.wait",
        "asyncio.Condition", "asyncio.Condition.notify", "asyncio.Condition.notify_all",
        "asyncio.Condition.wait", "asyncio.Semaphore", "asyncio.Barrier",
    ],
    "library/asyncio-queue.html": [
        "asyncio.Queue", "asyncio.Queue.put", "asyncio.Queue.get", "asyncio.Queue.join", "asyncio.Queue.task_done",
        "asyncio.Queue.shutdown",
    ],
    "library/asyncio-stream.html": ["asyncio.start_server", "asyncio.open_connection"],
    "library/asyncio-protocol.html": [
        "asyncio.Protocol", "asyncio.BaseProtocol.connection_made", "asyncio.BaseProtocol.connection_lost",
        "asyncio.Protocol.data_received", "asyncio.Protocol.eof_received", "asyncio.BaseTransport",
        "asyncio.BaseTransport.get_extra_info", "asyncio.BaseTransport.close", "asyncio.Transport",
        "asyncio.WriteTransport.write", "asyncio.WriteTransport.writelines", "asyncio.WriteTransport.write_eof",
        "asyncio.WriteTransport.can_write_eof", "asyncio.SubprocessProtocol",
        "asyncio.SubprocessProtocol.pipe_data_received",
    ],
    "library/asyncio-exceptions.html": ["asyncio.CancelledError", "asyncio.TimeoutError"],
    "library/functools.html": ["functools.partial"],
    "library/exceptions.html": ["KeyboardInterrupt"],
    "library/time.html": ["time.time"],
    "library/types.html": ["types.coroutine"],
    "library/queue.html": ["queue.Queue"],
    "library/multiprocessing.html": ["multiprocessing.Queue"],
    "library/threading.html": ["threading.Event"],
}

_MODULES = {
    "asyncio": "library/asyncio.html",
    "threading": "library/threading.html",
    "multiprocessing": "library/multiprocessing.html",
    "functools": "library/functools.html",
    "logging": "library/logging.html",
    "socket": "library/socket.html",
    "socketserver": "library/socketserver.html",
    "types": "library/types.html",
}

#: Unqualified names as the chapter writes them -> the object they mean.
_ALIASES = {
    "run_until_complete": "asyncio.loop.run_until_complete",
    "run_forever": "asyncio.loop.run_forever",
    "call_soon": "asyncio.loop.call_soon",
    "call_later": "asyncio.loop.call_later",
    "call_at": "asyncio.loop.call_at",
    "create_future": "asyncio.loop.create_future",
    "create_server": "asyncio.loop.create_server",
    "create_connection": "asyncio.loop.create_connection",
    "new_event_loop": "asyncio.new_event_loop",
    "get_event_loop": "asyncio.get_event_loop",
    "gather": "asyncio.gather",
    "as_completed": "asyncio.as_completed",
    "ensure_future": "asyncio.ensure_future",
    "create_task": "asyncio.create_task",
    "set_result": "asyncio.Future.set_result",
    "add_done_callback": "asyncio.Future.add_done_callback",
    "partial": "functools.partial",
    "notify": "asyncio.Condition.notify",
    "notify_all": "asyncio.Condition.notify_all",
    "task_done": "asyncio.Queue.task_done",
    "connection_made": "asyncio.BaseProtocol.connection_made",
    "connection_lost": "asyncio.BaseProtocol.connection_lost",
    "data_received": "asyncio.Protocol.data_received",
    "eof_received": "asyncio.Protocol.eof_received",
    "get_extra_info": "asyncio.BaseTransport.get_extra_info",
    "can_write_eof": "asyncio.WriteTransport.can_write_eof",
    "write_eof": "asyncio.WriteTransport.write_eof",
    "writelines": "asyncio.WriteTransport.writelines",
    "transport.write": "asyncio.WriteTransport.write",
    "loop.time": "asyncio.loop.time",
    "CancelledError": "asyncio.CancelledError",
    "Future": "asyncio.Future",
    "Task": "asyncio.Task",
    "Lock": "asyncio.Lock",
    "Event": "asyncio.Event",
    "Condition": "asyncio.Condition",
    "Protocol": "asyncio.Protocol",
    "TaskGroup": "asyncio.TaskGroup",
    "Barrier": "asyncio.Barrier",
    "Queue.shutdown": "asyncio.Queue.shutdown",
    "serve_forever": "asyncio.Server.serve_forever",
    "task.cancel": "asyncio.Task.cancel",
    "SubprocessProtocol": "asyncio.SubprocessProtocol",
    "pipe_data_received": "asyncio.SubprocessProtocol.pipe_data_received",
    "communicate": "asyncio.subprocess.Process.communicate",
    "add_signal_handler": "asyncio.loop.add_signal_handler",
    "run_in_executor": "asyncio.loop.run_in_executor",
    "getaddrinfo": "asyncio.loop.getaddrinfo",
    "getnameinfo": "asyncio.loop.getnameinfo",
    "call_soon_threadsafe": "asyncio.loop.call_soon_threadsafe",
    "run_coroutine_threadsafe": "asyncio.run_coroutine_threadsafe",
    "to_thread": "asyncio.to_thread",
}

#: Names that are not Python objects, with the page that explains them.
_PAGES_ONLY = {"-X dev": "library/devmode.html"}

TARGETS: dict[str, str] = {
    obj: f"{page}#{obj}" for page, objects in _PAGES.items() for obj in objects
}
TARGETS.update({module: page for module, page in _MODULES.items()})
TARGETS.update(_PAGES_ONLY)


def target(text: str) -> str | None:
    """The documentation path (``library/x.html#anchor``) for an inline code span, or None."""
    name = text.strip().removesuffix("()")
    if name.startswith(("loop.", "event_loop.")):
        name = "asyncio.loop." + name.split(".", 1)[1]
    name = _ALIASES.get(name, name)
    return TARGETS.get(name)


class LinkApiNames(SphinxTransform):
    """Turn ``literal`` spans naming a known API into links to the Python docs."""

    default_priority = 800  # after translation: the English text is linked too

    def apply(self, **kwargs: Any) -> None:
        base = BASE.get(self.config.language or "en", BASE["en"])
        for literal in list(self.document.findall(nodes.literal)):
            if isinstance(literal.parent, nodes.reference) or "code" in literal["classes"]:
                continue
            path = target(literal.astext())
            if path is None:
                continue
            link = nodes.reference("", "", refuri=base + path, classes=["api-link"], internal=False)
            literal.replace_self(link)
            link += literal
