"""Issue 15: quitting from the index says what is left behind first; q from a pager never quits."""

from __future__ import annotations

from pathlib import Path

from mailtui.sending.outbox import Outbox
from mailtui.ui.screens.confirm import ConfirmDialog
from tests.ui.conftest import make_app, make_maildir, screen_text, settle, wait_until
from tests.ui.test_typeahead import burst

RAW = b"From: admin@demo.test\r\nTo: bob@example.org\r\nSubject: queued\r\n\r\nbody\r\n"


async def test_quit_with_mail_in_the_outbox_asks_and_no_keeps_the_app(tmp_path: Path) -> None:
    Outbox().enqueue(RAW, "admin@demo.test", ["bob@example.org"], "test", "451 4.3.0 try later")
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert "1 message waits in the outbox, not sent yet" in screen_text(app).replace("\n", " ")
        await pilot.press("n")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmDialog), what="the answer")
        await settle(pilot)
        assert app.is_running
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question again")
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.is_running, what="the app to quit")
    assert len(Outbox().list()) == 1  # quitting sends nothing and loses nothing


async def test_quit_with_nothing_pending_asks_nothing(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await wait_until(pilot, lambda: not app.is_running, what="the app to quit")


async def test_q_typed_fast_in_the_pager_closes_only_the_pager(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, "enter", "J", "q")  # open, the next message, back to the index
        await wait_until(pilot, lambda: type(app.screen).__name__ == "BrowserScreen" and app.screen.is_current)
        await settle(pilot)
        assert app.is_running
