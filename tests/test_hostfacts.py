"""Facts of this machine never reach a page unannounced: they are found, named by line,
and replaced before anything is compared or written."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from booktools import Book

from outputcheck.reading.blocks import make_block
from outputcheck.verbs.check import Settings, check_blocks
from outputcheck.declaring.hostfacts import Machine, addresses, host_facts, mount_points
from outputcheck.declaring.normalize import HostPaths

MACHINE = Machine(hosts=("buildbox",), users=("alice",), mounts=("/mnt/data", "/srv"), addresses=("192.0.2.7", "fd00::7"))

MOUNTS = r"""/dev/vda / ext4 rw 0 0
proc /proc proc rw 0 0
tmpfs /dev/shm tmpfs rw 0 0
cgroup /sys/fs/cgroup/cpu cgroup rw 0 0
tmpfs /run/user/1000 tmpfs rw 0 0
/dev/vdb /mnt/my\040disk ext4 rw 0 0
overlay /etc/hosts ext4 rw 0 0
server:/export /home nfs rw 0 0
"""


def test_mount_points_that_tell_machines_apart() -> None:
    found = mount_points(MOUNTS, is_dir=lambda path: path != "/etc/hosts")
    assert found == {"/mnt/my disk", "/home"}


def test_addresses_skip_loopback() -> None:
    fib = "  |-- 127.0.0.1\n     /32 host LOCAL\n  |-- 192.0.2.2\n     /32 host LOCAL\n  |-- 192.0.2.255\n     /32 link BROADCAST\n"
    inet6 = "00000000000000000000000000000001 01 80 10 80 lo\nfd000000000000000000000000000002 04 40 00 82 eth0\n"
    assert addresses(fib, inet6) == {"192.0.2.2", "fd00::2"}


def test_facts_are_replaced_as_whole_words_and_paths() -> None:
    text = (
        "alice@buildbox:/mnt/data/logs $ ls\n"
        "buildboxes alicee /mnt/database /srv\n"
        "listening on 192.0.2.7:8080 and [fd00::7]:80, not 192.0.2.70\n"
    )
    assert MACHINE.sanitize(text) == (
        "<user>@<host>:<mount>/logs $ ls\n"
        "buildboxes alicee /mnt/database <mount>\n"
        "listening on <ip>:8080 and [<ip>]:80, not 192.0.2.70\n"
    )


def test_host_facts_name_the_lines_unless_declared() -> None:
    transcript = "$ python3 df.py\nFilesystem Mounted on\n/dev/vda /\n/dev/vdb /srv\nhost buildbox"
    block = make_block(Path("docs/disks.md"), 12, transcript, {})
    facts = host_facts(transcript, block, MACHINE)
    assert [(f.line, f.kind, f.value) for f in facts] == [(4, "mount", "/srv"), (5, "host", "buildbox")]
    message = str(facts[0])
    assert message.startswith("docs/disks.md:12: line 4 of the output shows this machine's mount point")
    assert "':host: mount'" in message and "snippets/df.py" in message
    declared = make_block(Path("docs/disks.md"), 12, transcript, {"host": "mount"})
    assert [f.kind for f in host_facts(transcript, declared, MACHINE)] == ["host"]
    # an output that was already sanitized still says what it shows
    assert [f.value for f in host_facts(MACHINE.sanitize(transcript), block, MACHINE)] == ["<mount>", "<host>"]


def test_host_paths_replace_host_facts_too(tmp_path: Path) -> None:
    host = HostPaths.for_run(tmp_path / "snippets", machine=MACHINE)
    assert host.sanitize("on buildbox as alice") == "on <host> as <user>"
    assert host.leaks("on buildbox") == ["buildbox"] and host.leaks("on <host>") == []


def test_generic_names_are_not_host_facts() -> None:
    here = Machine.here()
    assert "localhost" not in here.hosts and "root" not in here.users
    assert not {"/", "/proc", "/dev", "/dev/shm", "/sys/fs/cgroup"} & set(here.mounts)
    assert here.sanitize("/dev/null 127.0.0.1 ::1 localhost root") == "/dev/null 127.0.0.1 ::1 localhost root"


def test_a_listing_that_prints_the_host_name_shows_a_marker(book: Book) -> None:
    if socket.gethostname() in ("", "localhost"):
        return  # nothing to find on a machine without a name of its own
    book.snippet("whoami", "import socket\nprint(f'running on {socket.gethostname()}')\n")
    block = make_block(Path("page.md"), 3, "$ python3 whoami.py\nrunning on <host>", {"host": "host"})
    (verdict,), _ = check_blocks([block], Settings(book.root / "snippets", sys.executable))
    assert verdict.ok, verdict.report()
    assert verdict.actual == "$ python3 whoami.py\nrunning on <host>"
    undeclared = make_block(Path("page.md"), 3, block.text, {})
    assert [str(f) for f in host_facts(verdict.actual, undeclared)] and not host_facts(verdict.actual, block)
