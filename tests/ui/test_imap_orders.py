"""Sort and threads of an IMAP folder as the admin sees them (real Dovecot): every order
equals the one computed in Python over all envelopes, sizes come from the server's SORT."""

from __future__ import annotations

import pytest

from mailtui.cli import adhoc_imap_account, build_parser
from mailtui.config import Config
from mailtui.core.transcript import Direction
from mailtui.ui.app import MailApp
from mailtui.ui.widgets.index.message_index import MessageIndex
from tests.backends.imap_helpers import new_user
from tests.backends.orders import reference_order
from tests.backends.test_imap_order import MESSAGES
from tests.ui.conftest import settle, wait_until
from tests.ui.test_index_orders import order_shown, shown_keys


async def test_orders_of_an_imap_folder_equal_the_reference(dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    user = new_user(dovecot)
    dovecot.seed(user.name, MESSAGES)
    reference = user.open(cache=False)
    try:
        envs = reference.fetch_envelopes("INBOX", reference.list_refs("INBOX"))
    finally:
        reference.close()
    monkeypatch.setenv("MAILTUI_PASSWORD", user.password)
    args = build_parser().parse_args(["-f", user.url(), "--ca-file", str(dovecot.ca_file)])
    account = adhoc_imap_account(args)
    app = MailApp(Config(accounts=(account,)), account)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: app.screen.query_one(MessageIndex).row_count == len(MESSAGES), 60)
        cases = [
            ("o", "by sender, A to Z", "from:asc"),
            ("O", "by sender, Z to A", "from:desc"),
            ("o", "by subject, A to Z", "subject:asc"),
            ("o", "by size, biggest first", "size:desc"),
            ("O", "by size, smallest first", "size:asc"),
            ("o", "", "date:desc"),  # the listing's own order (UIDs): no name, nothing computed
            ("O", "by date, oldest first", "date:asc"),
        ]
        for key, name, mode in cases:
            await pilot.press(key)
            await wait_until(pilot, lambda name=name: order_shown(app, name), 60, name)
            if mode != "date:desc":
                assert shown_keys(app) == reference_order(envs, mode)[0], name
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: order_shown(app, "in threads"), 60, "threads")
        keys, depths = reference_order(envs, "threads")
        assert shown_keys(app) == keys
        index = app.screen.query_one(MessageIndex)
        assert {k: index.depth(k) for k in keys if index.depth(k)} == depths
    sent = [line.text for line in app.session.transcript.lines() if line.direction is Direction.SENT]
    assert any("SORT (SIZE)" in t for t in sent) and any("SORT (REVERSE SIZE)" in t for t in sent)
    assert any("SEARCH UNSEEN" in t for t in sent)  # the threads' unread marks, asked once
