"""Authentication headers summarised: Authentication-Results (RFC 8601), Received-SPF,
DKIM-Signature and ARC (RFC 8617).

Anyone can write an Authentication-Results header, so a verdict counts only when its
authserv-id is one the admin trusts (`ui.trusted_authserv_ids`, like aerc's
trusted-authres); the others are still shown, marked untrusted. Pure; never raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mailtui.core.i18n import tr
from mailtui.core.message.decode import unfold
from mailtui.core.sanitize import clean_line

_METHOD = re.compile(r"^([A-Za-z0-9_-]+)(?:/(\d+))?=([A-Za-z0-9_-]*)$")
_TAG = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*=(.*)$", re.DOTALL)


@dataclass(frozen=True)
class AuthResult:
    """One method=result of an Authentication-Results header, with its properties."""

    method: str
    result: str
    reason: str | None = None
    properties: tuple[tuple[str, str], ...] = ()  # ("smtp.mailfrom", "a@b"), ("header.d", "b")
    comment: str | None = None

    def prop(self, key: str) -> str | None:
        """The value of property `key` (like "header.from"), case-insensitive."""
        return next((v for k, v in self.properties if k.lower() == key.lower()), None)


@dataclass(frozen=True)
class AuthResults:
    """One Authentication-Results (or ARC-Authentication-Results) header."""

    authserv_id: str | None
    trusted: bool
    results: tuple[AuthResult, ...]
    notes: tuple[str, ...] = ()
    instance: int | None = None  # ARC-Authentication-Results i=


@dataclass(frozen=True)
class ReceivedSpf:
    """A Received-SPF header (RFC 7208 9.1): the result, its comment and key=value pairs."""

    result: str
    comment: str | None
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DkimSignature:
    """A DKIM-Signature (RFC 6376), without the signature itself."""

    domain: str | None  # d=
    selector: str | None  # s=
    algorithm: str | None  # a=
    canonicalization: str | None  # c=
    signed_headers: tuple[str, ...]  # h=
    body_hash_present: bool  # bh=
    identity: str | None  # i=
    timestamp: str | None  # t=
    expiration: str | None  # x=
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ArcSet:
    """One ARC header: ARC-Seal, ARC-Message-Signature or ARC-Authentication-Results, summarised."""

    kind: str  # "seal", "message-signature", "authentication-results"
    instance: int | None  # i=
    chain_validation: str | None  # cv= (ARC-Seal only)
    domain: str | None
    selector: str | None
    results: AuthResults | None = None
    notes: tuple[str, ...] = ()


def _tokens(value: str) -> tuple[list[list[tuple[str, str]]], list[str]]:
    """Segments split on top-level ';', each a list of ("word"|"comment", text); plus problems.

    Quoted strings stay inside their word (quotes removed); '=' and '.' glue words, so
    "dkim = pass" and "header . d = x" read as one token each.
    """
    segments: list[list[tuple[str, str]]] = [[]]
    problems: list[str] = []
    word, depth, comment, quoted, i = "", 0, "", False, 0
    while i < len(value):
        ch = value[i]
        if depth:
            if ch == "\\" and i + 1 < len(value):
                comment += value[i + 1]
                i += 1
            elif ch == "(":
                depth += 1
                comment += ch
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    segments[-1].append(("comment", comment.strip()))
                    comment = ""
                else:
                    comment += ch
            else:
                comment += ch
        elif quoted:
            if ch == "\\" and i + 1 < len(value):
                word += value[i + 1]
                i += 1
            elif ch == '"':
                quoted = False
            else:
                word += ch
        elif ch == '"':
            quoted = True
        elif ch == "(":
            if word:
                segments[-1].append(("word", word))
                word = ""
            depth = 1
        elif ch == ";":
            if word:
                segments[-1].append(("word", word))
                word = ""
            segments.append([])
        elif ch.isspace():
            if word:
                segments[-1].append(("word", word))
                word = ""
        else:
            word += ch
        i += 1
    if word:
        segments[-1].append(("word", word))
    if depth:
        problems.append(tr("unclosed comment"))
        segments[-1].append(("comment", comment.strip()))
    if quoted:
        problems.append(tr("unclosed quoted string"))
    return [_glue(s) for s in segments], problems


def _glue(segment: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Join words around '=' and '.' ("dkim", "=", "pass" -> "dkim=pass")."""
    # Pieces are collected and joined once: "a= = = =..." must not copy a growing string.
    out: list[tuple[str, list[str]]] = []
    for kind, text in segment:
        if (
            kind == "word"
            and out
            and out[-1][0] == "word"
            and (out[-1][1][-1].endswith(("=", ".")) or text.startswith(("=", ".")))
        ):
            out[-1][1].append(text)
        else:
            out.append((kind, [text]))
    return [(kind, "".join(pieces)) for kind, pieces in out]


