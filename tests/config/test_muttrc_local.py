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
    monkeypatch.setattr("mailtui.config.setup_files.SYSTEM_MSMTPRC", tmp_path / "no-etc-msmtprc")
    return home


def message(subject: str) -> bytes:
    return f"From: a@example.org\nTo: b@example.org\nSubject: {subject}\nDate: Mon, 01 Dec 2025 10:00:00 +0000\n\nx\n".encode()


def test_a_maildir_inbox_under_folder_opens_the_folder_collection(home):
    (home / "Mail").mkdir()
    mailbox.Maildir(home / "Mail" / "inbox", create=True).add(message("local one"))
    mailbox.Maildir(home / "Mail" / "sent", create=True).add(message("sent one"))
    (home / ".muttrc").write_text('set folder = "~/Mail"\nset spoolfile = "+inbox"\nset record = "+sent"\n')
    account = load_config().account()
    # mutt's layout (~/Mail/inbox, ~/Mail/sent) is mailtui's folder collection: inbox plays INBOX.
    assert account.maildir == f"{home}/Mail" and account.imap is None and account.sent_folder == "sent"
    backend = open_account(account)
    try:
        assert backend.default_folder == "INBOX"
        assert {"INBOX", "sent"} <= {f.name for f in backend.list_folders()}
        assert [e.subject for e in backend.fetch_envelopes("INBOX", backend.list_refs("INBOX"))] == [
            "local one"
        ]
        assert [e.subject for e in backend.fetch_envelopes("sent", backend.list_refs("sent"))] == ["sent one"]
    finally:
        backend.close()


def test_a_maildir_plus_plus_spoolfile_with_dot_folders(home):
    root = home / "Maildir"
    mailbox.Maildir(root, create=True).add(message("in the root"))
    (home / ".muttrc").write_text(
        'set folder = ~/Maildir\nset spoolfile = ~/Maildir\nset record = "=.Sent"\n'
    )
    account = load_config().account()
    assert account.maildir == str(root) and account.sent_folder == "Sent"
    backend = open_account(account)
    try:
        folder = backend.default_folder
        assert [e.subject for e in backend.fetch_envelopes(folder, backend.list_refs(folder))] == [
            "in the root"
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
