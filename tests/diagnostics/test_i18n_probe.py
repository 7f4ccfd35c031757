"""`mailtui --lang zh probe ...` and `[ui] language = "zh"`: the report and its verdict in Chinese."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from mailtui.core.i18n import set_language
from mailtui.diagnostics import probe_messages
from tests.certs import free_port
from tests.sending.relay import Relay


def mailtui(*args: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "MAILTUI_PASSWORD"}
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=environ,
    )  # fmt: skip


def test_report_and_verdict_in_chinese(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    done = mailtui("--lang", "zh", "probe", "smtp", "127.0.0.1", "--port", str(relay.port), "--no-verify")
    assert done.returncode == 0, done.stderr
    assert "成功：已到达" in done.stdout and "结论" in done.stdout and "未检查（--no-verify）" in done.stdout
    assert "OK: reached stage" not in done.stdout and "Verdict" not in done.stdout
    english = mailtui("probe", "smtp", "127.0.0.1", "--port", str(relay.port), "--no-verify")
    assert "OK: reached stage" in english.stdout and "成功" not in english.stdout


def test_unreachable_in_chinese_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[ui]\nlanguage = "zh"\n')
    port = str(free_port())
    done = mailtui("--config", str(config), "probe", "smtp", "127.0.0.1", "--port", port, "--tls", "none")
    assert "无法连接到 127.0.0.1:" in done.stdout + done.stderr
    assert "cannot connect to" not in done.stdout + done.stderr


def test_probe_messages_follow_the_language() -> None:
    english = probe_messages.plaintext_refused("ops", "mx.example", 25).message
    assert english.startswith("refusing to send the password of 'ops'")
    set_language("zh")
    chinese = probe_messages.plaintext_refused("ops", "mx.example", 25).message
    assert "拒绝通过未加密的连接" in chinese and "'ops'" in chinese and "--allow-plaintext-auth" in chinese
    assert "refusing" not in chinese
    assert "秒内没有响应" in probe_messages.timed_out("mx.example:25", 2.5, "ehlo")


def test_reply_meanings_in_the_probe_follow_the_language() -> None:
    from mailtui.diagnostics.probe_session import Reply

    english = Reply.of(550, "5.1.1 no such user").explanation
    set_language("zh")
    chinese = Reply.of(550, "5.1.1 no such user").explanation
    assert chinese != english and any("\u4e00" <= c <= "\u9fff" for c in chinese)
