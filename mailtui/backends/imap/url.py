"""Parsing `imap://` and `imaps://` URLs into connection settings (no I/O).

`imaps://user@host[:port]/FOLDER` means implicit TLS (port 993); `imap://user@host[:port]/FOLDER`
means STARTTLS on port 143 (plaintext only when asked for with tls="none"). The user part
is percent-decoded, so `alice%40example.org@imap.example.org` logs in as `alice@example.org`.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from mailtui.config import TLSMode, default_port
from mailtui.core.errors import ConfigError

__all__ = ["ImapUrl", "TLSMode", "parse_imap_url"]

_SCHEME_TLS: dict[str, TLSMode] = {"imaps": "ssl", "imap": "starttls"}


@dataclass(frozen=True)
class ImapUrl:
    """The parts of an IMAP URL; `folder` is None when the URL has no path."""

    scheme: Literal["imap", "imaps"]
    user: str
    host: str
    port: int
    folder: str | None = None

    @property
    def default_tls(self) -> TLSMode:
        """imaps -> implicit TLS, imap -> STARTTLS (never plaintext by default)."""
        return _SCHEME_TLS[self.scheme]

    @property
    def label(self) -> str:
        """`user@host:port`, for transcripts and the status bar."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.user}@{host}:{self.port}"


def parse_imap_url(url: str) -> ImapUrl:
    """Parse an IMAP URL; raise ConfigError naming what is wrong with it."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"invalid IMAP URL {url!r}: {exc}", title="Invalid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEME_TLS:
        raise ConfigError(
            f"{url!r} is not an IMAP URL: expected imaps://user@host[:port]/FOLDER or imap://...",
            title="Invalid URL",
        )
    if not parts.hostname:
        raise ConfigError(f"the IMAP URL {url!r} has no host name", title="Invalid URL")
    user = unquote(parts.username) if parts.username else _local_user()
    folder = unquote(parts.path.lstrip("/")) or None
    return ImapUrl(
        scheme="imaps" if scheme == "imaps" else "imap",
        user=user,
        host=parts.hostname,
        port=port or default_port("imap", _SCHEME_TLS[scheme]),
        folder=folder,
    )


def _local_user() -> str:
    """The login name to use when the URL names none (as mutt and fetchmail do)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
