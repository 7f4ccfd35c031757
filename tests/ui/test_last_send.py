"""Issue 16: after a send from compose, its SMTP conversation is one key (L) away."""

from __future__ import annotations

from pathlib import Path

from mailtui.demo.relay import DemoRelay
from mailtui.ui.screens.compose.compose import ComposeScreen
from mailtui.ui.screens.compose.last_send import LastSendDialog
from mailtui.ui.widgets.pager import Pager
from tests.ui.conftest import notifications, settle, wait_until
from tests.ui.test_compose_send import fill, make_send_app
from tests.ui.test_compose_send import relay as relay  # noqa: F401 - the fixture


async def test_l_shows_the_last_sends_conversation_after_compose_closed(tmp_path: Path, relay: DemoRelay) -> None:
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await wait_until(pilot, lambda: any("Nothing was sent" in n.message for n in notifications(app)))
        await fill(pilot, "bob@demo.test", "report")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ComposeScreen), what="sent and closed")
        assert any("L shows the SMTP conversation" in n.message for n in notifications(app))
        await pilot.press("L")
        await wait_until(pilot, lambda: isinstance(app.screen, LastSendDialog), what="the conversation")
        text = app.screen.query_one(Pager).plain
        assert "C: RCPT TO:<bob@demo.test>" in text and "queued as" in text
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, LastSendDialog), what="closed")
