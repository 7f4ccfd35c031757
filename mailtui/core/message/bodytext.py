"""The readable text of a message: which parts to show and how to turn them into text.

text/plain is preferred over text/html (converted with html2text: links kept, no
wrapping); mixed parts are shown one after the other; bounces show their delivery-status
fields and enclosed messages their main headers and body. Output is NOT sanitized yet:
message.py passes it through `clean_text`.
"""

from __future__ import annotations

import html as _html
import re
import time
from dataclasses import dataclass, field
from email.message import Message

import html2text

from mailtui.core.message.decode import decode_address_list, decode_bytes, decode_header_value, format_address
from mailtui.core.message.limits import DEPTH_NOTE
from mailtui.core.message.mimeparts import (
    ENCLOSED_MESSAGES,
    LEAF_CONTAINERS,
    MAX_DEPTH,
    charset,
    content_type,
    disposition,
    part_bytes,
    part_filename,
)
from mailtui.core.sanitize import clean_line

# Measured (benchmarks/hostile.py): html2text converts ~1 MB/s of ordinary mail HTML
# here, so the cap keeps a legitimate big newsletter under half a second.
MAX_HTML_CHARS = 512_000
HTML_BUDGET = 0.5  # seconds of html2text before the tag stripper takes over
_HTML_CHUNK = 16_384
_MAX_LIST_DEPTH = 64
_UNCLOSED_TAG = re.compile(r"<(?=[^<>]*(?:<|\Z))")
_LIST_TAG = re.compile(r"<(/?)(?:ul|ol|dl|blockquote)\b", re.IGNORECASE)
_LINEAR_TAG = re.compile(r"<[^<>]*>")  # [^<>]: a run of "<" never rescans to the end
_BLOCK_END = re.compile(r"<(?:br|/p|/div|/tr|/li|/h[1-6]|/table|/blockquote)\b[^<>]*>", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n(?:\s*\n)+")
_NOT_SHOWN_TEXT = frozenset({"text/rfc822-headers", "text/calendar", "text/x-vcard", "text/vcard"})
_FOLD_RE = re.compile(r"\r?\n[ \t]+")


@dataclass(frozen=True)
class RenderedBody:
    """The body text, where it came from, notes, and the part paths shown as text."""

    text: str
    source: str
    notes: tuple[str, ...]
    used_paths: frozenset[str]


def html_to_text(html: str) -> tuple[str, str | None]:
    """Readable text from HTML: links kept inline, no hard wrapping; (text, note or None).

    html2text (on the stdlib HTML parser) is fast on mail as written but superlinear on
    some hostile shapes, and nothing can interrupt it once called with the whole input.
    So: HTML over `MAX_HTML_CHARS` goes straight to the linear tag stripper; unclosed
    tags and comments (the quadratic shapes of the stdlib parser) are made text first;
    deeply nested lists (quadratic in html2text) go to the stripper; and the input is fed
    in chunks with the time checked in between, so a shape nobody foresaw costs at most
    `HTML_BUDGET` seconds before the stripper takes over. Each fallback is noted.
    """
    if len(html) > MAX_HTML_CHARS:
        return strip_tags(html), f"HTML larger than {MAX_HTML_CHARS // 1000} KB: tags removed, not converted"
    html, defused = _defuse(html)
    note = "unclosed HTML tags shown as text" if defused > 10 else None
    if _list_depth(html) > _MAX_LIST_DEPTH:
        return strip_tags(html), "HTML nested too deeply: tags removed, not converted"
    try:
        converter = html2text.HTML2Text()
        converter.body_width = 0  # the pager wraps; html2text's wrapping breaks links
        converter.unicode_snob = True
        converter.ignore_images = True
        converter.ignore_emphasis = True  # "All systems operational", not "**operational**"
        converter.single_line_break = False
        deadline = time.monotonic() + HTML_BUDGET
        for start in range(0, len(html), _HTML_CHUNK):
            converter.feed(html[start : start + _HTML_CHUNK])
            if time.monotonic() > deadline:
                return strip_tags(html), "HTML took too long to convert: tags removed"
        converter.feed("")
        return converter.optwrap(converter.finish()).strip("\n") + "\n", note
    except Exception:  # html2text on hostile markup; fall back to removing tags
        return strip_tags(html), "HTML could not be converted; tags removed"


def _defuse(html: str) -> tuple[str, int]:
    """`html` with unclosed `<` and `<!--` escaped, and how many: linear, regex lookahead
    stops at the next `<` or `>`, so each character is scanned a bounded number of times."""
    html, count = _UNCLOSED_TAG.subn("&lt;", html)
    last_close = html.rfind("-->")
    tail = html[last_close + 3 :] if last_close >= 0 else html
    if "<!--" in tail:
        opened = tail.count("<!--")
        html = html[: len(html) - len(tail)] + tail.replace("<!--", "&lt;!--")
        count += opened
    return html, count


def _list_depth(html: str) -> int:
    """The deepest nesting of list and quote elements (html2text is quadratic in it)."""
    if html.count("<") < _MAX_LIST_DEPTH:
        return 0
    depth = deepest = 0
    for m in _LIST_TAG.finditer(html):
        depth = max(depth - 1, 0) if m.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def strip_tags(html: str) -> str:
    """Text of HTML without any HTML parser: script/style dropped, tags removed, entities
    decoded, block ends made line breaks. Linear in the input whatever it contains."""
    lower = html.lower()
    kept: list[str] = []
    pos = 0
    while True:
        starts = [i for i in (lower.find("<script", pos), lower.find("<style", pos)) if i >= 0]
        if not starts:
            kept.append(html[pos:])
            break
        start = min(starts)
        kept.append(html[pos:start])
        closing = "</script" if lower.startswith("<script", start) else "</style"
        end = lower.find(closing, start)
        if end < 0:
            break  # unclosed: the rest is script
        close = lower.find(">", end)
        pos = close + 1 if close >= 0 else len(html)
    text = _BLOCK_END.sub("\n", "".join(kept))
    text = _html.unescape(_LINEAR_TAG.sub("", text))
    return _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"


def unflow(text: str, delsp: bool = False) -> str:
    """Join the soft line breaks of RFC 3676 format=flowed text (lines ending in a space).

    Quote depth (leading ">") is kept per paragraph; space-stuffing is removed; the
    signature separator "-- " is never joined.
    """
    out: list[str] = []
    current: list[str] = []  # pieces of the paragraph being joined
    current_depth = -1

    def flush() -> None:
        nonlocal current, current_depth
        if current_depth >= 0:
            prefix = ">" * current_depth + (" " if current_depth else "")
            out.append(prefix + "".join(current))
        current, current_depth = [], -1

    for line in text.replace("\r\n", "\n").split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffed or the space after the quote marks
        if depth != current_depth or content == "-- ":
            flush()  # a new quote depth, or the signature separator, starts a new line
        current_depth = depth
        if content.endswith(" ") and content != "-- ":
            current.append(content[:-1] if delsp else content)
        else:
            current.append(content)
            flush()
    flush()
    return "\n".join(out)


def _param(part: Message, name: str) -> str:
    try:
        value = part.get_param(name)
    except Exception:  # broken parameters are ignored
        return ""
    return value.strip().lower() if isinstance(value, str) else ""


def render_body(msg: Message) -> RenderedBody:
    """The text to show for `msg` (parsed with compat32); never raises for broken parts."""
    renderer = _Renderer()
    text = renderer.render(msg, "1", 0)
    if "text/plain" in renderer.sources:
        source = "text/plain"
    elif "html" in renderer.sources:
        source = "text/html (converted)"
    elif "raw" in renderer.sources:
        source = "raw"
    elif renderer.sources:
        source = "text/plain"
    else:
        source = "none"
    return RenderedBody(text.strip("\n"), source, tuple(renderer.notes), frozenset(renderer.used))


@dataclass
class _Renderer:
    notes: list[str] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)

    def render(self, part: Message, path: str, depth: int) -> str:
        ctype = content_type(part)
        payload = part.get_payload()
        if depth >= MAX_DEPTH:
            self.notes.append(DEPTH_NOTE)
            return ""
        if ctype in LEAF_CONTAINERS:
            self.used.add(path)
            self.sources.add("status")
            return "----- Delivery status -----\n" + self._delivery_status(part)
        if ctype in ENCLOSED_MESSAGES:
            if disposition(part) == "attachment" or not isinstance(payload, list) or not payload:
                return ""
            inner = payload[0]
            if not isinstance(inner, Message):  # compat32 always parses one; set_payload may not
                return ""
            return self._enclosed(inner, f"{path}.1", depth + 1)
        if isinstance(payload, list):
            return self._multipart(ctype, payload, path, depth)
        return self._leaf(part, ctype, path)

    def _multipart(self, ctype: str, children: list[Message | str], path: str, depth: int) -> str:
        numbered = [(c, f"{path}.{i}") for i, c in enumerate(children, 1) if isinstance(c, Message)]
        subtype = ctype.partition("/")[2]
        if subtype == "alternative":
            # Prefer text/plain; otherwise the first alternative that gives any text.
            plain = [(c, p) for c, p in numbered if content_type(c) == "text/plain"]
            for child, child_path in plain + [(c, p) for c, p in numbered if (c, p) not in plain]:
                text = self.render(child, child_path, depth + 1)
                if text.strip():
                    return text
            return ""
        if subtype in ("related", "signed"):
            numbered = numbered[:1]  # the root part / the signed content
        if subtype == "encrypted":
            self.notes.append("encrypted message: not decrypted")
            return ""
        texts = [self.render(c, p, depth + 1) for c, p in numbered if self._shown_inline(c)]
        return "\n\n".join(t.strip("\n") for t in texts if t.strip())

    @staticmethod
    def _shown_inline(part: Message) -> bool:
        disp = disposition(part)
        if disp == "attachment":
            return False
        if content_type(part).startswith(("multipart/", "message/")):
            return True
        return disp == "inline" or part_filename(part) is None

    def _leaf(self, part: Message, ctype: str, path: str) -> str:
        maintype = ctype.partition("/")[0]
        if disposition(part) == "attachment" or ctype in _NOT_SHOWN_TEXT:
            return ""
        if maintype not in ("text", "multipart"):
            return ""
        data, _notes = part_bytes(part)  # encoding notes are reported by the part list
        text, note = decode_bytes(data, charset(part))
        if note:
            self.notes.append(f"part {path}: {note}" if path != "1" else note)
        self.used.add(path)
        if maintype == "multipart":
            self.sources.add("raw")  # broken multipart: the parser left its body as text
            return text
        if ctype == "text/html":
            self.sources.add("html")
            converted, html_note = html_to_text(text)
            if html_note:
                self.notes.append(html_note)
            return converted
        self.sources.add("text/plain")
        if _param(part, "format") == "flowed":
            return unflow(text, delsp=_param(part, "delsp") == "yes")
        return text

    def _delivery_status(self, part: Message) -> str:
        payload = part.get_payload()
        if not isinstance(payload, list):
            data, _ = part_bytes(part)
            return decode_bytes(data, None)[0]
        blocks = []
        for block in payload:
            if isinstance(block, Message):
                # a folded field is one line with one space at each fold ("address rejected")
                blocks.append(
                    "\n".join(
                        f"{k}: {clean_line(decode_header_value(_FOLD_RE.sub(' ', v)))}"
                        for k, v in block.raw_items()
                    )
                )
        return "\n\n".join(b for b in blocks if b)

    def _enclosed(self, inner: Message, path: str, depth: int) -> str:
        lines = ["----- Enclosed message -----"]
        for name in ("From", "To", "Date", "Subject"):
            values = [v for k, v in inner.raw_items() if k.lower() == name.lower()]
            if not values:
                continue
            if name in ("From", "To"):
                value = ", ".join(format_address(n, a) for n, a in decode_address_list(values))
            else:
                value = decode_header_value(values[0])
            lines.append(f"{name}: {clean_line(value)}")
        body = self.render(inner, path, depth)
        return "\n".join(lines) + ("\n\n" + body if body.strip() else "")
