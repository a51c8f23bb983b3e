"""Block devices and filesystem names of this machine are host facts: replaced before a
page sees them, and named by the update unless the block declares them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from outputcheck.declaring.hostfacts import Machine, block_devices, filesystem_names, host_facts
from outputcheck.reading.pages import scan_text

MOUNTS = """proc /proc proc rw 0 0
/dev/vda / ext4 rw 0 0
/dev/mapper/vg-home /home ext4 rw 0 0
tmpfs /dev/shm tmpfs rw 0 0
overlay /var/lib/docker/overlay2/x/merged overlay rw 0 0
tank-data /srv/tank zfs rw 0 0
server:/export /mnt/nfs nfs4 rw 0 0
"""
PARTITIONS = """major minor  #blocks  name

 254        0  268435456 vda
 254        1  268434432 vda1
"""


def test_devices_and_filesystem_names_are_read_from_the_machine() -> None:
    assert block_devices(MOUNTS, PARTITIONS) == {"/dev/vda", "/dev/vda1", "/dev/mapper/vg-home"}
    assert filesystem_names(MOUNTS, ["BOOT\\x20DISK"], ["2b7c1e0e-aaaa-4bbb-8ccc-0123456789ab", "AB"]) == {
        "tank-data", "BOOT DISK", "2b7c1e0e-aaaa-4bbb-8ccc-0123456789ab",
    }  # not tmpfs, overlay, proc (every machine has them), a path or a remote export


def block(options: str = ""):
    (found,) = scan_text(Path("p.md"), f"```{{output}}\n{options}\n\n$ python3 df.py\nx\n```\n" if options else "```{output}\n$ python3 df.py\nx\n```\n")
    return found.block()


def test_a_df_listing_shows_neither_device_nor_filesystem_unless_declared() -> None:
    machine = Machine(devices=("/dev/vda", "/dev/vda1"), filesystems=("tank-data",))
    run = "$ python3 df.py\nFilesystem Size Mounted on\n/dev/vda 252G /\n/dev/vda1 1G /boot\ntank-data 2T /srv\n/dev/null is not a disk"
    clean = machine.sanitize(run)
    assert "/dev/vda" not in clean and "tank-data" not in clean
    assert clean.count("<device>") == 2 and "<filesystem> 2T" in clean and "/dev/null is not a disk" in clean
    facts = host_facts(run, block(), machine)
    assert [(f.line, f.kind) for f in facts] == [(3, "device"), (4, "device"), (5, "filesystem")]
    assert "declare ':host: device'" in str(facts[0])
    assert host_facts(run, block(":host: device, filesystem"), machine) == []


def test_this_machine_s_root_device_never_reaches_a_page() -> None:
    here = Machine.here()
    if not here.devices:
        pytest.skip("this machine names no block device in /proc/partitions or its mounts")
    device = here.devices[0]
    assert device not in here.sanitize(f"{device}  252G  24G  79G  23% /") and "<device>" in here.sanitize(device)
