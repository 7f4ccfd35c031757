"""Building outgoing mail: Draft -> EmailMessage, address checks, reply/forward and test presets.

Pure (stdlib only, no I/O): the UI or CLI reads attachment files and passes their bytes in
`AttachmentSpec`. Everything a user typed is checked here, before a connection is opened:
CR/LF in a header value is refused (header injection), bad addresses are named one by one.
"""

from __future__ import annotations

import copy
import email.utils
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.generator import BytesGenerator
from email.headerregistry import Address
from email.message import EmailMessage, Message
from io import BytesIO

from mailtui.core.errors import EX_DATAERR, MailtuiError
from mailtui.core.presets import PRESETS

GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"


class ComposeError(MailtuiError):
    """The message cannot be built as written (bad address, CR/LF in a header, ...)."""

    title = "Cannot build message"
    exit_code = EX_DATAERR


@dataclass(frozen=True)
class AttachmentSpec:
    """One attachment, already read from disk by the caller."""

    path: str
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Draft:
    """What the user composed; address fields are free text as typed ("A <a@x>, b@y")."""

    from_addr: str
    to: str
    cc: str = ""
    bcc: str = ""
    subject: str = ""
    body: str = ""
    attachments: tuple[AttachmentSpec, ...] = ()
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    extra_headers: tuple[tuple[str, str], ...] = ()


# -- addresses ---------------------------------------------------------------------------------

# An addr-spec we are willing to put on an SMTP command line: no whitespace, no brackets or
# quotes outside a quoted local part, exactly one separating "@", a dotted or bracketed domain.
_LOCAL_ATOM = re.compile(r"^[^\s\"(),:;<>@\[\\\]]+$")
_LOCAL_QUOTED = re.compile(r'^"(?:[^"\\\r\n]|\\.)*"$')
_DOMAIN = re.compile(r"^(?:[^\s\"(),:;<>@\[\\\]]+|\[[^\s\[\]\\]+\])$")
_HEADER_NAME = re.compile(r"^[!-9;-~]+$")  # printable ASCII except ':' (RFC 5322 ftext)


def _split_items(text: str) -> list[str]:
    """Split an address field on ',' or ';' that are outside quotes, angle brackets and comments."""
    items: list[str] = []
    buf: list[str] = []
    quote = False
    angle = 0
    paren = 0
    escape = False
    for ch in text:
        if escape:
            escape = False
        elif ch == "\\" and (quote or paren):
            escape = True
        elif ch == '"' and not paren:
            quote = not quote
        elif not quote:
            if ch == "(":
                paren += 1
            elif ch == ")" and paren:
                paren -= 1
            elif ch == "<" and not paren:
                angle += 1
            elif ch == ">" and angle and not paren:
                angle -= 1
            elif ch in ",;" and not angle and not paren:
                items.append("".join(buf))
                buf = []
                continue
        buf.append(ch)
    items.append("".join(buf))
    return [item.strip() for item in items if item.strip()]


def check_addr_spec(addr: str) -> str | None:
    """Why `addr` is not a usable addr-spec (local@domain), or None when it is."""
    if not addr:
        return "empty address"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in addr):
        return "contains control characters"
    local, sep, domain = addr.rpartition("@")
    if not sep:
        return "missing '@'"
    if not local:
        return "missing the part before '@'"
    if not domain:
        return "missing the domain after '@'"
    if not (_LOCAL_ATOM.match(local) or _LOCAL_QUOTED.match(local)):
        return "invalid characters before '@'"
    if not _DOMAIN.match(domain) or domain.startswith(".") or domain.endswith(".") or ".." in domain:
        return f"invalid domain {domain!r}"
    return None


def parse_address_field(text: str) -> tuple[list[str], list[str]]:
    """Parse a typed address field into (valid addr-specs, one error per bad item naming it)."""
    valid: list[str] = []
    errors: list[str] = []
    for item in _split_items(text):
        if "\r" in item or "\n" in item:
            errors.append(f"{item!r}: contains a line break")
            continue
        name, addr = email.utils.parseaddr(item)
        if not addr:
            errors.append(f"{item!r}: {check_addr_spec(item.strip('<> ')) or 'not an address'}")
            continue
        # parseaddr silently drops what follows a complete address ("a@x b@y" -> a@x):
        # make sure the item is exactly one address (optionally with a display name).
        if "<" not in item and addr != item.strip() and not item.strip().endswith(")"):
            errors.append(f"{item!r}: not a single address (separate addresses with commas)")
            continue
        problem = check_addr_spec(addr)
        if problem:
            errors.append(f"{item!r}: {problem}")
        else:
            valid.append(addr)
    return valid, errors


