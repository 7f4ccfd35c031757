"""Following a message live: `FileTail` (server/tail.py) across a missing file, partial lines,
logrotate's rename and copytruncate; `follow()` on real Postfix lines fed in as they were written
(clock and sleep injected, so no test waits a fixed time), and on the live log of the private
Postfix."""

from __future__ import annotations

import json
import smtplib
import stat
from collections.abc import Iterator
from pathlib import Path

from mailtui.server.follow import FollowUpdate, follow, is_local_host
from mailtui.server.tail import FileTail, JournalTail
from tests.server.conftest import _send

SHARED_POSTFIX = Path("/work/shared/data/logs/postfix-3.7-maillog-bounce.txt")
EXIM_LOG = Path("/work/shared/data/logs/exim-4.96-mainlog.txt")
REAL = SHARED_POSTFIX.read_text().splitlines(keepends=True)  # the bounce of AD29921253C
BOUNCED, DSN = "AD29921253C", "B5B98212540"


def texts(lines) -> list[str]:
    return [line.text for line in lines]


def test_file_tail_waits_for_the_file_reads_whole_lines_and_follows_rotation(tmp_path: Path) -> None:
    log = tmp_path / "mail.log"
    tail = FileTail(log)
    assert tail.read_new() == []  # not there yet: nothing, no error
    log.write_text(REAL[0] + REAL[1][:20])  # the second line is half written
    assert texts(tail.read_new()) == ["starting the Postfix mail system"]
    with log.open("a") as fh:
        fh.write(REAL[1][20:] + REAL[2])
    assert [line.raw for line in tail.read_new()] == [REAL[1].rstrip("\n"), REAL[2].rstrip("\n")]
    # logrotate: the old file is renamed (and written to once more), a new file is created
    with log.open("a") as fh:
        fh.write(REAL[3])
    log.rename(tmp_path / "mail.log.1")
    with (tmp_path / "mail.log.1").open("a") as fh:
        fh.write(REAL[4])
    log.write_text(REAL[5])
    assert [line.raw for line in tail.read_new()] == [x.rstrip("\n") for x in REAL[3:6]]
    # copytruncate: the same file emptied (seen by its size, as tail -F does), then written again
    log.write_text("")
    assert tail.read_new() == []
    with log.open("a") as fh:
        fh.write(REAL[6])
    assert [line.raw for line in tail.read_new()] == [REAL[6].rstrip("\n")]
    assert tail.read_new() == []
    tail.close()


def test_file_tail_reads_rotations_first_or_only_new_lines(tmp_path: Path) -> None:
    log = tmp_path / "mail.log"
    (tmp_path / "mail.log.1").write_text("".join(REAL[:4]))
    log.write_text("".join(REAL[4:8]))
    assert [line.raw for line in FileTail(log).read_new()] == [x.rstrip("\n") for x in REAL[:8]]
    fresh = FileTail(log, history=False)
    assert fresh.read_new() == []
    with log.open("a") as fh:
        fh.write(REAL[8])
    assert [line.raw for line in fresh.read_new()] == [REAL[8].rstrip("\n")]


def test_file_tail_joins_lines_across_read_chunks(tmp_path: Path, monkeypatch) -> None:
    from mailtui.server import tail

    monkeypatch.setattr(tail, "_CHUNK", 7)  # every line spans several reads
    log = tmp_path / "mail.log"
    log.write_text("".join(REAL))
    assert [line.raw for line in FileTail(log).read_new()] == [x.rstrip("\n") for x in REAL]


class Feeder:
    """A log written a few real lines per poll: `sleep` writes the next lines (and may rotate)."""

    def __init__(self, log: Path, chunks: list[list[str]], rotate_at: int = -1) -> None:
        self.log, self.chunks, self.rotate_at = log, chunks, rotate_at
        self.now = 0.0
        self.polls = 0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        if self.polls == self.rotate_at:
            self.log.rename(self.log.with_name(self.log.name + ".1"))
        if self.polls < len(self.chunks):
            with self.log.open("a") as fh:
                fh.writelines(self.chunks[self.polls])
        self.polls += 1


