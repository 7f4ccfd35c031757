"""`--lang zh` for the queue list's lines and sendmail's option errors."""

from __future__ import annotations

from pathlib import Path

from tests.commands.test_cli_send import run, write_config
from tests.sending.relay import Relay


def test_queue_list_lines_in_chinese(relay: Relay, tmp_path: Path) -> None:
    config = write_config(tmp_path, relay)
    relay.handler.rcpt_replies["you@"] = "451 4.7.1 greylisted, try again later"
    run("--config", str(config), "send", "-s", "q", "you@example.net", stdin=b"x\n")
    zh = run("--lang", "zh", "--config", str(config), "queue", "list").stdout
    assert "收件人" in zh and "主题：q" in zh and "上次错误：" in zh, zh
    assert "RECIPIENTS" not in zh and "subject:" not in zh and "last error:" not in zh
    en = run("--config", str(config), "queue", "list").stdout
    assert "RECIPIENTS" in en and "subject: q" in en


def test_sendmail_usage_errors_in_chinese(tmp_path: Path) -> None:
    zh = run("--lang", "zh", "sendmail", "-bp", stdin=b"")
    assert zh.returncode != 0 and "不支持 -bp" in zh.stderr and "is not supported" not in zh.stderr, zh.stderr
    en = run("sendmail", "-bp", stdin=b"")
    assert "-bp is not supported: list the outbox with `mailtui queue list`" in en.stderr
