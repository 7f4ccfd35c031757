"""`--lang zh` and `[ui] language = "zh"` for send, sendmail and the queue: notes and errors in Chinese."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands.test_cli_send import maildir, run, write_config
from tests.sending.relay import Relay


def test_greylisted_send_is_queued_with_a_chinese_note(relay: Relay, tmp_path: Path) -> None:
    config = write_config(tmp_path, relay)
    relay.handler.rcpt_replies["you@"] = "451 4.7.1 greylisted, try again later"
    done = run("--lang", "zh", "--config", str(config), "send", "-s", "q", "you@example.net", stdin=b"x\n")
    assert "暂未发送" in done.stderr and "已加入队列" in done.stderr, done.stderr
    assert "not sent now" not in done.stderr
    listed = run("--lang", "zh", "--config", str(config), "queue", "list")
    assert "队列中共有 1 封邮件" in listed.stdout and "message(s) queued" not in listed.stdout
    flushed = run("--config", str(config), "queue", "flush")
    assert "message(s) not due yet" in flushed.stdout  # English without --lang


def test_config_language_zh_for_an_account_without_smtp(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'[ui]\nlanguage = "zh"\n[[account]]\nname = "lab"\nfrom = "me@example.org"\n'
        f'maildir = "{maildir(tmp_path)}"\n'
    )
    done = run("--config", str(config), "send", "you@example.net", stdin=b"x\n")
    assert "没有 [account.smtp] 配置节" in done.stderr and "cannot send" not in done.stderr
    empty = run("--config", str(config), "queue", "list")
    assert empty.stdout.strip() == "队列为空"


def test_sendmail_without_recipients_in_chinese(relay: Relay, tmp_path: Path) -> None:
    config = write_config(tmp_path, relay)
    done = run("--lang", "zh", "--config", str(config), "sendmail", stdin=b"Subject: x\n\nbody\n")
    assert "没有收件人" in done.stderr and "no recipients" not in done.stderr


def test_relay_errors_in_chinese(relay: Relay, tmp_path: Path) -> None:
    config = write_config(tmp_path, relay)
    relay.handler.rcpt_replies["you@"] = "550 5.1.1 no such user"
    done = run("--lang", "zh", "--config", str(config), "send", "--no-queue", "you@example.net", stdin=b"x\n")
    assert "拒收了所有收件人" in done.stderr and " 含义：" in done.stderr, done.stderr
    assert "refused every recipient" not in done.stderr and "550 5.1.1 no such user" in done.stderr


def test_outbox_errors_follow_the_language(tmp_path: Path) -> None:
    from mailtui.core.i18n import set_language
    from mailtui.sending.outbox import Outbox, OutboxError

    box = Outbox(tmp_path / "outbox")
    with pytest.raises(OutboxError, match="no queued message 'nope' in"):
        box.get("nope")
    set_language("zh")
    with pytest.raises(OutboxError, match="中没有队列邮件 'nope'"):
        box.get("nope")


def test_json_output_stays_english_under_zh(relay: Relay, tmp_path: Path) -> None:
    """--json is for scripts: the same words whatever --lang says (probe and send --follow)."""
    import json
    import re

    config = write_config(tmp_path, relay)
    han = re.compile(r"[\u4e00-\u9fff]")
    probe = run("--lang", "zh", "--config", str(config), "probe", "smtp", "--account", "test", "--json")
    data = json.loads(probe.stdout)
    assert not han.search(probe.stdout), probe.stdout[:400]
    assert data  # a real report, read back
    shown = run("--lang", "zh", "--config", str(config), "probe", "smtp", "--account", "test")
    assert han.search(shown.stdout + shown.stderr)  # the text report is in Chinese
