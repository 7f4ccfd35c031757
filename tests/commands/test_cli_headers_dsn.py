"""`mailtui headers` on a bounce: the delivery report as text and in --json."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DSN = Path(__file__).resolve().parents[1] / "data" / "dsn"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args], capture_output=True, text=True, check=False
    )


def test_headers_shows_each_recipient_of_an_exchange_ndr() -> None:
    out = run("headers", str(DSN / "exchange.eml"))
    assert out.returncode == 0, out.stderr
    report = out.stdout.split("Delivery report (Exchange, RFC 3464):", 1)[1]
    assert (
        "  Original Message-ID: <AM9PR01MB12345678ABCDEF@AM9PR01MB1234.eurprd01.prod.exchangelabs.com>"
        in report
    )
    assert "  Original Subject:    Budget 2027" in report
    assert "  j.doe@partner.example\n    Action:          failed\n    Status:          5.1.10 (" in report
    assert "    Diagnostic-Code: smtp; 550 5.1.10 RESOLVER.ADR.RecipientNotFound;" in report
    assert "    Remote-MTA:      mx.partner.example" in report


def test_headers_json_carries_the_report() -> None:
    out = run("headers", "--json", str(DSN / "postfix.eml"))
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)["delivery_report"]
    assert report["style"] == "Postfix"
    assert report["original_subject"] == "Contract draft v3"
    [rcpt] = report["recipients"]
    assert rcpt["status"] == "5.1.1" and rcpt["status_meaning"] == "Bad destination mailbox address"
    assert rcpt["diagnostic_code"].endswith("Recipient address rejected: User unknown")


def test_headers_of_a_plain_message_has_no_report() -> None:
    out = run("headers", "--json", str(DSN.parent / "plain.eml"))
    assert json.loads(out.stdout)["delivery_report"] is None
