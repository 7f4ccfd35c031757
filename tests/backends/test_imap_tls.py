"""Connecting to IMAP: each TLS mode, certificate checks, plaintext refusal, login failures.

Against a real Dovecot with a self-signed certificate; the "no STARTTLS offered" case uses a
tiny fake server on loopback, because Dovecot always offers STARTTLS when TLS is set up.
"""

from __future__ import annotations

import base64
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mailtui.backends.imap.backend import ImapBackend
from mailtui.backends.imap.opening import open_url
from mailtui.config import AccountConfig, PasswordSource, ServerConfig
from mailtui.core.errors import AuthenticationError, ConnectionLostError, TLSError
from mailtui.core.models import TLSState
from mailtui.core.transcript import Direction, Transcript
from tests.backends.imap_helpers import ImapUser, make_message
from tests.certs import free_port

pytestmark = pytest.mark.dovecot


def _works(backend: ImapBackend) -> list[str]:
    try:
        refs = backend.list_refs("INBOX")
        return [e.subject for e in backend.fetch_envelopes("INBOX", refs)]
    finally:
        backend.close()


def test_imaps_with_ca_file_is_verified(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1)])
    backend = open_url(user.url(), password=user.password, ca_file=user.server.ca_file)
    assert backend.capabilities.tls is TLSState.VERIFIED
    assert "TLS verified" in backend.capabilities.description
    assert _works(backend) == ["Message 1"]


def test_starttls_with_ca_file_is_verified(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1)])
    transcript = Transcript()
    backend = open_url(
        user.url(starttls=True), password=user.password, ca_file=user.server.ca_file, transcript=transcript
    )
    assert backend.capabilities.tls is TLSState.VERIFIED
    assert _works(backend) == ["Message 1"]
    sent = [line.text for line in transcript.lines() if line.direction is Direction.SENT]
    starttls = next(i for i, text in enumerate(sent) if text.endswith(" STARTTLS"))
    login = next(i for i, text in enumerate(sent) if " LOGIN " in text)
    assert starttls < login  # the password only ever crossed the encrypted link


def test_plaintext_when_allowed_deliberately(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1)])
    backend = open_url(user.url(starttls=True), password=user.password, tls="none", allow_plaintext_auth=True)
    assert backend.capabilities.tls is TLSState.PLAINTEXT
    assert "plaintext" in backend.capabilities.description
    assert _works(backend) == ["Message 1"]


def test_plaintext_without_permission_is_refused_before_connecting(user: ImapUser) -> None:
    transcript = Transcript()
    with pytest.raises(TLSError) as info:
        open_url(user.url(starttls=True), password=user.password, tls="none", transcript=transcript)
    message = str(info.value)
    assert "unencrypted" in message and "allow_plaintext_auth" in message
    assert not [line for line in transcript.lines() if line.direction is Direction.SENT]


@pytest.mark.parametrize("starttls", [False, True], ids=["imaps", "starttls"])
def test_self_signed_without_ca_file_fails_verification(user: ImapUser, starttls: bool) -> None:
    with pytest.raises(TLSError) as info:
        open_url(user.url(starttls=starttls), password=user.password)
    message = str(info.value)
    assert "self-signed" in message or "self signed" in message
    assert "tls_verify = false" in message and "ca_file" in message


def test_tls_verify_false_connects_and_says_unverified(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1)])
    backend = open_url(user.url(), password=user.password, tls_verify=False)
    assert backend.capabilities.tls is TLSState.UNVERIFIED
    assert "NOT verified" in backend.capabilities.description
    assert _works(backend) == ["Message 1"]


