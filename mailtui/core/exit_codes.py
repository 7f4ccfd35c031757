"""Server replies and failure kinds -> sysexits codes: the one table of send, sendmail, queue, probe.

Pure: a reply code and its text (or a failure kind) in, an `EX_*` code (`mailtui.core.errors`)
out. `mailtui send`, `sendmail`, `queue flush` and `mailtui probe` exit with these, so a
script sees the same code for the same refusal whichever command met it. `EXIT_TABLE` is
the documentation of the same table: `--help` and the README print it (`exit_table_text`,
`exit_table_markdown`), and a test holds the README to it.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from mailtui.core.errors import (
    EX_CONFIG,
    EX_DATAERR,
    EX_IOERR,
    EX_NOINPUT,
    EX_NOPERM,
    EX_NOUSER,
    EX_OK,
    EX_PROTOCOL,
    EX_SOFTWARE,
    EX_TEMPFAIL,
    EX_UNAVAILABLE,
    EX_USAGE,
)

__all__ = [
    "EXIT_TABLE",
    "NOUSER_CODES",
    "NOUSER_PHRASES",
    "ExitRow",
    "FailureKind",
    "enhanced_code",
    "exit_code_for_failure",
    "exit_code_for_reply",
    "exit_name",
    "exit_table_markdown",
    "exit_table_text",
]

_ENHANCED = re.compile(r"^\s*([245]\.\d{1,3}\.\d{1,3})\b")
NOUSER_CODES = ("5.1.0", "5.1.1", "5.1.6", "5.1.10")
# What servers write for an unknown recipient when their reply carries no enhanced code (Exim's
# "550 Unrouteable address", Sendmail's "550 User unknown", qmail's "No such user"): matched
# case-insensitively in the text of a 5xx reply with no enhanced code or only the generic 5.0.0.
NOUSER_PHRASES = (
    "unrouteable address",
    "user unknown",
    "unknown user",
    "no such user",
    "mailbox unavailable",
    "recipient unknown",
)
_DATAERR = ("5.1.3", "5.1.7", "5.6.7", "5.6.8")
_AUTH_REFUSED = (530, 534, 535, 538)

FailureKind = Literal["tls", "tls_config", "timeout", "disconnected", "unreachable", "login", "protocol"]

_FAILURES: dict[FailureKind, int] = {
    "tls": EX_PROTOCOL,  # handshake failed, certificate not trusted, STARTTLS required but missing
    "tls_config": EX_CONFIG,  # the CA file named in the config or on the command line is unreadable
    "timeout": EX_TEMPFAIL,
    "disconnected": EX_TEMPFAIL,
    "unreachable": EX_UNAVAILABLE,
    "login": EX_NOPERM,
    "protocol": EX_PROTOCOL,
}


class ExitRow(NamedTuple):
    """One exit status: its number, its sysexits name and when the mail commands use it.

    A NamedTuple, not a dataclass: `mailtui --help` builds every epilog from this table, and
    `dataclasses` (with `inspect`) would add ~7 ms to each CLI start.
    """

    code: int
    name: str
    meaning: str


EXIT_TABLE: tuple[ExitRow, ...] = (
    ExitRow(EX_OK, "EX_OK", "done: sent (sendmail: or safely queued), every probe stage passed, queue empty"),
    ExitRow(EX_USAGE, "EX_USAGE", "usage: an unknown option or a missing argument"),
    ExitRow(EX_DATAERR, "EX_DATAERR", "bad input or address syntax (5.1.3, 5.1.7, 5.6.7, 5.6.8)"),
    ExitRow(EX_NOINPUT, "EX_NOINPUT", "a missing file (attachment, message) or queue entry"),
    ExitRow(
        EX_NOUSER,
        "EX_NOUSER",
        "unknown user or address (5.1.0, 5.1.1, 5.1.6, 5.1.10; without an enhanced code a reply "
        "saying " + ", ".join(f'"{p}"' for p in NOUSER_PHRASES) + ")",
    ),
    ExitRow(
        EX_UNAVAILABLE,
        "EX_UNAVAILABLE",
        "any other permanent refusal (5xx); probe: the host cannot be reached",
    ),
    ExitRow(EX_SOFTWARE, "EX_SOFTWARE", "an internal error (a bug in mailtui: please report it)"),
    ExitRow(EX_IOERR, "EX_IOERR", "not sent and not queued: the outbox cannot be written"),
    ExitRow(
        EX_TEMPFAIL,
        "EX_TEMPFAIL",
        "temporary failure (4xx, timeout, connection lost): queued or left in the queue; retry later",
    ),
    ExitRow(
        EX_PROTOCOL,
        "EX_PROTOCOL",
        "TLS failed (handshake, certificate not trusted, STARTTLS missing) or the server broke the protocol",
    ),
    ExitRow(EX_NOPERM, "EX_NOPERM", "login refused or required (530, 534, 535, 538, 5.7.8)"),
    ExitRow(EX_CONFIG, "EX_CONFIG", "config error (including an unreadable CA file)"),
)


def enhanced_code(reply: str) -> str | None:
    """The RFC 3463 code a reply text starts with ("5.1.1 user unknown" -> "5.1.1")."""
    match = _ENHANCED.match(reply)
    return match.group(1) if match else None


def exit_code_for_reply(code: int, reply: str) -> int:
    """The sysexits code for a server reply (permanent or temporary), per `EXIT_TABLE`.

    75 temporary (4xx); 67 unknown user (by enhanced code, else by `NOUSER_PHRASES`); 77 login
    refused or required; 65 bad address syntax; 69 any other permanent refusal.
    """
    if code // 100 == 4:
        return EX_TEMPFAIL
    enhanced = enhanced_code(reply)
    if enhanced in NOUSER_CODES:
        return EX_NOUSER
    if enhanced in (None, "5.0.0") and any(phrase in reply.lower() for phrase in NOUSER_PHRASES):
        return EX_NOUSER
    if code in _AUTH_REFUSED or enhanced == "5.7.8":
        return EX_NOPERM
    if enhanced in _DATAERR:
        return EX_DATAERR
    return EX_UNAVAILABLE


def exit_code_for_failure(kind: FailureKind) -> int:
    """The sysexits code for a failure that is not a server reply (TLS, timeout, ...)."""
    return _FAILURES[kind]


def exit_name(code: int) -> str:
    """'EX_NOUSER' for 67; the number itself for a code outside the table."""
    for row in EXIT_TABLE:
        if row.code == code:
            return row.name
    return str(code)


def exit_table_text() -> str:
    """The table as `--help` prints it (an argparse epilog, one line per code)."""
    lines = ["exit status (sysexits, as msmtp):"]
    lines += [f"  {row.code:<3} {row.name:<15} {row.meaning}" for row in EXIT_TABLE]
    return "\n".join(lines) + "\n"


def exit_table_markdown() -> str:
    """The table as the README holds it."""
    lines = ["| Exit | Name | Meaning |", "|---|---|---|"]
    lines += [f"| {row.code} | `{row.name}` | {row.meaning} |" for row in EXIT_TABLE]
    return "\n".join(lines) + "\n"
