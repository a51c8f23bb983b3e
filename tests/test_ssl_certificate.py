"""The certificate of 10.5.10: still valid, for the names the listings use, and the
command the page shows really makes one the listings accept.

The build's run cache is keyed on the listings' code, not on ``localhost.crt``: an
expired certificate would only show when a listing runs afresh.  So this test fails
90 days before the certificate expires, while there is time to run the page's command.
"""

from __future__ import annotations

import re
import shlex
import shutil
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from outputcheck.running.interpreters import reader_python
from test_ssl_echo import running_server

ROOT = Path(__file__).resolve().parent.parent
SNIPPETS = ROOT / "snippets"
PAGE = ROOT / "docs" / "ssl.md"
CERT = SNIPPETS / "localhost.crt"
KEY = SNIPPETS / "localhost.key"
DAY = 24 * 3600
MARGIN_DAYS = 90


def decoded(cert: Path) -> dict:
    """The certificate's fields as the ssl module reads them (no third-party parser)."""
    return ssl._ssl._test_decode_cert(str(cert))  # type: ignore[attr-defined]


def validity(cert: Path) -> tuple[float, float]:
    fields = decoded(cert)
    return ssl.cert_time_to_seconds(fields["notBefore"]), ssl.cert_time_to_seconds(fields["notAfter"])


def page_command() -> list[str]:
    """The one ``openssl`` command shown in the page's console block."""
    text = PAGE.read_text(encoding="utf-8").replace("\\\n", " ")  # join continued lines
    commands = re.findall(r"^\$ (openssl .+)$", text, re.MULTILINE)
    assert len(commands) == 1, f"{PAGE}: expected one '$ openssl ...' command, found {len(commands)}"
    return shlex.split(commands[0])


def test_certificate_is_valid_for_90_more_days() -> None:
    not_before, not_after = validity(CERT)
    now = time.time()
    assert not_before <= now, f"{CERT} is not valid yet (notBefore {decoded(CERT)['notBefore']})"
    days_left = (not_after - now) / DAY
    assert days_left > MARGIN_DAYS, (
        f"{CERT} expires on {decoded(CERT)['notAfter']} ({days_left:.0f} days left, fewer than "
        f"{MARGIN_DAYS}): run the openssl command of docs/ssl.md (10.5.10.1) in snippets/ and commit "
        f"localhost.crt and localhost.key"
    )


def test_certificate_is_for_the_names_the_listings_use() -> None:
    fields = decoded(CERT)
    assert fields["subject"] == ((("commonName", "localhost"),),)
    assert fields["subjectAltName"] == (("DNS", "localhost"), ("IP Address", "127.0.0.1"))
    # The key is the certificate's own: load_cert_chain checks that they belong together.
    ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(CERT, KEY)


def test_the_page_command_made_the_shipped_certificate() -> None:
    """The shipped certificate spans exactly the days the page's command asks for."""
    args = page_command()
    days = int(args[args.index("-days") + 1])
    assert days >= 3653, "the page promises ten years (3653 days with the leap days)"
    not_before, not_after = validity(CERT)
    assert round((not_after - not_before) / DAY) == days


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
def test_the_page_command_makes_a_certificate_the_listings_accept(tmp_path: Path) -> None:
    """Run the page's command in a fresh folder, then the page's server and client with it."""
    done = subprocess.run(page_command(), cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    made = tmp_path / "localhost.crt"
    assert decoded(made)["subjectAltName"] == decoded(CERT)["subjectAltName"]
    assert decoded(made)["subject"] == decoded(CERT)["subject"]
    assert made.read_bytes() != CERT.read_bytes()  # a new certificate, not a copy

    for name in ("asyncio_ssl_echo_server.py", "asyncio_ssl_echo_client.py"):
        shutil.copy(SNIPPETS / name, tmp_path / name)
    with running_server(tmp_path) as server:
        client = subprocess.run(
            [reader_python(), "asyncio_ssl_echo_client.py"],
            cwd=tmp_path,
            env=server.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert client.returncode == 0, client.stderr
        assert "echo_client: received b'in lines.\\n'" in client.stderr
        # The shipped certificate is not the new one: a client trusting it must fail.
        context = ssl.create_default_context(cafile=str(CERT))
        with pytest.raises(ssl.SSLCertVerificationError):
            server.tls_connect(context)
