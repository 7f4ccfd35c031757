"""mailtui's own transcript notes, probe step notes, the message view's date note and the
msmtprc errors in Chinese under zh (the server's lines stay as the server wrote them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.backends.imap.settings import ImapSettings
from mailtui.core.compose import Draft
from mailtui.core.errors import ConfigError, MailtuiError
from mailtui.core.i18n import set_language
from mailtui.core.message.view import parse_message
from mailtui.core.transcript import Direction, Transcript
from tests.backends.imap_helpers import ImapUser
from tests.sending.relay import Relay
from tests.sending.test_smtp import _send

ENGLISH_NOTES = ("connecting to", "TLS established", "certificate verified", "logged in as", "accepted for")


def _notes(transcript: Transcript) -> list[str]:
    return [line.text for line in transcript.lines() if line.direction is Direction.INFO]


@pytest.mark.parametrize("tls", ["starttls", "ssl"])
async def test_send_transcript_notes_in_chinese(relay_factory, tls: str) -> None:  # type: ignore[no-untyped-def]
    relay: Relay = relay_factory(tls)
    relay.handler.rcpt_replies["unknown@"] = "550 5.1.1 user unknown"
    set_language("zh")
    transcript = Transcript()
    draft = Draft("me@example.org", "ok@example.net, unknown@example.net", body="hi\n")
    result = await _send(relay, draft, transcript)
    assert result.accepted == ["ok@example.net"]
    notes = _notes(transcript)
    where = f"127.0.0.1:{relay.port}"
    connect = f"正在以隐式 TLS 连接 {where}" if tls == "ssl" else f"正在连接 {where}"
    assert notes[0] == connect
    assert any(n.startswith("TLS 已建立：TLSv1.") and n.endswith("，证书已验证") for n in notes), notes
    assert any(n.startswith("已用 AUTH PLAIN 以 ") for n in notes), notes
    assert "2 个收件人中已接受 1 个" in notes
    assert not any(english in n for n in notes for english in ENGLISH_NOTES), notes
    # The server's own lines are data: still exactly what it said.
    assert any(line.text == "550 5.1.1 user unknown" for line in transcript.lines())


async def test_send_transcript_notes_stay_english(relay_factory) -> None:  # type: ignore[no-untyped-def]
    relay: Relay = relay_factory("starttls")
    relay.handler.rcpt_replies["unknown@"] = "550 5.1.1 user unknown"
    transcript = Transcript()
    await _send(
        relay, Draft("me@example.org", "ok@example.net, unknown@example.net", body="hi\n"), transcript
    )
    notes = _notes(transcript)
    assert notes[0] == f"connecting to 127.0.0.1:{relay.port}"
    assert "accepted for 1 of 2 recipients" in notes
    assert not any("\u4e00" <= c <= "\u9fff" for n in notes for c in n)


@pytest.mark.parametrize(
    ("date", "en", "zh"),
    [
        ("yesterday-ish", "unparsable Date header", "无法解析的 Date 头"),
        ("Tue, 1 Dec 10000 10:00:00 +0000", "Date cannot be represented", "日期无法表示（年份超出范围）"),
    ],
)
def test_message_view_date_note_in_chinese(date: str, en: str, zh: str) -> None:
    raw = f"From: a@example.test\r\nDate: {date}\r\nSubject: s\r\n\r\nbody\r\n".encode()
    assert any(n.startswith(en) for n in parse_message(raw).notes)
    set_language("zh")
    notes = parse_message(raw).notes
    assert any(n.startswith(zh) for n in notes) and not any(en in n for n in notes), notes


def test_msmtprc_errors_in_chinese(tmp_path: Path) -> None:
    from mailtui.config.msmtp import read_msmtprc

    rc = tmp_path / "msmtprc"
    rc.write_text("account\nhost smtp.example.org\n")
    set_language("zh")
    with pytest.raises(ConfigError) as err:
        read_msmtprc(rc)
    assert err.value.title == "msmtprc 有误" and "`account` 需要一个名称" in err.value.message
    rc.write_text("account a : b\n")
    with pytest.raises(ConfigError) as err:
        read_msmtprc(rc)
    assert "继承自 'b'，但它未在前面定义" in err.value.message and "inherits" not in err.value.message
    with pytest.raises(ConfigError) as err:
        read_msmtprc(tmp_path / "missing")
    assert err.value.title == "无法读取 msmtprc" and err.value.message.startswith("无法读取 ")


def test_bad_time_in_chinese() -> None:
    from mailtui.commands.server import _time

    with pytest.raises(MailtuiError) as en:
        _time("soon")
    assert en.value.title == "Bad time" and "is not a time" in en.value.message
    set_language("zh")
    with pytest.raises(MailtuiError) as zh:
        _time("soon")
    assert zh.value.title == "时间无效" and zh.value.message.startswith("'soon' 不是有效的时间")


@pytest.mark.dovecot
def test_imap_probe_notes_in_chinese(user: ImapUser) -> None:
    from mailtui.diagnostics.imap_probe import ImapProbeSession

    server = user.server
    settings = ImapSettings(
        host="127.0.0.1", port=server.imap_port, user=user.name, tls="starttls",
        ca_file=server.ca_file, timeout=10.0,
    )  # fmt: skip
    set_language("zh")
    result = ImapProbeSession(settings, user.password).run_to()
    assert result.ok, result.error
    notes = {s.stage: s.note for s in result.steps}
    assert notes["login"].startswith(f"已以 {user.name} 身份登录：") and notes["list"] == "6 个文件夹"
    assert f"* 正在连接 127.0.0.1:{server.imap_port}（" in "\n".join(result.transcript)
    assert not any("connecting to" in line for line in result.transcript)


async def test_smtp_probe_login_refusal_and_steps_in_chinese(relay_factory) -> None:  # type: ignore[no-untyped-def]
    from mailtui.diagnostics.smtp_probe import SmtpProbeSession

    relay: Relay = relay_factory("starttls")
    english = await SmtpProbeSession(relay.config(), "wrong-pw-1", quit_after="auth").run_to()
    assert (
        "answered AUTH with 535" in english.error and "Check the user name and the password." in english.error
    )
    set_language("zh")
    result = await SmtpProbeSession(relay.config(), "wrong-pw-2", quit_after="auth").run_to()
    assert not result.ok and result.error.startswith(f"127.0.0.1:{relay.port} 对 AUTH 的回复为 535 ")
    assert result.error.endswith("请检查用户名和密码。") and "Check the user" not in result.error
    assert {s.stage: s.note for s in result.steps}["ehlo"].endswith(" 个扩展")
    assert "正在连接 127.0.0.1:" in "\n".join(result.transcript)


def test_probe_usage_errors_in_chinese(relay_factory) -> None:  # type: ignore[no-untyped-def]
    from mailtui.diagnostics.probe_session import ProbeError
    from mailtui.diagnostics.smtp_probe import SmtpProbeSession

    relay: Relay = relay_factory("starttls")
    set_language("zh")
    with pytest.raises(ProbeError) as err:
        SmtpProbeSession(relay.config(), None, quit_after="rcpt", sender="a@example.org")
    assert err.value.message == "--quit-after rcpt 需要收件人（--to）" and err.value.title == "探测失败"
    with pytest.raises(ProbeError) as err:
        SmtpProbeSession(relay.config(), None, quit_after="nowhere")  # type: ignore[arg-type]
    assert err.value.message.startswith("未知阶段 'nowhere'；可用阶段：connect, ehlo")


def test_msmtprc_eval_problem_in_chinese(tmp_path: Path) -> None:
    from mailtui.config.msmtp import read_msmtprc

    rc = tmp_path / "msmtprc"
    rc.write_text("account a\neval echo host x\n")
    assert (
        read_msmtprc(rc)
        .problems[0]
        .endswith("eval echo host x: not run; the settings its output would give are missing")
    )
    set_language("zh")
    assert read_msmtprc(rc).problems[0].endswith("：eval echo host x：未执行；其输出本应给出的设置缺失")