@dataclass(frozen=True)
class FieldCheck:
    """An address field as typed, checked: what stops sending, what is said, what is sent."""

    errors: tuple[str, ...]  # sending is refused while there is one
    notes: tuple[str, ...]  # repaired or resolved items: said, not refused
    resolved: str  # the field with bare local names replaced by their addresses


_BARE_NAME = re.compile(r"^[A-Za-z0-9._%+-]+$")


def check_address_field(text: str, resolve: Callable[[str], list[str]] | None = None) -> FieldCheck:
    """`parse_address_field` plus what an admin types every day.

    A bare local name ("root", as cron and mail(1) address it) is resolved with `resolve`
    (the aliases file, else @ the account's domain, as `mailtui sendmail` does) when one is
    given; a missing `>` (`Bob <bob@example.com`) is repaired and said; an address with a
    space in it (`bob @example.com`) is refused with the address it would be.
    """
    errors: list[str] = []
    notes: list[str] = []
    resolved: list[str] = []
    items: list[str] = []
    for item in _split_items(text):
        if item.count("<") > item.count(">"):  # an unclosed < swallowed the commas after it
            items.extend(re.split(r"[,;]", item))
        else:
            items.append(item)
    for item in items:
        stripped = item.strip()
        if not stripped:
            continue
        if resolve is not None and _BARE_NAME.match(stripped):
            addresses = resolve(stripped)
            if addresses and all("@" in a for a in addresses):
                notes.append(f"{stripped} → {', '.join(addresses)}")
                resolved.append(", ".join(addresses))
                continue
        _, item_errors = parse_address_field(stripped)
        if item_errors:
            name, addr = email.utils.parseaddr(stripped)
            if addr and "<" not in stripped and " " in stripped and not check_addr_spec(addr):
                item_errors = [f"{stripped!r}: a space inside the address; did you mean {addr}?"]
            errors.extend(item_errors)
            resolved.append(stripped)
            continue
        if stripped.count("<") != stripped.count(">"):
            name, addr = email.utils.parseaddr(stripped)
            fixed = f"{name} <{addr}>" if name else f"<{addr}>"
            notes.append(f"{stripped!r}: the < > do not pair; it is sent as {fixed}")
            resolved.append(fixed)
            continue
        resolved.append(stripped)
    return FieldCheck(tuple(errors), tuple(notes), ", ".join(resolved))


def _format_field(text: str, field: str) -> list[Address]:
    """The items of an address field as header Addresses, raising ComposeError naming bad items."""
    if "\r" in text or "\n" in text:
        raise ComposeError(f"the {field} field contains a line break; remove it and try again")
    _, errors = parse_address_field(text)
    if errors:
        raise ComposeError(f"bad address in {field}: " + "; ".join(errors))
    out: list[Address] = []
    for item in _split_items(text):
        name, addr = email.utils.parseaddr(item)
        local, _, domain = addr.rpartition("@")
        if local.startswith('"') and local.endswith('"'):
            local = re.sub(r"\\(.)", r"\1", local[1:-1])  # Address re-quotes it as needed
        try:
            # username/domain, not addr_spec: addr_spec parsing rejects internationalized
            # (RFC 6531) local parts, which we send with SMTPUTF8.
            out.append(Address(display_name=name, username=local, domain=domain))
        except (ValueError, IndexError, TypeError) as exc:  # the email package's parser errors
            raise ComposeError(f"bad address in {field}: {item!r}: {exc}") from exc
    return out


def envelope_recipients(draft: Draft) -> list[str]:
    """Every SMTP recipient: To + Cc + Bcc addr-specs, deduplicated (case-insensitively), in order."""
    seen: set[str] = set()
    out: list[str] = []
    for text in (draft.to, draft.cc, draft.bcc):
        for addr in parse_address_field(text)[0]:
            if addr.lower() not in seen:
                seen.add(addr.lower())
                out.append(addr)
    return out


