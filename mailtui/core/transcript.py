"""The session transcript: every line said to and by a mail server, with secrets masked.

One `Transcript` per running app (or CLI command). SMTP and IMAP code append lines; the
diagnostics screen subscribes. Masking happens here, before a line is stored, so no
password, token or its base64 form can reach a screen, a file or a log.

Thread-safe: IMAP workers append from their threads.
"""

from __future__ import annotations

import base64
import collections
import enum
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MASK = "********"


class Direction(enum.Enum):
    SENT = ">"  # client to server
    RECEIVED = "<"  # server to client
    INFO = "*"  # a note by mailtui (TLS established, reconnecting, ...)


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    time: float
    protocol: str  # "smtp" | "imap"
    connection: str  # e.g. "smtp#1 relay.example:587", "imap#2 alice@host (idle)"
    direction: Direction
    text: str
    account: str = ""

    def format(self) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(self.time)) + f".{int(self.time * 1000) % 1000:03d}"
        return f"{stamp} {self.connection} {self.direction.value} {self.text}"


# Commands whose arguments carry credentials. SMTP: AUTH <mech> <initial-response>;
# IMAP: tag LOGIN user pass, tag AUTHENTICATE mech [initial-response].
_SMTP_AUTH = re.compile(r"^(AUTH\s+\S+)(\s+.*)?$", re.IGNORECASE)
_IMAP_AUTH = re.compile(r"^(\S+\s+(?:LOGIN|AUTHENTICATE)\b)(.*)$", re.IGNORECASE)


def mask_command(protocol: str, text: str) -> str:
    """Mask the credential part of a client command line (AUTH/LOGIN/AUTHENTICATE)."""
    if protocol == "smtp":
        m = _SMTP_AUTH.match(text)
        if m:
            return m.group(1) + (f" {MASK}" if m.group(2) else "")
    elif protocol == "imap":
        m = _IMAP_AUTH.match(text)
        if m:
            verb = m.group(1)
            if verb.upper().endswith("LOGIN"):
                return f"{verb} {MASK}"
            rest = m.group(2).split()
            return verb + (f" {rest[0]}" if rest else "") + (f" {MASK}" if len(rest) > 1 else "")
    return text


def secret_forms(secret: str, user: str | None = None) -> list[str]:
    """Every form in which `secret` may appear on the wire: plain, base64, SASL PLAIN blobs."""
    if not secret:
        return []
    raw = secret.encode("utf-8")
    forms = {secret, base64.b64encode(raw).decode("ascii")}
    blobs = [b"\0" + raw]
    if user:
        u = user.encode("utf-8")
        blobs += [u + b"\0" + u + b"\0" + raw, b"\0" + u + b"\0" + raw]
        forms.add(base64.b64encode(b"user=" + u + b"\x01auth=Bearer " + raw + b"\x01\x01").decode("ascii"))
    for blob in blobs:
        forms.add(base64.b64encode(blob).decode("ascii"))
    # base64 without padding, as some clients send it
    forms |= {f.rstrip("=") for f in list(forms) if f.endswith("=") and len(f.rstrip("=")) >= 4}
    return sorted(forms, key=len, reverse=True)


class Transcript:
    """A bounded, thread-safe list of transcript lines with listeners and secret masking."""

    def __init__(self, maxlen: int = 20_000) -> None:
        self._lines: collections.deque[TranscriptLine] = collections.deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._secrets: list[str] = []
        self._listeners: list[Callable[[TranscriptLine], None]] = []
        self._hide_next: dict[str, bool] = {}

    # -- secrets ---------------------------------------------------------------
    def add_secret(self, secret: str | None, user: str | None = None) -> None:
        """Register a password or token: any later line containing it (in any form) is masked."""
        if not secret:
            return
        with self._lock:
            for form in secret_forms(secret, user):
                if form not in self._secrets:
                    self._secrets.append(form)
            self._secrets.sort(key=len, reverse=True)

    def mask(self, text: str) -> str:
        for form in self._secrets:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def hide_next_sent(self, connection: str) -> None:
        """The next client line on `connection` is a SASL continuation (carries a secret)."""
        with self._lock:
            self._hide_next[connection] = True

    # -- lines ---------------------------------------------------------------
    def add(
        self,
        protocol: str,
        connection: str,
        direction: Direction,
        text: str,
        account: str = "",
    ) -> TranscriptLine:
        with self._lock:
            if direction is Direction.SENT and self._hide_next.pop(connection, False):
                text = MASK
        if direction is Direction.SENT:
            text = mask_command(protocol, text)
        text = self.mask(text)
        line = TranscriptLine(time.time(), protocol, connection, direction, text, account)
        with self._lock:
            self._lines.append(line)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(line)
        return line

    def lines(self) -> list[TranscriptLine]:
        with self._lock:
            return list(self._lines)

    def subscribe(self, listener: Callable[[TranscriptLine], None]) -> Callable[[], None]:
        """Call `listener(line)` for each new line (from the appending thread). Returns unsubscribe."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def format(self, lines: Iterable[TranscriptLine] | None = None) -> str:
        return "\n".join(line.format() for line in (self.lines() if lines is None else lines))
