"""msmtp's `logfile` line, byte for byte, so log watchers written for msmtp keep working.

msmtp (msmtp.c, msmtp_get_log_info and msmtp_log_to_file) appends
`%b %d %H:%M:%S host=H tls=on|off auth=on|off [user=U ]from=F recipients=A,B
[mailsize=N ][smtpstatus=C smtpmsg='...' ][errormsg='...' ]exitcode=EX_...`:
`user=` only when authenticating, `mailsize=` only on success, `smtpstatus`/`smtpmsg` only
when the server replied (the reply's lines joined by a literal backslash-n), `errormsg`
only on failure; single quotes inside the messages become "?".
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from mailtui.config import ServerConfig
from mailtui.core.exit_codes import exit_name
from mailtui.core.sanitize import clean_line


@dataclass(frozen=True)
class LogEntry:
    """One message's outcome, as msmtp logs it."""

    server: ServerConfig
    sender: str
    recipients: tuple[str, ...]
    exit_code: int
    mailsize: int = 0
    smtp_code: int | None = None
    smtp_reply: str = ""  # the reply text after the code; several lines joined by "\n"
    error: str = ""


def _quoted(text: str) -> str:
    return clean_line(text).replace("'", "?")


def format_log_line(entry: LogEntry, now: float | None = None, time_format: str | None = None) -> str:
    """The line msmtp would append (no trailing newline); `time_format` is msmtp's
    `logfile_time_format` (default "%b %d %H:%M:%S"; "none": no stamp)."""
    server = entry.server
    auth = server.auth and (bool(server.user) or server.oauth2_token_command is not None)
    parts = [
        f"host={server.host}",
        f"tls={'off' if server.tls == 'none' else 'on'}",
        f"auth={'on' if auth else 'off'}",
    ]
    if auth and server.user:
        parts.append(f"user={server.user}")
    parts += [f"from={entry.sender}", f"recipients={','.join(entry.recipients)}"]
    ok = entry.exit_code == 0
    if ok:
        parts.append(f"mailsize={entry.mailsize}")
    if entry.smtp_code is not None:
        lines = entry.smtp_reply.splitlines() or [""]
        message = "\\n".join(_quoted(f"{entry.smtp_code} {line}".rstrip()) for line in lines)
        parts += [f"smtpstatus={entry.smtp_code}", f"smtpmsg='{message}'"]
    if not ok and entry.error:
        parts.append(f"errormsg='{_quoted(entry.error)}'")
    parts.append(f"exitcode={exit_name(entry.exit_code)}")
    if time_format == "none":
        return " ".join(parts)
    stamp = time.strftime(time_format or "%b %d %H:%M:%S", time.localtime(now))
    return f"{stamp} {' '.join(parts)}"


def append_log_line(path: str, entry: LogEntry, time_format: str | None = None) -> str | None:
    """Append the entry to `path` ("-" is stdout, as msmtp); the problem text if it cannot."""
    import fcntl
    import sys
    from pathlib import Path

    line = format_log_line(entry, time_format=time_format) + "\n"
    if path == "-":
        sys.stdout.write(line)
        return None
    try:
        with open(Path(path).expanduser(), "a", encoding="utf-8") as fh:
            fcntl.lockf(fh, fcntl.LOCK_EX)  # msmtp locks the file too: lines never interleave
            fh.write(line)
    except OSError as exc:
        return f"cannot log to {path}: {exc.strerror or exc}"
    return None
