"""IMAP connection settings and TLS: the SSL context and admin-readable certificate errors.

Verification is on unless the account says `tls_verify = false`; with `ca_file` only that
file's certificates are trusted (a self-signed server, a private CA).
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mailtui.backends.imap_url import TLSMode
from mailtui.core.errors import ConfigError, TLSError
from mailtui.core.models import TLSState

if TYPE_CHECKING:
    from mailtui.config import ServerConfig

_VERIFY_HINTS = {
    9: "the certificate is not valid yet (check the clocks)",
    10: "the certificate has expired",
    18: "the server presents a self-signed certificate",
    19: "the certificate chain ends in a self-signed certificate that is not trusted",
    20: "the certificate's issuer is not a trusted CA",
    21: "the server sent no intermediate certificate",
    62: "the certificate does not match the host name",
    64: "the certificate does not match the IP address",
}


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
    if not settings.tls_verify:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    try:
        return ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"cannot load ca_file {settings.ca_file!r} for {settings.label}: {exc}. "
            "It must be a readable PEM file with the server's certificate or its CA."
        ) from None


def tls_verify_error(exc: ssl.SSLCertVerificationError, settings: ImapSettings) -> TLSError:
    """An admin-readable TLSError for a failed certificate check."""
    what = exc.verify_message or str(exc)
    hint = _VERIFY_HINTS.get(exc.verify_code or -1)
    detail = f"{what} ({hint})" if hint else what
    return TLSError(
        f"the TLS certificate of {settings.host}:{settings.port} could not be verified: {detail}. "
        "If this is the certificate you expect, set ca_file to a PEM file with it (or its CA); "
        "to connect without checking it, set tls_verify = false in the account's [imap] table "
        "(the status bar will show the connection as unverified)."
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
