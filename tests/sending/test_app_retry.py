"""The app sends due queued mail on its own (no ctrl+o, no cron) and shows how many wait."""

from __future__ import annotations

from pathlib import Path

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.paths import data_dir
from mailtui.sending.outbox import Outbox
from mailtui.ui.app import MailApp
from mailtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import make_maildir, wait_until


async def test_due_queued_mail_is_sent_while_the_app_runs(relay_factory, tmp_path: Path):
    relay = relay_factory("plain", auth=False)
    account = AccountConfig(
        name="test", from_address="me@example.org", maildir=str(make_maildir(tmp_path / "Mail")),
        smtp=relay.config(account="test", user=None, auth=False),
    )  # fmt: skip
    box = Outbox(data_dir() / "outbox")
    due = box.enqueue(b"Subject: due now\r\n\r\nbody\r\n", "me@example.org", ["you@example.net"], "test")
    box.enqueue(b"Subject: later\r\n\r\nbody\r\n", "me@example.org", ["you@example.net"], "test", "451 later")
    app = MailApp(Config(accounts=(account,), ui=UIConfig(theme="textual-dark")), account)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_until(pilot, lambda: len(relay.handler.delivered) == 1, what="the due message sent")
        bar = app.screen.query_one(StatusBar)
        await wait_until(pilot, lambda: "1 queued" in str(bar.status_text()), what="the count of the rest")
    [got] = relay.handler.delivered
    assert b"Subject: due now" in got.data
    assert [q.subject for q in box.list()] == ["later"] and due not in [q.id for q in box.list()]
