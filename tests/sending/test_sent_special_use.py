"""Issue 15: the Sent copy goes to the folder the IMAP server marks \\Sent when the configured one
is not there (Gmail's "[Gmail]/Sent Mail", Exchange's "Sent Items"); a configured folder that
exists still wins. On a private Dovecot whose Sent folder has another name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.config import AccountConfig
from mailtui.sending.dispatch import _store_in_account
from tests.backends.dovecot_server import DovecotServer, start_with_folders
from tests.backends.imap_helpers import ImapUser, imap_account, new_user

RAW = b"From: me@example.org\r\nTo: you@example.net\r\nSubject: keep a copy\r\n\r\nbody\r\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotServer]:
    srv = start_with_folders(Path(tmp_path_factory.mktemp("dovecot-sent")), {"Sent": ("Sent-Items", "\\Sent")})
    try:
        yield srv
    finally:
        srv.stop()


def account_of(user: ImapUser, **kw: object) -> AccountConfig:
    return imap_account(user, **kw)


def messages_in(user: ImapUser, folder: str) -> int:
    client = user.client()
    try:
        return int(client.select_folder(folder, readonly=True)[b"EXISTS"])
    finally:
        client.logout()


def test_without_a_folder_of_the_configured_name_the_servers_sent_folder_is_used(server: DovecotServer) -> None:
    user = new_user(server)
    where = _store_in_account(account_of(user), RAW, None)  # sent_folder: the default "Sent"
    assert where == "work:Sent-Items"
    assert messages_in(user, "Sent-Items") == 1


def test_a_configured_folder_that_exists_wins(server: DovecotServer) -> None:
    user = new_user(server)
    where = _store_in_account(account_of(user, sent_folder="Archive"), RAW, None)
    assert where == "work:Archive"
    assert (messages_in(user, "Archive"), messages_in(user, "Sent-Items")) == (1, 0)
