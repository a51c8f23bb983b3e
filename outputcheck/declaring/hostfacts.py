"""Facts of the machine that ran a listing: they never reach a page unannounced.

A listing that prints the host name, the user's name, a ``df`` table or a socket's
address prints facts of the machine that built the book.  They are replaced, like the
machine's paths (:class:`outputcheck.declaring.normalize.HostPaths`), before anything is compared
or written: ``<host>``, ``<user>``, ``<mount>``, ``<ip>``.  So every builder sees the same
page.  And ``make update-outputs`` names each line that shows one, unless the block
declares that it shows them on purpose (``:host: mount``).

What counts (decided here, documented in the README):

- host name: ``socket.gethostname()`` and ``platform.node()``, whole words; never
  ``localhost``, which is the same everywhere.
- user name: the user running the build (``getpass``, ``pwd``); never ``root``, which is
  the same on every machine and also the name of logging's root logger.
- mount points other than ``/`` (``/proc/self/mounts``), as whole paths or the start of
  one; never a kernel filesystem (proc, sysfs, cgroup, devpts, ...) nor anything under
  ``/proc``, ``/sys``, ``/dev`` or ``/run``: those paths are the same on every Linux
  machine, df hides most of them, and ``/dev/null`` must stay ``/dev/null``.  A mount
  point that is a file (a container's ``/etc/hosts``) is not one either.
- addresses of this machine's network interfaces (``/proc/net/fib_trie``,
  ``/proc/net/if_inet6``, and what the host name resolves to), except loopback ones.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import platform
import re
import socket
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

MARKERS = {
    "host": "<host>", "user": "<user>", "mount": "<mount>", "ip": "<ip>", "device": "<device>", "filesystem": "<filesystem>",
}
WHAT = {
    "host": "host name", "user": "user name", "mount": "mount point", "ip": "network address",
    "device": "block device", "filesystem": "filesystem name",
}
#: Names a mount's source takes on every machine (``tmpfs /dev/shm tmpfs``): not facts of one.
GENERIC_SOURCES = frozenset({"none", "tmpfs", "overlay", "shm", "rootfs", "udev", "sysfs", "proc", "devpts", "mqueue"})

GENERIC_HOSTS = frozenset({"", "localhost", "localhost.localdomain", "localhost6"})
GENERIC_USERS = frozenset({"", "root"})
PSEUDO_FILESYSTEMS = frozenset({
    "proc", "sysfs", "cgroup", "cgroup2", "devpts", "devtmpfs", "mqueue", "securityfs", "debugfs",
    "tracefs", "pstore", "bpf", "configfs", "fusectl", "hugetlbfs", "binfmt_misc", "autofs",
    "efivarfs", "selinuxfs", "nsfs", "rpc_pipefs", "ramfs",
})
SYSTEM_TREES = ("/proc", "/sys", "/dev", "/run")

#: Where a value starts and ends: not inside a longer word, path or address.
_EDGES = {
    "host": (r"(?<![\w.-])", r"(?![\w-])"),
    "user": (r"(?<![\w.-])", r"(?![\w-])"),
    "mount": (r"(?<![\w.@+/-])", r"(?![\w.@+-])"),  # a path below it counts too: <mount>/data
    "ip": (r"(?<![\w.])", r"(?!\w|\.\d)"),  # IPv4: a port may follow, 192.0.2.7:8080
    "device": (r"(?<![\w.@+/-])", r"(?![\w.@+/-])"),  # /dev/vda, not /dev/vda1 (a device of its own)
    "filesystem": (r"(?<![\w.-])", r"(?![\w-])"),
    "ipv6": (r"(?<![\w:.])", r"(?![\w:])"),
}


@dataclass(frozen=True)
class Machine:
    """The facts of one machine, and how to find them in text."""

    hosts: tuple[str, ...] = ()
    users: tuple[str, ...] = ()
    mounts: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    devices: tuple[str, ...] = ()  # block devices: /dev/vda, /dev/mapper/root
    filesystems: tuple[str, ...] = ()  # names of this machine's filesystems: labels, UUIDs, mount sources

    @classmethod
    def here(cls) -> Machine:
        """This machine (read once per process)."""
        return _here()

    def values(self) -> list[tuple[str, str]]:
        """(kind, value), longest value first, so ``/mnt/data/x`` wins over ``/mnt/data``."""
        found = [("host", v) for v in self.hosts] + [("user", v) for v in self.users]
        found += [("mount", v) for v in self.mounts] + [("ip", v) for v in self.addresses]
        found += [("device", v) for v in self.devices] + [("filesystem", v) for v in self.filesystems]
        return sorted(set(found), key=lambda item: (-len(item[1]), item))

    @property
    def pattern(self) -> re.Pattern[str] | None:
        return _compile(tuple(self.values()))

    def sanitize(self, text: str) -> str:
        """``text`` with each fact replaced by its marker."""
        pattern = self.pattern
        if pattern is None:
            return text
        return pattern.sub(lambda m: MARKERS[_kind_of(m)], text)

    def find(self, text: str) -> list[tuple[int, str, str]]:
        """(line number from 1, kind, value) of every fact in ``text``, raw or already
        replaced by its marker."""
        pattern = self.pattern
        found: list[tuple[int, str, str]] = []
        for number, line in enumerate(text.split("\n"), start=1):
            if pattern is not None:
                found += [(number, _kind_of(m), m.group(0)) for m in pattern.finditer(line)]
            found += [(number, kind, marker) for kind, marker in MARKERS.items() if marker in line]
        return found


def _kind_of(m: re.Match[str]) -> str:
    return next(name for name, value in m.groupdict().items() if value is not None).split("_")[0]


@lru_cache(maxsize=8)
def _compile(values: tuple[tuple[str, str], ...]) -> re.Pattern[str] | None:
    if not values:
        return None
    parts = []
    for i, (kind, value) in enumerate(values):
        before, after = _EDGES["ipv6" if kind == "ip" and ":" in value else kind]
        parts.append(f"(?P<{kind}_{i}>{before}{re.escape(value)}{after})")
    return re.compile("|".join(parts))


@lru_cache(maxsize=1)
def _here() -> Machine:
    hosts = {socket.gethostname(), platform.node()}
    hosts |= {h.split(".")[0] for h in hosts}
    users = set()
    try:
        users.add(getpass.getuser())
    except (KeyError, OSError):
        pass
    try:
        import pwd

        users.add(pwd.getpwuid(os.getuid()).pw_name)
    except (ImportError, KeyError):
        pass
    return Machine(
        hosts=tuple(sorted(hosts - GENERIC_HOSTS)),
        users=tuple(sorted(users - GENERIC_USERS)),
        mounts=tuple(sorted(mount_points(_read("/proc/self/mounts")))),
        addresses=tuple(sorted(addresses())),
        devices=tuple(sorted(block_devices(_read("/proc/self/mounts"), _read("/proc/partitions")))),
        filesystems=tuple(sorted(filesystem_names(_read("/proc/self/mounts"), _listing("/dev/disk/by-label"),
                                                  _listing("/dev/disk/by-uuid")))),
    )


def _listing(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def block_devices(mounts: str, partitions: str) -> set[str]:
    """This machine's block devices, as a df or mount listing names them (``/dev/vda``):
    the sources of its mounts under /dev, and every disk and partition the kernel knows."""
    found = {f"/dev/{fields[3]}" for line in partitions.splitlines()[1:]
             if len(fields := line.split()) == 4 and fields[0].isdigit()}
    for line in mounts.splitlines():
        source = line.split()[0] if line.split() else ""
        if source.startswith("/dev/") and source not in ("/dev/root",):
            found.add(source)
    return found


def filesystem_names(mounts: str, labels: list[str] = (), uuids: list[str] = ()) -> set[str]:
    """Names of this machine's filesystems: the labels and UUIDs of its disks, and the
    source names of its mounts that are not a device, a path or a name every machine has
    (``tmpfs``, ``overlay``, a filesystem type)."""
    found = {re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), name) for name in labels}
    found |= {u for u in uuids if len(u) >= 8}
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        source, fstype = fields[0], fields[2]
        if "/" in source or ":" in source or source in GENERIC_SOURCES or source in PSEUDO_FILESYSTEMS or source == fstype:
            continue
        if len(source) >= 3:
            found.add(source)
    return found


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def mount_points(mounts: str, is_dir: object = os.path.isdir) -> set[str]:
    """The mount points of a ``/proc/self/mounts`` text that tell machines apart."""
    found = set()
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # the kernel writes a space in a path as \040 (and tab, newline, backslash alike)
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[1])
        fstype = fields[2]
        if point == "/" or fstype in PSEUDO_FILESYSTEMS:
            continue
        if any(point == tree or point.startswith(tree + "/") for tree in SYSTEM_TREES):
            continue
        if callable(is_dir) and not is_dir(point):
            continue
        found.add(point.rstrip("/"))
    return found


def addresses(fib_trie: str | None = None, if_inet6: str | None = None) -> set[str]:
    """Non-loopback addresses of this machine's interfaces."""
    found: set[str] = set()
    fib = _read("/proc/net/fib_trie") if fib_trie is None else fib_trie
    previous = ""
    for line in fib.splitlines():
        if "/32 host LOCAL" in line:
            found.add(previous)
        m = re.search(r"\|--\s+(\d+\.\d+\.\d+\.\d+)", line)
        if m:
            previous = m.group(1)
    for line in (_read("/proc/net/if_inet6") if if_inet6 is None else if_inet6).splitlines():
        word = line.split()[0] if line.split() else ""
        if re.fullmatch(r"[0-9a-fA-F]{32}", word):
            found.add(str(ipaddress.IPv6Address(int(word, 16))))
    if fib_trie is None and if_inet6 is None:
        try:
            for info in socket.getaddrinfo(socket.gethostname(), None):
                found.add(str(info[4][0]).split("%")[0])
        except OSError:
            pass
    kept = set()
    for value in found:
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            continue
        if not (address.is_loopback or address.is_unspecified):
            kept.add(str(address))
    return kept


