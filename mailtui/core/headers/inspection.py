"""Header inspection of one raw message: Received hops, authentication results, MIME tree, delivery report.

`inspect_message` builds the view model the Diagnostics screen and `mailtui headers`
show; `format_inspection` renders it as plain text. Every string in the model comes from
the mail and is sanitized (one line, no control characters) before it is stored.
Pure: bytes in, values out; never raises.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mailtui.core.headers.authres import (
    ArcSet,
    AuthResults,
    DkimSignature,
    ReceivedSpf,
    parse_arc,
    parse_authentication_results,
    parse_dkim_signature,
    parse_received_spf,
)
from mailtui.core.headers.dsn import DeliveryReport, delivery_report, format_delivery_report
from mailtui.core.headers.received import HopTable, build_hop_table, format_delay
from mailtui.core.i18n import tr
from mailtui.core.message.crypto import find_crypto_parts
from mailtui.core.message.decode import date_out_of_range, decode_header_value, parse_date
from mailtui.core.message.header_block import split_message
from mailtui.core.message.limits import (
    DEPTH_NOTE,
    MAX_HEADER_CHARS,
    MAX_HEADERS_OF_A_KIND,
    MAX_INSPECTED_CHARS,
    MAX_TREE_BYTES,
    parse_capped,
    was_cut,
)
from mailtui.core.message.mimeparts import MimePart, walk_parts
from mailtui.core.sanitize import clean_line, invisible_marks, reveal_invisible

_MAX_CELL = 42
_ARC_HEADERS = ("arc-seal", "arc-message-signature", "arc-authentication-results")


@dataclass(frozen=True)
class Verdict:
    """A method's result as stated by a trusted authserv-id."""

    method: str
    result: str
    authserv_id: str


@dataclass(frozen=True)
class Inspection:
    """Everything the header inspector shows about one message."""

    return_path: str
    message_id: str
    date: str
    date_ts: float | None
    sender: str
    subject: str
    hops: HopTable
    auth_results: tuple[AuthResults, ...]
    verdicts: tuple[Verdict, ...]
    received_spf: tuple[ReceivedSpf, ...]
    dkim: tuple[DkimSignature, ...]
    arc: tuple[ArcSet, ...]
    parts: tuple[MimePart, ...]
    trusted_ids: tuple[str, ...]
    notes: tuple[str, ...]
    delivery_report: DeliveryReport | None = None  # a bounce's RFC 3464 report
    # "part 1: PGP/MIME signed", ...: found here, verified by `--verify` (diagnostics.signatures)
    crypto: tuple[str, ...] = ()


def _raw_headers(raw: bytes) -> list[tuple[str, str]]:
    """(lower-case name, raw value) in header order; 8-bit bytes kept as surrogate escapes.

    Values are capped (`limits.cut_value`): a cut one ends with a visible marker.
    """
    head, _body = split_message(raw)
    msg, _notes = parse_capped(head[:MAX_TREE_BYTES])  # no blank line: all of it is "header"
    return [(k.lower(), v if isinstance(v, str) else str(v)) for k, v in msg.raw_items()]


_STRUCTURED = ("received", "authentication-results", "received-spf", "dkim-signature", *_ARC_HEADERS)


def _bounded(headers: list[tuple[str, str]], notes: list[str]) -> list[tuple[str, str]]:
    """The headers the structured parsers get: per kind at most MAX_HEADERS_OF_A_KIND, and at
    most MAX_INSPECTED_CHARS in all (the tokenizers are per character: work is bounded)."""
    kept: list[tuple[str, str]] = []
    counts: dict[str, int] = {}
    budget = MAX_INSPECTED_CHARS
    for name, value in headers:
        if name not in _STRUCTURED:
            kept.append((name, value))
            continue
        counts[name] = counts.get(name, 0) + 1
        if counts[name] > MAX_HEADERS_OF_A_KIND:
            notes.append(
                tr(
                    "more than {limit} {name} headers: the rest cut (not inspected)",
                    limit=MAX_HEADERS_OF_A_KIND,
                    name=name,
                )
            )
            continue
        if len(value) > budget:
            notes.append(
                tr("headers too long to inspect in all: later {name} headers cut (not inspected)", name=name)
            )
            continue
        budget -= len(value)
        if was_cut(value):
            notes.append(
                tr(
                    "{name} header longer than {limit} characters: cut for inspection",
                    name=name,
                    limit=MAX_HEADER_CHARS,
                )
            )
        kept.append((name, value))
    return kept


