"""Turning imapclient's debug log records into transcript lines (no server needed)."""

from __future__ import annotations

import logging
import threading

import pytest

from mailtui.backends.imap import trace as imap_trace
from mailtui.backends.imap.trace import MAX_LINE, TraceTarget, parse_wire_record, tracing
from mailtui.core.transcript import MASK, Direction, Transcript


@pytest.mark.parametrize(
    ("logger", "message", "expected"),
    [
        ("imapclient.imaplib", "> b'ABCD3 SELECT \"INBOX\"'", (Direction.SENT, 'ABCD3 SELECT "INBOX"')),
        ("imapclient.imaplib", "< b'* 3 EXISTS'", (Direction.RECEIVED, "* 3 EXISTS")),
        (
            "imapclient.imaplib",
            "< b'ABCD3 OK [READ-WRITE] Select completed.\\r\\n'",
            (Direction.RECEIVED, "ABCD3 OK [READ-WRITE] Select completed."),
        ),
        ("imapclient.imaplib", "> b'ABCD1 LOGIN **REDACTED**", (Direction.SENT, f"ABCD1 LOGIN {MASK}")),
        (
            "imapclient.imaplib",
            "> b'ABCD2 AUTHENTICATE **REDACTED**",
            (Direction.SENT, f"ABCD2 AUTHENTICATE {MASK}"),
        ),
        (
            "imapclient.imapclient",
            "< DONE",
            (Direction.SENT, "DONE"),
        ),  # idle_done() logs what it sends as "<"
        ("imapclient.imapclient", "> b'ABCD9 UID SEARCH ALL'", (Direction.SENT, "ABCD9 UID SEARCH ALL")),
        ("imapclient.imaplib", "\tmatched 'OK' => ('ABCD3',)", None),
        ("imapclient.imaplib", "read literal size 1234", None),
        ("imapclient.imaplib", "untagged_responses[EXISTS] 0 += [\"b'3'\"]", None),
        ("imapclient.imapclient", "   (literal) > b'From: a@b'", (Direction.SENT, "(literal) From: a@b")),
        ("imapclient.imaplib", "< b'* OK caf\\xc3\\xa9'", (Direction.RECEIVED, "* OK café")),
    ],
)
def test_parse_wire_record(logger: str, message: str, expected: tuple[Direction, str] | None) -> None:
    assert parse_wire_record(logger, message) == expected


def test_long_lines_are_clipped() -> None:
    direction, text = parse_wire_record("imapclient.imaplib", "< b'* SEARCH " + "12345 " * 2000 + "'")  # type: ignore[misc]
    assert direction is Direction.RECEIVED
    assert len(text) < MAX_LINE + 100 and "more characters" in text


def test_records_go_to_the_transcript_of_the_logging_thread() -> None:
    imap_trace.install()
    log = logging.getLogger("imapclient.imaplib")
    first, second = Transcript(), Transcript()
    done = threading.Event()

    def other_thread() -> None:
        with tracing(TraceTarget(second, "imap#2 bob@h:993", "work")):
            log.debug("> b'B1 NOOP'")
        done.set()

    with tracing(TraceTarget(first, "imap#1 alice@h:993")):
        log.debug("> b'A1 NOOP'")
        thread = threading.Thread(target=other_thread)
        thread.start()
        assert done.wait(5)
        thread.join()
        log.debug("< b'A1 OK done'")
    log.debug("> b'X1 NOOP'")  # no target: dropped

    assert [(ln.connection, ln.direction, ln.text) for ln in first.lines()] == [
        ("imap#1 alice@h:993", Direction.SENT, "A1 NOOP"),
        ("imap#1 alice@h:993", Direction.RECEIVED, "A1 OK done"),
    ]
    assert [(ln.connection, ln.text, ln.account) for ln in second.lines()] == [
        ("imap#2 bob@h:993", "B1 NOOP", "work")
    ]
