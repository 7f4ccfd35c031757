"""Issue 15: Esc in compose on an IMAP account postpones the draft locally and into the server's
Drafts folder (APPEND, \\Draft); on a private Dovecot, read back by another client."""

from __future__ import annotations

import pytest

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.ui.app import MailApp
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.compose.compose import ComposeScreen
from mailtui.ui.screens.compose.drafts import DraftsDialog
from tests.backends.imap_helpers import ImapUser, new_user
from tests.sending.test_drafts_copy import account_of, drafts_in
from tests.ui.conftest import notifications, settle, wait_until

pytestmark = pytest.mark.dovecot


async def postpone_a_new_mail(pilot: object, app: MailApp, subject: str) -> None:
    """`m`, a recipient and a Subject typed, then Esc: the draft is postponed."""
    await settle(pilot)
    await pilot.press("m")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="compose")
    await pilot.press(*"ops@example.net", "tab", "tab", "tab", *subject)  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("escape")  # type: ignore[attr-defined]


async def test_escape_postpones_into_the_imap_drafts_folder(dovecot) -> None:  # type: ignore[no-untyped-def]
    user = new_user(dovecot)
    account = account_of(user, from_address="me@example.org")
    app = MailApp(Config(accounts=(account,), ui=UIConfig()), account, backend=user.open())
    async with app.run_test(size=(100, 30)) as pilot:
        await postpone_a_new_mail(pilot, app, "disk report, half written")
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


def live_drafts(user: ImapUser) -> list[str]:
    return [subject for subject, flags in drafts_in(user, "Drafts") if b"\\Deleted" not in flags]


async def postpone_from(account: AccountConfig, user: ImapUser, text: str) -> None:
    app = MailApp(Config(accounts=(account,), ui=UIConfig()), account, backend=user.open())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="compose")
        await pilot.press(*"ops@example.net", "tab", "tab", "tab", *text)
        await settle(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: any("Drafts too" in n.message for n in notifications(app)), 30,
                         "the copy on the server")  # fmt: skip


async def test_a_resumed_draft_is_removed_from_the_account_it_was_postponed_from(dovecot) -> None:  # type: ignore[no-untyped-def]
    """Postponed from `home`, resumed and discarded while `work` is the current account: the
    copy in home's Drafts folder goes (work's folder was searched instead)."""
    home_user, work_user = new_user(dovecot), new_user(dovecot)
    home = account_of(home_user, name="home", from_address="me@example.org")
    work = account_of(work_user, name="work", from_address="me@example.com")
    await postpone_from(home, home_user, "written at home")
    assert live_drafts(home_user) == ["written at home"]
    app = MailApp(Config(accounts=(work, home), ui=UIConfig()), work, backend=work_user.open())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(app.screen, DraftsDialog), what="the drafts picker")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="the draft resumed")
        await pilot.press("f8", "f8")
        await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen), what="discarded")
        await app.workers.wait_for_complete()
    assert live_drafts(home_user) == []


async def test_quitting_while_the_copy_is_stored_is_bounded_and_quiet(dovecot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The app quits while the server is slow to take the copy: the draft worker lets it go
    within a few seconds, and the copy's report to the stopped app raises nothing."""
    import asyncio
    import threading

    import mailtui.backends.imap.drafts as imap_drafts

    entered, release = threading.Event(), threading.Event()
    real_store = imap_drafts.store_copy

    def held_store(*args: object) -> None:
        entered.set()
        release.wait(60)
        real_store(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(imap_drafts, "store_copy", held_store)
    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))
    user = new_user(dovecot)
    account = account_of(user, from_address="me@example.org")
    app = MailApp(Config(accounts=(account,), ui=UIConfig()), account, backend=user.open())
    async with app.run_test(size=(100, 30)) as pilot:
        await postpone_a_new_mail(pilot, app, "written before quitting")
        await wait_until(pilot, entered.is_set, what="the copy being stored")
        workers = [w for w in app.workers if w.group == "imap-drafts"]
        before = set(threading.enumerate())
    assert workers  # the app has stopped; the copy is still held on its way to the server

    # What asyncio.run does once the app has stopped (mailtui's exit): wait for the worker
    # threads. Bounded, though the copy is held for a minute.
    try:
        await asyncio.wait_for(asyncio.get_running_loop().shutdown_default_executor(), 15)
    finally:
        release.set()
    for thread in before - {threading.current_thread()}:
        if thread.name.startswith("mailtui-imap-drafts"):
            thread.join(30)
    assert failures == []
    assert live_drafts(user) == ["written before quitting"]  # the local draft was kept as well