def run_follow(query: str, feeder: Feeder, **kw) -> list[FollowUpdate]:
    updates: Iterator[FollowUpdate] = follow(
        query, [feeder.log], clock=feeder.clock, sleep=feeder.sleep, poll_interval=1.0, **kw
    )
    return list(updates)


def test_follow_yields_the_bounce_as_it_is_logged_across_a_rotation(tmp_path: Path) -> None:
    log = tmp_path / "maillog"
    # written in four bursts; logrotate renames the file between the 2nd and 3rd
    feeder = Feeder(log, [REAL[0:6], REAL[6:10], REAL[10:13], REAL[13:]], rotate_at=2)
    updates = run_follow(BOUNCED, feeder, timeout=100)
    assert updates[0].trace.timelines == [] and not updates[0].done  # nothing logged yet
    last = updates[-1]
    assert last.done and last.reason == "final" and last.status == "bounced"
    assert all(not u.done for u in updates[:-1])
    [tl] = last.trace.timelines
    assert tl.queue_ids == [BOUNCED, DSN]
    steps = [s.what for u in updates for s in u.new_steps]
    assert steps[0] == "received from localhost[127.0.0.1]"
    assert any("to <bounce@test.example>: bounced (dsn 5.1.1) via testbounce" in s for s in steps)
    assert f"sender non-delivery notification: {DSN}" in steps
    # every step is handed out once, the DSN's own lines included (logged before the link)
    assert sorted(steps) == sorted(s.what for s in tl.steps)
    assert steps.count("removed from the queue") == 2
    assert last.elapsed == 4.0  # four polls of the injected clock


def test_a_deferral_ends_the_follow_after_the_deferred_timeout(postfix_log, tmp_path: Path) -> None:
    qid = postfix_log.queue_ids["greylist"]
    mine = [line + "\n" for line in postfix_log.text().splitlines() if f"{qid}:" in line]
    log = tmp_path / "maillog"
    feeder = Feeder(log, [mine])
    updates = run_follow(qid, feeder, timeout=1000, deferred_timeout=5)
    last = updates[-1]
    assert last.reason == "deferred" and last.status == "deferred"
    assert last.elapsed == 6.0  # logged at poll 1, given up 5 s later
    [r] = last.trace.timelines[0].latest()
    assert "451 4.7.1" in r.reply and "Greylist" in r.explanation


def test_an_exim_message_is_final_while_the_bounce_it_caused_stays_frozen(tmp_path: Path) -> None:
    lines = EXIM_LOG.read_text().splitlines(keepends=True)
    until_frozen = [x for x in lines if "1xYUIz-0006u" in x and x < "2026-12-01 20:18:35"]
    assert until_frozen[-1].endswith("1xYUIz-0006uT-0P Message is frozen\n")
    feeder = Feeder(tmp_path / "mainlog", [until_frozen])
    last = run_follow("1xYUIz-0006uJ-0A", feeder, timeout=1000, deferred_timeout=10)[-1]
    assert (last.reason, last.status, last.elapsed) == ("final", "bounced", 11.0)
    [tl] = last.trace.timelines
    assert tl.queue_ids == ["1xYUIz-0006uJ-0A", "1xYUIz-0006uT-0P"] and not tl.removed
    # with the root's removal of the frozen bounce logged, it is over at once
    feeder = Feeder(tmp_path / "mainlog2", [[x for x in lines if "1xYUIz-0006u" in x]])
    last = run_follow("1xYUIz-0006uJ-0A", feeder, timeout=1000, deferred_timeout=10)[-1]
    assert (last.reason, last.elapsed) == ("final", 1.0) and last.trace.timelines[0].removed


def test_timeout_and_should_stop(tmp_path: Path) -> None:
    feeder = Feeder(tmp_path / "never.log", [])
    last = run_follow("ABCDEF12345", feeder, timeout=3)[-1]
    assert (last.reason, last.status, last.elapsed) == ("timeout", "not seen", 3.0)
    stops = iter([False, False, True])
    last = run_follow("ABCDEF12345", Feeder(tmp_path / "x.log", []), should_stop=lambda: next(stops))[-1]
    assert last.reason == "stopped" and last.elapsed == 2.0


