"""The one exit-code table: replies by enhanced code or text, failures by kind, and `--help` (README: test_readme_exit_codes)."""

from __future__ import annotations

import ssl
import subprocess
import sys

import pytest

from mailtui.core.exit_codes import EXIT_TABLE, exit_code_for_reply, exit_table_text


@pytest.mark.parametrize(
    ("code", "reply", "expected"),
    [
        (550, "Unrouteable address", 67),  # Exim, no enhanced code
        (550, "unrouteable address", 67),
        (550, "User unknown", 67),  # Sendmail without EnhancedStatusCodes
        (550, "No such user here", 67),  # qmail
        (550, "Requested action not taken: mailbox unavailable", 67),
        (550, "5.0.0 <bob@x>: Recipient address rejected: User unknown", 67),
        (550, "5.1.1 <bob@x>: Recipient address rejected: User unknown in local recipient table", 67),
        (550, "5.7.1 Message rejected: user unknown senders are not accepted", 69),  # the code decides
        (550, "Administrative prohibition", 69),
        (554, "Relay access denied", 69),
        (450, "Unrouteable address", 75),
        (535, "Incorrect authentication data", 77),
    ],
)
def test_a_reply_maps_by_its_enhanced_code_else_its_text(code: int, reply: str, expected: int) -> None:
    assert exit_code_for_reply(code, reply) == expected


def test_the_table_lists_each_code_once_in_order() -> None:
    codes = [row.code for row in EXIT_TABLE]
    assert codes == sorted(set(codes))
    assert {67, 69, 75, 76, 77} <= set(codes)


def _relay_error_exit(exc: BaseException) -> int:
    from mailtui.config import ServerConfig
    from mailtui.sending.dispatch import exit_code_for
    from mailtui.sending.smtp import _translate

    server = ServerConfig(kind="smtp", account="x", host="h", port=587, tls="starttls")
    return exit_code_for(_translate(exc, server, "STARTTLS"))


def _probe_exit(exc: BaseException) -> int:
    from mailtui.config import ServerConfig
    from mailtui.diagnostics.smtp_probe import _classify

    server = ServerConfig(kind="smtp", account="x", host="h", port=587, tls="starttls")
    return _classify(exc, "tls", server)[1]


def _untrusted() -> ssl.SSLCertVerificationError:
    exc = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    exc.verify_code, exc.verify_message = 19, "self-signed certificate in certificate chain"
    return exc


@pytest.mark.parametrize(
    "exc", [_untrusted(), ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number")]
)
def test_the_same_tls_failure_exits_76_from_send_and_probe(exc: BaseException) -> None:
    assert _relay_error_exit(exc) == _probe_exit(exc) == 76


def test_the_same_refusal_exits_alike_from_send_and_probe() -> None:
    import aiosmtplib

    refused = aiosmtplib.SMTPRecipientsRefused(
        [aiosmtplib.SMTPRecipientRefused(550, "Unrouteable address", "j.doe@partner.example")]
    )
    assert _relay_error_exit(refused) == 67
    from mailtui.config import ServerConfig
    from mailtui.diagnostics.smtp_probe import _classify

    server = ServerConfig(kind="smtp", account="x", host="h", port=25, tls="none")
    assert _classify(aiosmtplib.SMTPResponseException(550, "Unrouteable address"), "rcpt", server)[1] == 67


@pytest.mark.parametrize(
    "argv",
    [["send", "--help"], ["sendmail", "--help"], ["queue", "--help"], ["queue", "flush", "--help"],
     ["probe", "--help"], ["probe", "smtp", "--help"], ["probe", "imap", "--help"]],
)  # fmt: skip
def test_help_prints_the_table(argv: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mailtui", *argv], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    assert exit_table_text() in out.stdout
