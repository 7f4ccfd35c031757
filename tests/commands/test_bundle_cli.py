"""`mailtui bundle`: versions, masked config and outbox to a file, addresses optionally redacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.cli import main
from mailtui.sending.outbox import Outbox
from tests.diagnostics.test_bundle_sections import SECRET, _config


def test_bundle_command_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Outbox().enqueue(b"Subject: s\r\n\r\nb\r\n", "alice@example.org", ["bob@example.net"], "work", "421 busy")
    out = tmp_path / "b.txt"
    assert main(["--config", str(_config(tmp_path)), "bundle", "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    text = out.read_text("utf-8")
    assert "mailtui: " in text and "Python: " in text and 'host = "smtp.example.org"' in text
    assert "bob@example.net" in text and "last reply: 421 busy" in text
    assert SECRET not in text and (out.stat().st_mode & 0o777) == 0o600


def test_bundle_command_redacts_addresses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Outbox().enqueue(b"Subject: s\r\n\r\nb\r\n", "alice@example.org", ["bob@example.net"], "work", "421 busy")
    assert main(["--config", str(_config(tmp_path)), "bundle", "--redact-addresses", "-o", "-"]) == 0
    text = capsys.readouterr().out
    assert "alice@example.org" not in text and "bob@example.net" not in text and "example." not in text
    assert 'from = "user1@domain1.invalid"' in text and "to user2@domain2.invalid" in text


def test_bundle_command_default_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--config", str(_config(tmp_path)), "bundle"]) == 0
    saved = Path(capsys.readouterr().out.rsplit(" to ", 1)[1].strip())
    assert saved.name.startswith("bundle-") and "(the outbox is empty)" in saved.read_text("utf-8")
