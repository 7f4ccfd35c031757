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

from mailtui.core.sanitize import clean_line

VerifyKind = Literal["self-signed", "hostname-mismatch", "expired", "not-yet-valid", "unknown-ca", "other"]

# OpenSSL X509_V_ERR_* codes -> (kind, explanation for an admin)
_VERIFY_CODES: dict[int, tuple[VerifyKind, str]] = {
    9: ("not-yet-valid", "the certificate is not valid yet (check the clocks of both machines)"),
    10: ("expired", "the certificate has expired"),
    18: ("self-signed", "the server presents a self-signed certificate that is not trusted here"),
    19: ("self-signed", "the certificate chain ends in a self-signed CA that is not trusted here"),
    20: (
        "unknown-ca",
        "the certificate's issuer is not a CA trusted here (or the server omits the intermediate)",
    ),
    21: ("unknown-ca", "the server sent no intermediate certificate, so the chain cannot be built"),
    62: ("hostname-mismatch", "the certificate does not match the host name connected to"),
    64: ("hostname-mismatch", "the certificate does not match the IP address connected to"),
}

# What fixes each kind; `{table}` names the config table (`[account.smtp] of account "work"`).
_ADVICE: dict[VerifyKind, str] = {
    "self-signed": (
        'If you trust this server, set ca_file = "/path/to/its-certificate.pem" (its certificate '
        "or its CA) in {table}; tls_verify = false accepts any certificate and is not recommended."
    ),
    "unknown-ca": (
        'If you trust the issuer, set ca_file = "/path/to/the-ca.pem" in {table}; a server that '
        "omits its intermediate certificate must send the full chain."
    ),
    "hostname-mismatch": (
        "Connect with a host name the certificate lists (mailtui probe shows its names) or have "
        "the certificate cover this name; ca_file does not help here."
    ),
    "expired": "The server's certificate must be renewed; ca_file does not help here.",
    "not-yet-valid": "Check the clocks of this machine and of the server; ca_file does not help here.",
    "other": 'If this is the certificate you expect, set ca_file = "/path/to/its-certificate.pem" in {table}.',
}


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
    known = _VERIFY_CODES.get(exc.verify_code or -1)
    if known is not None:
        return VerifyFailure(known[0], known[1], detail, exc.verify_code)
    if "hostname" in detail.lower() or "ip address mismatch" in detail.lower():
        return VerifyFailure("hostname-mismatch", _VERIFY_CODES[62][1], detail, exc.verify_code)
    return VerifyFailure("other", f"certificate verification failed: {detail}", detail, exc.verify_code)


# The same advice for a server named on the command line (`-f imaps://...`, `send --server`):
# there is no config table to edit, only flags.
_FLAG_ADVICE: dict[VerifyKind, str] = {
    **_ADVICE,
    "self-signed": (
        "If you trust this server, give --ca-file /path/to/its-certificate.pem (its certificate or "
        "its CA); --no-verify accepts any certificate and is not recommended."
    ),
    "unknown-ca": (
        "If you trust the issuer, give --ca-file /path/to/the-ca.pem; a server that omits its "
        "intermediate certificate must send the full chain."
    ),
    "other": "If this is the certificate you expect, give --ca-file /path/to/its-certificate.pem.",
}


def verify_advice(failure: VerifyFailure, table: str, *, flags: bool = False) -> str:
    """What would fix `failure`, naming the config `table` where ca_file would go (with
    `flags`, the command-line options instead: the server was given on the command line)."""
    return (_FLAG_ADVICE if flags else _ADVICE)[failure.kind].format(table=table)


def find_verify_error(exc: BaseException | None) -> ssl.SSLCertVerificationError | None:
    """The SSLCertVerificationError behind `exc` (libraries wrap it), or None."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, ssl.SSLCertVerificationError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None
