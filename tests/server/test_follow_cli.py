"""`mailtui send --follow` and `mailtui server trace --follow` as subprocesses, through the private
Postfix (a relay on this host): the queue id of the 250 reply followed to sent, bounced, deferred."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from mailtui.core.errors import EX_NOINPUT, EX_TEMPFAIL, EX_UNAVAILABLE
from mailtui.server import logparse
from mailtui.server.follow import follow
from mailtui.server.tail import JournalTail, default_sources
from tests.server.conftest import _send

pytestmark = pytest.mark.postfix


def run(*args: str, stdin: str = "followed\n") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args],
        input=stdin, capture_output=True, text=True, timeout=120, start_new_session=True,
        env=dict(os.environ),
    )  # fmt: skip


def send_follow(postfix_log, to: str, *extra: str) -> subprocess.CompletedProcess[str]:
    server = postfix_log.server
    return run(
        "send", "--server", f"127.0.0.1:{server.port}", "--tls", "none", "--from", "admin@test.example",
        "-s", f"follow {to}", "--follow", "--log", str(server.maillog_path), "--follow-timeout", "60",
        *extra, to,
    )  # fmt: skip


def queued_as(text: str) -> str:
    match = re.search(r"sent: 250 2\.0\.0 Ok: queued as (\w+)", text)
    assert match, text
    return match[1]


def test_send_follow_prints_the_trace_to_status_sent(postfix_log) -> None:
    done = send_follow(postfix_log, "admin@test.example")
    assert done.returncode == 0, done.stdout + done.stderr
    qid = queued_as(done.stdout)
    lines = done.stdout.splitlines()
    assert any(re.search(rf"{qid}\s+received from localhost\[127\.0\.0\.1\]", line) for line in lines)
    assert any(
        re.search(rf"{qid}\s+to <admin@test\.example>: sent \(dsn 2\.0\.0\) via virtual", line)
        for line in lines
    )
    assert lines[-1].startswith(f"{qid}: sent (final status reached")
    assert f"following {qid} in {postfix_log.server.maillog_path}" in done.stderr


def test_send_follow_json_gives_the_final_bounce(postfix_log) -> None:
    done = send_follow(postfix_log, "bounce@test.example", "--json")
    assert done.returncode == EX_UNAVAILABLE, done.stdout + done.stderr
    qid = queued_as(done.stderr)  # stdout is the JSON alone
    data = json.loads(done.stdout)
    assert data["follow"]["reason"] == "final" and data["follow"]["status"] == "bounced"
    [tl] = data["timelines"]
    assert tl["queue_ids"][0] == qid and len(tl["queue_ids"]) == 2  # and the DSN it caused
    bounce = [r for r in tl["recipients"] if r["queue_id"] == qid]
    assert [(r["address"], r["status"], r["dsn"]) for r in bounce] == [
        ("bounce@test.example", "bounced", "5.1.1")
    ]
    assert "Bad destination mailbox address" in bounce[0]["explanation"]


def test_send_follow_gives_up_after_the_deferred_timeout(postfix_log) -> None:
    done = send_follow(postfix_log, "greylist@test.example", "--deferred-timeout", "0.5")
    assert done.returncode == EX_TEMPFAIL, done.stdout + done.stderr
    qid = queued_as(done.stdout)
    assert "451 4.7.1" in done.stdout and "Greylist" in done.stdout
    assert done.stdout.splitlines()[-1].startswith(f"{qid}: deferred (deferred, and nothing more")


def test_trace_follow_by_queue_id(postfix_log) -> None:
    ids: dict[str, str] = {}
    qid = _send(postfix_log.server.port, "trace-follow", ["alice@test.example"], ids)
    assert qid
    log = str(postfix_log.server.maillog_path)
    done = run("server", "trace", qid, "--follow", "--log", log, "--timeout", "60", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["follow"] == {**data["follow"], "reason": "final", "status": "sent"}
    assert data["timelines"][0]["message_id"] == ids["trace-follow"]


def test_trace_follow_without_log_reads_the_default_logs(postfix_log, monkeypatch) -> None:
    qid = postfix_log.queue_ids["delivered"]
    monkeypatch.setattr(logparse, "DEFAULT_LOGS", (str(postfix_log.log),))
    [source] = default_sources()
    last = list(follow(qid, None, poll_interval=0.01, timeout=30))[-1]
    assert source.path == postfix_log.log and last.reason == "final" and last.status == "sent"
    monkeypatch.setattr(logparse, "DEFAULT_LOGS", ())
    assert isinstance(default_sources()[0], JournalTail)


def test_trace_follow_without_log_or_journal_entries_ends_not_found() -> None:
    # This host has no /var/log/mail.log: the journal is followed (empty here) until the timeout.
    if logparse.default_log_files():
        pytest.skip("this host has a mail log")
    done = run("server", "trace", "ABCDEF12345", "--follow", "--timeout", "0.5")
    assert done.returncode == EX_NOINPUT, done.stderr
    assert "following ABCDEF12345 in the mail log" in done.stderr and "Traceback" not in done.stderr
