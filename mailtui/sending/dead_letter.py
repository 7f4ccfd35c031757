"""The last resort for a message nothing else would keep: ~/dead.letter, as mutt and mailx do.

When the relay did not take a message and the outbox cannot be written (read-only or full
file system), the CLI appends it here in mbox format, so the text piped in is not lost.
$MAILTUI_DEAD_LETTER names another file.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

__all__ = ["append_mbox", "dead_letter_path", "keep_dead_letter"]


def dead_letter_path() -> Path:
    """$MAILTUI_DEAD_LETTER, else ~/dead.letter."""
    override = os.environ.get("MAILTUI_DEAD_LETTER")
    return Path(override).expanduser() if override else Path.home() / "dead.letter"


def keep_dead_letter(raw: bytes, sender: str) -> Path:
    """Append `raw` to the dead letter file as one mbox message; OSError when that fails too."""
    return append_mbox(dead_letter_path(), raw, sender)


def append_mbox(path: Path, raw: bytes, sender: str) -> Path:
    """Append `raw` to the mbox file `path` (created 0600), fsynced, under an flock; its path."""
    import fcntl

    body = raw.replace(b"\r\n", b"\n")
    body = re.sub(rb"(?m)^(>*From )", rb">\1", body)  # mboxrd quoting
    if not body.endswith(b"\n"):
        body += b"\n"
    envelope = f"From {sender or 'MAILER-DAEMON'} {time.asctime()}\n".encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "ab") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        fh.write(envelope + body + b"\n")
        fh.flush()
        os.fsync(fh.fileno())
    return path
