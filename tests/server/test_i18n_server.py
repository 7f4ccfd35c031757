"""`mailtui --lang zh server ...`: traces, summaries, relay findings and errors in Chinese;
the log's own text stays as logged, and --json stays English."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mailtui.core.i18n import set_language

QID = "4ABCDEF123"
LOG = f"""\
Dec  1 20:18:20 mail postfix/smtpd[1]: {QID}: client=client.example[192.0.2.5]
Dec  1 20:18:20 mail postfix/cleanup[2]: {QID}: message-id=<m1@example.org>
Dec  1 20:18:20 mail postfix/qmgr[3]: {QID}: from=<a@example.org>, size=1234, nrcpt=1 (queue active)
Dec  1 20:18:21 mail postfix/smtp[4]: {QID}: to=<b@example.net>, relay=mx.example.net[198.51.100.2]:25, \
delay=1.2, delays=0.1/0.01/0.5/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 99)
Dec  1 20:18:21 mail postfix/qmgr[3]: {QID}: removed
Dec  1 20:18:23 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.9]: 554 5.7.1 \
<a@elsewhere.example>: Relay access denied; from=<b@c.example> to=<a@elsewhere.example> proto=ESMTP helo=<x>
"""
ENGLISH = ("received from", "queued from", "removed from the queue", "refused during SMTP", "bytes")
needs_postconf = pytest.mark.skipif(
    not (shutil.which("postconf") or shutil.which("postconf", path="/usr/sbin")), reason="no postconf"
)


def mailtui(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=dict(os.environ),
    )  # fmt: skip


@pytest.fixture
def maillog(tmp_path: Path) -> Path:
    path = tmp_path / "maillog"
    path.write_text(LOG)
    return path


@pytest.fixture
def postfix_dir(tmp_path: Path) -> Path:
    path = tmp_path / "postfix"
    path.mkdir()
    (path / "main.cf").write_text(
        "mynetworks = 127.0.0.0/8\nsmtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination\n"
    )
    return path


def test_trace_in_chinese_keeps_the_logged_text(maillog: Path) -> None:
    done = mailtui("--lang", "zh", "server", "trace", QID, "--log", str(maillog))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert f"邮件 {QID}（postfix）：sent" in out and "接收自 client.example[192.0.2.5]" in out
    assert "已排队，发件人 <a@example.org>，1234 字节，1 个收件人" in out and "已从队列中移除" in out
    assert "  发件人 <a@example.org>，1234 字节，客户端 client.example[192.0.2.5]" in out
    assert "发往 <b@example.net>：sent (dsn 2.0.0)，经由 mx.example.net[198.51.100.2]:25" in out
    assert "从到达到本次尝试共 1.2 秒：进入队列管理器前 0.1 秒" in out
    assert "250 2.0.0 Ok: queued as 99" in out  # the server's reply, as logged
    assert not any(english in out for english in ENGLISH), out
    rejects = mailtui("--lang", "zh", "server", "trace", "a@elsewhere.example", "--log", str(maillog)).stdout
    assert rejects.startswith("在 SMTP 会话中被拒绝：") and "RCPT，来自 x[192.0.2.9]" in rejects
    assert "本服务器拒绝了中继" in rejects and "Relay access denied" in rejects  # logged text kept
    nothing = mailtui("--lang", "zh", "server", "trace", "nobody@nowhere.example", "--log", str(maillog))
    assert nothing.returncode == 66 and "日志中没有与 'nobody@nowhere.example' 匹配的内容" in nothing.stdout


def test_trace_stays_english_without_zh_and_under_json(maillog: Path) -> None:
    english = mailtui("server", "trace", QID, "--log", str(maillog)).stdout
    assert "received from client.example" in english and "removed from the queue" in english
    assert f"message {QID} (postfix): sent" in english
    data = json.loads(mailtui("--lang", "zh", "server", "trace", QID, "--log", str(maillog), "--json").stdout)
    steps = [s["what"] for s in data["timelines"][0]["steps"]]
    assert "removed from the queue" in steps and any(s.startswith("received from") for s in steps)
    assert not any("\u4e00" <= c <= "\u9fff" for s in steps for c in s)


def test_summary_in_chinese(maillog: Path) -> None:
    out = mailtui("--lang", "zh", "server", "summary", "--log", str(maillog)).stdout
    assert "已接收       1   （1234 字节）" in out and "已拒收       1" in out
    assert "每小时 " in out and "发件人排行：" in out and "拒收原因：" in out
    assert "top senders" not in out and "received" not in out
    english = mailtui("server", "summary", "--log", str(maillog)).stdout
    assert "  received        1   (1234 bytes)" in english and "top senders:" in english


def test_no_log_in_chinese(tmp_path: Path) -> None:
    done = mailtui("--lang", "zh", "server", "summary", "--log", str(tmp_path / "missing.log"))
    assert done.returncode == 66
    assert "没有邮件日志" in done.stderr and "文件不存在" in done.stderr and "no such file" not in done.stderr


@needs_postconf
def test_relay_check_in_chinese_and_json_in_english(postfix_dir: Path) -> None:
    done = mailtui("--lang", "zh", "server", "check", "-c", str(postfix_dir), "--client", "192.0.2.7")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "smtpd_relay_restrictions: 不是开放中继：permit_mynetworks, reject_unauth_destination" in out
    assert "192.0.2.7 不在 mynetworks 中：只有通过 SASL 认证后才能中继" in out
    assert "入站邮件未启用 TLS" in out and "not an open relay" not in out
    data = json.loads(mailtui("--lang", "zh", "server", "check", "-c", str(postfix_dir), "--json").stdout)
    texts = [f["text"] for f in data["findings"]]
    assert any(t.startswith("not an open relay") for t in texts)
    assert not any("\u4e00" <= c <= "\u9fff" for t in texts for c in t)


def test_open_relay_and_explanations_in_chinese() -> None:
    from mailtui.server.explain_reply import explain_delays, explain_logged_reply
    from mailtui.server.relay_check import analyse_postconf

    open_relay = {"smtpd_relay_restrictions": "permit", "mynetworks": "0.0.0.0/0"}
    assert analyse_postconf(open_relay)[0].text.startswith("OPEN RELAY")
    set_language("zh")
    first = analyse_postconf(open_relay)[0]
    assert first.level == "problem" and first.text.startswith("开放中继：外部客户端可以中继")
    assert first.setting == "smtpd_relay_restrictions"  # Postfix's own name, as in main.cf
    assert explain_delays(3.0, None) == "从到达到本次尝试共 3 秒"
    timed_out = explain_logged_reply("connect to mx.example.net[198.51.100.2]:25: Connection timed out")
    assert "4.4.1 临时失败" in timed_out and "出站 25 端口可能被封锁" in timed_out


def test_follow_sees_the_removal_in_chinese(maillog: Path) -> None:
    from mailtui.server.follow import _pending
    from mailtui.server.logparse import read_log
    from mailtui.server.trace import events_of, trace

    set_language("zh")
    result = trace(events_of(read_log(maillog)), QID)
    assert _pending(result) == "final"  # the removal step is found in the language it was written in


def test_bad_exim_spool_header_in_chinese() -> None:
    from mailtui.server.exim_spool import parse_spool_header

    with pytest.raises(ValueError, match="not an Exim spool header"):
        parse_spool_header("garbage\n\n\n\n\n")
    set_language("zh")
    with pytest.raises(ValueError, match="不是 Exim 队列头（-H）文件：garbage"):
        parse_spool_header("garbage\n\n\n\n\n")
    with pytest.raises(ValueError, match="1xYUIz-0006uJ-0A：队列头中没有 <sender> 行"):
        parse_spool_header("1xYUIz-0006uJ-0A-H\nexim 101 101\nnobody\n1700000000 0\n")


def test_queue_usage_sentences_in_chinese() -> None:
    show = mailtui("--lang", "zh", "server", "queue", "show")
    assert show.returncode == 64 and show.stdout.strip() == "mailtui server queue show: 请给出一个队列 ID"
    deliver = mailtui("--lang", "zh", "server", "queue", "deliver", "X")
    assert deliver.returncode == 64 and "这是 Exim 的操作（请使用 --mta exim" in deliver.stdout
    hold = mailtui("server", "queue", "hold")
    assert (
        hold.returncode == 64 and hold.stdout.strip() == "mailtui server queue hold: give queue ids, or ALL"
    )