def envelope_sender(draft: Draft) -> str:
    """The MAIL FROM address: the addr-spec of the From field (ComposeError if unusable)."""
    valid, errors = parse_address_field(draft.from_addr)
    if errors or len(valid) != 1:
        raise ComposeError(f"the From field must be exactly one address, got {draft.from_addr!r}")
    return valid[0]


# -- building ---------------------------------------------------------------------------------

# Headers that build_message sets itself; the Date and Message-ID may be overridden on purpose
# (admins reproducing a problem), the others belong in their own field.
_RESERVED = {
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
}
_OVERRIDABLE = {"date", "message-id", "in-reply-to", "references"}


def _no_newline(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise ComposeError(
            f"the {what} contains a line break (CR/LF); that would inject extra headers, "
            "so nothing was sent. Remove the line break and try again."
        )
    return value


def bcc_header(draft: Draft) -> bytes:
    """The Bcc header line for the sender's own Sent copy (b"" without Bcc).

    Never part of the message on the wire: the other recipients must not see it; the
    sender's copy keeps it, as mutt's does, so the Sent folder says who else got it.
    """
    items = _format_field(draft.bcc, "Bcc")
    if not items:
        return b""
    holder = EmailMessage(policy=policy.SMTP)
    holder["Bcc"] = items
    return holder.as_bytes().rstrip(b"\r\n") + b"\r\n"


def build_message(draft: Draft, *, message_id_domain: str, date: datetime | None = None) -> EmailMessage:
    """Build the EmailMessage for `draft` (Bcc is never a header); ComposeError on bad input."""
    _no_newline(draft.subject, "subject")
    _no_newline(draft.in_reply_to, "In-Reply-To")
    for ref in draft.references:
        _no_newline(ref, "References")
    for name, value in draft.extra_headers:
        _no_newline(name, f"header name {name!r}")
        _no_newline(value, f"header {name!r}")
        if not _HEADER_NAME.match(name):
            raise ComposeError(f"{name!r} is not a valid header name (printable ASCII, no spaces or ':')")
        if name.lower() in _RESERVED:
            raise ComposeError(f"set {name} in its own field, not as an extra header")
    envelope_sender(draft)
    from_items = _format_field(draft.from_addr, "From")
    to_items = _format_field(draft.to, "To")
    cc_items = _format_field(draft.cc, "Cc")
    _format_field(draft.bcc, "Bcc")  # validated, never written as a header
    if not envelope_recipients(draft):
        raise ComposeError("the message has no recipient; fill in To, Cc or Bcc")

    msg = EmailMessage(policy=policy.default)
    msg["From"] = from_items
    if to_items:
        msg["To"] = to_items
    if cc_items:
        msg["Cc"] = cc_items
    msg["Subject"] = draft.subject
    extra = {name.lower(): value for name, value in draft.extra_headers}
    msg["Date"] = extra.get("date") or email.utils.format_datetime(date or datetime.now().astimezone())
    msg["Message-ID"] = extra.get("message-id") or email.utils.make_msgid(domain=message_id_domain)
    if draft.in_reply_to:
        msg["In-Reply-To"] = draft.in_reply_to
    if draft.references:
        msg["References"] = " ".join(draft.references)
    for name, value in draft.extra_headers:
        if name.lower() in _OVERRIDABLE:
            if name.lower() in ("in-reply-to", "references"):
                del msg[name]
                msg[name] = value
            continue
        msg[name] = value
    body = draft.body.replace("\r\n", "\n").replace("\r", "\n")
    msg.set_content(body, subtype="plain", charset="utf-8")
    for att in draft.attachments:
        _add_attachment(msg, att)
    return msg


def _add_attachment(msg: EmailMessage, att: AttachmentSpec) -> None:
    filename = _no_newline(att.filename, f"attachment name {att.filename!r}")
    ctype = (att.content_type or "application/octet-stream").lower()
    maintype, _, subtype = ctype.partition("/")
    if not subtype or not _HEADER_NAME.match(maintype) or not _HEADER_NAME.match(subtype):
        maintype, subtype = "application", "octet-stream"
    if (maintype, subtype) == ("message", "rfc822"):
        # A forwarded message travels as itself (RFC 2046 forbids base64 for message/rfc822).
        # An ASCII str payload is written verbatim by the generator: the original bytes. 8-bit
        # messages are parsed instead (the generator cannot write raw 8-bit str payloads).
        part = EmailMessage(policy=policy.default)
        part["Content-Type"] = "message/rfc822"
        part["Content-Disposition"] = "attachment"
        part.set_param("filename", filename, header="Content-Disposition")
        if att.data.isascii():
            part["Content-Transfer-Encoding"] = "7bit"
            part.set_payload(att.data.decode("ascii"))
        else:
            part["Content-Transfer-Encoding"] = "8bit"
            part.set_payload([message_from_bytes(att.data, policy=policy.default)])
        msg.make_mixed()
        msg.attach(part)
        return
    # bytes content is always base64: a byte-identical round trip for any file.
    msg.add_attachment(att.data, maintype=maintype, subtype=subtype, filename=filename)


def needs_smtputf8(message: EmailMessage | Message | bytes, sender: str, recipients: list[str]) -> bool:
    """True when the envelope or an address header is non-ASCII (RFC 6531 SMTPUTF8 required)."""
    if not (sender.isascii() and all(r.isascii() for r in recipients)):
        return True
    if isinstance(message, bytes):
        head = message.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
        return not head.isascii()
    for name in ("From", "Sender", "Reply-To", "To", "Cc"):
        for value in message.get_all(name, []):
            addresses = getattr(value, "addresses", None)
            if addresses is None:
                if not email.utils.getaddresses([str(value)])[0][1].isascii():
                    return True
                continue
            if any(not a.addr_spec.isascii() for a in addresses):
                return True
    return False


def message_bytes(message: EmailMessage | bytes, *, smtputf8: bool = False, eight_bit: bool = True) -> bytes:
    """The wire form (CRLF) of `message`, without Bcc; 8-bit parts re-encoded when `eight_bit` is off."""
    if isinstance(message, bytes):
        return message
    pol = policy.SMTPUTF8 if smtputf8 else policy.SMTP
    if not eight_bit:
        pol = pol.clone(cte_type="7bit")
    # A shallow copy is enough: deleting a header rebinds the copy's header list.
    stripped = copy.copy(message)
    del stripped["Bcc"]
    del stripped["Resent-Bcc"]
    out = BytesIO()
    BytesGenerator(out, policy=pol).flatten(stripped)
    return out.getvalue()


# -- reply and forward --------------------------------------------------------------------------

_RE_PREFIX = re.compile(r"^\s*(?:re|aw|sv)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)
_FWD_PREFIX = re.compile(r"^\s*(?:fwd?|wg)\s*:\s*", re.IGNORECASE)


def reply_subject(subject: str) -> str:
    """'Re: ' + subject, without stacking ('Re: Re:', 'RE: AW:' collapse to one 'Re: ')."""
    base = subject
    while _RE_PREFIX.match(base):
        base = _RE_PREFIX.sub("", base, count=1)
    return "Re: " + base.strip()


def forward_subject(subject: str) -> str:
    """'Fwd: ' + subject, without stacking."""
    base = subject
    while _FWD_PREFIX.match(base):
        base = _FWD_PREFIX.sub("", base, count=1)
    return "Fwd: " + base.strip()


def quote_body(body: str) -> str:
    """Prefix every line with '> ' (an empty line becomes '>')."""
    lines = body.replace("\r\n", "\n").rstrip("\n").split("\n")
    return "\n".join(("> " + line).rstrip() if line.strip() else ">" for line in lines) + "\n"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _addr_items(*fields: str) -> list[tuple[str, str]]:
    return [(n, a) for n, a in email.utils.getaddresses([_one_line(f) for f in fields if f]) if a]


def reply_draft(
    *,
    from_addr: str,
    subject: str,
    sender: str,
    to: str = "",
    cc: str = "",
    reply_to: str = "",
    message_id: str = "",
    references: tuple[str, ...] | list[str] = (),
    body: str = "",
    date: str = "",
    group: bool = False,
    my_addresses: tuple[str, ...] = (),
) -> Draft:
    """A reply to a message given by its header values; `group` replies to all (minus me)."""
    me = {a.lower() for a in my_addresses} | {a.lower() for _, a in _addr_items(from_addr)}
    primary = _addr_items(reply_to) or _addr_items(sender)
    to_list = [(n, a) for n, a in primary if a.lower() not in me] or primary
    cc_list: list[tuple[str, str]] = []
    if group:
        seen = {a.lower() for _, a in to_list} | me
        for n, a in _addr_items(to, cc):
            if a.lower() not in seen:
                seen.add(a.lower())
                cc_list.append((n, a))
    refs = tuple(_one_line(" ".join(references)).split()) if references else ()
    mid = _one_line(message_id)
    if mid and mid not in refs:
        refs = (*refs, mid)
    who = _one_line(sender) or "someone"
    intro = f"On {_one_line(date)}, {who} wrote:\n" if date else f"{who} wrote:\n"
    return Draft(
        from_addr=from_addr,
        to=", ".join(email.utils.formataddr(x) for x in to_list),
        cc=", ".join(email.utils.formataddr(x) for x in cc_list),
        subject=reply_subject(_one_line(subject)),
        body="\n\n" + intro + quote_body(body),
        in_reply_to=mid,
        references=refs,
    )


def forward_draft(
    *,
    from_addr: str,
    subject: str,
    sender: str,
    to: str = "",
    cc: str = "",
    date: str = "",
    body: str = "",
    raw: bytes = b"",
    as_attachment: bool = False,
    new_to: str = "",
) -> Draft:
    """Forward a message inline (headers summary + body) or as a message/rfc822 attachment."""
    fwd_subject = forward_subject(_one_line(subject))
    if as_attachment:
        base = fwd_subject.removeprefix("Fwd: ")
        safe = re.sub(r"[^\w.-]+", "_", base)[:60].strip("_.") or "message"
        att = AttachmentSpec(path="", filename=f"{safe}.eml", content_type="message/rfc822", data=raw)
        return Draft(from_addr=from_addr, to=new_to, subject=fwd_subject, body="", attachments=(att,))
    summary = ["---------- Forwarded message ----------", f"From: {_one_line(sender)}"]
    if date:
        summary.append(f"Date: {_one_line(date)}")
    summary.append(f"Subject: {_one_line(subject)}")
    if to:
        summary.append(f"To: {_one_line(to)}")
    if cc:
        summary.append(f"Cc: {_one_line(cc)}")
    text = "\n\n" + "\n".join(summary) + "\n\n" + body.replace("\r\n", "\n")
    return Draft(from_addr=from_addr, to=new_to, subject=fwd_subject, body=text)


# -- test-mail presets -----------------------------------------------------------------------


def preset_draft(name: str, from_addr: str, to: str, *, size: int = 100_000) -> Draft:
    """A ready test message: "plain" (ASCII), "utf8", "attachment" (`size` bytes), "gtube"."""
    if name == "plain":
        return Draft(
            from_addr, to, subject="mailtui test message (plain)",
            body="This is a plain ASCII test message sent by mailtui.\n",
        )  # fmt: skip
    if name == "utf8":
        return Draft(
            from_addr, to, subject="测试邮件 Grüße from mailtui",
            body="UTF-8 test message: 测试邮件 Grüße, naïve café, Ελληνικά, ✓\n",
        )  # fmt: skip
    if name == "attachment":
        if size < 0:
            raise ComposeError(f"attachment size must be 0 or more bytes, got {size}")
        # Deterministic pseudo-random bytes: incompressible, and reproducible for comparison.
        data = random.Random(size).randbytes(size)
        att = AttachmentSpec("", f"mailtui-test-{size}.bin", "application/octet-stream", data)
        return Draft(
            from_addr, to, subject=f"mailtui test message (attachment, {size} bytes)",
            body=f"This message carries a {size}-byte binary attachment.\n", attachments=(att,),
        )  # fmt: skip
    if name == "gtube":
        return Draft(
            from_addr, to, subject="mailtui test message (GTUBE spam test)",
            body=f"This message must be classified as spam.\n\n{GTUBE}\n",
        )  # fmt: skip
    raise ComposeError(f"unknown test message preset {name!r}; choose one of: {', '.join(PRESETS)}")
