"""The delivery report of a bounce (RFC 3464): who failed, with which status and reply, and what was sent.

`delivery_report` reads the message/delivery-status part of a multipart/report (Postfix,
Exim, Exchange and Gmail all send one) and the returned original (message/rfc822, or
text/rfc822-headers as Exchange sends), and says each recipient's Action, Status (explained
with `core.codes`), Diagnostic-Code and Remote-MTA, and the original's Message-ID and Subject.
`format_delivery_report` renders it for `mailtui headers` and the header inspector. Pure:
a parsed message in, values out; every string is sanitized (one line, no control characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import HeaderParser

from mailtui.core.codes.explain import enhanced_info
from mailtui.core.i18n import tr
from mailtui.core.message.decode import decode_header_value
from mailtui.core.sanitize import clean_line

__all__ = ["DeliveryReport", "DsnRecipient", "delivery_report", "format_delivery_report"]

_FOLD = re.compile(r"\r?\n[ \t]+")
_STATUS = re.compile(r"^[245]\.\d{1,3}\.\d{1,3}$")
_DSN_TYPES = ("message/delivery-status", "message/global-delivery-status")
_ORIGINAL_TYPES = ("message/rfc822", "message/global", "text/rfc822-headers", "message/global-headers")
_MAX_RECIPIENTS = 200  # a report of thousands of recipients is shown in part, with a note


@dataclass(frozen=True)
class DsnRecipient:
    """One per-recipient block: Final-Recipient, Action, Status and its meaning, the reply."""

    recipient: str
    original_recipient: str
    action: str
    status: str
    status_meaning: str
    diagnostic_code: str  # without its type: "550 5.1.1 <a@b>: Recipient address rejected: ..."
    diagnostic_type: str  # "smtp" (RFC 3464 diagnostic-type), "" when none
    remote_mta: str


@dataclass(frozen=True)
class DeliveryReport:
    """The machine-readable part of a bounce and the message it returns."""

    style: str  # "Postfix", "Exim", "Exchange", "Gmail" or "RFC 3464"
    reporting_mta: str
    recipients: tuple[DsnRecipient, ...]
    failed_recipients: tuple[str, ...]  # X-Failed-Recipients (Exim, Gmail)
    original_message_id: str
    original_subject: str
    notes: tuple[str, ...]


def _value(raw: str | None) -> str:
    """A field value unfolded (one space per fold), decoded and made one clean line."""
    if not raw:
        return ""
    return clean_line(decode_header_value(_FOLD.sub(" ", str(raw)))).strip()


def _typed(raw: str | None) -> tuple[str, str]:
    """("rfc822", "a@b") from "rfc822; a@b"; ("", text) when there is no type."""
    text = _value(raw)
    kind, sep, rest = text.partition(";")
    if sep and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", kind.strip()):
        return kind.strip().lower(), rest.strip()
    return "", text


def _find_report(msg: Message) -> Message | None:
    """The multipart/report at the top or nested in multipart parts, never inside an enclosed message."""
    todo = [msg]
    while todo:
        part = todo.pop(0)
        if part.get_content_type() == "multipart/report":
            return part
        if part.get_content_maintype() == "multipart" and isinstance(part.get_payload(), list):
            todo.extend(p for p in part.get_payload() if isinstance(p, Message))
    return None


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [b for b in payload if isinstance(b, Message)]
    text = part.get_payload(decode=True)
    if not isinstance(text, bytes):
        return []
    blocks = re.split(r"\r?\n[ \t]*\r?\n", text.decode("utf-8", "replace").strip())
    return [HeaderParser().parsestr(b) for b in blocks if b.strip()]


def _original_headers(part: Message) -> Message | None:
    payload = part.get_payload()
    if isinstance(payload, list):
        inner = next((p for p in payload if isinstance(p, Message)), None)
        return inner
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return HeaderParser().parsestr(data.decode("utf-8", "replace"))
    return None


def _style(msg: Message, reporting_mta: str, first_block: Message | None) -> str:
    subject = _value(msg.get("subject")).lower()
    received = " ".join(str(v) for v in msg.get_all("received") or [])
    boundary = msg.get_boundary() or ""
    if first_block is not None and first_block.get("x-postfix-queue-id") or "(Postfix" in received:
        return "Postfix"
    if "eximdsn" in boundary or "(Exim " in received or subject.startswith("mail delivery failed"):
        return "Exim"
    if "x-ms-exchange-message-is-ndr" in msg or subject.startswith("undeliverable:"):
        return "Exchange"
    if reporting_mta.lower().endswith("googlemail.com") or "delivery status notification" in subject:
        return "Gmail"
    return "RFC 3464"


def _recipient(block: Message, lang: str) -> DsnRecipient:
    status = _value(block.get("status")).split(" ", 1)[0]
    meaning = enhanced_info(status, lang).summary if _STATUS.match(status) else ""
    diag_type, diagnostic = _typed(block.get("diagnostic-code"))
    return DsnRecipient(
        recipient=_typed(block.get("final-recipient"))[1],
        original_recipient=_typed(block.get("original-recipient"))[1],
        action=_value(block.get("action")).lower(),
        status=status,
        status_meaning=meaning,
        diagnostic_code=diagnostic,
        diagnostic_type=diag_type,
        remote_mta=_typed(block.get("remote-mta"))[1],
    )


def delivery_report(msg: Message, lang: str = "en") -> DeliveryReport | None:
    """The delivery report of a bounce, or None when the message carries none."""
    report = _find_report(msg)
    if report is None or not isinstance(report.get_payload(), list):
        return None
    children = [p for p in report.get_payload() if isinstance(p, Message)]
    status_part = next((p for p in children if p.get_content_type() in _DSN_TYPES), None)
    if status_part is None:
        return None
    notes: list[str] = []
    blocks = _status_blocks(status_part)
    per_message = blocks[0] if blocks else None
    per_recipient = [b for b in blocks[1:] if b.get("final-recipient") or b.get("action")]
    if len(per_recipient) > _MAX_RECIPIENTS:
        notes.append(
            tr("{count} recipients: the first {shown} shown", count=len(per_recipient), shown=_MAX_RECIPIENTS)
        )
    if not per_recipient:
        notes.append(tr("the delivery report names no recipient"))
    reporting_mta = _typed(per_message.get("reporting-mta"))[1] if per_message is not None else ""
    original = next((p for p in children if p.get_content_type() in _ORIGINAL_TYPES), None)
    original_headers = _original_headers(original) if original is not None else None
    if original_headers is None:
        notes.append(
            tr("the original message is not returned (neither message/rfc822 nor text/rfc822-headers)")
        )
    failed = [_value(v) for v in msg.get_all("x-failed-recipients") or []]
    return DeliveryReport(
        style=_style(msg, reporting_mta, per_message),
        reporting_mta=reporting_mta,
        recipients=tuple(_recipient(b, lang) for b in per_recipient[:_MAX_RECIPIENTS]),
        failed_recipients=tuple(a.strip() for v in failed for a in v.split(",") if a.strip()),
        original_message_id=_value(original_headers.get("message-id"))
        if original_headers is not None
        else "",
        original_subject=_value(original_headers.get("subject")) if original_headers is not None else "",
        notes=tuple(notes),
    )


def format_delivery_report(report: DeliveryReport) -> list[str]:
    """The report as plain-text lines (already sanitized)."""
    style = "RFC 3464" if report.style == "RFC 3464" else f"{report.style}, RFC 3464"
    lines = [tr("Delivery report ({style}):", style=style)]
    if report.reporting_mta:
        lines.append(f"  Reporting-MTA: {report.reporting_mta}")
    lines.append(f"  Original Message-ID: {report.original_message_id or '-'}")
    lines.append(f"  Original Subject:    {report.original_subject or '-'}")
    if report.failed_recipients:
        lines.append(f"  X-Failed-Recipients: {', '.join(report.failed_recipients)}")
    for r in report.recipients:
        lines.append(f"  {r.recipient or '-'}")
        if r.original_recipient and r.original_recipient != r.recipient:
            lines.append(f"    Original-Recipient: {r.original_recipient}")
        lines.append(f"    Action:          {r.action or '-'}")
        status = r.status or "-"
        lines.append(
            f"    Status:          {status}" + (f" ({r.status_meaning})" if r.status_meaning else "")
        )
        if r.diagnostic_code:
            kind = f"{r.diagnostic_type}; " if r.diagnostic_type else ""
            lines.append(f"    Diagnostic-Code: {kind}{r.diagnostic_code}")
        if r.remote_mta:
            lines.append(f"    Remote-MTA:      {r.remote_mta}")
    lines += [f"  ! {n}" for n in report.notes]
    return lines
