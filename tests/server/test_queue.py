"""The queue of the private Postfix: list (postqueue -j), hold/release/requeue/delete (postsuper),
show (postcat), all through `-c CONFIG_DIR`; Exim's `exim -bp` format parsed from a recording."""

from __future__ import annotations

import time

import pytest

from mailtui.server.errors import ServerError
from mailtui.server.queue import PostfixQueue, by_domain, by_reason, parse_exim_bp
from tests.server.conftest import _send

pytestmark = pytest.mark.postfix


def queue_of(postfix_log) -> PostfixQueue:
    return PostfixQueue(str(postfix_log.server.etc))


def wait_for(predicate, what: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_deferred_messages_are_listed_with_reasons_explained(postfix_log) -> None:
    entries = {e.queue_id: e for e in queue_of(postfix_log).list()}
    grey = entries[postfix_log.queue_ids["greylist"]]
    closed = entries[postfix_log.queue_ids["closed"]]
    assert grey.queue_name in ("deferred", "active", "hold") and grey.sender == "admin@test.example"
    [r] = grey.recipients
    assert r.address == "greylist@test.example" and "451 4.7.1" in r.delay_reason
    assert "Greylist" in r.explanation
    assert "Connection refused" in closed.recipients[0].delay_reason and closed.recipients[0].explanation
    reasons = by_reason(list(entries.values()))
    assert any("Greylisted" in reason for reason, _, _ in reasons)
    assert ("test.example", len([r for e in entries.values() for r in e.recipients])) in by_domain(
        list(entries.values())
    )


def test_hold_release_requeue_show_and_delete(postfix_log) -> None:
    server = postfix_log.server
    queue = queue_of(postfix_log)
    ids: dict[str, str] = {}
    qid = _send(server.port, "queue-actions", ["greylist@test.example"], ids)
    assert qid
    server.wait_for_log(rf"{qid}: to=<greylist@test\.example>.*status=deferred")

    def state() -> str:
        return next((e.queue_name for e in queue.list() if e.queue_id == qid), "gone")

    assert queue.act("hold", [qid]) == 1
    wait_for(lambda: state() == "hold", "hold")
    assert queue.act("release", [qid]) == 1
    wait_for(lambda: state() in ("deferred", "active", "incoming"), "release")
    assert queue.act("requeue", [qid]) == 1
    shown = queue.show(qid)
    assert "Subject: queue-actions" in shown and ids["queue-actions"] in shown
    queue.flush(qid)
    assert queue.act("delete", [qid]) == 1
    wait_for(lambda: state() == "gone", "delete")
    server.wait_for_log(rf"{qid}: removed")


def test_a_bad_config_dir_is_an_error_not_a_traceback(tmp_path) -> None:
    with pytest.raises(ServerError, match="postqueue"):
        PostfixQueue(str(tmp_path / "nowhere")).list()


# The layout `exim -bp` prints (Exim 4.96), with the ids of the shared main log.
EXIM_BP = """\
 5m  2.1K 1xYUIz-0006uT-0P <> *** frozen ***
          labadmin@example.org

25m   898 1xYUIz-0006uJ-0A <labadmin@example.org>
        D admin@local.test
          dev@example.org

"""


def test_exim_bp_is_parsed() -> None:
    frozen, queued = parse_exim_bp(EXIM_BP, now=10_000)
    assert (frozen.queue_id, frozen.queue_name, frozen.sender, frozen.size) == (
        "1xYUIz-0006uT-0P",
        "frozen",
        "",
        2150,
    )
    assert frozen.arrival_time == 10_000 - 300
    assert [r.address for r in queued.recipients] == ["dev@example.org"]  # "D" lines are delivered
