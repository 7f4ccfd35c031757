"""Credentials: command, env, inline, keyring order; headless keyring; ad-hoc passwords."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from mailtui import credentials
from mailtui.config import PasswordSource, ServerConfig, load_config
from mailtui.core.errors import CredentialsError


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in a dict (priority -10: never auto-chosen)."""

    priority = -10  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    old = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(old)


@pytest.fixture
def headless_keyring() -> Iterator[None]:
    """The backend keyring picks on a box without D-Bus (conftest also selects it by env)."""
    old = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(old)


@pytest.fixture
def no_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))


def server(**password: object) -> ServerConfig:
    return ServerConfig(
        kind="imap", account="work", host="imap.example.com", port=993, user="alice",
        password=PasswordSource(**password),  # type: ignore[arg-type]
    )  # fmt: skip


def test_command_first_line(memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch) -> None:
    memory_keyring.store[("mailtui", "work/imap")] = "from-keyring"
    monkeypatch.setenv("PW", "from-env")
    srv = server(command="printf 'c0mmand pw\\nsecond line\\n'", env="PW", inline="inline")
    assert credentials.get_password(srv) == "c0mmand pw"


def test_command_failure_shows_stderr() -> None:
    srv = server(command="echo 'gpg: decryption failed' >&2; exit 3")
    with pytest.raises(CredentialsError) as info:
        credentials.get_password(srv)
    msg = info.value.message
    assert "exit status 3" in msg and "gpg: decryption failed" in msg and "work/imap" in msg
    with pytest.raises(CredentialsError, match="exit status 1 and printed nothing"):
        credentials.get_password(server(command="false"))


def test_command_printing_nothing() -> None:
    with pytest.raises(CredentialsError, match="printed nothing"):
        credentials.get_password(server(command="true"))


def test_env_then_inline(monkeypatch: pytest.MonkeyPatch, headless_keyring: None) -> None:
    monkeypatch.setenv("WORK_IMAP_PASSWORD", "from-env")
    assert credentials.get_password(server(env="WORK_IMAP_PASSWORD", inline="inline")) == "from-env"
    monkeypatch.delenv("WORK_IMAP_PASSWORD")
    assert credentials.get_password(server(env="WORK_IMAP_PASSWORD", inline="inline")) == "inline"


def test_inline_from_a_0600_file(tmp_path: Path, headless_keyring: None) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        '[[account]]\nname = "w"\nfrom = "a@b"\nmaildir = "/m"\n'
        '[account.smtp]\nhost = "h"\nuser = "u"\npassword = "pa ss"\n'
    )
    path.chmod(0o600)
    smtp = load_config(path).accounts[0].smtp
    assert smtp is not None and credentials.get_password(smtp) == "pa ss"


def test_keyring_store_and_get(memory_keyring: MemoryKeyring) -> None:
    srv = server()
    credentials.store_password(srv, "kr-secret")
    assert memory_keyring.store == {("mailtui", "work/imap"): "kr-secret"}
    assert credentials.get_password(srv) == "kr-secret"
    assert credentials.keyring_warning() is None and credentials.keyring_problem() is None


def test_keyring_disabled_is_not_read(memory_keyring: MemoryKeyring, no_tty: None) -> None:
    memory_keyring.store[("mailtui", "work/imap")] = "kr-secret"
    with pytest.raises(CredentialsError, match="no password source is configured"):
        credentials.get_password(server(keyring=False))


def test_headless_keyring_get_names_alternatives(headless_keyring: None, no_tty: None) -> None:
    with pytest.raises(CredentialsError) as info:
        credentials.get_password(server(env="UNSET_VAR_FOR_TEST"), prompt=True)
    msg = info.value.message
    assert "keyring is not usable" in msg and "$UNSET_VAR_FOR_TEST (password_env) is not set" in msg
    for alternative in ("password_command", "password_env", "0600", "mailtui passwd work imap"):
        assert alternative in msg


