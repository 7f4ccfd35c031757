"""What can be followed after a send (`server.after_send`, shared by `mailtui send --follow` and
the app): the decision from the outcome, and whether the queue id is in the log, on a real
Postfix log."""

from __future__ import annotations

import re
import time
from pathlib import Path

from mailtui.sending.dispatch import SendOutcome
from mailtui.sending.smtp import SendResult
from mailtui.server.after_send import appears_in_log, follow_offer

SHARED_POSTFIX = Path("/work/shared/data/logs/postfix-3.7-maillog-bounce.txt")


def sent(queue_id: str | None) -> SendOutcome:
    reply = f"2.0.0 Ok: queued as {queue_id}" if queue_id else "2.0.0 Ok"
    return SendOutcome("sent", SendResult(["a@test.example"], {}, 250, reply, queue_id, None), queue_id)


def test_follow_offer_needs_a_send_through_this_host_with_a_queue_id() -> None:
    assert follow_offer("127.0.0.1", sent("38FC021291A")).queue_id == "38FC021291A"
    remote = follow_offer("192.0.2.1", sent("38FC021291A"))
    assert remote.queue_id is None and not remote.local
    assert remote.why_not == "the relay 192.0.2.1 is not on this host (its log is there)"
    no_id = follow_offer("localhost", sent(None))
    assert no_id == type(no_id)(None, "the relay's reply named no queue id", local=True)
    queued = follow_offer("127.0.0.1", SendOutcome("queued", None, "outbox-1"))
    assert queued.queue_id is None and queued.why_not == "the message was queued locally, not sent"


def test_appears_in_log_finds_an_id_of_a_real_log_and_not_a_missing_one() -> None:
    match = re.search(r": ([0-9A-F]{8,}): to=<", SHARED_POSTFIX.read_text())
    assert match is not None
    assert appears_in_log(match.group(1), [SHARED_POSTFIX], timeout=5)
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        time.sleep(seconds)

    found = appears_in_log("0123456789A", [SHARED_POSTFIX], timeout=0.5, poll_interval=0.1, sleep=sleep)
    assert not found and waited  # polled until the timeout, then gave up
