"""The browser on a real IMAP server (a private Dovecot): index, pager, flags, new mail, TLS state.

Skipped when Debian's dovecot is not installed (see tests/backends/dovecot_server.py).
"""

from __future__ import annotations

import pytest

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.core.transcript import Direction, Transcript
from mailtui.ui.app import MailApp
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.status_bar import StatusBar
from tests.backends.imap_helpers import new_user
from tests.ui.conftest import MESSAGES, screen_text, settle, wait_until

pytestmark = pytest.mark.dovecot


async def test_browse_flag_and_receive_over_imap(dovecot) -> None:  # type: ignore[no-untyped-def]
    user = new_user(dovecot)
    dovecot.seed(user.name, [data for _, _, _, data in reversed(MESSAGES)], flags="S")
    backend = user.open()
    account = AccountConfig(name="imap-test")
    app = MailApp(Config(accounts=(account,), ui=UIConfig()), account, backend=backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "测试邮件" in text and "[/PATCH] broken [bold]markup" in text  # literal, never parsed
        status = str(app.screen.query_one(StatusBar).status_text())
        assert "TLS" in status and "WARNING" not in status and "/ 5" in status

        await pilot.press("F")  # flag the newest message on the server
        await settle(pilot)
        client = user.client()
        client.select_folder("INBOX")
        flagged = client.search(["FLAGGED"])
        assert len(flagged) == 1

        index = app.screen.query_one(MessageIndex)
        dovecot.deliver(user.name, b"From: x@example.org\nSubject: Over IMAP\n\nhello\n")
        await wait_until(
            pilot, lambda: index.row_count == 6 and "Over IMAP" in screen_text(app), 60, "the new message"
        )
        assert "Over IMAP" in index.row_text(0)
        assert "测试邮件" in index.row_text(index.cursor)  # the cursor stayed on its message

        await pilot.press("k", "enter")
        await settle(pilot)
        assert "hello" in screen_text(app)
        client.logout()


async def test_body_search_is_done_by_the_server(dovecot) -> None:  # type: ignore[no-untyped-def]
    user = new_user(dovecot)
    encoded = (
        b"From: cron@example.org\r\nSubject: nightly report\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"YmFja3VwIGZhaWxlZDogZGlzayBmdWxs\r\n"  # "backup failed: disk full"
    )
    plain = b"From: x@example.org\r\nSubject: all fine\r\n\r\nnothing to see\r\n"
    dovecot.seed(user.name, [encoded, plain], flags="S")
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    account = AccountConfig(name="imap-test")
    app = MailApp(Config(accounts=(account,), ui=UIConfig()), account, backend=backend)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"~b disk full", "enter")
        index = app.screen.query_one(MessageIndex)
        await wait_until(pilot, lambda: index.row_count == 1, 30, "the limit")
        await settle(pilot)
        assert "nightly report" in index.row_text(0)
    sent = [line.text for line in transcript.lines() if line.direction is Direction.SENT]
    assert any("SEARCH" in text and "BODY" in text for text in sent), sent
    assert not any("BODY.PEEK[]" in text for text in sent)  # no message was downloaded to search it
