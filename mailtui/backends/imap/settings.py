"""IMAP connection settings and TLS: the SSL context and admin-readable certificate errors.

Verification is on unless the account says `tls_verify = false`; with `ca_file` only that
file's certificates are trusted (a self-signed server, a private CA).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mailtui.backends.imap.url import TLSMode
from mailtui.config import ADHOC_ACCOUNTS, table_of
from mailtui.core.errors import ConfigError, TLSError
from mailtui.core.models import TLSState
from mailtui.tls import client_context, explain_verify_error, verify_advice

if TYPE_CHECKING:
    from mailtui.config import ServerConfig


@dataclass(frozen=True)
class ImapSettings:
    """Where and how to connect; the password is kept apart (never in a dataclass repr)."""

    host: str
    port: int
    user: str
    tls: TLSMode = "ssl"
    tls_verify: bool = True
    ca_file: str | None = None
    allow_plaintext_auth: bool = False
    timeout: float = 30.0
    account: str = ""  # account name for transcript lines ("" for ad-hoc URLs)

    @property
    def label(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.user}@{host}:{self.port}"

    @property
    def tls_state(self) -> TLSState:
        if self.tls == "none":
            return TLSState.PLAINTEXT
        return TLSState.VERIFIED if self.tls_verify else TLSState.UNVERIFIED

    @property
    def tls_description(self) -> str:
        return {
            TLSState.PLAINTEXT: "plaintext",
            TLSState.VERIFIED: "TLS verified" if self.tls == "ssl" else "STARTTLS verified",
            TLSState.UNVERIFIED: "TLS NOT verified" if self.tls == "ssl" else "STARTTLS NOT verified",
        }[self.tls_state]


def make_ssl_context(settings: ImapSettings) -> ssl.SSLContext:
    """A client context: the system CAs (or only `ca_file`), or no verification when turned off."""
    try:
        return client_context(
            verify=settings.tls_verify, ca_file=settings.ca_file if settings.tls_verify else None
        )
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"cannot load ca_file {settings.ca_file!r} for {settings.label}: {exc}. "
            "It must be a readable PEM file with the server's certificate or its CA."
        ) from None


def tls_verify_error(exc: ssl.SSLCertVerificationError, settings: ImapSettings) -> TLSError:
    """An admin-readable TLSError for a failed certificate check."""
    failure = explain_verify_error(exc)
    table = table_of(settings.account, "imap") if settings.account else "the account's [account.imap] table"
    flags = settings.account in ADHOC_ACCOUNTS  # -f imaps://...: no config table to point at
    return TLSError(
        f"the TLS certificate of {settings.host}:{settings.port} could not be verified: {failure.reason} "
        f"({failure.detail}). {verify_advice(failure, table, flags=flags)}"
    )


def settings_from_server(server: ServerConfig) -> ImapSettings:
    """Connection settings from an account's [imap] table."""
    return ImapSettings(
        host=server.host,
        port=server.port,
        user=server.user or "",
        tls=server.tls,
        tls_verify=server.tls_verify,
        ca_file=server.ca_file,
        allow_plaintext_auth=server.allow_plaintext_auth,
        timeout=server.timeout,
        account=server.account,
    )
