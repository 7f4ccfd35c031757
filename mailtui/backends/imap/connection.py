"""One IMAP connection: connect, STARTTLS, login, select, reconnect, error mapping, trace.

imapclient is blocking and not thread-safe (library-facts §2), so every use of the
connection goes through `ImapConnection.run`, which holds a lock, routes the wire lines to
the transcript, and turns library exceptions into our error tree:

- a dropped connection (IMAPClientAbortError, OSError, ssl errors) -> reconnect with
  backoff (3 tries), re-select the folder, retry the operation once; else ConnectionLostError;
- LoginError -> AuthenticationError, never retried;
- certificate problems -> TLSError saying what failed and how to allow it deliberately;
- any other IMAPClientError -> BackendError carrying the server's text.

TLS is verified unless the settings say otherwise, and TLS never silently falls back to
plaintext: a server without STARTTLS is an error, and a password goes over an unencrypted
connection only with `allow_plaintext_auth`. Settings and the SSL context are in
imap_settings.py, the routing of wire lines to the transcript in imap_trace.py.
"""

from __future__ import annotations

import itertools
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from mailtui.backends.imap import trace as imap_trace
from mailtui.backends.imap.oauth import OAUTH_AUTH, oauth_login
from mailtui.backends.imap.settings import ImapSettings, make_ssl_context, tls_verify_error
from mailtui.core.errors import (
    AuthenticationError,
    BackendError,
    ConnectionLostError,
    FolderNotFoundError,
    MailtuiError,
    TLSError,
)
from mailtui.core.transcript import Direction, Transcript

T = TypeVar("T")
__all__ = ["DROPPED", "ImapConnection"]

RECONNECT_TRIES = 3
BACKOFF = 0.5  # seconds before the 2nd try, doubled before the 3rd (the 1st is immediate)
_counter = itertools.count(1)
_counter_lock = threading.Lock()

# Exceptions that mean "the connection is gone" (ssl.SSLError is an OSError).
DROPPED = (IMAPClientAbortError, OSError)
# SSL errors that only mean the peer closed the link (not a failed TLS negotiation).
_LINK_CLOSED = (ssl.SSLEOFError, ssl.SSLZeroReturnError, ssl.SSLSyscallError)


