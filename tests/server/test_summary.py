"""The summary agrees with Debian's pflogsumm on the log of the private Postfix."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mailtui.server.logparse import read_log
from mailtui.server.summary import format_summary, summarize
from mailtui.server.trace import events_of

PFLOGSUMM = shutil.which("pflogsumm") or "/usr/sbin/pflogsumm"
EXIM_LOG = Path("/work/shared/data/logs/exim-4.96-mainlog.txt")


def pflogsumm_totals(log: Path) -> dict[str, int]:
    if not Path(PFLOGSUMM).exists():
        pytest.skip("pflogsumm is not installed (apt-get install pflogsumm)")
    done = subprocess.run(
        [PFLOGSUMM, "--syslog-name=postfix-mailtui-test", str(log)],
        capture_output=True,
        text=True,
        check=True,
    )
    totals = done.stdout.split("Grand Totals", 1)[1].split("Per-Hour", 1)[0]
    out = {}
    for number, unit, name in re.findall(r"^\s*(\d+)([km]?)\s+(\w[\w ]*?)(?:\s+\(|$)", totals, re.M):
        out[name.strip()] = int(number) * {"": 1, "k": 1024, "m": 1024 * 1024}[unit]
    return out


def test_counts_agree_with_pflogsumm(postfix_log) -> None:
    ours = summarize(events_of(read_log(postfix_log.log)))
    theirs = pflogsumm_totals(postfix_log.log)
    for key in ("received", "delivered", "deferred", "bounced", "rejected"):
        assert getattr(ours, key) == theirs[key], key
    assert ours.bytes_received == theirs["bytes received"]
    assert ours.bytes_delivered == theirs["bytes delivered"]
    assert (ours.received, ours.delivered, ours.deferred, ours.bounced, ours.rejected) == (7, 6, 2, 1, 2)


def test_reasons_are_grouped_by_code_and_explained(postfix_log) -> None:
    s = summarize(events_of(read_log(postfix_log.log)))
    codes = {r.code for r in s.deferral_reasons}
    assert codes == {"451 4.7.1", "4.4.1"}
    assert {r.code for r in s.rejection_reasons} == {"550 5.1.1", "554 5.7.1"}
    assert all(r.explanation for r in s.deferral_reasons + s.rejection_reasons)
    assert sum(h["received"] for h in s.per_hour.values()) == 7
    assert s.top_domains[0] == ("test.example", 6)
    assert "received        7" in format_summary(s)


def test_window_excludes_everything_before_it(postfix_log) -> None:
    from datetime import timedelta

    evs = events_of(read_log(postfix_log.log))
    s = summarize(evs, since=max(e.time for e in evs) + timedelta(seconds=1))
    assert (s.received, s.delivered, s.rejected) == (0, 0, 0)


def test_exim_summary_from_the_shared_log() -> None:
    s = summarize(events_of(read_log(EXIM_LOG, rotated=False)))
    text = EXIM_LOG.read_text()
    assert s.received == len(re.findall(r"^\S+ \S+ \S+ <= ", text, re.M))
    assert s.bounced == text.count(" ** ")
    assert s.rejected == len(re.findall(r"rejected (RCPT|MAIL|after DATA)", text))
    assert s.delivered == len(re.findall(r" (=>|->) ", text))


def test_timed_out_recipients_are_listed() -> None:
    from datetime import datetime

    from mailtui.server.logparse import LogLine
    from mailtui.server.postfix_log import parse_postfix

    # the smtp(8) line format of a timeout; the loopback Postfix cannot produce one quickly
    text = (
        "ABCDEF12345: to=<user@far.example>, relay=none, delay=30, delays=0/0/30/0, dsn=4.4.1, "
        "status=deferred (connect to mx.far.example[192.0.2.1]:25: Connection timed out)"
    )
    event = parse_postfix(LogLine(datetime(2026, 12, 1), "postfix/smtp", text))
    assert event is not None
    s = summarize([event])
    assert s.timed_out == ["user@far.example"]
