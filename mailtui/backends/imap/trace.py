"""The IMAP protocol trace: imapclient's debug log lines, routed to the right Transcript.

imapclient logs every line it sends and receives on the process-global `imapclient`
logger (library-facts §2), already with LOGIN/AUTHENTICATE arguments redacted. One
handler, installed once, turns those records into transcript lines. Which transcript and
which connection label a record belongs to is kept in a thread-local set by the
connection for the duration of each call (`tracing(...)`): logging runs synchronously in
the calling thread, and a thread uses one connection at a time, so the routing is exact
even when the IDLE connection logs from another thread at the same moment.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from mailtui.core.transcript import MASK, Direction, Transcript

_REDACTED = "**REDACTED**"
MAX_LINE = 4000  # a SEARCH answer for a big folder is one huge line; keep the transcript readable

_local = threading.local()
# Without a transcript nothing is traced, but an imapclient warning must still never reach
# stderr through logging's last-resort handler (it would scribble over the terminal UI).
logging.getLogger("imapclient").addHandler(logging.NullHandler())
_install_lock = threading.Lock()
_handler: _TraceHandler | None = None


@dataclass(frozen=True)
class TraceTarget:
    """Where the lines logged by the current thread go."""

    transcript: Transcript
    connection: str  # e.g. "imap#1 alice@127.0.0.1:993"
    account: str = ""

    def add(self, direction: Direction, text: str) -> None:
        self.transcript.add("imap", self.connection, direction, text, self.account)


class _TraceHandler(logging.Handler):
    """Turns imapclient's `> b'...'` / `< b'...'` records into transcript lines."""

    def emit(self, record: logging.LogRecord) -> None:
        target: TraceTarget | None = getattr(_local, "target", None)
        if target is None:
            return
        try:
            parsed = parse_wire_record(record.name, record.getMessage())
            if parsed is not None:
                target.add(*parsed)
        except Exception:  # a trace must never break a mail operation
            return


def install() -> None:
    """Attach the routing handler to the `imapclient` logger (idempotent).

    `propagate` is turned off: the wire lines belong in the transcript (masked), not in
    whatever handlers the root logger has (pytest's capture, a log file).
    """
    global _handler
    with _install_lock:
        if _handler is not None:
            return
        _handler = _TraceHandler(logging.DEBUG)
        logger = logging.getLogger("imapclient")
        logger.setLevel(logging.DEBUG)
        logger.addHandler(_handler)
        logger.propagate = False


@contextlib.contextmanager
def tracing(target: TraceTarget | None) -> Iterator[None]:
    """Route imapclient records logged by this thread to `target` while the block runs."""
    previous = getattr(_local, "target", None)
    _local.target = target
    try:
        yield
    finally:
        _local.target = previous


def parse_wire_record(logger_name: str, message: str) -> tuple[Direction, str] | None:
    """(direction, text) for a wire line, None for imaplib's parser noise."""
    if message.startswith("> "):
        text = unrepr(message[2:])
        if text.endswith(_REDACTED):  # imapclient's redaction of LOGIN/AUTHENTICATE arguments
            text = text[: -len(_REDACTED)] + MASK
        return Direction.SENT, _clip(text)
    if message.startswith("< "):
        text = unrepr(message[2:])
        # idle_done() logs the DONE it *sends* as "< DONE" (library-facts §2).
        if text == "DONE" and logger_name == "imapclient.imapclient":
            return Direction.SENT, text
        return Direction.RECEIVED, _clip(text)
    stripped = message.lstrip()
    if stripped.startswith("(literal) > "):
        return Direction.SENT, _clip("(literal) " + unrepr(stripped[len("(literal) > ") :]))
    return None


def unrepr(text: str) -> str:
    """`b'A1 OK done\\r\\n'` -> `A1 OK done`; redacted lines lost their closing quote, so be lenient."""
    text = text.strip()
    if len(text) >= 2 and text[0] == "b" and text[1] in "'\"":
        try:
            value = ast.literal_eval(text)  # literals only: safe on untrusted text
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            value = None
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace").rstrip("\r\n")
        text = text[2:]
        if text.endswith(("'", '"')):
            text = text[:-1]
        return text.replace("\\r\\n", "").rstrip()
    return text.rstrip("\r\n")


def _clip(text: str) -> str:
    if len(text) <= MAX_LINE:
        return text
    return f"{text[:MAX_LINE]} ... ({len(text) - MAX_LINE} more characters)"
