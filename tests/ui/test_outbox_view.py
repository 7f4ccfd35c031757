"""Issue 16: the outbox in sight - Q lists what waits, explains the last reply, retries or drops one."""

from __future__ import annotations

from pathlib import Path

from mailtui.demo.relay import DemoRelay
from mailtui.sending.outbox import Outbox
from mailtui.ui.screens.confirm import ConfirmDialog
from mailtui.ui.screens.outbox import OutboxScreen
from tests.ui.conftest import notifications, screen_text, settle, wait_until
from tests.ui.test_compose_send import delivered, make_send_app
from tests.ui.test_compose_send import relay as relay  # noqa: F401 - the fixture


def raw(subject: str, to: str) -> bytes:
    return f"From: admin@demo.test\r\nTo: {to}\r\nSubject: {subject}\r\n\r\nbody\r\n".encode()


async def test_q_lists_the_queue_explains_retries_one_and_drops_one(tmp_path: Path, relay: DemoRelay) -> None:
    box = Outbox()
    keep = box.enqueue(raw("disk report", "bob@demo.test"), "admin@demo.test", ["bob@demo.test"], "test",
                       "452 4.2.2 Mailbox full")  # fmt: skip
    drop = box.enqueue(raw("old test", "carol@demo.test"), "admin@demo.test", ["carol@demo.test"], "test",
                       "421 4.7.0 Try again later")  # fmt: skip
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("Q")
        await wait_until(pilot, lambda: isinstance(app.screen, OutboxScreen), what="the outbox")
        screen = app.screen
        assert isinstance(screen, OutboxScreen)
        await wait_until(pilot, lambda: len(screen.items) == 2, what="the queued two")
        text = screen_text(app)
        assert keep in text and drop in text and "disk report" in text and "tries 1" in text
        await wait_until(pilot, lambda: "Last reply: " in screen_text(app), what="the explanation")
        first = screen.items[0]
        assert f"Last reply: {first.last_error}" in screen_text(app)
        assert "temporary" in screen_text(app).lower()  # 4xx explained
        # drop the second (after a yes), retry the first (the demo relay accepts it)
        second, kept = screen.items[1], screen.items[0]
        await pilot.press("down", "d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), what="the question")
        assert f"Drop {second.id} to {second.recipients[0]}?" in screen_text(app)
        await pilot.press("y")
        await wait_until(pilot, lambda: [i.id for i in screen.items] == [kept.id], what="one left")
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.items, what="the retried one sent")
        assert any("1 sent, 0 still in the outbox" in n.message for n in notifications(app))
        assert "The outbox is empty." in screen_text(app)
    assert Outbox().list() == []
    (msg,) = delivered(relay)  # only the retried one reached the relay, the dropped one never
    assert msg["Subject"] == kept.subject and msg["To"] == kept.recipients[0]
