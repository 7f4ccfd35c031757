"""A folded Diagnostic-Code is explained and shown whole: one line, one space at the fold."""

from __future__ import annotations

from pathlib import Path

from mailtui.core.codes.explain import explain, unfold_fields
from mailtui.core.message.view import parse_message

DSN = Path(__file__).resolve().parents[1] / "data" / "dsn"
WHOLE = "550 5.1.1 <j.doe@partner.example>: Recipient address rejected: User unknown"


def test_explain_unfolds_the_diagnostic_code() -> None:
    report = (DSN / "postfix.eml").read_text().split("Content-Type: message/delivery-status")[1]
    [found] = [e for e in explain(report.split("--4F1A")[0]) if e.reply_code == 550]
    assert found.text == f"Diagnostic-Code: smtp; {WHOLE}"


def test_a_folded_field_is_one_line_but_bounce_prose_keeps_its_lines() -> None:
    text = (
        "<j@x>: host mx said: 550 5.1.1\n    (in reply to RCPT TO command)\n\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <j@x>: Recipient address\n    rejected: User unknown\nAction: failed"
    )
    assert unfold_fields(text) == [
        "<j@x>: host mx said: 550 5.1.1",
        "    (in reply to RCPT TO command)",
        "",
        "Diagnostic-Code: smtp; 550 5.1.1 <j@x>: Recipient address rejected: User unknown",
        "Action: failed",
    ]


def test_the_pager_shows_the_folded_field_with_one_space() -> None:
    body = parse_message((DSN / "postfix.eml").read_bytes()).body
    assert f"Diagnostic-Code: smtp; {WHOLE}" in body
    assert "address    rejected" not in body
