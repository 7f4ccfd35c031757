"""With only a muttrc naming a local Maildir or mbox spoolfile, mailtui opens that mailbox."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from mailtui.backends import open_account
from mailtui.config import load_config


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr("mailtui.config.msmtp.SYSTEM_MSMTPRC", tmp_path / "no-etc-msmtprc")
    return home


def message(subject: str) -> bytes:
    return f"From: a@example.org\nTo: b@example.org\nSubject: {subject}\nDate: Mon, 01 Dec 2025 10:00:00 +0000\n\nx\n".encode()


def test_a_maildir_spoolfile_under_folder(home):
    (home / "Mail").mkdir()
    box = mailbox.Maildir(home / "Mail" / "inbox", create=True)
    box.add(message("local one"))
    (home / ".muttrc").write_text(
        'set folder = "~/Mail"\nset spoolfile = "+inbox"\nset mbox_type = Maildir\n'
    )
    account = load_config().account()
    assert account.maildir == f"{home}/Mail/inbox" and account.imap is None
    backend = open_account(account)
    try:
        folder = backend.default_folder
        assert [e.subject for e in backend.fetch_envelopes(folder, backend.list_refs(folder))] == [
            "local one"
        ]
    finally:
        backend.close()


def test_an_mbox_spoolfile(home):
    spool = home / "spool"
    box = mailbox.mbox(spool)
    box.add(message("from the spool"))
    box.flush()
    (home / ".muttrc").write_text(f"set spoolfile = {spool}\n")
    account = load_config().account()
    assert account.maildir == str(spool)
    backend = open_account(account)
    try:
        folder = backend.default_folder
        assert [e.subject for e in backend.fetch_envelopes(folder, backend.list_refs(folder))] == [
            "from the spool"
        ]
    finally:
        backend.close()