def test_missing_keyring_entry(memory_keyring: MemoryKeyring, no_tty: None) -> None:
    with pytest.raises(CredentialsError, match="no entry for service 'mailtui', user 'work/imap'"):
        credentials.get_password(server(), prompt=True)


def test_headless_store_says_so(headless_keyring: None) -> None:
    with pytest.raises(CredentialsError) as info:
        credentials.store_password(server(), "x")
    msg = info.value.message
    assert "no usable system keyring" in msg
    for alternative in ("password_command", "passwordeval", "password_env", "0600"):
        assert alternative in msg
    with pytest.raises(CredentialsError):
        credentials.check_keyring()


def test_null_keyring_would_discard(monkeypatch: pytest.MonkeyPatch) -> None:
    old = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.null.Keyring())
    try:
        with pytest.raises(CredentialsError, match="no usable system keyring"):
            credentials.store_password(server(), "x")
    finally:
        keyring.set_keyring(old)


def test_plaintext_keyring_warning() -> None:
    file_mod = pytest.importorskip("keyrings.alt.file")
    old = keyring.get_keyring()
    keyring.set_keyring(file_mod.PlaintextKeyring())
    try:
        warning = credentials.keyring_warning()
    finally:
        keyring.set_keyring(old)
    assert warning is not None and "PlaintextKeyring" in warning


def test_adhoc(monkeypatch: pytest.MonkeyPatch, no_tty: None) -> None:
    monkeypatch.setenv("MAILTUI_PASSWORD", "adhoc")
    assert credentials.password_for_adhoc("alice@imap.example.com") == "adhoc"
    monkeypatch.delenv("MAILTUI_PASSWORD")
    with pytest.raises(CredentialsError) as info:
        credentials.password_for_adhoc("alice@imap.example.com")
    assert "$MAILTUI_PASSWORD" in info.value.message and "alice@imap.example.com" in info.value.message


def test_oauth2_token() -> None:
    srv = ServerConfig(
        kind="smtp", account="w", host="h", port=587, oauth2_token_command="printf 'ya29.tok\\n'"
    )
    assert credentials.get_oauth2_token(srv) == "ya29.tok"
    with pytest.raises(CredentialsError, match="no oauth2_token_command"):
        credentials.get_oauth2_token(server())
    bad = ServerConfig(kind="smtp", account="w", host="h", port=587, oauth2_token_command="exit 4")
    with pytest.raises(CredentialsError, match="exit status 4"):
        credentials.get_oauth2_token(bad)


def _account(name: str, **password: object) -> object:
    from mailtui.config import AccountConfig

    srv = ServerConfig(
        kind="imap", account=name, host="h", port=993, user="u", password=PasswordSource(**password)
    )  # type: ignore[arg-type]
    return AccountConfig(name=name, imap=srv)


def test_configured_secrets_asks_every_source_never_prompts(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("W_PASS", "from-env")
    memory_keyring.store[("mailtui", "w/imap")] = "from-keyring"
    accounts = [
        _account(
            "w", command="echo from-command", env="W_PASS", inline="inline"
        ),  # every source, not the first
        _account("broken", command="exit 3", env="UNSET_VAR_FOR_TEST", keyring=False),  # nothing to mask
    ]
    found = credentials.configured_secrets(accounts)  # type: ignore[arg-type]
    assert found == [("from-command", "u"), ("from-env", "u"), ("inline", "u"), ("from-keyring", "u")]


def test_configured_secrets_skip_a_keyring_that_could_prompt(monkeypatch: pytest.MonkeyPatch) -> None:
    class Wallet(MemoryKeyring):
        """Stands for KWallet: reading it while closed opens an unlock dialog."""

    Wallet.__module__ = "keyring.backends.kwallet"
    old = keyring.get_keyring()
    wallet = Wallet()
    wallet.store[("mailtui", "w/imap")] = "behind-a-prompt"
    keyring.set_keyring(wallet)
    try:
        assert credentials.configured_secrets([_account("w")]) == []  # type: ignore[list-item]
    finally:
        keyring.set_keyring(old)