@dataclass(frozen=True)
class HostFact:
    """One line of a captured output that shows a fact of this machine."""

    location: str  # page:line of the block
    snippet: str
    line: int  # line of the transcript (1 is the command line), as :unordered: counts
    kind: str  # host, user, mount, ip
    value: str  # as captured, or its marker when the output was already sanitized

    def __str__(self) -> str:
        shown = self.value if self.value == MARKERS[self.kind] else f"{self.value!r}, written as {MARKERS[self.kind]}"
        return (
            f"{self.location}: line {self.line} of the output shows this machine's {WHAT[self.kind]} ({shown}); "
            f"if the page means to show it, declare ':host: {self.kind}' on the block, "
            f"otherwise change snippets/{self.snippet}.py not to print it"
        )


class _HostDeclaration(Protocol):
    @property
    def host(self) -> tuple[str, ...]: ...


class ShowsOutput(Protocol):
    """What :func:`host_facts` needs of a block: where it is, whose terminal it shows and
    which facts it declares (``vary.host``).  An output block is one; a host fact need not
    know what an output block is, so this layer stays below the one that reads pages."""

    @property
    def location(self) -> str: ...

    @property
    def shown_snippet(self) -> str: ...

    @property
    def vary(self) -> _HostDeclaration: ...


def host_facts(transcript: str, block: ShowsOutput, machine: Machine | None = None) -> list[HostFact]:
    """The facts of this machine that ``transcript`` (a run's page text, command line
    first, sanitized or not) shows and ``block`` does not declare, one per line and kind."""
    machine = machine or Machine.here()
    declared = set(block.vary.host)
    facts: dict[tuple[int, str], HostFact] = {}
    for line, kind, value in machine.find(transcript):
        if line > 1 and kind not in declared:
            facts.setdefault((line, kind), HostFact(block.location, block.shown_snippet, line, kind, value))
    return sorted(facts.values(), key=lambda f: (f.line, f.kind))
