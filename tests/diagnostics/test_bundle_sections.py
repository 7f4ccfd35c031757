"""The bundle's sections beyond the probes: versions, masked config, outbox state."""

from __future__ import annotations

import base64
import datetime
from pathlib import Path

from mailtui import __version__
from mailtui.config import load_config
from mailtui.core.transcript import Transcript
from mailtui.diagnostics.bundle import build_bundle, read_outbox
from mailtui.sending.outbox import Outbox

NOW = datetime.datetime(2024, 4, 9, 10, 0, tzinfo=datetime.UTC)
SECRET = "inline-Pass#77"


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[account]]\nname = "work"\nfrom = "alice@example.org"\nmaildir = "{tmp_path / "Mail"}"\n'
        f'[account.smtp]\nhost = "smtp.example.org"\nuser = "alice"\npassword = "{SECRET}"\n'
    )
    path.chmod(0o600)
    return path


def test_versions_config_and_outbox_sections(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path))
    box = Outbox()
    ident = box.enqueue(
        b"Subject: stuck\r\n\r\nbody\r\n",
        "alice@example.org",
        ["bob@example.net"],
        "work",
        "451 4.7.1 greylisted",
    )
    text = build_bundle(
        transcript=Transcript(), accounts=config.accounts, config=config, outbox=read_outbox(), now=NOW
    )
    for title in ("Versions", "Config (secrets masked)", "Outbox", "SMTP probe", "Transcript"):
        assert f" {title} " in text, title
    assert f"mailtui: {__version__}" in text and "Python: 3." in text and "OS: " in text
    assert "textual: " in text and "dnspython: " in text
    assert 'host = "smtp.example.org"' in text and 'password = "********"' in text
    assert ident in text and "bob@example.net" in text and "attempts: 1" in text
    assert "last reply: 451 4.7.1 greylisted" in text
    assert SECRET not in text and base64.b64encode(SECRET.encode()).decode() not in text


def test_empty_and_unread_outbox() -> None:
    assert "(the outbox is empty)" in build_bundle(transcript=None, outbox=[])
    text = build_bundle(transcript=None)
    assert "(outbox not read)" in text and "(no config given)" in text


def test_redact_addresses_is_consistent() -> None:
    from mailtui.diagnostics.bundle import redact_addresses

    text = (
        "From: Alice <alice@example.org>\nTo: bob@example.net, Alice@Example.org\n"
        "Received: from mx.example.org by relay.example.net\nrua=mailto:d@example.org\n"
    )
    out = redact_addresses(text)
    assert "example" not in out and "alice@" not in out.lower() and "bob" not in out
    assert out.count("user1@domain1.invalid") == 2  # the same address in another case
    assert "user2@domain2.invalid" in out and "user3@domain1.invalid" in out
    assert "from mx.domain1.invalid by relay.domain2.invalid" in out


def test_bundle_redacted(tmp_path: Path) -> None:
    config = load_config(_config(tmp_path))
    Outbox().enqueue(
        b"Subject: s\r\n\r\nb\r\n", "alice@example.org", ["bob@example.net"], "work", "451 later"
    )
    raw = b"From: alice@example.org\r\nTo: bob@example.net\r\n\r\n"
    text = build_bundle(transcript=None, config=config, outbox=read_outbox(), raw_message=raw, redact=True)
    assert "alice@example.org" not in text and "bob@example.net" not in text and "example.org" not in text
    assert (
        "From: user1@domain1.invalid" in text
        and "from user1@domain1.invalid to user2@domain2.invalid" in text
    )
    assert "Addresses are redacted" in text.splitlines()[1]
