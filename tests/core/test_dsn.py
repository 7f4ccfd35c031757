"""Delivery reports (RFC 3464) of Postfix, Exim, Exchange and Gmail bounces, and of broken ones."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from mailtui.core.headers.dsn import delivery_report, format_delivery_report
from mailtui.core.headers.inspection import format_inspection, inspect_message

DSN = Path(__file__).resolve().parents[1] / "data" / "dsn"


def _report(name: str):
    msg = email.message_from_bytes((DSN / name).read_bytes(), policy=policy.compat32)
    return delivery_report(msg)


@pytest.mark.parametrize(
    ("name", "style", "recipients", "message_id", "subject"),
    [
        (
            "postfix.eml", "Postfix",
            [("j.doe@partner.example", "failed", "5.1.1", "Bad destination mailbox address",
              "550 5.1.1 <j.doe@partner.example>: Recipient address rejected: User unknown", "mx.partner.example")],
            "<20261201081200.GA1234@example.org>", "Contract draft v3",
        ),
        (
            "exim.eml", "Exim",
            [("j.doe@partner.example", "failed", "5.0.0", "Other undefined status", "550 Unrouteable address",
              "mx.partner.example"),
             ("nobody@partner.example", "failed", "5.0.0", "Other undefined status",
              "550 5.1.1 <nobody@partner.example>: Recipient address rejected: User unknown in virtual mailbox table",
              "mx.partner.example")],
            "<E1t7Hq1-000AbZ-1x@mail.example.org>", "Invoice 2026-117",
        ),
        (
            "exchange.eml", "Exchange",
            [("j.doe@partner.example", "failed", "5.1.10", None,
              "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
              "mx.partner.example")],
            "<AM9PR01MB12345678ABCDEF@AM9PR01MB1234.eurprd01.prod.exchangelabs.com>", "Budget 2027",
        ),
        (
            "gmail.eml", "Gmail",
            [("j.doe@partner.example", "failed", "5.1.1", "Bad destination mailbox address",
              "550 5.1.1 <j.doe@partner.example>: Recipient address rejected: User unknown in local recipient table",
              "mx.partner.example. (203.0.113.25, the server for the domain partner.example.)")],
            "<CAFx7Tq3=k9ZpQ1mN2bV4cX5@mail.gmail.com>", "Re: server migration plan",
        ),
    ],
)  # fmt: skip
def test_each_style_gives_its_recipients_and_original(name, style, recipients, message_id, subject) -> None:
    report = _report(name)
    assert report is not None
    assert report.style == style
    got = [(r.recipient, r.action, r.status, r.diagnostic_code, r.remote_mta) for r in report.recipients]
    assert got == [(a, b, c, e, f) for a, b, c, _, e, f in recipients]
    for r, (*_, meaning, _diag, _mta) in zip(report.recipients, recipients, strict=True):
        assert r.status_meaning if meaning is None else r.status_meaning == meaning
        assert r.diagnostic_type == "smtp"
    assert (report.original_message_id, report.original_subject) == (message_id, subject)
    assert report.notes == ()


def test_exim_and_gmail_name_the_failed_recipients_header() -> None:
    exim, gmail = _report("exim.eml"), _report("gmail.eml")
    assert exim is not None and gmail is not None
    assert exim.failed_recipients == ("j.doe@partner.example", "nobody@partner.example")
    assert gmail.failed_recipients == ("j.doe@partner.example",)


def test_a_message_that_is_no_bounce_has_no_report() -> None:
    msg = email.message_from_string("From: a@b\nSubject: hi\n\nhello\n")
    assert delivery_report(msg) is None
    plain = Path(__file__).resolve().parents[1] / "data" / "plain.eml"
    assert inspect_message(plain.read_bytes()).delivery_report is None


def test_a_report_without_the_original_or_recipients_says_so() -> None:
    raw = (
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nfailed\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
        "--B--\n"
    )
    report = delivery_report(email.message_from_string(raw))
    assert report is not None and report.recipients == ()
    assert any("no recipient" in n for n in report.notes)
    assert any("original message is not returned" in n for n in report.notes)
    assert format_delivery_report(report)[0] == "Delivery report (RFC 3464):"


def test_hostile_values_are_one_clean_line() -> None:
    raw = (
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
        "Final-Recipient: rfc822; evil@x\x1b[31m\nAction: failed\nStatus: 9.9.9\n"
        "Diagnostic-Code: smtp; 550 \x07bell\n  folded\n"
        "--B--\n"
    )
    report = delivery_report(email.message_from_string(raw))
    assert report is not None
    [r] = report.recipients
    text = "\n".join(format_delivery_report(report))
    assert "\x1b" not in text and "\x07" not in text
    assert r.status == "9.9.9" and r.status_meaning == ""
    assert "folded" in r.diagnostic_code and "\n" not in r.diagnostic_code


def test_the_inspection_shows_the_report_after_the_mime_tree() -> None:
    text = format_inspection(inspect_message((DSN / "exim.eml").read_bytes()))
    assert text.index("MIME structure:") < text.index("Delivery report (Exim, RFC 3464):")
    assert "    Diagnostic-Code: smtp; 550 Unrouteable address" in text
    assert "  Original Message-ID: <E1t7Hq1-000AbZ-1x@mail.example.org>" in text
