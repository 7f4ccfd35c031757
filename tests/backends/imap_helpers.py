"""Shared pieces of the IMAP tests: users, messages, the contract harness, a second client.

The `dovecot` and `user` fixtures themselves are in tests/fixtures/dovecot.py (a plugin of
the whole suite): each test file gets its own Dovecot, each test its own user.
"""

from __future__ import annotations

import itertools
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING

from imapclient import IMAPClient

from mailtui.backends.imap.backend import ImapBackend
from mailtui.backends.imap.opening import open_url
from mailtui.core.transcript import Transcript
from tests.backends.dovecot_server import DovecotServer

if TYPE_CHECKING:
    from mailtui.config import AccountConfig

_users = itertools.count(1)
BASE_DATE = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class ImapUser:
    name: str
    password: str
    server: DovecotServer

    def client(self) -> IMAPClient:
        """An independent, logged-in imapclient connection (implicit TLS, verified)."""
        import ssl

        ctx = ssl.create_default_context(cafile=self.server.ca_file)
        c = IMAPClient("127.0.0.1", self.server.imaps_port, ssl=True, ssl_context=ctx, timeout=30)
        c.login(self.name, self.password)
        return c

    def url(self, folder: str = "", *, starttls: bool = False) -> str:
        if starttls:
            return f"imap://{self.name}@127.0.0.1:{self.server.imap_port}/{folder}"
        return f"imaps://{self.name}@127.0.0.1:{self.server.imaps_port}/{folder}"

    def open(self, transcript: Transcript | None = None, **kw: object) -> ImapBackend:
        """The backend under test, over verified implicit TLS unless `kw` says otherwise."""
        kw.setdefault("ca_file", self.server.ca_file)
        kw.setdefault("password", self.password)
        return open_url(self.url(), transcript=transcript, **kw)  # type: ignore[arg-type]


def imap_account(user: ImapUser, name: str = "work", **kw: object) -> AccountConfig:
    """An account whose IMAP is `user` on its server (implicit TLS, verified, inline password)."""
    from mailtui.config import AccountConfig, PasswordSource, server_config

    imap = server_config(
        "imap", "127.0.0.1", user.server.imaps_port, tls="ssl", account=name, user=user.name,
        ca_file=user.server.ca_file, password=PasswordSource(inline=user.password, keyring=False),
    )  # fmt: skip
    return AccountConfig(name=name, imap=imap, **kw)  # type: ignore[arg-type]


def new_user(server: DovecotServer) -> ImapUser:
    """A fresh user with an empty mailbox (a password with characters that need quoting)."""
    name = f"user{next(_users)}"
    password = f'pw-{name}-"quoted" \\ s3cret'
    server.add_user(name, password)
    return ImapUser(name, password, server)


class DovecotHarness:
    """The contract-suite harness (see tests/backends/conftest.py) for IMAP on Dovecot.

    Each harness is a fresh user whose INBOX holds `messages` (oldest first); `backend()`
    opens a new verified imaps:// connection, `deliver()` APPENDs from another client.
    """

    kind = "imap"
    folder_names = ("Archive",)
    stores_any_bytes = True
    lf_line_ends = True  # IMAP sends CRLF; fetch_raw returns LF, so CRLF files come back as LF
    keeps_nul = False  # IMAP forbids NUL in messages: Dovecot serves each NUL byte as 0x80

    def __init__(self, server: DovecotServer, messages: Sequence[bytes]) -> None:
        self.user = new_user(server)
        server.seed(self.user.name, list(messages))
        self._opened: list[ImapBackend] = []

    def backend(self) -> ImapBackend:
        b = self.user.open()
        self._opened.append(b)
        return b

    def deliver(self, raw: bytes) -> None:
        self.user.server.deliver(self.user.name, raw)

    def close(self) -> None:
        for b in self._opened:
            b.close()


def make_message(n: int, subject: str | None = None, *, days: int | None = None, body: str = "") -> bytes:
    """A small CRLF message numbered `n`, dated BASE_DATE + `days` (default n) days."""
    date = BASE_DATE + timedelta(days=n if days is None else days)
    lines = [
        f"From: Sender {n} <sender{n}@example.org>",
        "To: alice@example.org",
        f"Subject: {subject if subject is not None else f'Message {n}'}",
        f"Date: {format_datetime(date)}",
        f"Message-ID: <msg{n}@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        body or f"Body of message {n}.",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


class TcpProxy:
    """A loopback TCP relay to a server port that a test can cut and restore.

    `cut()` drops every relayed connection and refuses new ones (as a dead link or a
    stopped server would); `restore()` lets connections through again. TLS passes
    through untouched, so certificate checks still see the real server.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        self._refusing = False
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            self._refusing = True
            victims, self._open = self._open, []
        for sock in victims:
            self._kill(sock)

    def restore(self) -> None:
        with self._lock:
            self._refusing = False

    def close(self) -> None:
        self._closed = True
        self.cut()
        self._kill(self._listener)  # shutdown() wakes the thread blocked in accept()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                refusing = self._refusing
            if refusing:
                self._kill(client)
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                self._kill(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        self._kill(dst)

    def _kill(self, sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            sock.close()
        except OSError:
            pass