class ImapConnection:
    """One IMAPClient, used under a lock; reconnects and re-selects on its own."""

    def __init__(
        self,
        settings: ImapSettings,
        password: str,
        transcript: Transcript | None = None,
        purpose: str = "",
        on_uidvalidity_change: Callable[[str], None] | None = None,
        *,
        auth: str = "login",
        refresh_secret: Callable[[], str] | None = None,
    ) -> None:
        self.settings = settings
        # Or the OAuth2 access token when auth is "oauth2" (the best the server offers),
        # "oauthbearer" or "xoauth2" (forced by oauth2_mechanism).
        self._password = password
        # OAuth2 access tokens expire (Gmail: 1 h): a reconnect asks for a fresh one.
        self._refresh_secret = refresh_secret
        self._logins = 0
        self._auth = auth
        self._transcript = transcript
        with _counter_lock:
            number = next(_counter)
        self.label = f"imap#{number} {settings.label}" + (f" ({purpose})" if purpose else "")
        self.lock = threading.RLock()
        self.client: IMAPClient | None = None
        self.server_capabilities: frozenset[str] = frozenset()
        self.selected: str | None = None
        self.selected_readonly = True
        self.select_info: dict[bytes, Any] = {}
        self.just_selected = False  # the last select() issued SELECT/EXAMINE (the view is fresh)
        self.uidvalidity: dict[str, int] = {}
        self._on_uidvalidity_change = on_uidvalidity_change
        self.closed_event = threading.Event()
        self.oauth_mechanism: str | None = None  # OAUTHBEARER or XOAUTH2 once logged in with a token
        # For the status bar (read without the lock from the UI thread):
        self.reconnect_attempt = 0  # > 0 while reconnecting: the attempt under way
        self.offline = False  # the last operation gave up: ConnectionLostError
        self._target = (
            imap_trace.TraceTarget(transcript, self.label, settings.account)
            if transcript is not None
            else None
        )
        if transcript is not None:
            imap_trace.install()
            # Registered before any login: every form of it is masked from now on.
            transcript.add_secret(password, settings.user)

    # -- trace ----------------------------------------------------------------
    def info(self, text: str) -> None:
        """A note by mailtui in the transcript (connecting, TLS, reconnecting)."""
        if self._target is not None:
            self._target.add(Direction.INFO, text)

    # -- running operations ------------------------------------------------------
    def run(
        self,
        fn: Callable[[IMAPClient], T],
        *,
        folder: str | None = None,
        readonly: bool = False,
        action: str = "",
    ) -> T:
        """Call `fn(client)` with `folder` selected; reconnect once on a dropped connection."""
        with self.lock, imap_trace.tracing(self._target):
            if self.closed:
                raise ConnectionLostError(f"the IMAP connection {self.label} is closed")
            was_connected = False  # did the failure come after a working connection?
            try:
                try:
                    client = self._ensure()
                    was_connected = True
                    if folder is not None:
                        self.select(client, folder, readonly)
                    return fn(client)
                except LoginError:
                    raise
                except DROPPED as exc:
                    if isinstance(exc, ssl.SSLCertVerificationError):
                        raise tls_verify_error(exc, self.settings) from None
                    if was_connected:
                        self.info(f"connection lost ({_describe(exc)}); reconnecting")
                    self._drop()
                    client = self._reconnect(first=not was_connected)
                try:
                    if folder is not None:
                        self.select(client, folder, readonly)
                    return fn(client)
                except LoginError:
                    raise
                except DROPPED as exc:
                    self._drop()
                    raise ConnectionLostError(
                        f"the connection to {self.settings.label} dropped again right after reconnecting "
                        f"({_describe(exc)}) while trying {action or 'an operation'}. The server may be "
                        "overloaded or restarting; try again in a moment."
                    ) from None
            except LoginError as exc:
                self._drop()
                raise self._auth_error(exc) from None
            except ConnectionLostError:
                self.offline = True
                raise
            except MailtuiError:
                raise
            except IMAPClientError as exc:
                raise self._server_error(exc, action, folder) from None
            finally:
                if self.closed and self.client is not None:
                    self._drop()  # closed from another thread while this call was blocked

    def connect(self) -> None:
        """Connect and log in now (to report errors early); mapped like `run`."""
        self.run(lambda client: None, action="to connect")

    @property
    def closed(self) -> bool:
        return self.closed_event.is_set()

    def interrupt(self) -> None:
        """From another thread: stop this connection's blocking read (e.g. IDLE) without its lock."""
        self.closed_event.set()
        client = self.client
        if client is None:
            return
        try:
            client.socket().shutdown(socket.SHUT_RDWR)
        except (OSError, ValueError):
            pass

    def close(self) -> None:
        """LOGOUT and close; safe to call twice."""
        if not self.lock.acquire(blocking=False):
            self.interrupt()  # a blocked reader holds the lock: shut its socket instead
            return
        try:
            self.closed_event.set()
            client, self.client = self.client, None
            if client is None:
                return
            with imap_trace.tracing(self._target):
                try:
                    client.logout()
                except (IMAPClientError, OSError):
                    _shutdown(client)
        finally:
            self.lock.release()

    # -- internals ---------------------------------------------------------------
    def _ensure(self) -> IMAPClient:
        return self.client if self.client is not None else self._open()

    def _drop(self) -> None:
        client, self.client = self.client, None
        self.selected = None
        if client is not None:
            _shutdown(client)

    def _reconnect(self, *, first: bool = False) -> IMAPClient:
        last: BaseException | None = None
        # After a failed first connect, that failure was the first of the tries.
        try:
            for attempt in range(1 if first else 0, RECONNECT_TRIES):
                if self.closed:
                    break
                self.reconnect_attempt = attempt + 1
                if attempt:
                    time.sleep(BACKOFF * 2 ** (attempt - 1))
                try:
                    return self._open()
                except LoginError:
                    raise
                except DROPPED as exc:
                    if isinstance(exc, ssl.SSLCertVerificationError):
                        raise tls_verify_error(exc, self.settings) from None
                    last = exc
                    self.info(f"reconnect attempt {attempt + 1} failed: {_describe(exc)}")
        finally:
            self.reconnect_attempt = 0
        if first:
            raise ConnectionLostError(
                f"cannot connect to {self.settings.host}:{self.settings.port} "
                f"({_describe(last) if last else 'closed'}). Check the host name and port, and that "
                "the server is reachable from here (firewall, VPN, DNS).",
                title="Cannot connect",
            )
        raise ConnectionLostError(
            f"lost the connection to {self.settings.label} and could not reconnect after "
            f"{RECONNECT_TRIES} attempts ({_describe(last) if last else 'closed'}). The server may be "
            "down or unreachable; mailtui tries again on the next action."
        )

    def _open(self) -> IMAPClient:
        s = self.settings
        if s.tls == "none" and not s.allow_plaintext_auth:
            # Refuse before connecting: the password must never cross an unencrypted link by accident.
            raise TLSError(
                f"refusing to log in as {s.user} to {s.host}:{s.port} over an unencrypted connection "
                "(tls = none). Use imaps:// (tls = ssl) or STARTTLS (tls = starttls); if this network "
                "is trusted, set allow_plaintext_auth = true to allow it deliberately.",
                title="Plaintext login refused",
            )
        ctx = make_ssl_context(s) if s.tls != "none" else None
        self.info(f"connecting to {s.host}:{s.port} ({s.tls_description})")
        try:
            client = IMAPClient(s.host, s.port, ssl=s.tls == "ssl", ssl_context=ctx, timeout=s.timeout)
        except ssl.SSLCertVerificationError as exc:
            raise tls_verify_error(exc, s) from None
        except _LINK_CLOSED:
            raise  # the link died mid-handshake: a dropped connection, retried, not a TLS verdict
        except ssl.SSLError as exc:
            raise TLSError(f"the TLS handshake with {s.host}:{s.port} failed: {_describe(exc)}") from None
        except (socket.gaierror, ConnectionRefusedError, TimeoutError) as exc:
            self.info(f"cannot connect: {_describe(exc)}")
            raise
        try:
            client.normalise_times = False  # timezone-aware INTERNALDATE
            self._add(Direction.RECEIVED, client.welcome)
            if s.tls == "starttls":
                self._starttls(client, ctx)
            if s.tls == "none" and client.has_capability("LOGINDISABLED"):
                raise TLSError(
                    f"{s.host}:{s.port} does not allow logins over an unencrypted connection "
                    "(LOGINDISABLED); use tls = starttls or ssl."
                )
            if self._logins and self._refresh_secret is not None:
                self._password = self._refresh_secret()
                if self._transcript is not None:
                    self._transcript.add_secret(self._password, s.user)
            self._logins += 1
            if self._auth in OAUTH_AUTH:
                self._oauth_login(client)
            elif self._password.isascii():
                client.login(s.user, self._password)
            else:  # LOGIN takes ASCII quoted strings only; SASL PLAIN carries UTF-8
                client.plain_login(s.user, self._password)
            self.server_capabilities = frozenset(
                c.decode("ascii", "replace").upper() for c in client.capabilities()
            )
            if {"CONDSTORE", "ENABLE"} <= self.server_capabilities:
                # HIGHESTMODSEQ in every SELECT and MODSEQ in FETCH: flags sync cheaply (imap_sync.py).
                client.enable("CONDSTORE")
        except BaseException:
            _shutdown(client)
            raise
        self.client = client
        self.selected = None
        self.offline = False
        return client

    def _oauth_login(self, client: IMAPClient) -> None:
        """AUTHENTICATE OAUTHBEARER or XOAUTH2 as `auth` asks ("oauth2": the server's best)."""
        s = self.settings
        if self._transcript is not None:
            self._transcript.add_secret(self._password, s.user)
        self.oauth_mechanism = oauth_login(
            client, s, self._password, OAUTH_AUTH[self._auth], self._transcript, note=self.info
        )

    def _starttls(self, client: IMAPClient, ctx: ssl.SSLContext | None) -> None:
        s = self.settings
        if not client.has_capability("STARTTLS"):
            raise TLSError(
                f"{s.host}:{s.port} does not offer STARTTLS, and mailtui does not fall back to "
                "plaintext. Use imaps:// (port 993) if the server has it; if this network is trusted, "
                "set tls = none and allow_plaintext_auth = true deliberately.",
                title="STARTTLS not offered",
            )
        try:
            client.starttls(ctx)
        except ssl.SSLCertVerificationError as exc:
            raise tls_verify_error(exc, s) from None
        except _LINK_CLOSED:
            raise
        except ssl.SSLError as exc:
            raise TLSError(
                f"the STARTTLS handshake with {s.host}:{s.port} failed: {_describe(exc)}"
            ) from None
        except IMAPClientError as exc:
            if isinstance(exc, IMAPClientAbortError):
                raise
            raise TLSError(f"{s.host}:{s.port} refused STARTTLS: {_server_text(exc)}") from None
        self.info("TLS established (STARTTLS)")

    def select(self, client: IMAPClient, folder: str, readonly: bool) -> None:
        """SELECT (or EXAMINE) `folder` unless it already is; track UIDVALIDITY. Under the lock."""
        # A read-write selection serves reads too; EXAMINE only when nothing is selected yet.
        if self.selected == folder and (readonly or not self.selected_readonly):
            self.just_selected = False
            return
        info = client.select_folder(folder, readonly=readonly)
        self.just_selected = True
        self.selected, self.selected_readonly, self.select_info = folder, readonly, info
        validity = info.get(b"UIDVALIDITY")
        if isinstance(validity, int):
            old = self.uidvalidity.get(folder)
            self.uidvalidity[folder] = validity
            if old is not None and old != validity:
                self.info(f"UIDVALIDITY of {folder} changed ({old} -> {validity}): UIDs are new")
                if self._on_uidvalidity_change is not None:
                    self._on_uidvalidity_change(folder)

    def _add(self, direction: Direction, data: bytes | str | None) -> None:
        if self._target is None or data is None:
            return
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        self._target.add(direction, text.rstrip("\r\n"))

    def _auth_error(self, exc: LoginError) -> AuthenticationError:
        text = _server_text(exc).rstrip(".")
        check = (
            "Check the user name and that oauth2_token_command prints a current access token"
            if self._auth in OAUTH_AUTH
            else "Check the user name and the password (password_command, password_env, keyring, "
            "or $MAILTUI_PASSWORD for a URL)"
        )
        return AuthenticationError(
            f"the IMAP server {self.settings.host}:{self.settings.port} refused the login of "
            f"{self.settings.user}: {text}. {check}; mailtui does not retry a refused login."
        )

    def _server_error(self, exc: IMAPClientError, action: str, folder: str | None) -> BackendError:
        text = _server_text(exc)
        doing = f" {action}" if action else ""
        if folder is not None and ("NONEXISTENT" in text.upper() or "doesn't exist" in text):
            return FolderNotFoundError(
                f"the IMAP server {self.settings.label} has no folder {folder!r}: {text}"
            )
        return BackendError(f"the IMAP server {self.settings.label} refused{doing}: {text}")


def _server_text(exc: BaseException) -> str:
    """The server's words from an imapclient exception, as str."""
    parts = []
    for arg in exc.args:
        # imapclient wraps server bytes in str() on the way: "b'[AUTHENTICATIONFAILED] ...'"
        parts.append(
            arg.decode("utf-8", "replace") if isinstance(arg, bytes) else imap_trace.unrepr(str(arg))
        )
    return " ".join(parts).strip() or type(exc).__name__


def _describe(exc: BaseException) -> str:
    text = _server_text(exc)
    return text if text.startswith(type(exc).__name__) else f"{type(exc).__name__}: {text}"


def _shutdown(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except (OSError, IMAPClientError, AttributeError, ValueError):
        pass
