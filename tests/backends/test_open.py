"""open_backend / open_account: schemes, plain-path detection, and errors that say what was found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailtui.backends import open_account, open_backend
from mailtui.backends.maildir.backend import MaildirBackend
from mailtui.backends.mbox.backend import MboxBackend
from mailtui.config import AccountConfig
from mailtui.core.errors import BackendError, ConfigError, ConnectionLostError
from mailtui.core.models import Flag
from tests.certs import free_port

from .conftest import make_message


def mkmaildir(path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def test_maildir_by_path_and_scheme(tmp_path: Path) -> None:
    md = mkmaildir(tmp_path / "Mail")
    for loc in (str(md), f"maildir://{md}", f"MAILDIR://{md}"):
        b = open_backend(loc)
        assert isinstance(b, MaildirBackend)
        assert b.root == md


def test_tilde_is_expanded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    mkmaildir(tmp_path / "Maildir")
    for loc in ("~/Maildir", "maildir://~/Maildir"):
        b = open_backend(loc)
        assert isinstance(b, MaildirBackend) and b.root == tmp_path / "Maildir"


def test_directory_of_maildirs(tmp_path: Path) -> None:
    mkmaildir(tmp_path / "acct" / "INBOX")
    mkmaildir(tmp_path / "acct" / "Sent")
    b = open_backend(str(tmp_path / "acct"))
    assert isinstance(b, MaildirBackend)
    assert [f.name for f in b.list_folders()] == ["INBOX", "Sent"]


def test_mbox_by_path_and_scheme(tmp_path: Path) -> None:
    box = tmp_path / "inbox"
    box.write_bytes(b"From a@b Tue Nov 14 22:13:20 2023\n" + make_message(0) + b"\n")
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    for loc in (str(box), f"mbox://{box}", str(empty)):
        assert isinstance(open_backend(loc), MboxBackend)


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "does not exist"),
        ("eml", "looks like a single message"),
        ("empty_dir", "neither a Maildir"),
        ("binary", "not an mbox"),
    ],
)
def test_not_a_mailbox(tmp_path: Path, setup: str, message: str) -> None:
    target = tmp_path / "thing"
    if setup == "eml":
        target.write_bytes(make_message(0))
    elif setup == "empty_dir":
        target.mkdir()
        (target / "notes").mkdir()
    elif setup == "binary":
        target.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(BackendError, match=message) as info:
        open_backend(str(target))
    assert str(target) in str(info.value)


def test_fifo_is_rejected(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(BackendError, match="neither a directory nor a regular file"):
        open_backend(str(fifo))


def test_scheme_mismatch_errors(tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.write_bytes(b"")
    with pytest.raises(BackendError, match="not a Maildir"):
        open_backend(f"maildir://{box}")
    with pytest.raises(BackendError, match="not an mbox"):
        open_backend(f"mbox://{tmp_path}")
    with pytest.raises(BackendError, match="unknown mailbox scheme 'pop3'"):
        open_backend("pop3://mail.example.org")
    with pytest.raises(BackendError, match="no mailbox location"):
        open_backend("  ")


def test_open_account_uses_delete_settings(tmp_path: Path) -> None:
    md = mkmaildir(tmp_path / "Mail")
    (md / "cur" / "1700000000.M1P1.h:2,").write_bytes(make_message(0))
    acct = AccountConfig(name="local", maildir=str(md), delete_mode="mark")
    b = open_account(acct)
    assert isinstance(b, MaildirBackend)
    b.delete("INBOX", b.list_refs("INBOX"))
    assert os.listdir(md / "cur") == ["1700000000.M1P1.h:2,T"]
    assert b.fetch_envelopes("INBOX", b.list_refs("INBOX"))[0].flags == {Flag.DELETED}

    b2 = open_account(AccountConfig(name="x", maildir=str(md), trash_folder="Bin"))
    b2.delete("INBOX", b2.list_refs("INBOX"))
    assert os.listdir(md / ".Bin" / "cur") == ["1700000000.M1P1.h:2,T"]


def test_open_account_without_mailbox() -> None:
    with pytest.raises(ConfigError, match="has no mailbox"):
        open_account(AccountConfig(name="nothing"))


@pytest.mark.parametrize("scheme", ["imap", "IMAPS"])
def test_imap_urls_go_to_the_imap_backend(scheme: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Nothing listens on the port: the IMAP backend's own connection error proves the dispatch.
    monkeypatch.setenv("MAILTUI_PASSWORD", "not-used")
    port = free_port()
    with pytest.raises(ConnectionLostError, match=f"127.0.0.1:{port}"):
        open_backend(f"{scheme}://alice@127.0.0.1:{port}")
