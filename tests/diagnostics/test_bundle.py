"""The diagnostic bundle (headless): sections, masking of every secret form, file writing."""

from __future__ import annotations

import base64
import datetime
import stat
from collections.abc import Callable
from pathlib import Path

from mailtui.core.transcript import MASK, Direction, Transcript
from mailtui.diagnostics.bundle import build_bundle, header_section, mask_all, write_text
from mailtui.diagnostics.smtp_probe import SmtpProbeSession
from tests.sending.relay import PASSWORD, Relay

RAW = (
    b"Return-Path: <alice@example.org>\r\n"
    b"Received: from a.example.org by b.example.org;\r\n"
    b"\tTue, 9 Apr 2024 12:12:00 +0200\r\n"
    b"Authorization: Bearer abc.def\r\n"
    b"\tcontinued-token\r\n"
    b"Subject: hello\x1b[31m red\r\n"
    b"\r\n"
    b"body line with the password hunter2\r\n"
)
NOW = datetime.datetime(2024, 4, 9, 10, 0, tzinfo=datetime.UTC)


def test_sections_and_masking() -> None:
    transcript = Transcript()
    transcript.add_secret("hunter2", "alice")
    blob = base64.b64encode(b"\0alice\0hunter2").decode()
    transcript.add("smtp", "smtp#1 relay:587", Direction.SENT, f"AUTH PLAIN {blob}")
    transcript.add("smtp", "smtp#1 relay:587", Direction.RECEIVED, "235 2.7.0 Authentication successful")
    text = build_bundle(transcript=transcript, raw_message=RAW, extra_secrets=["abc.def"], now=NOW)
    assert text.startswith("mailtui diagnostic bundle, 2024-04-09 10:00:00 UTC")
    assert "(no SMTP probe was run)" in text and "(no IMAP probe was run)" in text
    assert "Received: from a.example.org by b.example.org;" in text and "\n    Tue, 9 Apr 2024" in text
    assert f"Authorization: {MASK}" in text and "continued-token" not in text
    assert "\x1b" not in text and "Subject: hello" in text
    assert "body line" not in text  # headers only
    assert "hunter2" not in text and blob not in text and "abc.def" not in text
    assert "235 2.7.0 Authentication successful" in text


def test_final_pass_masks_secrets_in_any_part() -> None:
    transcript = Transcript()
    transcript.add_secret("s3cret!")
    raw = b"X-Note: s3cret!\r\n\r\n"
    assert "s3cret!" not in build_bundle(transcript=transcript, raw_message=raw)
    assert mask_all(f"a {base64.b64encode(b'tok-9').decode()} b", None, ["tok-9"]) == f"a {MASK} b"


def test_header_section_without_body_separator() -> None:
    assert header_section(b"From: a@b\nTo: c@d") == ["From: a@b", "To: c@d"]


def test_write_text_private_and_unique(tmp_path: Path) -> None:
    first = write_text("one\n", "bundle", tmp_path / "d")
    second = write_text("two\n", "bundle", tmp_path / "d")
    assert first != second and first.read_text() == "one\n" and second.read_text() == "two\n"
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_default_directory_is_under_the_data_dir() -> None:
    from mailtui.paths import data_dir

    path = write_text("x\n", "transcript")
    assert path.parent == data_dir() / "diagnostics"


async def test_probe_result_is_included_without_the_password(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    transcript = Transcript()
    probe = SmtpProbeSession(relay.config(), PASSWORD, quit_after="auth", transcript=transcript)
    result = await probe.run_to()
    assert result.ok
    text = build_bundle(transcript=transcript, smtp=result)
    assert "Capabilities (EHLO)" in text and "after TLS" in text and "subject CN   localhost" in text
    assert "AUTH PLAIN ********" in text or "AUTH LOGIN" in text
    assert PASSWORD not in text and base64.b64encode(PASSWORD.encode()).decode() not in text


def _secret_config(tmp_path: Path, monkeypatch) -> tuple[Path, list[tuple[str, str]]]:
    """A real config: an inline password, a password_env and a password_command (a shell script)."""
    from tests.ui.conftest import make_maildir

    script = tmp_path / "pass.sh"
    script.write_text("#!/bin/sh\necho 'cmd-Secret#3'\necho 'second line is ignored'\n")
    script.chmod(0o700)
    monkeypatch.setenv("OPS_SMTP_PASSWORD", "env-Secret#2")
    maildir = make_maildir(tmp_path / "Mail")
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[account]]\nname = "work"\nfrom = "alice@example.org"\nmaildir = "{maildir}"\n'
        '[account.smtp]\nhost = "smtp.example.org"\nuser = "alice"\npassword = "inline-Secret#1"\n'
        '[[account]]\nname = "ops"\nfrom = "ops@example.org"\n'
        f'[account.imap]\nhost = "imap.example.org"\nuser = "ops"\npassword_command = "{script}"\n'
        '[account.smtp]\nhost = "smtp.example.org"\nuser = "ops@example.org"\npassword_env = "OPS_SMTP_PASSWORD"\n'
    )
    path.chmod(0o600)
    return path, [("inline-Secret#1", "alice"), ("cmd-Secret#3", "ops"), ("env-Secret#2", "ops@example.org")]


def _forms(secrets: list[tuple[str, str]]) -> list[str]:
    """Each secret plain, base64, and as the AUTH PLAIN blob of its user."""
    forms: list[str] = []
    for secret, user in secrets:
        forms += [secret, base64.b64encode(secret.encode()).decode()]
        forms += [base64.b64encode(f"\0{user}\0{secret}".encode()).decode()]
    return forms


async def test_bundle_saved_before_any_login_masks_every_configured_secret(
    tmp_path: Path, monkeypatch
) -> None:
    """The measured case: the screen's ctrl+b in a fresh session, the open message holding the secrets."""
    from mailtui.config import load_config
    from mailtui.ui.app import MailApp
    from mailtui.ui.diagnostics_actions import open_diagnostics
    from tests.ui.conftest import settle, wait_until

    path, secrets = _secret_config(tmp_path, monkeypatch)
    config = load_config(path)
    forms = _forms(secrets)
    raw = ("Subject: leaked\r\nX-Note: " + " ".join(forms) + "\r\n\r\nbody\r\n").encode()
    app = MailApp(config, config.accounts[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = open_diagnostics(app, "transcript", raw_message=raw)
        await settle(pilot)
        await pilot.press("ctrl+b")
        await wait_until(pilot, lambda: screen.saved_path is not None, what="the bundle file")
        assert screen.saved_path is not None
        text = screen.saved_path.read_text("utf-8")
    assert "Subject: leaked" in text and "X-Note: " in text
    leaked = [f for f in forms if f in text]
    assert leaked == [], leaked
    assert "3 configured secrets of 2 accounts" in text.splitlines()[1]


def test_build_bundle_masks_the_configured_secrets_given(tmp_path: Path, monkeypatch) -> None:
    from mailtui.config import load_config
    from mailtui.credentials import configured_secrets

    path, secrets = _secret_config(tmp_path, monkeypatch)
    found = configured_secrets(load_config(path).accounts)
    assert sorted(found) == sorted(secrets)
    forms = _forms(secrets)
    transcript = Transcript()  # nothing registered by a login
    transcript.add("imap", "imap#1", Direction.INFO, "text: " + " ".join(forms))
    text = build_bundle(transcript=transcript, accounts=load_config(path).accounts)
    assert [f for f in forms if f in text] == []
