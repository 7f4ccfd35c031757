"""Server replies -> sysexits codes, as msmtp and sendmail use them: one table for send and probe.

Pure: a reply code and its text in, an `EX_*` code (`mailtui.core.errors`) out. `mailtui send`,
`sendmail` and `mailtui probe smtp` exit with these, so a script sees the same code for the
same refusal whichever command met it.
"""

from __future__ import annotations

import re

from mailtui.core.errors import EX_DATAERR, EX_NOPERM, EX_NOUSER, EX_TEMPFAIL, EX_UNAVAILABLE

__all__ = ["NOUSER_CODES", "enhanced_code", "exit_code_for_reply"]

_ENHANCED = re.compile(r"^\s*([245]\.\d{1,3}\.\d{1,3})\b")
NOUSER_CODES = ("5.1.0", "5.1.1", "5.1.6", "5.1.10")
_DATAERR = ("5.1.3", "5.1.7", "5.6.7", "5.6.8")
_AUTH_REFUSED = (530, 534, 535, 538)


def enhanced_code(reply: str) -> str | None:
    """The RFC 3463 code a reply text starts with ("5.1.1 user unknown" -> "5.1.1")."""
    match = _ENHANCED.match(reply)
    return match.group(1) if match else None


def exit_code_for_reply(code: int, reply: str) -> int:
    """The sysexits code for a server reply (permanent or temporary).

    75 temporary (4xx); 67 unknown user; 77 login refused or required; 65 bad address
    syntax; 69 any other permanent refusal.
    """
    if code // 100 == 4:
        return EX_TEMPFAIL
    enhanced = enhanced_code(reply) or ""
    if enhanced in NOUSER_CODES or (code == 550 and "user unknown" in reply.lower()):
        return EX_NOUSER
    if code in _AUTH_REFUSED or enhanced == "5.7.8":
        return EX_NOPERM
    if enhanced in _DATAERR:
        return EX_DATAERR
    return EX_UNAVAILABLE
