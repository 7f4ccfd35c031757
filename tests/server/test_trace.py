"""Trace on the real log of the private Postfix and on the shared Exim main log."""

from __future__ import annotations

from pathlib import Path

from mailtui.server.logparse import read_log
from mailtui.server.trace import events_of, format_trace, trace

EXIM_LOG = Path("/work/shared/data/logs/exim-4.96-mainlog.txt")


def events(postfix_log):
    return events_of(read_log(postfix_log.log))


def test_bounce_is_followed_to_its_notification(postfix_log) -> None:
    qid = postfix_log.queue_ids["bounced"]
    [tl] = trace(events(postfix_log), qid).timelines
    assert tl.queue_ids[0] == qid and len(tl.queue_ids) == 2 and tl.final
    assert tl.status == "bounced" and tl.sender == "admin@test.example"
    assert tl.message_id == postfix_log.message_ids["bounced"]
    [bounce, dsn] = tl.recipients
    assert (bounce.address, bounce.status, bounce.dsn, bounce.relay) == (
        "bounce@test.example", "bounced", "5.1.1", "testbounce",
    )  # fmt: skip
    assert "Bad destination mailbox address" in bounce.explanation
    assert "before the queue manager" in bounce.delay and "transmission" in bounce.delay
    assert dsn.queue_id == tl.queue_ids[1] and dsn.status == "sent"
    text = format_trace(trace(events(postfix_log), qid))
    assert f"sender non-delivery notification: {tl.queue_ids[1]}" in text


def test_content_filter_reinjection_is_followed(postfix_log) -> None:
    qid = postfix_log.queue_ids["filtered"]
    [tl] = trace(events(postfix_log), qid).timelines
    assert len(tl.queue_ids) == 2 and tl.final
    [hop] = [r for r in tl.recipients if r.queue_id == qid]
    [final] = [r for r in tl.recipients if r.queue_id == tl.queue_ids[1]]
    assert hop.status == "sent" and f"queued as {tl.queue_ids[1]}" in hop.reply
    assert final.address == "admin@test.example" and final.relay == "virtual"
    # the re-injected id alone finds the same timeline
    [again] = trace(events(postfix_log), tl.queue_ids[1]).timelines
    assert set(again.queue_ids) == set(tl.queue_ids)


def test_message_id_finds_both_queue_ids(postfix_log) -> None:
    [tl] = trace(events(postfix_log), f"<{postfix_log.message_ids['filtered']}>").timelines
    assert postfix_log.queue_ids["filtered"] in tl.queue_ids


def test_deferred_reply_is_explained(postfix_log) -> None:
    [tl] = trace(events(postfix_log), postfix_log.queue_ids["greylist"]).timelines
    assert tl.status == "deferred" and not tl.final
    [r] = tl.recipients
    assert r.dsn == "4.7.1" and "451 4.7.1" in r.reply and "Greylist" in r.explanation
    [closed] = trace(events(postfix_log), postfix_log.queue_ids["closed"]).timelines[0].recipients
    assert closed.dsn == "4.4.1" and "Connection refused" in closed.reply and closed.explanation


def test_noqueue_rejects_are_found_by_address_and_explained(postfix_log) -> None:
    result = trace(events(postfix_log), "someone@elsewhere.example")
    assert result.timelines == []
    [r] = result.rejects
    assert r.stage == "RCPT" and "Relay access denied" in r.reply and r.sender == "admin@test.example"
    assert "mynetworks" in r.explanation and "mailtui server check" in r.explanation
    [unknown] = trace(events(postfix_log), "nobody@test.example").rejects
    assert "550 5.1.1" in unknown.reply and "Bad destination mailbox" in unknown.explanation


def test_the_time_window_limits_address_searches(postfix_log) -> None:
    evs = events(postfix_log)
    later = max(e.time for e in evs).replace(microsecond=0)
    from datetime import timedelta

    assert trace(evs, "someone@elsewhere.example", since=later + timedelta(seconds=1)).rejects == []
    assert trace(evs, "someone@elsewhere.example", until=later + timedelta(seconds=1)).rejects


def test_an_address_finds_every_message_to_it(postfix_log) -> None:
    result = trace(events(postfix_log), "alice@test.example")
    assert [tl.queue_ids[0] for tl in result.timelines] == [postfix_log.queue_ids["two"]]
    assert {r.address for r in result.timelines[0].recipients} == {"admin@test.example", "alice@test.example"}


def test_exim_bounce_and_rejects_from_the_shared_log() -> None:
    evs = events_of(read_log(EXIM_LOG, rotated=False))
    [tl] = trace(evs, "1xYUIz-0006uJ-0A").timelines
    assert tl.mta == "exim" and tl.queue_ids == ["1xYUIz-0006uJ-0A", "1xYUIz-0006uT-0P"]
    assert tl.status == "bounced" and tl.size == 898
    statuses = {(r.address, r.status) for r in tl.recipients}
    assert ("dev@example.org", "bounced") in statuses and ("admin@local.test", "sent") in statuses
    rejects = trace(evs, "reject@local.test").rejects
    assert rejects and all(r.sender == "tester@example.org" or r.sender for r in rejects)
    assert "Delivery not authorized" in rejects[0].explanation
    [spam] = trace(evs, "1xYUKd-0001XD-2C").timelines
    assert any("rejected at AFTER DATA" in s.what for s in spam.steps)


def test_nothing_found_says_so(postfix_log) -> None:
    assert "nothing in the log matches" in format_trace(trace(events(postfix_log), "ABCDEF0123"))
