"""A server and its client on loopback, as two terminals: real processes, real sockets."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

from outputcheck.running.runner import RunSpec
from outputcheck.running.servers import SHOWN_PORT, listening
from outputcheck.running.servers import run_with_server as run_snippet

SERVER = """
import asyncio, os, sys
PORT = int(os.environ.get("ECHO_PORT", 10000))

class Echo(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
    def data_received(self, data):
        print(f"server got {data!r}", flush=True)
        self.transport.write(data)

loop = asyncio.new_event_loop()
server = loop.run_until_complete(loop.create_server(Echo, "localhost", PORT))
print(f"serving on port {PORT}", flush=True)
try:
    loop.run_forever()
except KeyboardInterrupt:
    print("interrupted", flush=True)
finally:
    server.close()
    loop.run_until_complete(server.wait_closed())
    loop.close()
    print("server closed", flush=True)
"""

CLIENT = """
import asyncio, os
PORT = int(os.environ.get("ECHO_PORT", 10000))

async def main():
    reader, writer = await asyncio.open_connection("localhost", PORT)
    print(f"connected to port {PORT}")
    writer.write(b"ping")
    await writer.drain()
    print(f"client got {await reader.read(4)!r}")
    writer.close()
    await writer.wait_closed()

asyncio.run(main())
"""


def files(folder: Path, **sources: str) -> None:
    for name, code in sources.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(code).lstrip())


@pytest.mark.asyncio
async def test_server_listens_client_talks_ctrl_c_stops_server(tmp_path: Path) -> None:
    files(tmp_path, server=SERVER, client=CLIENT)
    result = await run_snippet(RunSpec("client", server="server"), snippets_dir=tmp_path, timeout=20)
    assert result.returncode == 0 and result.server_returncode == 0, (result.output, result.server_output)
    assert result.output == f"connected to port {SHOWN_PORT}\nclient got b'ping'\n"
    assert result.server_output == (
        f"serving on port {SHOWN_PORT}\nserver got b'ping'\ninterrupted\nserver closed\n"
    )


@pytest.mark.asyncio
async def test_parallel_runs_use_different_ports(tmp_path: Path) -> None:
    files(tmp_path, server=SERVER, client=CLIENT)
    spec = RunSpec("client", server="server")
    results = await asyncio.gather(*(run_snippet(spec, snippets_dir=tmp_path, timeout=30) for _ in range(4)))
    assert all(r.returncode == 0 and r.server_returncode == 0 for r in results), [r.server_output for r in results]


@pytest.mark.asyncio
async def test_a_server_that_never_listens_is_told_apart_and_its_client_not_run(tmp_path: Path) -> None:
    files(tmp_path, server="import time\nprint('thinking', flush=True)\ntime.sleep(600)\n", client=CLIENT)
    result = await run_snippet(RunSpec("client", server="server"), snippets_dir=tmp_path, timeout=2)
    assert not result.timed_out and not result.client_started
    assert "did not listen on the port it was given (ECHO_PORT=" in result.server_problem
    assert "within 2 s" in result.server_problem
    assert result.server_output == "thinking\n"


@pytest.mark.asyncio
async def test_a_server_that_crashes_is_reported(tmp_path: Path) -> None:
    files(tmp_path, server="raise SystemExit('cannot start')\n", client=CLIENT)
    result = await run_snippet(RunSpec("client", server="server"), snippets_dir=tmp_path, timeout=10)
    assert "ended before it listened on the port it was given (exit code 1)" in result.server_problem
    assert "cannot start" in result.server_output


def test_listening_reads_the_kernel_tables() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        assert listening(port) is False
        s.listen()
        assert listening(port) is True
