"""The persistent outbox: real temp directories, a real aiosmtpd relay for flushing."""

from __future__ import annotations

import mailbox

import pytest

from mailtui.core.compose import Draft, build_message, message_bytes
from mailtui.core.errors import SendError
from mailtui.core.transcript import Transcript
from mailtui.paths import data_dir
from mailtui.sending.outbox import BACKOFF_BASE, Outbox, OutboxError, QueuedMessage, backoff_delay
from mailtui.sending.smtp import RelayError, send_message
from tests.fixtures.clock import Clock
from tests.sending.relay import PASSWORD


def _raw(subject: str = "queued", bcc: str = "") -> bytes:
    draft = Draft("me@example.org", "you@example.net", bcc=bcc, subject=subject, body="body\n")
    return message_bytes(build_message(draft, message_id_domain="mailtui.test"))


async def test_enqueue_on_greylisting_then_flush_delivers(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    relay.handler.data_reply = "451 4.7.1 greylisted, try again later"
    clock = Clock()
    outbox = Outbox(tmp_path / "outbox", clock=clock)
    raw = _raw("Grüße aus der Warteschlange", bcc="hidden@example.net")
    recipients = ["you@example.net", "hidden@example.net"]

    async def send(item: QueuedMessage, data: bytes) -> object:
        return await send_message(
            relay.config(), data, sender=item.sender, recipients=list(item.recipients),
            password=PASSWORD, transcript=Transcript(),
        )  # fmt: skip

    with pytest.raises(RelayError) as err:
        await send_message(relay.config(), raw, sender="me@example.org", recipients=recipients,
                           password=PASSWORD, transcript=Transcript())  # fmt: skip
    assert err.value.temporary
    ident = outbox.enqueue(raw, "me@example.org", recipients, "test", str(err.value))

    [queued] = outbox.list()
    assert queued.id == ident and queued.attempts == 1 and "greylisted" in queued.last_error
    assert queued.subject == "Grüße aus der Warteschlange"
    assert queued.recipients == tuple(recipients)
    assert queued.next_attempt == clock.now + BACKOFF_BASE

    # not due yet: nothing is sent
    report = await outbox.flush(send)
    assert report.skipped == [ident] and report.sent == [] and relay.handler.delivered == []

    relay.handler.data_reply = "250 2.0.0 Ok: queued as ABC123"
    clock.now += BACKOFF_BASE
    report = await outbox.flush(send)
    assert report.sent == [ident] and report.failed == {}
    assert outbox.list() == []
    [got] = relay.handler.delivered
    assert got.data == raw and got.rcpt_tos == recipients


async def test_flush_records_failures_with_backoff_and_holds_permanent(tmp_path):
    clock = Clock()
    outbox = Outbox(tmp_path / "ob", clock=clock)
    temp_id = outbox.enqueue(_raw("a"), "me@example.org", ["a@example.net"], "acct")
    perm_id = outbox.enqueue(_raw("b"), "me@example.org", ["b@example.net"], "acct")
    assert {q.attempts for q in outbox.list()} == {0}

    async def failing(item: QueuedMessage, data: bytes) -> object:
        permanent = item.id == perm_id
        raise SendError("550 no" if permanent else "451 later", temporary=not permanent)

    report = await outbox.flush(failing)
    assert set(report.failed) == {temp_id, perm_id}
    temp = outbox.get(temp_id)
    assert temp.attempts == 1 and temp.next_attempt == clock.now + backoff_delay(1)
    assert outbox.get(perm_id).next_attempt is None  # held until a forced flush

    clock.now += backoff_delay(1)
    await outbox.flush(failing)
    temp = outbox.get(temp_id)
    assert temp.attempts == 2 and temp.next_attempt == clock.now + 2 * BACKOFF_BASE
    assert outbox.get(perm_id).attempts == 1  # held: not retried

    sent: list[str] = []

    async def ok(item: QueuedMessage, data: bytes) -> object:
        sent.append(item.id)
        return None

    report = await outbox.flush(ok, force=True)
    assert sorted(report.sent) == sorted([temp_id, perm_id]) and sorted(sent) == sorted(report.sent)
    assert outbox.list() == []


def test_backoff_grows_and_is_capped():
    delays = [backoff_delay(n) for n in range(1, 20)]
    assert delays[:3] == [60.0, 120.0, 240.0]
    assert delays == sorted(delays) and max(delays) == 6 * 3600.0


def test_outbox_is_a_maildir_with_unchanged_bytes(tmp_path):
    outbox = Outbox(tmp_path / "ob")
    raw = _raw("in maildir")
    ident = outbox.enqueue(raw, "me@example.org", ["you@example.net"], "acct")
    md = mailbox.Maildir(tmp_path / "ob", create=False)
    assert [md.get_bytes(k) for k in md.keys()] == [raw]
    assert outbox.raw(ident) == raw
    outbox.remove(ident)
    assert outbox.list() == [] and list(md.keys()) == []
    with pytest.raises(OutboxError):
        outbox.raw(ident)
    with pytest.raises(OutboxError):
        outbox.get("../../etc/passwd")


def test_default_locations_are_under_the_data_dir():
    assert Outbox().root == data_dir() / "outbox"
    assert (data_dir() / "outbox" / "new").is_dir()


async def test_concurrent_flush_does_not_send_twice(tmp_path):
    outbox = Outbox(tmp_path / "ob")
    other = Outbox(tmp_path / "ob")  # e.g. the CLI while the UI is flushing
    ident = outbox.enqueue(_raw("once"), "me@example.org", ["you@example.net"], "acct")
    calls: list[str] = []
    inner_reports = []

    async def send(item: QueuedMessage, data: bytes) -> object:
        calls.append(item.id)
        inner_reports.append(await other.flush(send))  # a second flush while the first one runs
        return None

    report = await outbox.flush(send)
    assert report.sent == [ident] and calls == [ident]
    [inner] = inner_reports
    assert inner.busy and inner.sent == [] and inner.skipped == [ident]
    assert outbox.list() == []


async def test_a_journaled_message_is_in_flight_for_its_process_and_never_sent_twice(tmp_path):
    outbox = Outbox(tmp_path / "outbox")
    ident = outbox.journal(_raw("in flight"), "me@example.org", ["you@example.net"], "test")
    [item] = outbox.list()
    assert item.in_flight and not item.interrupted

    async def must_not_send(item: QueuedMessage, data: bytes) -> object:
        raise AssertionError("a message being sent was sent again by a flush")

    report = await outbox.flush(must_not_send, force=True)
    assert report.skipped == [ident] and report.sent == []
    outbox.release(ident)  # the attempt was cancelled: due again, no attempt counted
    [item] = outbox.list()
    assert not item.in_flight and item.attempts == 0 and outbox.due() == [item]