def test_from_account_uses_config_and_credentials(user: ImapUser, monkeypatch: pytest.MonkeyPatch) -> None:
    user.server.seed(user.name, [make_message(1)])
    monkeypatch.setenv("TEST_IMAP_PASSWORD", user.password)
    server = ServerConfig(
        kind="imap",
        account="work",
        host="127.0.0.1",
        port=user.server.imap_port,
        tls="starttls",
        user=user.name,
        tls_verify=False,
        password=PasswordSource(env="TEST_IMAP_PASSWORD", keyring=False),
    )
    transcript = Transcript()
    backend = ImapBackend.from_account(AccountConfig(name="work", imap=server), transcript)
    assert backend.capabilities.tls is TLSState.UNVERIFIED
    assert _works(backend) == ["Message 1"]
    assert {line.account for line in transcript.lines()} == {"work"}
    assert user.password not in transcript.format()


def test_wrong_password_is_authentication_error_and_not_retried(user: ImapUser) -> None:
    transcript = Transcript()
    with pytest.raises(AuthenticationError) as info:
        open_url(user.url(), password="wrong password", ca_file=user.server.ca_file, transcript=transcript)
    assert "AUTHENTICATIONFAILED" in str(info.value) and user.name in str(info.value)
    logins = [line for line in transcript.lines() if " LOGIN " in line.text]
    assert len(logins) == 1
    assert "wrong password" not in transcript.format()


def test_closed_port_is_a_clear_connection_error() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(ConnectionLostError) as info:
        open_url(f"imaps://bob@127.0.0.1:{port}/", password="x")
    assert f"127.0.0.1:{port}" in str(info.value) and info.value.title == "Cannot connect"


