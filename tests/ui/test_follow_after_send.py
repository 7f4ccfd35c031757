"""Sending from compose through the private Postfix (a relay on this host), then following the
relay's queue id in its log live with `f` until the final status: sent, and bounced for
`bounce@`. Through the aiosmtpd demo relay, which writes no mail log, nothing is offered and
a notification says why (no dialog in the way).
"""

from __future__ import annotations

from pathlib import Path

from mailtui.config import AccountConfig, Config, ServerConfig, UIConfig
from mailtui.demo.relay import DemoRelay
from mailtui.ui.app import MailApp
from mailtui.ui.screens.compose.compose import ComposeScreen
from mailtui.ui.screens.compose.send_result import SendResultDialog
from mailtui.ui.screens.server.server import ServerScreen
from mailtui.ui.screens.server.source import ServerSource
from mailtui.ui.widgets.server.trace_view import TraceView, trace_text
from tests.postfix_server import PostfixServer
from tests.server.conftest import PostfixLog, postfix_log  # noqa: F401  (the session's Postfix)
from tests.ui.conftest import make_maildir, notifications, screen_text, settle, wait_until
from tests.ui.test_compose_send import fill

DOMAIN = "test.example"


def follow_app(tmp_path: Path, port: int, log: Path) -> MailApp:
    """An account sending through 127.0.0.1:`port`, the app started as `mailtui --log LOG`."""
    smtp = ServerConfig(kind="smtp", account="test", host="127.0.0.1", port=port, tls="none", auth=False)
    account = AccountConfig(
        name="test", from_address=f"admin@{DOMAIN}", maildir=str(make_maildir(tmp_path / "Mail")), smtp=smtp
    )
    config = Config(accounts=(account,), ui=UIConfig(theme="textual-dark"))
    return MailApp(config, account, server=ServerSource((str(log),)))


async def send_and_follow(pilot: object, to: str) -> tuple[str, TraceView]:
    """Compose to `to`, send, wait for the follow offer, press f; the queue id and the view."""
    app: MailApp = pilot.app  # type: ignore[attr-defined]
    await settle(pilot)
    await fill(pilot, to, f"follow {to}")
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, SendResultDialog), 60, "the send result")
    dialog = app.screen
    assert isinstance(dialog, SendResultDialog)
    await wait_until(pilot, lambda: dialog.followable, 30, "the queue id to show up in the log")
    queue_id = dialog.queue_id
    text = screen_text(app)
    assert "Message sent" in text and f"queued as {queue_id}" in text
    assert f"f  Follow {queue_id} in the mail log" in text
    assert dialog.follow_hint == f"f  Follow {queue_id} in the mail log until its final status"
    await pilot.press("f")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, ServerScreen), 30, "the server screen")
    view = app.screen.query_one(TraceView)
    await wait_until(
        pilot, lambda: view.last_update is not None and view.last_update.done, 60, "the final status"
    )
    return queue_id, view


async def test_follow_after_send_to_sent(tmp_path: Path, postfix_log: PostfixLog) -> None:  # noqa: F811
    server: PostfixServer = postfix_log.server
    app = follow_app(tmp_path, server.port, server.maillog_path)
    async with app.run_test(size=(80, 24)) as pilot:
        queue_id, view = await send_and_follow(pilot, f"admin@{DOMAIN}")
        update = view.last_update
        assert update is not None and update.reason == "final" and update.status == "sent"
        assert update.trace.timelines[0].queue_ids[0] == queue_id
        text = screen_text(app)
        assert f"{queue_id}: sent (final status reached" in text
        assert f"message {queue_id} (postfix): sent (final)" in text
        plain = trace_text(update.trace).plain
        assert f"to <admin@{DOMAIN}> sent (dsn 2.0.0, via virtual, queue id {queue_id})" in plain
        assert "delivered to maildir" in plain
        assert not view.following  # done: the worker ended
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ServerScreen), 30, "the screen to close")


async def test_follow_after_send_to_bounced(tmp_path: Path, postfix_log: PostfixLog) -> None:  # noqa: F811
    server: PostfixServer = postfix_log.server
    app = follow_app(tmp_path, server.port, server.maillog_path)
    async with app.run_test(size=(80, 24)) as pilot:
        queue_id, view = await send_and_follow(pilot, f"bounce@{DOMAIN}")
        update = view.last_update
        assert update is not None and update.reason == "final" and update.status == "bounced"
        ids = update.trace.timelines[0].queue_ids
        assert ids[0] == queue_id and len(ids) == 2  # the original, then its non-delivery notification
        assert f"{queue_id} -> {ids[1]}: bounced (final status reached" in screen_text(app)
        plain = trace_text(update.trace).plain
        assert f"to <bounce@{DOMAIN}> bounced (dsn 5.1.1, via testbounce, queue id {queue_id})" in plain
        assert "rejects all mail (acceptance-test bounce)" in plain
        assert "=> " in plain  # the reply and delays explained


async def test_no_follow_offer_through_a_relay_without_a_log(tmp_path: Path) -> None:
    """The demo relay writes no mail log: no dialog in the way, a notification says why."""
    log = tmp_path / "maillog"
    log.write_text("")  # the app's --log: a log the demo relay never writes to
    with DemoRelay(tmp_path / "delivered") as relay:
        app = follow_app(tmp_path, relay.port, log)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await fill(pilot, "bob@demo.test", "no log here")
            await pilot.press("ctrl+s")

            def why_not() -> str:
                return next((n.message for n in notifications(app) if "Not followed" in n.message), "")

            await wait_until(pilot, why_not, 60, "the reason nothing is followed")
            assert why_not().startswith("Not followed in the mail log: ")
            assert f"did not appear in {log} within 5 s: the relay 127.0.0.1:{relay.port} logs" in why_not()
            assert not any(isinstance(s, SendResultDialog) for s in app.screen_stack)
            assert not isinstance(app.screen, ComposeScreen)  # compose closed after the send
