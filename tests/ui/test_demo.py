"""`mailtui --demo`: the browser on the generated demo Maildir, with the local relay running."""

from __future__ import annotations

import socket

from mailtui.demo.mailbox import demo_config
from mailtui.demo.relay import DemoRelayService
from mailtui.ui.app import MailApp
from mailtui.ui.widgets.index.message_index import MessageIndex
from tests.ui.conftest import notifications, settle, wait_until


def banner(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
        return conn.recv(100)


async def test_demo_starts_and_stops_the_relay() -> None:
    config = demo_config()  # under the test's temp XDG data dir
    app = MailApp(config, config.accounts[0], services=[DemoRelayService()])
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        smtp = app.session.account.smtp
        assert smtp is not None and smtp.port > 0  # port 0 replaced by the relay's port
        port = smtp.port
        assert banner(port).startswith(b"220 ")
        assert app.screen.query_one(MessageIndex).row_count > 0
    try:
        banner(port)
    except OSError:
        pass  # closed on exit, as it should be
    else:
        raise AssertionError("the demo relay still listens after the app exited")


class _BrokenService:
    """A service whose start fails, as the demo relay does when it cannot bind."""

    title = "Broken relay"

    def __init__(self) -> None:
        self.stopped = 0

    def start(self, account):  # type: ignore[no-untyped-def]
        raise OSError("address already in use")

    def stop(self) -> None:
        self.stopped += 1


async def test_a_service_that_cannot_start_is_reported_and_the_app_works_on() -> None:
    config = demo_config()
    service = _BrokenService()
    app = MailApp(config, config.accounts[0], services=[service])
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(
            pilot,
            lambda: any(n.title == "Broken relay not started" for n in notifications(app)),
            what="the service's failure notice",
        )
        await settle(pilot)
        assert app.screen.query_one(MessageIndex).row_count > 0
        assert app.session.account == config.accounts[0]  # unchanged: the service never ran
    assert service.stopped >= 1
