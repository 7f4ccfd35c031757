"""Issue 15: Esc in compose on an IMAP account postpones the draft locally and into the server's
Drafts folder (APPEND, \\Draft); on a private Dovecot, read back by another client."""

from __future__ import annotations

import pytest

from mailtui.config import Config, UIConfig
from mailtui.ui.app import MailApp
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.compose.compose import ComposeScreen
from tests.backends.imap_helpers import new_user
from tests.sending.test_drafts_copy import account_of, drafts_in
from tests.ui.conftest import notifications, settle, wait_until

pytestmark = pytest.mark.dovecot


async def test_escape_postpones_into_the_imap_drafts_folder(dovecot) -> None:  # type: ignore[no-untyped-def]
    user = new_user(dovecot)
    account = account_of(user, from_address="me@example.org")
    app = MailApp(Config(accounts=(account,), ui=UIConfig()), account, backend=user.open())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="compose")
        await pilot.press(*"ops@example.net", "tab", "tab", "tab", *"disk report, half written")
        await settle(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen), what="the index again")
        await wait_until(
            pilot,
            lambda: any("work:Drafts too" in n.message for n in notifications(app)),
            30,
            "the copy on the server",
        )
    found = drafts_in(user, "Drafts")
    assert len(found) == 1 and {b"\\Draft", b"\\Seen"} <= found[0][1], found
    assert found[0][0] == "disk report, half written"
