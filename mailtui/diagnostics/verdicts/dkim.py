"""Every DKIM-Signature of a message verified with dkimpy, each with a reason an admin can act on.

dkimpy says pass or fail; the reason (body changed, key missing or revoked, expired, too
small, a signed header changed) is read from the exception it raised and from what the
resolver saw at `selector._domainkey.domain`. Test mail is signed by `sending.dkim_sign`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import dkim  # type: ignore[import-untyped]  # dkimpy ships no type information
from dkim.canonicalization import (  # type: ignore[import-untyped]
    CanonicalizationPolicy,
    InvalidCanonicalizationPolicyError,
)
from dkim.util import InvalidTagValueList, parse_tag_value  # type: ignore[import-untyped]

from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.diagnostics.dns_check import DnsError
from mailtui.diagnostics.verdicts.resolver import VerdictDns

DkimResult = Literal["pass", "fail", "permerror", "temperror"]
# What decided the result, for code that acts on it (the reason is prose in the current language).
DkimKind = Literal[
    "",
    "valid",
    "unparsable",
    "dns-failed",
    "weak-key",
    "key-unusable",
    "key-not-found",
    "key-revoked",
    "body-hash-mismatch",
    "expired",
    "invalid",
    "malformed",
    "header-mismatch",
]
MIN_KEY_BITS = 1024  # RFC 8301: verifiers must refuse smaller RSA keys
GOOD_KEY_BITS = 2048


@dataclass(frozen=True)
class DkimVerdict:
    """One DKIM-Signature checked: result, the reason behind it, and warnings even on pass."""

    index: int  # 0 = topmost signature
    domain: str
    selector: str
    algorithm: str
    key_name: str  # selector._domainkey.domain
    result: DkimResult
    reason: str
    key_bits: int | None = None
    body_length: int | None = None  # l=
    signed_headers: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    kind: DkimKind = ""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.errors: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage())


def _logger() -> tuple[logging.Logger, _Collect]:
    logger = logging.Logger("mailtui.verdicts.dkim")  # not registered: no global logging state
    handler = _Collect()
    logger.addHandler(handler)
    return logger, handler


def _text(value: bytes | None) -> str:
    return clean_line((value or b"").decode("utf-8", "replace"))


def signature_headers(raw: bytes) -> list[bytes]:
    """The DKIM-Signature values of `raw`, topmost first (as dkimpy indexes them)."""
    try:
        headers, _ = dkim.rfc822_parse(raw)
    except dkim.DKIMException:
        return []
    return [v for k, v in headers if k.lower() == b"dkim-signature"]


def verify_dkim(raw: bytes, dns: VerdictDns, now: float | None = None) -> tuple[DkimVerdict, ...]:
    """A verdict for each DKIM-Signature of the message, topmost first."""
    return tuple(_verify_one(raw, i, value, dns, now) for i, value in enumerate(signature_headers(raw)))


def _verify_one(raw: bytes, index: int, value: bytes, dns: VerdictDns, now: float | None) -> DkimVerdict:
    try:
        tags = parse_tag_value(value)
    except InvalidTagValueList as exc:
        return DkimVerdict(
            index,
            "?",
            "?",
            "?",
            "?",
            "permerror",
            tr("the signature cannot be parsed: {error}", error=exc),
            kind="unparsable",
        )
    domain, selector = _text(tags.get(b"d")).lower(), _text(tags.get(b"s"))
    key_name = f"{selector}._domainkey.{domain}"
    warnings = _warnings(raw, tags)
    length = int(tags[b"l"]) if tags.get(b"l", b"").isdigit() else None
    base = DkimVerdict(
        index=index,
        domain=domain or "?",
        selector=selector or "?",
        algorithm=_text(tags.get(b"a")) or "?",
        key_name=key_name,
        result="permerror",
        reason="",
        body_length=length,
        signed_headers=tuple(h.strip().lower() for h in _text(tags.get(b"h")).split(":") if h.strip()),
        warnings=warnings,
    )
    logger, collected = _logger()
    signer = dkim.DKIM(raw, logger=logger, minkey=MIN_KEY_BITS, timeout=int(dns.resolver.lifetime) or 1)
    try:
        ok = signer.verify(index, dnsfunc=dns.dkim_txt)
    except DnsError as exc:
        return replace(
            base, result="temperror", reason=tr("{error}: try again later", error=exc), kind="dns-failed"
        )
    except dkim.KeyFormatError as exc:
        if "too small" in str(exc):
            bits = signer.keysize
            reason = tr(
                "weak key: {bits}-bit RSA at {key}; verifiers refuse keys under {min_bits} bits "
                "(RFC 8301): publish a {good_bits}-bit key under a new selector",
                bits=bits,
                key=key_name,
                min_bits=MIN_KEY_BITS,
                good_bits=GOOD_KEY_BITS,
            )
            return replace(base, result="fail", reason=reason, key_bits=bits, kind="weak-key")
        return replace(
            base,
            result="permerror",
            reason=tr("key record unusable: {error}", error=exc),
            kind="key-unusable",
        )
    except dkim.ValidationError as exc:  # raised after the key was loaded when the body or x= fails
        kind, reason = _validation_reason(exc, tags, now)
        return replace(
            base,
            result=_validation_result(exc),
            reason=reason,
            key_bits=getattr(signer, "keysize", None),
            kind=kind,
        )
    except dkim.DKIMException as exc:
        return replace(
            base,
            result="permerror",
            reason=tr("malformed: {error}", error=clean_line(str(exc))),
            kind="malformed",
        )
    bits = getattr(signer, "keysize", None)
    if ok:
        if bits is not None and bits < GOOD_KEY_BITS:
            base = replace(
                base,
                warnings=(
                    *warnings,
                    tr(
                        "{bits}-bit key: accepted today, but {good_bits} bits are recommended",
                        bits=bits,
                        good_bits=GOOD_KEY_BITS,
                    ),
                ),
            )
        reason = tr("signature valid for d={domain} (key {key})", domain=domain, key=key_name)
        return replace(base, result="pass", reason=reason, key_bits=bits, kind="valid")
    result, kind, reason = _failure(key_name, dns, collected.errors)
    return replace(base, result=result, reason=reason, key_bits=bits, kind=kind)


def _failure(key_name: str, dns: VerdictDns, errors: Sequence[str]) -> tuple[DkimResult, DkimKind, str]:
    state = dns.txt_state.get(key_name)
    if state in {"nxdomain", "empty"}:
        why = tr("the name does not exist") if state == "nxdomain" else tr("the name has no TXT record")
        return (
            "permerror",
            "key-not-found",
            tr(
                "key not found: no DKIM key at {key} ({why}); publish the selector's public key "
                "there, or sign with a selector that is published",
                key=key_name,
                why=why,
            ),
        )
    record = dns.txt_seen.get(key_name, b"")
    if re.search(rb"(?:^|;)\s*p\s*=\s*(?:;|$)", record):
        return (
            "permerror",
            "key-revoked",
            tr(
                "key revoked: {key} publishes an empty p= (RFC 6376 3.6.1); the signer still uses "
                "a retired selector: point it at the current key",
                key=key_name,
            ),
        )
    if errors:
        return (
            "permerror",
            "key-unusable",
            tr("key record at {key} unusable: {error}", key=key_name, error=clean_line(errors[-1])),
        )
    return (
        "fail",
        "header-mismatch",
        tr(
            "signature mismatch: the body hash matches but the signed headers do not: a signed header "
            "was changed after signing (or the key at {key} is not the one that signed)",
            key=key_name,
        ),
    )


def _validation_result(exc: dkim.ValidationError) -> DkimResult:
    return "fail" if str(exc).startswith(("body hash mismatch", "x= value is past")) else "permerror"


def _validation_reason(
    exc: dkim.ValidationError, tags: dict[bytes, bytes], now: float | None
) -> tuple[DkimKind, str]:
    message = clean_line(str(exc))
    if message.startswith("body hash mismatch"):
        return "body-hash-mismatch", tr(
            "body hash mismatch: the body was modified after signing (a list footer, a disclaimer, "
            "or a relay re-encoding); sign after such changes, or have the list re-sign"
        )
    if message.startswith("x= value is past"):
        expired = int(tags[b"x"])
        ago = ((now if now is not None else time.time()) - expired) / 3600
        return "expired", tr(
            "signature expired: x={expired} ({when}, {hours} h ago); the message was delivered or "
            "re-checked too late, or the signer's x= is too short",
            expired=expired,
            when=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(expired)),
            hours=f"{ago:.0f}",
        )
    return "invalid", tr("invalid signature: {error}", error=message)


def _warnings(raw: bytes, tags: dict[bytes, bytes]) -> tuple[str, ...]:
    out: list[str] = []
    if tags.get(b"a", b"").lower() == b"rsa-sha1":
        out.append(
            tr("rsa-sha1 is obsolete (RFC 8301): many verifiers treat it as failing; sign with rsa-sha256")
        )
    if tags.get(b"l", b"").isdigit():
        signed = int(tags[b"l"])
        total = _canonical_body_length(raw, tags)
        if total is not None and total > signed:
            out.append(
                tr(
                    "l={signed}: only the first {signed} of {total} body bytes are signed; the {extra} "
                    "bytes after them were added later and are not covered: anyone could have written them",
                    signed=signed,
                    total=total,
                    extra=total - signed,
                )
            )
        else:
            out.append(
                tr(
                    "l={signed}: the signature covers only part of any body; drop l= at the signer",
                    signed=signed,
                )
            )
    return tuple(out)


def _canonical_body_length(raw: bytes, tags: dict[bytes, bytes]) -> int | None:
    try:
        policy = CanonicalizationPolicy.from_c_value(tags.get(b"c", b"simple/simple"))
        _, body = dkim.rfc822_parse(raw)
    except (InvalidCanonicalizationPolicyError, dkim.DKIMException):
        return None
    return len(policy.canonicalize_body(body))
