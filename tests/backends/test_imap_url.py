"""Parsing imap:// and imaps:// URLs (no server needed)."""

from __future__ import annotations

import pytest

from mailtui.backends.imap.url import ImapUrl, parse_imap_url
from mailtui.core.errors import ConfigError


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("imaps://alice@mail.example.org", ImapUrl("imaps", "alice", "mail.example.org", 993, None)),
        ("imaps://alice@mail.example.org:1993/", ImapUrl("imaps", "alice", "mail.example.org", 1993, None)),
        ("imap://alice@127.0.0.1/INBOX", ImapUrl("imap", "alice", "127.0.0.1", 143, "INBOX")),
        (
            "IMAPS://alice%40example.org@imap.example.org/Archive/2024",
            ImapUrl("imaps", "alice@example.org", "imap.example.org", 993, "Archive/2024"),
        ),
        ("imaps://bob@[::1]:10993/Caf%C3%A9", ImapUrl("imaps", "bob", "::1", 10993, "Café")),
    ],
)
def test_parse(url: str, expected: ImapUrl) -> None:
    assert parse_imap_url(url) == expected


def test_defaults_and_label() -> None:
    assert parse_imap_url("imaps://a@h").default_tls == "ssl"
    assert parse_imap_url("imap://a@h").default_tls == "starttls"  # never plaintext by default
    assert parse_imap_url("imaps://bob@[::1]:10993").label == "bob@[::1]:10993"


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("pop3://alice@host", "not an IMAP URL"),
        ("imaps:///INBOX", "no host"),
        ("imaps://alice@host:notaport/", "invalid IMAP URL"),
    ],
)
def test_invalid(url: str, fragment: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_imap_url(url)
    assert fragment in str(info.value)