def _shown(value: str) -> str:
    """A sender or subject for the inspector: sanitized, invisible characters as <U+200B>."""
    return clean_line(reveal_invisible(value))


def inspect_message(raw: bytes, trusted_authserv_ids: Sequence[str] = ()) -> Inspection:
    """The inspection of a raw message; verdicts count only from `trusted_authserv_ids`."""
    trusted = tuple(t.strip() for t in trusted_authserv_ids if t.strip())
    try:
        headers = _raw_headers(raw)
    except Exception as exc:  # the parser failing must still give a (empty) view
        headers = []
        notes = [tr("could not parse the headers ({error})", error=type(exc).__name__)]
    else:
        notes = [] if headers else [tr("no headers found")]
    headers = _bounded(headers, notes)

    def values(name: str) -> list[str]:
        return [v for k, v in headers if k == name]

    def first(name: str) -> str:
        found = values(name)
        return clean_line(decode_header_value(found[0])) if found else ""

    date = first("date")
    date_ts = parse_date(date) if date else None
    if date and date_ts is None:
        notes.append(
            tr("Date cannot be represented (year out of range): shown as written")
            if date_out_of_range(date)
            else tr("unparsable Date header")
        )
    if not date:
        notes.append(tr("no Date header"))
    message_id = first("message-id")
    if not message_id:
        notes.append(tr("no Message-ID header"))
    elif not re.fullmatch(r"<[^<>\s]+@[^<>\s]+>", message_id):
        notes.append(tr("Message-ID is not of the form <left@right>"))
    if len(values("return-path")) > 1:
        notes.append(tr("more than one Return-Path: added by more than one delivery agent"))
    auth = tuple(parse_authentication_results(v, trusted) for v in values("authentication-results"))
    verdicts = tuple(
        Verdict(r.method, r.result, a.authserv_id or "") for a in auth if a.trusted for r in a.results
    )
    if auth and not trusted:
        notes.append(tr("no trusted authserv-id configured (ui.trusted_authserv_ids): no verdict is trusted"))
    arc = tuple(parse_arc(k, v, trusted) for k, v in headers if k in _ARC_HEADERS)
    try:
        if len(raw) > MAX_TREE_BYTES:  # bounded memory: the tree of the first 8 MB
            notes.append(
                tr("message of {size} MB: MIME structure of its first 8 MB only", size=len(raw) // 1048576)
            )
        msg, cut_notes = parse_capped(raw[:MAX_TREE_BYTES])
        # Sizes estimated, leaves not decoded: the inspector never needs the payloads.
        parts = tuple(walk_parts(msg, decode=False)[0])
        notes.extend(n for n in cut_notes if n == DEPTH_NOTE)
    except Exception as exc:  # the MIME tree is optional; the headers above still show
        parts = ()
        msg = None
        notes.append(tr("could not parse the MIME structure ({error})", error=type(exc).__name__))
    report = None
    if msg is not None:
        try:
            report = delivery_report(msg)
        except Exception as exc:  # a broken report must not hide the rest of the inspection
            notes.append(tr("could not read the delivery report ({error})", error=type(exc).__name__))
    for name, value in headers:
        if was_cut(value) and name not in _STRUCTURED:
            notes.append(
                tr(
                    "header {name} longer than {limit} characters: cut for display",
                    name=name,
                    limit=MAX_HEADER_CHARS,
                )
            )
    senders = [_shown(decode_header_value(v)) for v in values("from")[:1]]
    subjects = [_shown(decode_header_value(v)) for v in values("subject")[:1]]
    for what, shown in (("From", senders), ("Subject", subjects)):
        marks = invisible_marks(shown[0]) if shown else ()
        if marks:
            notes.append(
                tr(
                    "{what} contains invisible or bidi-control characters ({marks}): a look-alike?",
                    what=what,
                    marks=", ".join(marks),
                )
            )
    return Inspection(
        return_path=first("return-path"),
        message_id=message_id,
        date=date,
        date_ts=date_ts,
        sender=senders[0] if senders else "",
        subject=subjects[0] if subjects else "",
        hops=build_hop_table(values("received")),
        auth_results=auth,
        verdicts=verdicts,
        received_spf=tuple(parse_received_spf(v) for v in values("received-spf")),
        dkim=tuple(parse_dkim_signature(v) for v in values("dkim-signature")),
        arc=arc,
        parts=parts,
        trusted_ids=trusted,
        notes=tuple(dict.fromkeys(notes)),
        delivery_report=report,
        crypto=_crypto(raw, notes),
    )


def _crypto(raw: bytes, notes: list[str]) -> tuple[str, ...]:
    """Where the message is signed or encrypted (PGP, S/MIME), one line each."""
    try:
        parts = find_crypto_parts(raw)
    except Exception as exc:  # a malformed message still gets the rest of its view
        notes.append(tr("could not look for signatures ({error})", error=type(exc).__name__))
        return ()
    return tuple(f"part {p.path}: {p.label}" + (f" ({p.problem})" if p.problem else "") for p in parts)


def _cell(text: str | None) -> str:
    text = text or "-"
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def _utc(ts: float | None) -> str:
    if ts is None:
        return "?"
    try:
        return datetime.datetime.fromtimestamp(ts, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):  # parse_date keeps these out; be sure anyway
        return "?"


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def format_hops(hops: HopTable) -> list[str]:
    """The hop table as text lines (oldest first)."""
    total = format_delay(hops.total) if hops.total is not None else "unknown"
    lines = [
        tr("Received chain: {count} hop(s), oldest first, total {total}", count=len(hops.hops), total=total)
    ]
    if not hops.hops:
        return [*lines, "  (no Received headers)"]
    rows = [["#", "time (UTC)", "delay", "from (helo)", "rDNS", "IP", "by", "with", "TLS", "id"]]
    for hop in hops.hops:
        r = hop.received
        tls = "-" if r.tls is None else ("yes" if r.tls else "no")
        if r.tls and (r.tls_version or r.tls_cipher):
            tls = " ".join(x for x in (r.tls_version, r.tls_cipher) if x)
        delay = "" if hop.number == 1 else format_delay(hop.delay)
        with_ = r.protocol or ""
        if r.authenticated:
            with_ += " auth" if r.authenticated == "yes" else f" auth={r.authenticated}"
        rows.append(
            [
                str(hop.number),
                _utc(r.timestamp),
                delay + (" !" if hop.anomalies else ""),
                _cell(r.from_helo),
                _cell(r.from_rdns),
                _cell(r.from_ip),
                _cell(r.by_host),
                _cell(with_.strip()),
                _cell(tls),
                _cell(r.id),
            ]
        )
    lines += _table(rows)
    lines += [f"  ! {a}" for a in hops.anomalies]
    lines += [
        f"  ! hop {hop.number}: {hop.received.date_note}"
        for hop in hops.hops
        if hop.received.date_issue == "out-of-range"
    ]
    return lines


def format_auth(ins: Inspection) -> list[str]:
    """Authentication-Results (trusted or not), Received-SPF, DKIM-Signature and ARC lines."""
    lines = ["Authentication-Results:"]
    if not ins.auth_results:
        lines.append("  (none)")
    for a in ins.auth_results:
        if a.trusted:
            mark = tr("trusted")
        elif a.authserv_id is None:
            mark = tr("UNTRUSTED: no authserv-id")
        else:
            mark = tr("UNTRUSTED: not in ui.trusted_authserv_ids; its verdicts are not counted")
        lines.append(f"  {a.authserv_id or '(none)'} [{mark}]")
        for r in a.results:
            props = " ".join(f"{k}={v}" for k, v in r.properties)
            reason = f" reason={r.reason}" if r.reason else ""
            comment = f" ({r.comment})" if r.comment else ""
            lines.append(f"    {r.method}={r.result}{reason} {props}{comment}".rstrip())
        if not a.results:
            lines.append("    none")
        lines += [f"    ! {n}" for n in a.notes]
    if ins.verdicts:
        lines.append(
            "  " + tr("Trusted verdicts: ") + ", ".join(f"{v.method}={v.result}" for v in ins.verdicts)
        )
    for spf in ins.received_spf:
        pairs = " ".join(f"{k}={v}" for k, v in spf.pairs)
        lines.append(f"Received-SPF: {spf.result} {pairs}".rstrip())
    for d in ins.dkim:
        bh = "bh present" if d.body_hash_present else "bh MISSING"
        lines.append(f"DKIM-Signature: d={d.domain or '?'} s={d.selector or '?'} a={d.algorithm or '?'} {bh}")
        lines.append(f"  h={':'.join(d.signed_headers) or '(none)'}")
        lines += [f"  ! {n}" for n in d.notes]
    for arc in ins.arc:
        extra = f" cv={arc.chain_validation}" if arc.chain_validation else ""
        who = f" d={arc.domain}" if arc.kind != "authentication-results" else f" {arc.domain or '?'}"
        summary = ""
        if arc.results:
            summary = " " + " ".join(f"{r.method}={r.result}" for r in arc.results.results)
        lines.append(
            f"ARC-{arc.kind.title()}: i={arc.instance if arc.instance is not None else '?'}{extra}{who}{summary}"
        )
        lines += [f"  ! {n}" for n in arc.notes]
    return lines


def format_parts(parts: Sequence[MimePart]) -> list[str]:
    """The MIME tree, indented by depth."""
    lines = [tr("MIME structure:")]
    for p in parts:
        details = [p.content_type]
        if p.charset:
            details.append(f"charset={p.charset}")
        if p.transfer_encoding:
            details.append(p.transfer_encoding)
        details.append(f"{p.size} bytes")
        if p.filename:
            details.append(f'"{p.filename}"')
        if p.disposition:
            details.append(p.disposition)
        lines.append(f"  {'  ' * p.depth}{p.path} " + "  ".join(details))
        lines += [f"  {'  ' * p.depth}  ! {n}" for n in p.notes]
    return lines


def format_inspection(ins: Inspection) -> str:
    """The whole inspection as plain text (already sanitized)."""
    lines = [
        f"Date:        {ins.date or '-'}"
        + (f"  ({_utc(ins.date_ts)} UTC)" if ins.date_ts is not None else ""),
        f"From:        {ins.sender or '-'}",
        f"Subject:     {ins.subject or '-'}",
        f"Message-ID:  {ins.message_id or '-'}",
        f"Return-Path: {ins.return_path or '-'}",
        "",
        *format_hops(ins.hops),
        "",
        *format_auth(ins),
        "",
        *format_parts(ins.parts),
    ]
    if ins.crypto:
        lines += ["", "Signed / encrypted (verify with --verify):", *[f"  {line}" for line in ins.crypto]]
    if ins.delivery_report is not None:
        lines += ["", *format_delivery_report(ins.delivery_report)]
    if ins.notes:
        lines += ["", "Notes:", *[f"  ! {n}" for n in ins.notes]]
    return "\n".join(lines)
