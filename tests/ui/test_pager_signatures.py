"""The pager names a PGP-signed message and its V verifies the signature with the real gpg (issue 17).

The key is made in a private keyring (GNUPGHOME, as gpg reads it for the user); the message
is signed by `gpg --detach-sign` in tests/diagnostics/test_signatures.py's shape and stored
with LF line ends, as a Maildir file is.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.config import AccountConfig, Config, DiagnosticsConfig, UIConfig
from mailtui.ui.app import MailApp
from mailtui.ui.screens.pager.pager import PagerScreen
from mailtui.ui.widgets.pager import Pager
from tests.diagnostics.conftest import keyring as keyring  # noqa: F401 - the fixture
from tests.diagnostics.dns_server import DnsServer
from tests.diagnostics.test_signatures import SIGNER, pgp_mime
from tests.ui.conftest import BASE_TIME, screen_text, settle, wait_until, write_message

pytestmark = pytest.mark.skipif(shutil.which("gpg") is None, reason="needs gpg (make test)")


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer({})  # NXDOMAIN for DKIM/SPF/DMARC: the signature needs no DNS
    yield server
    server.close()


def make_app(root: Path, dns: DnsServer, data: bytes) -> MailApp:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    write_message(root, "cur", BASE_TIME, 0, "S", data.replace(b"\r\n", b"\n"))
    account = AccountConfig(name="test", maildir=str(root))
    config = Config(
        accounts=(account,), ui=UIConfig(theme="textual-dark"), diagnostics=DiagnosticsConfig(dns_server=dns.address)
    )
    return MailApp(config, account)


@pytest.mark.parametrize(("change", "status"), [(False, "GOOD"), (True, "BAD")])
async def test_signed_message_is_named_and_v_checks_it(
    tmp_path: Path, dns: DnsServer, keyring: Path, monkeypatch: pytest.MonkeyPatch, change: bool, status: str
) -> None:
    monkeypatch.setenv("GNUPGHOME", str(keyring))
    data = pgp_mime(keyring)
    if change:
        data = data.replace(b"03:12", b"03:13")  # as a relay rewriting the text would
    app = make_app(tmp_path / "Mail", dns, data)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen) and app.screen.view is not None)
        pager = app.screen.query_one(Pager)
        await wait_until(
            pilot, lambda: "[-- PGP/MIME signed (part 1): V verifies it here --]" in screen_text(app), what="the mark"
        )
        await pilot.press("V")
        await wait_until(pilot, lambda: "PGP / S/MIME:" in pager.plain, what="the verdicts")
        text = pager.plain
        # the keyring's own key (gpg trusts a key it made ultimately)
        assert f"part 1: PGP/MIME signed: {status}" in text
        assert f"signer: {SIGNER}" in text
        assert f"PGP/MIME signed: {status}" in screen_text(app)
