"""With only a muttrc (no config.toml), mailtui opens the suite's Dovecot over verified TLS and
lists INBOX, as the UI's preload does (`backends.open_account` on the configured account)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.backends import open_account
from mailtui.config import load_config
from mailtui.config.importer import ImportedConfig
from mailtui.core.transcript import Transcript
from mailtui.session.preload import Preload


def message(n: int) -> bytes:
    return (
        f"From: Sender {n} <s{n}@example.org>\r\nTo: me@example.org\r\nSubject: from mutt land {n}\r\n"
        f"Date: Mon, 0{n} Dec 2025 10:00:00 +0000\r\nMessage-ID: <m{n}@example.org>\r\n\r\nbody {n}\r\n"
    ).encode()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / ".mutt").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr("mailtui.config.setup_files.SYSTEM_MSMTPRC", tmp_path / "no-etc-msmtprc")
    return home


def write_muttrc(home: Path, user) -> Path:
    # The guide's shape, pointed at the test server: the password in single quotes (it holds
    # a double quote and a backslash), the suite's CA through ssl_ca_certificates_file.
    rc = home / ".mutt" / "muttrc"
    rc.write_text(
        f'set folder = "imaps://127.0.0.1:{user.server.imaps_port}"\n'
        'set spoolfile = "+INBOX"\n'
        f'set imap_user = "{user.name}"\n'
        f"set imap_pass = '{user.password}'\n"
        'set postponed = "+Drafts"\n'
        "set header_cache = ~/.mutt/cache/headers\n"
        f"set ssl_ca_certificates_file = {user.server.ca_file}\n"
        "unset record\n"
    )
    rc.chmod(0o600)
    return rc


def test_only_a_muttrc_opens_the_imap_inbox(home, user):
    user.server.seed(user.name, [message(1), message(2)])
    write_muttrc(home, user)
    config = load_config()
    assert isinstance(config, ImportedConfig)
    account = config.account()
    assert account.imap is not None and account.imap.user == user.name and account.imap.tls == "ssl"
    backend = open_account(account)
    try:
        assert "INBOX" in [f.name for f in backend.list_folders()]
        assert backend.default_folder == "INBOX"
        refs = backend.list_refs("INBOX")
        subjects = sorted(e.subject for e in backend.fetch_envelopes("INBOX", refs))
        assert subjects == ["from mutt land 1", "from mutt land 2"]
    finally:
        backend.close()


def test_the_ui_preload_lists_inbox_from_the_muttrc_account(home, user):
    user.server.seed(user.name, [message(3)])
    write_muttrc(home, user)
    preload = Preload(load_config().account(), Transcript()).start()
    backend = preload.wait_backend()
    try:
        assert backend.default_folder == "INBOX"
        assert [e.subject for e in backend.fetch_envelopes("INBOX", backend.list_refs("INBOX"))] == [
            "from mutt land 3"
        ]
    finally:
        backend.close()


def test_a_wrong_ca_is_refused_not_silently_trusted(home, user, tmp_path):
    write_muttrc(home, user)
    rc = home / ".mutt" / "muttrc"
    rc.write_text(
        rc.read_text().replace(
            f"ssl_ca_certificates_file = {user.server.ca_file}",
            "ssl_ca_certificates_file = /etc/ssl/certs/ca-certificates.crt",
        )
    )
    from mailtui.core.errors import MailtuiError

    with pytest.raises(MailtuiError):
        open_account(load_config().account()).close()
