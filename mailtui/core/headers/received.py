"""Received headers (RFC 5321 4.4) parsed into a hop table: who handed the mail to whom, when.

Every MTA writes its own dialect (Postfix, Exim, Sendmail, Exchange, Gmail, qmail); the
parser splits the clauses `from by via with id for` outside comments, takes the date after
the last top-level ";" and reads helo, reverse DNS, IP and TLS details from the comments.
Headers come newest first; the table is oldest first with the delay since the previous
hop and anomalies flagged (clock skew, slow hops, missing or unparsable dates).
Pure: str in, values out; never raises.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from mailtui.core.i18n import tr
from mailtui.core.message.decode import date_out_of_range, parse_date, unfold
from mailtui.core.sanitize import clean_line

DateIssue = Literal["", "missing", "unparsable", "out-of-range"]

SLOW_HOP_SECONDS = 60
_KEYWORDS = frozenset({"from", "by", "via", "with", "id", "for"})
_TLS_PROTOCOLS = re.compile(
    r"^(?:e?smtps|esmtpsa|lmtps|utf8smtps|utf8smtpsa|esmtpa?s|smtps|imaps|https)$", re.I
)
_TLS_VERSION = re.compile(r"\b(TLS\s*v?1(?:[._]\d)?|SSL\s*v?3)\b", re.I)
_CIPHER = re.compile(r"\bcipher[= ]\s*([A-Za-z0-9_-]+)", re.I)
_EXIM_TLS = re.compile(r"\btls\s+([A-Z0-9][A-Z0-9_-]+)")
_EXIM_OLD_TLS = re.compile(r"^(TLS1[._]\d|TLSv1(?:\.\d)?):([A-Za-z0-9_-]+):\d+$", re.I)
_RDNS_IP = re.compile(r"^([^\s\[\]()]+?)\.?\s+\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]")
_BRACKET_IP = re.compile(r"\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]")
_BARE_IP = re.compile(
    r"(?<![\w.:])([0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?![\w.:])"
)
_HELO = re.compile(r"\bhelo[= ]\s*([^\s()]+)", re.I)
_AUTH_SENDER = re.compile(r"\bauthenticated sender:\s*([^\s()]+)", re.I)
_AUTH_PROTOCOL = re.compile(r"^(?:e?smtps?a|esmtpsa|utf8smtps?a|lmtps?a)$", re.I)
_TRAILING_DATE = re.compile(
    r"((?:[A-Z][a-z]{2},\s*)?\d{1,2}\s+[A-Z][a-z]{2}\s+\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?.*)$"
)


@dataclass(frozen=True)
class Received:
    """One Received header, parsed. Every str is one sanitized line."""

    raw: str
    from_helo: str | None = None
    from_rdns: str | None = None
    from_ip: str | None = None
    by_host: str | None = None
    via: str | None = None
    protocol: str | None = None
    tls: bool | None = None  # None: nothing says
    tls_version: str | None = None
    tls_cipher: str | None = None
    id: str | None = None
    for_addr: str | None = None
    authenticated: str | None = None  # the SMTP AUTH user when stated, "yes" when only implied
    date_text: str | None = None
    timestamp: float | None = None
    comments: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # What is wrong with the date, for code that acts on it (the note says it in the current language).
    date_issue: DateIssue = ""
    date_note: str = ""


@dataclass(frozen=True)
class Hop:
    """A Received header in the chain: number 1 is the oldest; `delay` since the previous hop."""

    number: int
    received: Received
    delay: float | None
    anomalies: tuple[str, ...]


@dataclass(frozen=True)
class HopTable:
    """The Received chain, oldest first, with the total transit time where dates allow."""

    hops: tuple[Hop, ...]
    total: float | None
    anomalies: tuple[str, ...]


def _split_top(value: str) -> tuple[list[str], list[tuple[str, int]]]:
    """Words outside parentheses, and comments with the number of words before each.

    The count tells which clause a comment belongs to (the keyword in force before it).
    An unclosed comment runs to the end, so "garbage ((((" does not read as clauses.
    """
    words: list[str] = []
    comments: list[tuple[str, int]] = []
    depth, start, word = 0, 0, ""
    for i, ch in enumerate(value):
        if ch == "(":
            if depth == 0:
                if word:
                    words.append(word)
                    word = ""
                start = i + 1
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            if depth == 0:
                comments.append((value[start:i].strip(), len(words)))
        elif depth == 0:
            if ch.isspace():
                if word:
                    words.append(word)
                    word = ""
            else:
                word += ch
    if depth:
        comments.append((value[start:].strip(), len(words)))
    if word:
        words.append(word)
    return words, comments


def _last_semicolon(value: str) -> int:
    depth, found = 0, -1
    for i, ch in enumerate(value):
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        elif ch == ";" and depth == 0:
            found = i
    return found


def parse_received(raw: str) -> Received:
    """Parse one Received header value (without the "Received:" name). Never raises."""
    value = clean_line(unfold(raw))
    try:
        return _parse(value)
    except Exception as exc:  # a parser must not take the inspector down; say so instead
        return Received(raw=value, notes=(tr("could not parse ({error})", error=type(exc).__name__),))


def _parse(value: str) -> Received:
    notes: list[str] = []
    semi = _last_semicolon(value)
    if semi >= 0:
        clauses_text, date_text = value[:semi], value[semi + 1 :].strip()
    else:
        m = _TRAILING_DATE.search(value)
        clauses_text, date_text = (value[: m.start()], m.group(1)) if m else (value, "")
        notes.append(tr("no ';' before the date") if m else tr("no date"))
    issue: DateIssue = "" if date_text else "missing"
    date_note = "" if date_text else notes[-1]
    timestamp = parse_date(date_text) if date_text else None
    if date_text and timestamp is None:
        if date_out_of_range(date_text):
            issue = "out-of-range"
            date_note = tr(
                "Date cannot be represented (year out of range): shown as written: {date}",
                date=date_text[:60],
            )
        else:
            issue, date_note = "unparsable", tr("unparsable date: {date}", date=date_text[:60])
        notes.append(date_note)
    words, comments = _split_top(clauses_text)
    clauses: dict[str, list[str]] = {}
    clause_comments: dict[str, list[str]] = {}
    current = None
    # which clause each comment follows: the keyword in force at its position
    owner_at: list[str | None] = []
    for word in words:
        if word.lower() in _KEYWORDS and word.lower() not in clauses:
            current = word.lower()
            clauses[current] = []
        elif current is not None:
            clauses[current].append(word)
        owner_at.append(current)
    for text, pos in comments:
        owner = owner_at[pos - 1] if 0 < pos <= len(owner_at) else None
        clause_comments.setdefault(owner or "", []).append(text)
    all_comments = [c for c, _ in comments]
    from_token = _first(clauses.get("from"))
    helo, rdns, ip = _from_details(from_token, clause_comments.get("from", []))
    protocol = " ".join(clauses.get("with", [])) or None
    with_extra = " ".join(clauses.get("with", [])[1:])
    version, cipher, tls_said = _tls_details(all_comments, with_extra)
    if protocol and _EXIM_TLS.search(protocol):
        protocol = protocol.split()[0]
    tls: bool | None = None
    if tls_said or (protocol and _TLS_PROTOCOLS.match(protocol.split()[0])):
        tls = True
    elif protocol:
        tls = False
    if not clauses:
        notes.append(tr("no from/by/with clauses"))
    auth_user = next((m.group(1) for c in all_comments if (m := _AUTH_SENDER.search(c))), None)
    authenticated = auth_user or (
        "yes"
        if (protocol and _AUTH_PROTOCOL.match(protocol.split()[0]))
        or any(c.lower().startswith("authenticated") for c in all_comments)
        else None
    )
    return Received(
        raw=value,
        from_helo=helo,
        from_rdns=rdns,
        from_ip=ip,
        by_host=_first(clauses.get("by")),
        via=" ".join(clauses.get("via", [])) or None,
        protocol=protocol,
        tls=tls,
        tls_version=version,
        tls_cipher=cipher,
        id=_first(clauses.get("id")),
        for_addr=(_first(clauses.get("for")) or "").strip("<>") or None,
        authenticated=authenticated,
        date_text=date_text or None,
        timestamp=timestamp,
        comments=tuple(all_comments),
        notes=tuple(notes),
        date_issue=issue,
        date_note=date_note,
    )


def _first(tokens: list[str] | None) -> str | None:
    return tokens[0].rstrip(";") if tokens else None


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _from_details(token: str | None, comments: list[str]) -> tuple[str | None, str | None, str | None]:
    """(helo, reverse DNS, IP) from the from-token and its comments, across dialects.

    Postfix/Sendmail/Gmail: `from HELO (RDNS [IP])`; Exim: `from RDNS ([IP] helo=HELO)`;
    qmail: `from RDNS (HELO name) (IP)`; Exchange: `from HELO (IP)`.
    """
    helo = rdns = ip = None
    explicit_helo = None
    for comment in comments:
        m = _RDNS_IP.match(comment)
        if m and rdns is None and ip is None:
            rdns, ip = m.group(1), m.group(2)
        h = _HELO.search(comment)
        if h and explicit_helo is None:
            explicit_helo = h.group(1)
        if ip is None:
            b = _BRACKET_IP.search(comment) or _BARE_IP.search(comment)
            if b and _is_ip(b.group(1)):
                ip = b.group(1)
    literal = _BRACKET_IP.fullmatch(token or "")
    if explicit_helo is not None:  # Exim, qmail: the from-token is the reverse DNS name
        helo = explicit_helo
        if token and not literal:
            rdns = rdns or token
    else:
        helo = token
    if literal and ip is None and _is_ip(literal.group(1)):
        ip = literal.group(1)
    if rdns and rdns.lower() in {"unknown", "may", "[unknown]"}:
        rdns = None
    if rdns and _is_ip(rdns):
        ip, rdns = ip or rdns, None
    if ip and not _is_ip(ip):
        ip = None
    return helo, rdns, ip


def _tls_details(comments: list[str], with_extra: str) -> tuple[str | None, str | None, bool]:
    """(TLS version, cipher, TLS stated) from comments in any of the known dialects."""
    version = cipher = None
    said = False
    texts = [*comments, with_extra]
    for text in texts:
        old = _EXIM_OLD_TLS.match(text.strip())
        if old:
            return _norm_version(old.group(1)), old.group(2), True
        if "google transport security" in text.lower():
            said = True
        v = _TLS_VERSION.search(text)
        if v and version is None:
            version = _norm_version(v.group(1))
        c = _CIPHER.search(text) or _EXIM_TLS.search(text)
        if c and cipher is None:
            cipher = c.group(1)
    return version, cipher, said or version is not None or cipher is not None


def _norm_version(text: str) -> str:
    """TLS1_2, TLS1.2, TLSv1.2 -> TLSv1.2 (one spelling for the table)."""
    m = re.match(r"(TLS|SSL)\s*v?(\d)(?:[._](\d))?", text, re.I)
    if not m:
        return text
    return f"{m.group(1).upper()}v{m.group(2)}" + (f".{m.group(3)}" if m.group(3) else "")


def build_hop_table(values: Sequence[str]) -> HopTable:
    """The hop table from Received values in header order (newest first, as in the message)."""
    parsed = [parse_received(v) for v in reversed(values)]
    hops: list[Hop] = []
    previous: float | None = None
    anomalies: list[str] = []
    for number, rec in enumerate(parsed, 1):
        hop_anomalies: list[str] = [rec.date_note] if rec.date_issue in {"missing", "unparsable"} else []
        delay = None
        if rec.timestamp is not None and previous is not None:
            delay = rec.timestamp - previous
            if delay < 0:
                hop_anomalies.append(
                    tr("negative delay {delay}: clock skew between hosts", delay=format_delay(delay))
                )
            elif delay > SLOW_HOP_SECONDS:
                hop_anomalies.append(tr("slow hop: {delay}", delay=format_delay(delay)))
        if rec.timestamp is not None:
            previous = rec.timestamp
        hops.append(Hop(number, rec, delay, tuple(hop_anomalies)))
        anomalies.extend(tr("hop {number}: {anomaly}", number=number, anomaly=a) for a in hop_anomalies)
    stamps = [h.received.timestamp for h in hops if h.received.timestamp is not None]
    total = stamps[-1] - stamps[0] if len(stamps) >= 2 else None
    return HopTable(tuple(hops), total, tuple(anomalies))


def format_delay(seconds: float | None) -> str:
    """A delay for the table: "0s", "45s", "3m05s", "2h01m", "-12s"; "?" when unknown."""
    if seconds is None:
        return "?"
    sign = "-" if seconds < 0 else ""
    s = int(round(abs(seconds)))
    if s < 60:
        return f"{sign}{s}s"
    if s < 3600:
        return f"{sign}{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{sign}{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{sign}{s // 86400}d{s % 86400 // 3600:02d}h"