class FakeImap:
    """A scripted plaintext IMAP server on loopback: CAPABILITY, XOAUTH2, LOGOUT, OK to the rest.

    Used where Dovecot cannot help: a server without STARTTLS, and OAuth2 logins.
    """

    def __init__(self, capabilities: str, token: str = "") -> None:
        self.capabilities = capabilities
        self.token = token
        self.received: list[bytes] = []
        self.sasl: list[bytes] = []
        self._current: socket.socket | None = None
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        for stop in (lambda: self._listener.shutdown(socket.SHUT_RDWR), self.drop):
            try:
                stop()  # wakes the server thread blocked in accept() or readline()
            except OSError:
                pass
        self._listener.close()
        self._thread.join(5)

    def drop(self) -> None:
        """Close the current client connection (the server went away; the next one is served)."""
        conn = self._current
        if conn is not None:
            conn.shutdown(socket.SHUT_RDWR)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self._current = conn
            try:
                self._session(conn)
            except OSError:
                pass

    def _session(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as f:
            f.write(f"* OK [CAPABILITY {self.capabilities}] fake server ready\r\n".encode())
            f.flush()
            for line in f:
                self.received.append(line)
                tag, _, command = line.decode().strip().partition(" ")
                verb = command.split(" ", 1)[0].upper()
                reply = f"{tag} OK done\r\n"
                if verb == "CAPABILITY":
                    f.write(f"* CAPABILITY {self.capabilities}\r\n".encode())
                elif verb == "AUTHENTICATE":
                    f.write(b"+ \r\n")
                    f.flush()
                    blob = f.readline().strip()
                    self.sasl.append(blob)
                    expected = f"user=bob\x01auth=Bearer {self.token}\x01\x01".encode()
                    if base64.b64decode(blob) != expected:
                        reply = f"{tag} NO [AUTHENTICATIONFAILED] bad token\r\n"
                elif verb == "LOGOUT":
                    f.write(b"* BYE bye\r\n")
                f.write(reply.encode())
                f.flush()
                if verb == "LOGOUT":
                    return


@pytest.fixture
def fake_imap() -> Iterator[Callable[..., FakeImap]]:
    made: list[FakeImap] = []

    def make(capabilities: str, token: str = "") -> FakeImap:
        made.append(FakeImap(capabilities, token))
        return made[-1]

    yield make
    for server in made:
        server.close()


def test_missing_starttls_is_an_error_never_a_plaintext_fallback(fake_imap: Callable[..., FakeImap]) -> None:
    server = fake_imap("IMAP4rev1 AUTH=PLAIN")
    with pytest.raises(TLSError) as info:
        open_url(f"imap://bob@127.0.0.1:{server.port}/", password="hunter2")
    assert "STARTTLS" in str(info.value)
    assert server.received, "the client did talk to the server"
    assert not any(b"LOGIN" in line or b"AUTHENTICATE" in line for line in server.received)


def test_oauth2_token_from_command_is_sent_and_masked(fake_imap: Callable[..., FakeImap]) -> None:
    token = "ya29.tok-123-secret"
    server = fake_imap("IMAP4rev1 AUTH=XOAUTH2 IDLE", token=token)
    config = ServerConfig(
        kind="imap",
        account="gmail",
        host="127.0.0.1",
        port=server.port,
        tls="none",
        allow_plaintext_auth=True,  # the fake server has no TLS; the token path is the same
        user="bob",
        oauth2_token_command=f"printf '%s\\n' '{token}'",
    )
    transcript = Transcript()
    backend = ImapBackend.from_account(AccountConfig(name="gmail", imap=config), transcript)
    backend.close()
    assert len(server.sasl) == 1  # accepted: the server checked the XOAUTH2 blob
    text = transcript.format()
    assert token not in text and server.sasl[0].decode() not in text
    assert any(line.text.endswith("AUTHENTICATE ********") for line in transcript.lines())


def test_refused_oauth2_token_is_authentication_error(fake_imap: Callable[..., FakeImap]) -> None:
    server = fake_imap("IMAP4rev1 AUTH=XOAUTH2", token="the-right-token")
    config = ServerConfig(
        kind="imap",
        account="gmail",
        host="127.0.0.1",
        port=server.port,
        tls="none",
        allow_plaintext_auth=True,
        user="bob",
        oauth2_token_command="echo an-expired-token",
    )
    with pytest.raises(AuthenticationError) as info:
        ImapBackend.from_account(AccountConfig(name="gmail", imap=config))
    assert "bad token" in str(info.value)
    assert len(server.sasl) == 1  # refused logins are not retried


def test_reconnect_asks_for_a_fresh_oauth2_token(fake_imap: Callable[..., FakeImap], tmp_path: Path) -> None:
    first, second = "tok-first-0123456789", "tok-second-9876543210"
    token_file = tmp_path / "token"
    token_file.write_text(first)
    server = fake_imap("IMAP4rev1 AUTH=XOAUTH2", token=first)
    config = ServerConfig(
        kind="imap",
        account="gmail",
        host="127.0.0.1",
        port=server.port,
        tls="none",
        allow_plaintext_auth=True,
        user="bob",
        oauth2_token_command=f"cat {token_file}",
    )
    transcript = Transcript()
    backend = ImapBackend.from_account(AccountConfig(name="gmail", imap=config), transcript)
    try:
        token_file.write_text(second)  # the old token expired; the command now prints a new one
        server.token = second
        server.drop()
        assert backend.list_folders() == []  # reconnected (the fake server has no folders)
    finally:
        backend.close()
    sent = [base64.b64decode(blob) for blob in server.sasl]
    assert sent == [f"user=bob\x01auth=Bearer {t}\x01\x01".encode() for t in (first, second)]
    assert first not in transcript.format() and second not in transcript.format()


def test_open_backend_url_takes_the_password_from_the_environment(
    user: ImapUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailtui.backends import open_backend
    from mailtui.core.errors import CredentialsError

    user.server.seed(user.name, [make_message(1)])
    monkeypatch.setenv("SSL_CERT_FILE", user.server.ca_file)  # OpenSSL's default trust store, for this test
    with pytest.raises(CredentialsError):
        open_backend(user.url())  # no password anywhere, and never a prompt from here
    monkeypatch.setenv("MAILTUI_PASSWORD", user.password)
    backend = open_backend(user.url("INBOX"))
    assert backend.default_folder == "INBOX"
    assert backend.capabilities.tls is TLSState.VERIFIED
    assert _works(backend) == ["Message 1"]  # type: ignore[arg-type]
