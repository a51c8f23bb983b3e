"""The blocks of 10.5.11 hold on other machines than this one.

What a name lookup returns depends on the machine: whether ``/etc/hosts`` gives
``localhost`` an IPv6 address too (and on which line), and whether a DNS server can be
reached at all.  Each listing of docs/dns.md runs here as a reader would run it, but on a
private view of the machine made with ``unshare``: a network namespace with no network,
and a mount namespace where another ``/etc/hosts`` is bound over the real one.  Every
run must match its block under what the block declares, and the runs must show the
variation (else this test would prove nothing).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from outputcheck.reading.blocks import OutputBlock
from outputcheck.running.interpreters import reader_python
from outputcheck.judging.matching import matches
from outputcheck.reading.pages import scan_page

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
PAGE = ROOT / "docs" / "dns.md"

HOSTS = {
    "ipv4-only": "127.0.0.1 localhost\n",
    "ipv6-too": "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n",
    "ipv6-first": "::1 localhost ip6-localhost ip6-loopback\n127.0.0.1 localhost\n",
}


def _namespaces() -> list[str]:
    # As root unshare needs nothing more; otherwise an unprivileged user namespace.
    return ["unshare"] if os.geteuid() == 0 else ["unshare", "--user", "--map-root-user"]


@functools.cache
def _why_not() -> str | None:
    """Why private views of the machine cannot be made here, or None when they can."""
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    probe = subprocess.run(
        [*_namespaces(), "--net", "--mount", "sh", "-c", "mount --bind /etc/hosts /etc/hosts"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        return f"cannot make a network and mount namespace here: {probe.stderr.strip()}"
    return None


def blocks() -> list[OutputBlock]:
    return [found.block() for found in scan_page(PAGE) if found.name == "output"]


def run(block: OutputBlock, *, network: bool, hosts: Path | None) -> str:
    """The block's command as a reader runs it, on the view of the machine asked for."""
    command = [reader_python(), block.spec.filename, *block.spec.args]
    if hosts is not None:
        command = ["sh", "-c", 'mount --bind "$0" /etc/hosts && exec "$@"', str(hosts), *command]
    flags = ([] if network else ["--net"]) + (["--mount"] if hosts is not None else [])
    if flags:
        command = [*_namespaces(), *flags, *command]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONWARNINGS": "error::DeprecationWarning",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    done = subprocess.run(
        command, cwd=SNIPPETS, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60
    )
    assert done.returncode == block.returncode, done.stdout
    return block.command + "\n" + done.stdout.rstrip("\n")


MACHINES = [
    pytest.param(True, None, id="this-machine"),
    pytest.param(False, None, id="no-network"),
    *(pytest.param(True, name, id=f"hosts-{name}") for name in HOSTS),
    pytest.param(False, "ipv6-too", id="no-network-hosts-ipv6-too"),
]


@pytest.mark.parametrize("network, hosts", MACHINES)
def test_every_block_of_the_page_holds_on_this_kind_of_machine(
    network: bool, hosts: str | None, tmp_path: Path
) -> None:
    if (not network or hosts) and _why_not():
        pytest.skip(_why_not())
    hosts_file = None
    if hosts is not None:
        hosts_file = tmp_path / "hosts"
        hosts_file.write_text(HOSTS[hosts])
    seen = {}
    for block in blocks():
        actual = run(block, network=network, hosts=hosts_file)
        assert matches(block.text, actual, block.vary), (
            f"{block.location}: {block.spec.filename} on a machine with "
            f"{'a' if network else 'no'} network and /etc/hosts {hosts or 'as it is'} printed\n{actual}"
        )
        seen[block.spec.filename] = actual
    # The variation really happened, so the blocks were tested against it.
    assert set(seen) >= {"asyncio_dns_getaddrinfo.py", "asyncio_dns_error.py"}
    if hosts in ("ipv6-too", "ipv6-first"):
        assert "  AF_INET6 ::1" in seen["asyncio_dns_getaddrinfo.py"]
    if hosts == "ipv4-only":
        assert "AF_INET6 ::1" not in seen["asyncio_dns_getaddrinfo.py"]
    if not network:
        assert "[Errno -3] Temporary failure in name resolution" in seen["asyncio_dns_error.py"]


def test_the_declarations_are_no_wider_than_the_variation() -> None:
    """Another resolver error, or the IPv6 line anywhere else, would fail the blocks."""
    by_file = {block.spec.filename: block for block in blocks()}
    error = by_file["asyncio_dns_error.py"]
    assert not matches(error.text, error.text.replace("[Errno -2] Name or service not known", "[Errno -5] No address associated with hostname"), error.vary)
    assert not matches(error.text, error.text.replace("[Errno -2]", "[Errno -3]"), error.vary)
    assert not matches(error.text, error.text.replace("localhost: 127.0.0.1", "localhost: 127.0.1.1"), error.vary)
    lookup = by_file["asyncio_dns_getaddrinfo.py"]
    lines = lookup.text.split("\n")
    first = lines.index("localhost, IPv4, TCP:")
    moved = lines[: first + 1] + ["  AF_INET6 ::1"] + lines[first + 1 :]
    assert not matches(lookup.text, "\n".join(moved), lookup.vary)
