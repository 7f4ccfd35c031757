"""Layout snapshots of the compose screen at 80x24 (new message; bad address and attachment).

Built by the `MailApp` factory on the deterministic Maildir of conftest. Update with
`pytest tests/ui/test_compose_snapshots.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.core.compose import AttachmentSpec
from mailtui.ui.app import MailApp
from mailtui.ui.compose_actions import open_compose
from mailtui.ui.widgets.compose.attachment_list import AttachmentList
from tests.ui.conftest import settle, steady_cursors


def compose_app(maildir: Path) -> MailApp:
    account = AccountConfig(
        name="test", from_address="admin@example.org", realname="Test Admin",
        signature="Ops team, ext. 4711", maildir=str(maildir),
    )  # fmt: skip
    return MailApp(Config(accounts=(account,), ui=UIConfig(theme="textual-dark")), account)


async def open_new(pilot) -> None:
    await settle(pilot)
    open_compose(pilot.app)
    await settle(pilot)
    steady_cursors(pilot.app)


def test_compose_new(snap_compare, maildir: Path) -> None:
    assert snap_compare(compose_app(maildir), terminal_size=(80, 24), run_before=open_new)


def test_compose_bad_address_and_attachment(snap_compare, maildir: Path) -> None:
    async def fill(pilot) -> None:
        await open_new(pilot)
        screen = pilot.app.screen
        screen.query_one(AttachmentList).add(
            AttachmentSpec("/tmp/report.pdf", "report.pdf", "application/pdf", b"%PDF-1.4" * 300)
        )
        screen.query_one("#compose-subject", Input).value = "Disk report 测试"
        await pilot.press(*"bob@example.org, al ice@x")
        await pilot.press("tab")  # leaving the field checks it
        await settle(pilot)
        steady_cursors(pilot.app)

    assert snap_compare(compose_app(maildir), terminal_size=(80, 24), run_before=fill)
