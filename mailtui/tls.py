"""TLS client contexts, made one way for SMTP, IMAP and the diagnostics probes.

Verified by default against the system CAs, or against `ca_file` only when one is given
(a private CA or a self-signed server). Unverified only when asked: a config that turned
verification off (the UI then shows a warning) or a probe that just reads a certificate.
When verification fails, `explain_verify_error` says why in an admin's words and
`verify_advice` what would fix it: SMTP sending, IMAP and the probes all say the same.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Literal

from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line

VerifyKind = Literal["self-signed", "hostname-mismatch", "expired", "not-yet-valid", "unknown-ca", "other"]

# OpenSSL X509_V_ERR_* codes -> the kind of failure.
_VERIFY_CODES: dict[int, VerifyKind] = {
    9: "not-yet-valid",
    10: "expired",
    18: "self-signed",
    19: "self-signed",
    20: "unknown-ca",
    21: "unknown-ca",
    62: "hostname-mismatch",
    64: "hostname-mismatch",
}


def _explanation(code: int) -> str:
    """What verify code `code` (one of `_VERIFY_CODES`) means, for an admin."""
    if code == 9:
        return tr("the certificate is not valid yet (check the clocks of both machines)")
    if code == 10:
        return tr("the certificate has expired")
    if code == 18:
        return tr("the server presents a self-signed certificate that is not trusted here")
    if code == 19:
        return tr("the certificate chain ends in a self-signed CA that is not trusted here")
    if code == 20:
        return tr("the certificate's issuer is not a CA trusted here (or the server omits the intermediate)")
    if code == 21:
        return tr("the server sent no intermediate certificate, so the chain cannot be built")
    if code == 64:
        return tr("the certificate does not match the IP address connected to")
    return tr("the certificate does not match the host name connected to")


def _advice(kind: VerifyKind, table: str) -> str:
    """What fixes each kind; `table` names the config table (`[account.smtp] of account "work"`)."""
    if kind == "self-signed":
        return tr(
            'If you trust this server, set ca_file = "/path/to/its-certificate.pem" (its certificate '
            "or its CA) in {table}; tls_verify = false accepts any certificate and is not recommended.",
            table=table,
        )
    if kind == "unknown-ca":
        return tr(
            'If you trust the issuer, set ca_file = "/path/to/the-ca.pem" in {table}; a server that '
            "omits its intermediate certificate must send the full chain.",
            table=table,
        )
    if kind == "other":
        return tr(
            'If this is the certificate you expect, set ca_file = "/path/to/its-certificate.pem" in {table}.',
            table=table,
        )
    return _common_advice(kind)


def _common_advice(kind: VerifyKind) -> str:
    """The advice that is the same for a config table and for command-line flags."""
    if kind == "hostname-mismatch":
        return tr(
            "Connect with a host name the certificate lists (mailtui probe shows its names) or have "
            "the certificate cover this name; ca_file does not help here."
        )
    if kind == "expired":
        return tr("The server's certificate must be renewed; ca_file does not help here.")
    return tr("Check the clocks of this machine and of the server; ca_file does not help here.")


def client_context(*, verify: bool = True, ca_file: str | None = None) -> ssl.SSLContext:
    """A client context; raises OSError or ssl.SSLError when `ca_file` cannot be loaded."""
    ctx = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


@dataclass(frozen=True)
class VerifyFailure:
    """Why certificate verification failed."""

    kind: VerifyKind
    reason: str  # the explanation for an admin
    detail: str  # OpenSSL's own words
    code: int | None = None


def explain_verify_error(exc: ssl.SSLCertVerificationError) -> VerifyFailure:
    """The kind of a verification failure and what it means, from OpenSSL's verify code."""
    detail = clean_line(exc.verify_message or str(exc))
    code = exc.verify_code or -1
    known = _VERIFY_CODES.get(code)
    if known is not None:
        return VerifyFailure(known, _explanation(code), detail, exc.verify_code)
    if "hostname" in detail.lower() or "ip address mismatch" in detail.lower():
        return VerifyFailure("hostname-mismatch", _explanation(62), detail, exc.verify_code)
    reason = tr("certificate verification failed: {detail}", detail=detail)
    return VerifyFailure("other", reason, detail, exc.verify_code)


def _flag_advice(kind: VerifyKind) -> str:
    """The same advice for a server named on the command line (`-f imaps://...`, `send --server`):
    there is no config table to edit, only flags."""
    if kind == "self-signed":
        return tr(
            "If you trust this server, give --ca-file /path/to/its-certificate.pem (its certificate or "
            "its CA); --no-verify accepts any certificate and is not recommended."
        )
    if kind == "unknown-ca":
        return tr(
            "If you trust the issuer, give --ca-file /path/to/the-ca.pem; a server that omits its "
            "intermediate certificate must send the full chain."
        )
    if kind == "other":
        return tr("If this is the certificate you expect, give --ca-file /path/to/its-certificate.pem.")
    return _common_advice(kind)


def verify_advice(failure: VerifyFailure, table: str, *, flags: bool = False) -> str:
    """What would fix `failure`, naming the config `table` where ca_file would go (with
    `flags`, the command-line options instead: the server was given on the command line)."""
    return _flag_advice(failure.kind) if flags else _advice(failure.kind, table)


def find_verify_error(exc: BaseException | None) -> ssl.SSLCertVerificationError | None:
    """The SSLCertVerificationError behind `exc` (libraries wrap it), or None."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
