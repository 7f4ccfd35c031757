"""Explain SMTP reply codes and enhanced status codes, in English or Simplified Chinese.

Pure: text in, values out. Finds the codes in anything an admin pastes (a reply line, a
multi-line reply, a Postfix log line, a whole bounce with its DSN part) and explains each one
from the knowledge base in `codes_data*.py`: what it means, temporary or permanent, what to do,
the usual causes, and hints from cue words in the server's text ("greylisted", "spamhaus"...).
Unknown codes get a class-level explanation; nothing here raises on odd input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from mailtui.core.codes.data.enhanced_content import ENHANCED_MEDIA
from mailtui.core.codes.data.enhanced_delivery import ENHANCED_A
from mailtui.core.codes.data.enhanced_policy import ENHANCED_X7
from mailtui.core.codes.data.general import (
    ENHANCED_CLASSES,
    ENHANCED_SUBJECTS,
    LABELS,
    REPLY_CATEGORIES,
    REPLY_CLASSES,
    Entry,
    Hint,
    Lang,
)
from mailtui.core.codes.data.hints import HINTS
from mailtui.core.codes.data.replies import REPLY_CODES as _REPLY_2_TO_4
from mailtui.core.codes.data.replies_permanent import REPLY_CODES_5XX
from mailtui.core.sanitize import clean_line

Severity = Literal["success", "intermediate", "temporary", "permanent", "unknown"]

REPLY_CODES: dict[int, Entry] = {**_REPLY_2_TO_4, **REPLY_CODES_5XX}
ENHANCED_CODES: dict[tuple[int, int], Entry] = {**ENHANCED_A, **ENHANCED_MEDIA, **ENHANCED_X7}

_SEP: dict[str, str] = {"en": " ", "zh": ""}  # between sentences: Chinese puts no space
_HINT_RES: tuple[tuple[Hint, re.Pattern[str]], ...] = tuple(
    (h, re.compile(h.pattern, re.IGNORECASE)) for h in HINTS
)


@dataclass(frozen=True)
class CodeInfo:
    """What one code means, in one language. `known` is False for class-level fallbacks."""

    code: str
    summary: str
    detail: str
    action: str
    causes: tuple[str, ...] = ()  # "cause → fix"
    ref: str = ""
    known: bool = True


@dataclass(frozen=True)
class Explanation:
    """One reply (basic code and/or enhanced code) found in a text, explained."""

    reply_code: int | None
    enhanced_code: str | None
    severity: Severity
    reply: CodeInfo | None
    enhanced: CodeInfo | None
    hints: tuple[str, ...]  # "label: meaning and fix", from cue words in the text
    text: str  # the server's line, as found (untrusted)
    lang: Lang = "en"
    causes: tuple[str, ...] = ()  # enhanced code's then reply's, those the text points at first


def normalize_lang(lang: str | None) -> Lang:
    """Map "zh", "zh-CN", "zh_Hans", "ZH" to "zh" and anything else (or nothing) to "en"."""
    return "zh" if (lang or "").strip().lower().replace("_", "-").split("-")[0] == "zh" else "en"


# ---------------------------------------------------------------------------- lookups


def reply_info(code: int, lang: str = "en") -> CodeInfo:
    """Explain a basic reply code; unknown codes get their class (first two digits) explained."""
    lg = normalize_lang(lang)
    labels = LABELS[lg]
    entry = REPLY_CODES.get(code)
    if entry is not None:
        t = entry.text(lg)
        return CodeInfo(str(code), t.summary, t.detail, t.action, t.causes, entry.ref)
    klass = REPLY_CLASSES.get(code // 100) if 200 <= code <= 599 else None
    if klass is None:
        return CodeInfo(
            str(code), labels["not_a_reply"].format(code=code), "", "", (), "RFC 5321 §4.2", False
        )
    category = REPLY_CATEGORIES.get(code // 10 % 10)
    t = klass.text(lg)
    summary = labels["unknown_reply"].format(
        code=code,
        klass=t.summary,
        category=category[1 if lg == "zh" else 0] if category else labels["category_unknown"],
    )
    return CodeInfo(
        str(code),
        summary,
        labels["unknown_reply_detail"] + _SEP[lg] + t.detail,
        t.action,
        (),
        klass.ref,
        False,
    )


def enhanced_info(code: str, lang: str = "en") -> CodeInfo:
    """Explain an enhanced status code "class.subject.detail"; unknown parts fall back to class/subject."""
    lg = normalize_lang(lang)
    labels = LABELS[lg]
    parts = code.strip().split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return CodeInfo(code, labels["unknown_class"].format(code=code), "", "", (), "RFC 3463", False)
    klass_n, subject, detail = (int(p) for p in parts)
    klass = ENHANCED_CLASSES.get(klass_n)
    if klass is None:
        return CodeInfo(code, labels["unknown_class"].format(code=code), "", "", (), "RFC 3463", False)
    kt = klass.text(lg)
    entry = ENHANCED_CODES.get((subject, detail))
    if entry is not None:
        t = entry.text(lg)
        detail_text = f"{t.detail}（{kt.summary}）" if lg == "zh" else f"{t.detail} ({kt.summary})"
        return CodeInfo(code, t.summary, detail_text, t.action, t.causes, entry.ref)
    subject_names = ENHANCED_SUBJECTS.get(subject)
    if subject_names is None:
        summary = labels["unknown_subject"].format(code=code, klass=kt.summary, subject=subject)
        return CodeInfo(code, summary, kt.detail, kt.action, (), klass.ref, False)
    # Known subject, unregistered detail: vendors (Microsoft above all) extend the detail freely.
    subject_name = subject_names[1 if lg == "zh" else 0]
    summary = labels["unknown_detail"].format(klass=kt.summary, subject=subject_name, detail=detail)
    detail_text = labels["vendor_detail"].format(detail=detail, klass_detail=kt.detail, subject=subject_name)
    return CodeInfo(
        code, summary, detail_text, labels["read_text"] + _SEP[lg] + kt.action, (), "RFC 3463", False
    )


# ---------------------------------------------------------------------------- parsing

# A basic reply code, optionally followed by an enhanced code ("550 5.1.1", "550-5.1.1", "#550 5.1.1").
_REPLY_RE = re.compile(
    r"(?<![\w.\-])(?P<reply>[2-5]\d\d)(?:[ \-]#?(?P<enh>[245]\.\d{1,3}\.\d{1,3})(?!\w|\.\d))?"
    # then a space, "-", punctuation or the end: not "550@", "5500", "550.5"
    r"""(?=$|[\s\-'")\],;:]|\.(?!\d))""",
    re.ASCII,  # ASCII digits only: int() would happily read "５５０"
)
_ENH_RE = re.compile(r"(?<![\w.])#?(?P<enh>[245]\.\d{1,3}\.\d{1,3})(?!\w|\.\d)", re.ASCII)
_ENH_PREFIX_RE = re.compile(r"^\s*#?(?P<enh>[245]\.\d{1,3}\.\d{1,3})(?!\w|\.\d)", re.ASCII)
# Before a bare code, these make it a reply code and not a number in prose ("size 512 bytes").
_STRONG_CHARS = ";:'\"(#[<>"
_STRONG_WORDS = ("said", "returned", "smtp", "reply", "response", "code", "error", "status", "<-", "->")


def _strong_context(line: str, start: int, *, reply: bool) -> bool:
    raw = line[:start]
    prefix = raw.rstrip()
    if not prefix:
        return True
    if prefix[-1] == ":" and raw == prefix:
        return False  # "host:587", "04:01:12": a port or a time, not "said: 550"
    if prefix[-1] == "=":
        return not reply  # "dsn=5.1.1" yes, "SIZE=512" no
    return prefix[-1] in _STRONG_CHARS or prefix.lower().endswith(_STRONG_WORDS)


def _find_codes(line: str) -> list[tuple[int | None, str | None]]:
    """The (reply, enhanced) pairs in one line, in order."""
    found: list[tuple[int, tuple[int | None, str | None]]] = []
    taken: list[tuple[int, int]] = []
    for m in _REPLY_RE.finditer(line):
        enh = m.group("enh")
        if enh or _strong_context(line, m.start(), reply=True):
            found.append((m.start(), (int(m.group("reply")), enh)))
            taken.append(m.span())
    for m in _ENH_RE.finditer(line):
        if any(a <= m.start() < b for a, b in taken):
            continue
        enh = m.group("enh")
        _, subject, detail = (int(p) for p in enh.split("."))
        # In prose ("Exim 4.94.2", "Dovecot 2.3.19") accept only registered or vendor-style (>= 100) codes.
        if (
            _strong_context(line, m.start(), reply=False)
            or (subject, detail) in ENHANCED_CODES
            or (subject <= 7 and detail >= 100)
        ):
            found.append((m.start(), (None, enh)))
    return [key for _, key in sorted(found, key=lambda f: f[0])]


# A header field's first line ("Diagnostic-Code: smtp; 550 ..."): lines indented under it are its
# folded rest (RFC 5322 section 2.2.3), not new text.
_FIELD_START_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:")


def unfold_fields(text: str) -> list[str]:
    """The lines of `text` with folded header fields joined, each fold one space.

    "Diagnostic-Code: smtp; 550 5.1.1 <a@b>: Recipient address\n    rejected: User unknown" is one
    line then; an indented line under text that is not a field (Postfix's "(in reply to RCPT TO
    command)") stays a line of its own.
    """
    lines: list[str] = []
    field = False
    for line in text.splitlines():
        if field and line[:1] in (" ", "\t") and line.strip():
            lines[-1] = f"{lines[-1].rstrip()} {line.strip()}"
            continue
        field = bool(_FIELD_START_RE.match(line))
        lines.append(line)
    return lines


def _surroundings(lines: list[str], coded: list[bool], i: int) -> str:
    """Line i with the neighbouring lines that carry no code of their own, up to a blank line.

    Wrapped bounce text continues a reply on the next lines (Postfix), and Exim says the stage
    ("after RCPT TO") on the line before; a log line with its own code is another reply.
    """
    start, end = i, i
    while start > 0 and lines[start - 1].strip() and not coded[start - 1]:
        start -= 1
    while end + 1 < len(lines) and lines[end + 1].strip() and not coded[end + 1]:
        end += 1
    return " ".join(line.strip() for line in lines[start : end + 1])


def _match_hints(text: str) -> list[Hint]:
    flat = " ".join(text.split())
    return [hint for hint, rx in _HINT_RES if rx.search(flat)]


_SEVERITY_OF_DIGIT: dict[str, Severity] = {
    "2": "success",
    "3": "intermediate",
    "4": "temporary",
    "5": "permanent",
}


def _severity(reply: int | None, enhanced: str | None) -> Severity:
    digit = str(reply)[0] if reply is not None else (enhanced[0] if enhanced else "")
    return _SEVERITY_OF_DIGIT.get(digit, "unknown")


_ENHANCED_IN_TEXT = re.compile(r"\b[245]\.\d{1,3}\.\d{1,3}\b")


def _cause_head(cause: str) -> str:
    """What a cause is about, for spotting one given twice: its words before a colon, a
    parenthesis or the arrow, lower-cased, quotes dropped ("'Relay access denied'" and
    "Relay access denied (550/554 5.7.1)" are one)."""
    head = re.split(r"[:(→]", cause.split("→")[0])[0]
    return " ".join(head.replace("'", " ").lower().split())


def _causes(reply: int | None, enhanced: str | None, cues: list[Hint], lg: Lang) -> tuple[str, ...]:
    """Usual causes without repeats, those mentioning what the server's text mentions first.

    Ranked on the English text (the cues are English server words), the same order in Chinese:
    the two languages list their causes in parallel.
    """
    infos: list[tuple[CodeInfo, CodeInfo]] = []
    if enhanced:
        infos.append((enhanced_info(enhanced, "en"), enhanced_info(enhanced, lg)))
    if reply is not None:
        infos.append((reply_info(reply, "en"), reply_info(reply, lg)))
    pairs: dict[str, str] = {}
    heads: set[str] = set()
    for n, (en, local) in enumerate(infos):
        for en_cause, cause in zip(en.causes, local.causes, strict=False):
            head = _cause_head(en_cause)
            if head in heads:
                continue  # the same cause from the reply code, worded otherwise
            named = set(_ENHANCED_IN_TEXT.findall(en_cause))
            if enhanced and n > 0 and named and enhanced not in named:
                continue  # the reply code's cause for another enhanced code (550 5.1.1 under 5.7.1)
            heads.add(head)
            pairs.setdefault(en_cause, cause)
    res = [rx for hint, rx in _HINT_RES if hint in cues and not hint.key.startswith("stage_")]
    ranked = sorted(pairs, key=lambda en_cause: not any(rx.search(en_cause) for rx in res))
    return tuple(pairs[en_cause] for en_cause in ranked)


def _build(reply: int | None, enhanced: str | None, context: str, text: str, lg: Lang) -> Explanation:
    cues = _match_hints(context)
    hints = [f"{h.label(lg)}{LABELS[lg]['colon']}{h.text(lg)}" for h in cues]
    if reply is not None and enhanced and str(reply)[0] != enhanced[0]:
        hints.append(LABELS[lg]["mismatch"].format(reply=reply, enhanced=enhanced))
    reply_ci = reply_info(reply, lg) if reply is not None else None
    enhanced_ci = enhanced_info(enhanced, lg) if enhanced else None
    return Explanation(
        reply_code=reply,
        enhanced_code=enhanced,
        severity=_severity(reply, enhanced),
        reply=reply_ci,
        enhanced=enhanced_ci,
        hints=tuple(hints),
        text=text,
        lang=lg,
        causes=_causes(reply, enhanced, cues, lg),
    )


def explain(text: str, lang: str = "en") -> list[Explanation]:
    """Find and explain every reply/enhanced code in `text` (a line, a reply, a bounce), deduplicated.

    Accepts "550 5.1.1", "550", "5.1.1", multi-line "550-5.1.1 ..." replies, Postfix/Exim log lines,
    and whole bounce messages (Diagnostic-Code:, Status:, "said: ..."). Returns [] when no code is found.
    """
    lg = normalize_lang(lang)
    lines = unfold_fields(text)
    order: list[tuple[int | None, str | None]] = []
    first_line: dict[tuple[int | None, str | None], str] = {}
    contexts: dict[tuple[int | None, str | None], dict[str, None]] = {}
    per_line = [_find_codes(line) for line in lines]
    coded = [bool(keys) for keys in per_line]
    for i, line in enumerate(lines):
        for key in per_line[i]:
            if key not in first_line:
                order.append(key)
                first_line[key] = line.strip()
            contexts.setdefault(key, {})[_surroundings(lines, coded, i)] = None
    # The same reply is often seen twice: "Status: 5.1.1" next to "550 5.1.1", "250-" next to "250 2.0.0".
    paired_enh = {e for r, e in order if r is not None and e}
    paired_reply = {r for r, e in order if r is not None and e}
    keys = [
        (r, e)
        for r, e in order
        if not (r is None and e in paired_enh) and not (e is None and r in paired_reply)
    ]
    for r, e in order:  # a dropped duplicate's surroundings still speak about its pair
        if (r, e) not in keys:
            pair = next(k for k in keys if (k[1] == e if r is None else k[0] == r))
            contexts[pair].update(contexts[(r, e)])
    if len(keys) == 1:
        contexts[keys[0]] = {
            text: None
        }  # one reply: the whole text speaks about it (Exim puts the stage before)
    return [_build(r, e, " ".join(contexts[(r, e)]), first_line[(r, e)], lg) for r, e in keys]


def explain_reply(code: int, message: str = "", lang: str = "en") -> Explanation:
    """Explain one reply as a client got it: the code and its text (which may start with "5.1.1")."""
    lg = normalize_lang(lang)
    m = _ENH_PREFIX_RE.match(message)
    enhanced = m.group("enh") if m else None
    text = f"{code} {message}".strip()
    return _build(code, enhanced, message, text, lg)


def short_explanation(code: int, message: str = "", lang: str = "en", *, with_code: bool = True) -> str:
    """One line for annotating a transcript: "550 5.1.1 permanent error: Bad destination mailbox address".

    `with_code=False` leaves out the leading "550 5.1.1 " (for text shown next to the reply).
    """
    e = explain_reply(code, message, lang)
    labels = LABELS[e.lang]
    # "X.Y.0" says only "other or undefined": the reply code's own meaning says more then.
    specific = e.enhanced is not None and e.enhanced.known and not e.enhanced.code.endswith(".0")
    info = e.enhanced if specific else e.reply
    head = f"{code} {e.enhanced_code}" if e.enhanced_code else str(code)
    line = f"{labels['s_' + e.severity]}{labels['colon']}{info.summary if info else ''}"
    if with_code:
        line = f"{head} {line}"
    cues = _match_hints(message)
    if cues:
        line += " — " + ", ".join(h.label(e.lang) for h in cues[:2])
    return line


# ---------------------------------------------------------------------------- formatting


def format_explanation(e: Explanation) -> str:
    """A plain-text block for the CLI (no markup; server text is stripped of control characters)."""
    labels = LABELS[e.lang]
    c = labels["colon"]
    head = " ".join(
        x for x in (str(e.reply_code) if e.reply_code is not None else "", e.enhanced_code or "") if x
    )
    out = [f"{head} — {labels[e.severity]}"]
    if e.text:
        said = [clean_line(line) for line in e.text.splitlines() or [""]]  # server text: untrusted
        out.append(f"{labels['server_said']}{c}{said[0]}")
        out.extend(f"  {line}" for line in said[1:])
    for title, info in ((labels["reply"], e.reply), (labels["enhanced"], e.enhanced)):
        if info is None:
            continue
        out.append("")
        out.append(f"{title} {info.code}{c}{info.summary}" + (f"  [{info.ref}]" if info.ref else ""))
        if info.detail:
            out.append(f"  {info.detail}")
        if info.action:
            out.append(f"  {labels['action']}{c}{info.action}")
    if e.causes:
        out.append("")
        out.append(f"{labels['causes']}{c.rstrip()}")
        out.extend(f"  - {cause}" for cause in e.causes)
    if e.hints:
        out.append("")
        out.append(f"{labels['hints']}{c.rstrip()}")
        out.extend(f"  - {hint}" for hint in e.hints)
    return "\n".join(out)
