"""`mailtui server ...` as a subprocess: trace, summary --json vs pflogsumm, queue -c, check -c."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from mailtui.core.errors import EX_NOINPUT
from tests.server.test_summary import pflogsumm_totals

pytestmark = pytest.mark.postfix


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailtui", "server", *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )  # fmt: skip


def test_trace_text_and_json(postfix_log) -> None:
    qid = postfix_log.queue_ids["bounced"]
    done = run("trace", qid, "--log", str(postfix_log.log))
    assert done.returncode == 0, done.stderr
    assert f"message {qid} -> " in done.stdout and "status" not in done.stderr
    assert (
        "Bad destination mailbox address" in done.stdout and "sender non-delivery notification" in done.stdout
    )
    data = json.loads(run("trace", qid, "--log", str(postfix_log.log), "--json").stdout)
    assert data["timelines"][0]["queue_ids"][0] == qid
    assert run("trace", "NOSUCHID123", "--log", str(postfix_log.log)).returncode == EX_NOINPUT


def test_follow_returns_at_the_final_status(postfix_log) -> None:
    qid = postfix_log.queue_ids["delivered"]
    done = run("trace", qid, "--log", str(postfix_log.log), "--follow", "--timeout", "30")
    assert done.returncode == 0, done.stderr
    assert "status" not in done.stderr and "removed from the queue" in done.stdout


def test_summary_json_agrees_with_pflogsumm(postfix_log) -> None:
    done = run("summary", "--log", str(postfix_log.log), "--json")
    assert done.returncode == 0, done.stderr
    ours = json.loads(done.stdout)
    theirs = pflogsumm_totals(postfix_log.log)
    for key in ("received", "delivered", "deferred", "bounced", "rejected"):
        assert isinstance(ours[key], int) and ours[key] == theirs[key], key


def test_queue_list_json(postfix_log) -> None:
    done = run("queue", "-c", str(postfix_log.server.etc), "--json")
    assert done.returncode == 0, done.stderr
    ids = {m["queue_id"] for m in json.loads(done.stdout)["messages"]}
    assert postfix_log.queue_ids["greylist"] in ids
    text = run("queue", "list", "-c", str(postfix_log.server.etc)).stdout
    assert postfix_log.queue_ids["closed"] in text and "Connection refused" in text


def test_check_explains_the_relay_settings(postfix_log) -> None:
    done = run("check", "-c", str(postfix_log.server.etc), "--client", "192.0.2.7")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not an open relay" in done.stdout and "554 5.7.1 Relay access denied" in done.stdout
    assert "192.0.2.7 is not in mynetworks" in done.stdout
    assert "TLS is off" in done.stdout


def test_unknown_log_is_a_clean_error(tmp_path) -> None:
    done = run("summary", "--log", str(tmp_path / "missing.log"))
    assert done.returncode == EX_NOINPUT and "Traceback" not in done.stderr and "no such file" in done.stderr