def parse_authentication_results(
    raw: str, trusted_ids: Sequence[str] = (), *, arc: bool = False
) -> AuthResults:
    """Parse an Authentication-Results value; `trusted` when its authserv-id is in `trusted_ids`.

    With `arc=True` the value starts with the ARC instance "i=N;".
    """
    value = clean_line(unfold(raw))
    segments, notes = _tokens(value)
    instance = None
    if arc and segments and segments[0] and segments[0][0][0] == "word":
        m = re.fullmatch(r"i=(\d+)", segments[0][0][1])
        if m:
            instance = int(m.group(1))
            segments = segments[1:]
        else:
            notes.append(tr("ARC instance i= missing"))
    authserv_id = None
    head = [t for k, t in segments[0] if k == "word"] if segments else []
    if head and not _METHOD.match(head[0]):
        authserv_id = head[0]
        body = segments[1:]
    else:  # Exchange Online writes no authserv-id at all
        notes.append(tr("no authserv-id: cannot be attributed to a server, so never trusted"))
        body = segments
    results: list[AuthResult] = []
    for seg in body:
        words = [t for k, t in seg if k == "word"]
        if not words:
            continue
        if words[0].lower() == "none" and len(words) == 1:
            continue  # "; none": no authentication was done
        result = _result(seg)
        if result is None:
            notes.append(tr("unreadable result: {text}", text=" ".join(words)[:60]))
        else:
            results.append(result)
    trusted_set = {t.lower() for t in trusted_ids}
    trusted = authserv_id is not None and authserv_id.lower() in trusted_set
    return AuthResults(authserv_id, trusted, tuple(results), tuple(dict.fromkeys(notes)), instance)


def _result(seg: list[tuple[str, str]]) -> AuthResult | None:
    first = next((t for k, t in seg if k == "word"), "")
    m = _METHOD.match(first)
    if not m or not m.group(3):
        return None
    reason = None
    props: list[tuple[str, str]] = []
    comments: list[str] = []
    seen_first = False
    for kind, text in seg:
        if kind == "comment":
            comments.append(text)
            continue
        if not seen_first:
            seen_first = True
            continue
        key, sep, val = text.partition("=")
        if not sep:
            continue
        if key.lower() == "reason":
            reason = val
        else:
            props.append((key, val))
    return AuthResult(
        method=m.group(1).lower(),
        result=m.group(3).lower(),
        reason=reason,
        properties=tuple(props),
        comment="; ".join(comments) or None,
    )


def parse_received_spf(raw: str) -> ReceivedSpf:
    """Parse a Received-SPF value: "pass (comment) client-ip=...; helo=...; ..."."""
    value = clean_line(unfold(raw))
    segments, _ = _tokens(value)
    first = segments[0] if segments else []
    words = [t for k, t in first if k == "word"]
    result = words[0].lower() if words else "?"
    comment = next((t for k, t in first if k == "comment"), None)
    pairs: list[tuple[str, str]] = []
    for i, seg in enumerate(segments):
        for kind, text in seg:
            if kind == "word" and "=" in text and not (i == 0 and text == words[0]):
                key, _, val = text.partition("=")
                pairs.append((key.lower(), val))
    return ReceivedSpf(result, comment, tuple(pairs))


def _tags(raw: str) -> dict[str, str]:
    """A DKIM-style tag list "a=b; c=d" (RFC 6376 3.2), whitespace removed from values."""
    tags: dict[str, str] = {}
    for item in clean_line(unfold(raw)).split(";"):
        m = _TAG.match(item)
        if m:
            tags.setdefault(m.group(1).lower(), re.sub(r"\s+", "", m.group(2)))
    return tags


def parse_dkim_signature(raw: str) -> DkimSignature:
    """Summarise a DKIM-Signature: d=, s=, a=, c=, the signed header list, bh= present."""
    tags = _tags(raw)
    notes = [
        tr("required tag {tag}= missing", tag=t)
        for t in ("v", "a", "b", "bh", "d", "h", "s")
        if not tags.get(t)
    ]
    if tags.get("a", "").lower() == "rsa-sha1":
        notes.append(tr("rsa-sha1 is obsolete (RFC 8301): verifiers treat it as failing"))
    headers = tuple(h for h in tags.get("h", "").split(":") if h)
    if headers and "from" not in {h.lower() for h in headers}:
        notes.append(tr("h= does not include From: the signature is invalid (RFC 6376 5.4)"))
    return DkimSignature(
        domain=tags.get("d"),
        selector=tags.get("s"),
        algorithm=tags.get("a"),
        canonicalization=tags.get("c"),
        signed_headers=headers,
        body_hash_present=bool(tags.get("bh")),
        identity=tags.get("i"),
        timestamp=tags.get("t"),
        expiration=tags.get("x"),
        notes=tuple(notes),
    )


def parse_arc(name: str, raw: str, trusted_ids: Sequence[str] = ()) -> ArcSet:
    """Summarise an ARC-Seal, ARC-Message-Signature or ARC-Authentication-Results header."""
    kind = name.lower().removeprefix("arc-")
    if kind == "authentication-results":
        results = parse_authentication_results(raw, trusted_ids, arc=True)
        return ArcSet(kind, results.instance, None, results.authserv_id, None, results, results.notes)
    tags = _tags(raw)
    notes = []
    instance = int(tags["i"]) if tags.get("i", "").isdigit() else None
    if instance is None:
        notes.append(tr("instance i= missing or not a number"))
    cv = tags.get("cv") if kind == "seal" else None
    if kind == "seal" and cv is None:
        notes.append(tr("cv= missing"))
    return ArcSet(kind, instance, cv, tags.get("d"), tags.get("s"), None, tuple(notes))
