"""Issue 15: the mailbox account is switched from the index (A, or "Account" in ctrl+p)."""

from __future__ import annotations

from pathlib import Path

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.ui.app import MailApp
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog
from mailtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import (
    BASE_TIME,
    make_app,
    make_maildir,
    notifications,
    screen_text,
    settle,
    wait_until,
    write_message,
)


def two_accounts(tmp_path: Path) -> MailApp:
    work = make_maildir(tmp_path / "Work")
    home = tmp_path / "Home"
    for sub in ("cur", "new", "tmp"):
        (home / sub).mkdir(parents=True)
    write_message(home, "cur", BASE_TIME, 0, "S", b"From: mum@example.org\nSubject: Sunday lunch\n\nhi\n")
    accounts = (AccountConfig(name="work", maildir=str(work)), AccountConfig(name="home", maildir=str(home)))
    return MailApp(Config(accounts=accounts, ui=UIConfig(theme="textual-dark")), accounts[0])


async def test_a_switches_to_the_other_account_and_closes_the_first(tmp_path: Path) -> None:
    app = two_accounts(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        first = app.session
        assert first.backend is not None and "Sunday lunch" not in screen_text(app)
        await pilot.press("A")
        await wait_until(pilot, lambda: isinstance(app.screen, FolderPickerDialog), what="the accounts")
        assert "home" in screen_text(app) and "Switch from work" in screen_text(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Sunday lunch" in screen_text(app), what="the other account's mail")
        assert isinstance(app.screen, BrowserScreen) and app.screen.session is app.session
        assert app.session.account.name == "home"
        assert "home" in str(app.screen.query_one(StatusBar).status_text())
        await wait_until(pilot, lambda: first.backend is None, what="the first account closed")
        assert len([s for s in app.screen_stack if isinstance(s, BrowserScreen)]) == 1


async def test_with_one_account_or_outside_the_index_it_says_why(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await wait_until(pilot, lambda: any("only account" in n.message for n in notifications(app)))
        await pilot.press("enter")  # a message
        await wait_until(pilot, lambda: not isinstance(app.screen, BrowserScreen), what="the pager")
        await pilot.press("A")
        await wait_until(pilot, lambda: any("message index first" in n.message for n in notifications(app)))