def test_follow_reads_the_journal_after_its_cursor(tmp_path: Path) -> None:
    # A stand-in journalctl that prints recorded `journalctl -o json` entries: all of them at
    # first, then those after --after-cursor (as journalctl does), one more entry per call.
    entries = [
        {"__CURSOR": f"c{i}", "__REALTIME_TIMESTAMP": str(1796156303000000 + i), "SYSLOG_FACILITY": "2",
         "SYSLOG_IDENTIFIER": line.split()[4].split("[")[0], "MESSAGE": line.split(": ", 1)[1].rstrip("\n")}
        for i, line in enumerate(REAL[5:])
    ]  # fmt: skip
    record = tmp_path / "journal.json"
    record.write_text("".join(json.dumps(e) + "\n" for e in entries))
    calls = tmp_path / "calls"
    script = tmp_path / "journalctl"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$*" >> {calls}\n'
        f"n=$(wc -l < {calls})\nshown=$((n * 3))\n"
        f'after=""\nwhile [ $# -gt 0 ]; do [ "$1" = --after-cursor ] && after=$2; shift; done\n'
        f'head -n $shown {record} | if [ -n "$after" ]; then sed -n \'/"__CURSOR": "\'$after\'"/,$p\' | tail -n +2; else cat; fi\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    feeder = Feeder(tmp_path / "unused", [])
    updates = list(
        follow(
            BOUNCED, [JournalTail(journalctl=str(script))], clock=feeder.clock, sleep=feeder.sleep, timeout=50
        )
    )
    assert updates[-1].reason == "final" and updates[-1].status == "bounced"
    steps = [s.what for u in updates for s in u.new_steps]
    assert len(steps) == len(set(steps)) + 1  # no entry twice ("removed" is logged by both ids)
    args = calls.read_text().splitlines()
    assert "--after-cursor" not in args[0] and "--after-cursor c2" in args[1]


def test_the_live_private_postfix_is_followed_to_sent_and_to_bounced(postfix_log) -> None:
    server = postfix_log.server
    ids: dict[str, str] = {}
    # Followed by Message-ID from before the send: the lines arrive while follow() polls.
    mid = "live-bounce.follow@client.test.example"
    updates = follow(f"<{mid}>", [server.maillog_path], poll_interval=0.02, timeout=60)
    first = next(updates)
    assert first.trace.timelines == [] and not first.done
    qid = _send_with_id(server.port, mid, "bounce@test.example")
    rest = list(updates)
    last = rest[-1]
    assert last.reason == "final" and last.status == "bounced", last
    [tl] = last.trace.timelines
    assert tl.queue_ids[0] == qid and len(tl.queue_ids) == 2
    bounced = [r for r in tl.latest() if r.queue_id == qid]
    assert [(r.address, r.status, r.dsn) for r in bounced] == [("bounce@test.example", "bounced", "5.1.1")]
    assert "Bad destination mailbox address" in bounced[0].explanation
    # by queue id, after the send: to status=sent
    sent = _send(server.port, "follow-sent", ["admin@test.example"], ids)
    assert sent
    done = list(follow(sent, [server.maillog_path], poll_interval=0.02, timeout=60))[-1]
    assert done.reason == "final" and done.status == "sent"
    assert [(r.address, r.relay, r.dsn) for r in done.trace.timelines[0].latest()] == [
        ("admin@test.example", "virtual", "2.0.0")
    ]


def _send_with_id(port: int, mid: str, rcpt: str) -> str:
    body = f"From: admin@test.example\r\nSubject: live\r\nMessage-ID: <{mid}>\r\n\r\nlive\r\n"
    with smtplib.SMTP("127.0.0.1", port, local_hostname="client.test.example", timeout=30) as smtp:
        smtp.mail("admin@test.example")
        assert smtp.rcpt(rcpt)[0] == 250
        code, reply = smtp.data(body.encode())
    assert code == 250, reply
    return reply.decode().rsplit(" ", 1)[-1]


def test_local_hosts() -> None:
    assert is_local_host("127.0.0.1") and is_local_host("localhost") and is_local_host("::1")
    assert not is_local_host("192.0.2.1")  # TEST-NET-1: never an address of ours
    assert not is_local_host("no-such-host.invalid")
