"""Large IMAP messages: the text parts first, attachments on demand

For a message over a size limit the backend fetches its BODYSTRUCTURE and top-level
header, then only the text/plain and text/html parts (within the limit), and rebuilds a
small MIME message with the same tree: fetched text parts as they are, every other leaf
as an empty placeholder that keeps its MIME header (type, file name) and says which IMAP
part it stands for and how big it is (`X-Mailtui-Omitted-Part`, `X-Mailtui-Omitted-Size`).
The preview's format is backend-independent (`core/message/preview.py`: the pager's
view of it, which part an attachment stands for). Everything is BODY.PEEK /
BINARY.SIZE: looking at a message never sets \\Seen.
"""

from __future__ import annotations

import quopri
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mailtui.backends.base import PREVIEW_LIMIT
from mailtui.core.message.decode import decode_base64
from mailtui.core.message.preview import OMITTED_PART, OMITTED_SIZE, ORIGINAL_SIZE

if TYPE_CHECKING:
    from imapclient import IMAPClient

DEFAULT_LIMIT = PREVIEW_LIMIT
_TEXT_TYPES = frozenset({"text/plain", "text/html"})
_DROPPED_TOP = frozenset({"content-type", "content-transfer-encoding"})
_FIELD_START = re.compile(rb"^[!-9;-~]+:")


@dataclass(frozen=True)
class Node:
    """One node of a BODYSTRUCTURE: a multipart (with children) or a leaf."""

    part: str  # the IMAP part number: "1", "2.1"; "" for a multipart message's root
    content_type: str  # lower case type/subtype
    encoding: str = ""  # Content-Transfer-Encoding, lower case
    size: int = 0  # encoded octets, as BODYSTRUCTURE says
    disposition: str = ""  # lower case, "" when absent
    children: tuple[Node, ...] = ()


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace")
    return "" if value is None else str(value)


def parse_structure(body: Any, part: str = "") -> Node:
    """The Node tree of imapclient's BODYSTRUCTURE value (a BodyData)."""
    if isinstance(body[0], list):  # multipart: ([children], subtype, params, disposition, ...)
        prefix = f"{part}." if part else ""
        children = tuple(parse_structure(child, f"{prefix}{i}") for i, child in enumerate(body[0], 1))
        return Node(part, f"multipart/{_text(body[1]).lower()}", children=children)
    ctype = f"{_text(body[0])}/{_text(body[1])}".lower()
    # Extension data (md5, disposition, ...) follows the basic fields, whose count depends on the type.
    ext = 8 if ctype.startswith("text/") else 10 if ctype in ("message/rfc822", "message/global") else 7
    disposition = ""
    if len(body) > ext + 1 and isinstance(body[ext + 1], tuple) and body[ext + 1]:
        disposition = _text(body[ext + 1][0]).lower()
    size = body[6] if isinstance(body[6], int) else 0
    return Node(part or "1", ctype, _text(body[5]).lower(), size, disposition)


def leaves(node: Node) -> list[Node]:
    """The leaves of the tree, depth first."""
    if not node.children:
        return [node]
    return [leaf for child in node.children for leaf in leaves(child)]


def find(node: Node, part: str) -> Node | None:
    """The leaf with IMAP part number `part`."""
    return next((leaf for leaf in leaves(node) if leaf.part == part), None)


def is_text(leaf: Node) -> bool:
    """A text part shown in the pager (fetched at once), not a text file attached."""
    return leaf.content_type in _TEXT_TYPES and leaf.disposition != "attachment"


def fetch_preview(c: IMAPClient, uid: int, limit: int, *, binary: bool) -> bytes | None:
    """The preview of message `uid` in the selected folder (None when it is not over `limit`).

    `binary` (the server has BINARY, RFC 3516) gives the exact decoded sizes of the omitted parts.
    """
    entry = c.fetch([uid], ["RFC822.SIZE"]).get(uid)
    if not entry or b"RFC822.SIZE" not in entry:
        return None
    total = int(entry[b"RFC822.SIZE"])
    if total <= limit:
        return None
    entry = c.fetch([uid], ["BODYSTRUCTURE", "BODY.PEEK[HEADER]"]).get(uid) or {}
    if b"BODYSTRUCTURE" not in entry:
        return None
    root = parse_structure(entry[b"BODYSTRUCTURE"])
    header = bytes(entry.get(b"BODY[HEADER]") or b"")
    multipart = bool(root.children)
    items: list[str] = []
    budget = limit
    texts: dict[str, int] = {}  # part -> octets to fetch
    for leaf in leaves(root):
        if multipart:
            items.append(f"BODY.PEEK[{leaf.part}.MIME]")
        if is_text(leaf) and budget > 0:
            texts[leaf.part] = min(leaf.size, budget)
            budget -= texts[leaf.part]
            items.append(f"BODY.PEEK[{leaf.part}]<0.{texts[leaf.part]}>")
        elif binary:
            items.append(f"BINARY.SIZE[{leaf.part}]")
    data = (c.fetch([uid], items).get(uid) or {}) if items else {}  # none: one part, no BINARY
    build = _Builder(data, texts)
    lines = [f for f in _fields(header) if _name(f) not in _DROPPED_TOP]
    lines.append(f"{ORIGINAL_SIZE}: {total}\r\n".encode())
    if multipart:
        return build.multipart(root, b"".join(lines))
    # A single part: its Content-* fields are in the top-level header.
    mime = b"".join(f for f in _fields(header) if _name(f).startswith("content-"))
    if root.part in texts:
        return b"".join(lines) + mime + b"\r\n" + build.body(root)
    wrapper = Node("", "multipart/mixed", children=(root,))
    return build.multipart(wrapper, b"".join(lines), {root.part: mime})


class _Builder:
    """Writes the preview's MIME tree from one FETCH response."""

    def __init__(self, data: dict[bytes, Any], texts: dict[str, int]) -> None:
        self.data = data
        self.texts = texts

    def item(self, prefix: str, part: str) -> Any:
        """The value of `prefix[part]` (a partial fetch's key ends in `<0>`), None when absent."""
        for key, value in self.data.items():
            if isinstance(key, bytes) and key.startswith(f"{prefix}[{part}]".encode()):
                return value
        return None

    def body(self, leaf: Node) -> bytes:
        value = bytes(self.item("BODY", leaf.part) or b"")
        if len(value) < leaf.size:  # cut at the limit: keep whole lines (base64, QP)
            value = value[: value.rfind(b"\n") + 1]
        return value if value.endswith(b"\n") or not value else value + b"\r\n"

    def multipart(self, node: Node, header: bytes, mimes: dict[str, bytes] | None = None) -> bytes:
        boundary = f"=_mailtui_preview_{secrets.token_hex(12)}"
        out = [header, f'Content-Type: {node.content_type}; boundary="{boundary}"\r\n\r\n'.encode()]
        for child in node.children:
            out.append(f"--{boundary}\r\n".encode())
            if child.children:
                out.append(self.multipart(child, b""))
                continue
            mime = (mimes or {}).get(child.part) or bytes(self.item("BODY", f"{child.part}.MIME") or b"")
            fields = _fields(mime)
            if child.part in self.texts:
                out += [*fields, b"\r\n", self.body(child)]
                continue
            size = self.item("BINARY.SIZE", child.part)
            if not isinstance(size, int):  # no BINARY: estimate from the encoded size
                size = child.size * 3 // 4 if child.encoding == "base64" else child.size
            kept = [f for f in fields if _name(f) != "content-transfer-encoding"]
            if not any(_name(f) == "content-type" for f in kept):
                kept.append(f"Content-Type: {child.content_type}\r\n".encode())
            kept.append(f"{OMITTED_PART}: {child.part}\r\n{OMITTED_SIZE}: {size}\r\n\r\n".encode())
            out += kept
        out.append(f"--{boundary}--\r\n".encode())
        return b"".join(out)


def _fields(header: bytes) -> list[bytes]:
    """Header fields with their continuation lines, each ending in CRLF; the blank line dropped."""
    fields: list[bytes] = []
    for line in header.splitlines(keepends=True):
        if not line.strip():
            break
        line = line.rstrip(b"\r\n") + b"\r\n"
        if fields and line[:1] in (b" ", b"\t"):
            fields[-1] += line
        elif _FIELD_START.match(line) or not fields:
            fields.append(line)
        else:
            fields[-1] += line
    return fields


def _name(field: bytes) -> str:
    return field.split(b":", 1)[0].strip().decode("ascii", "replace").lower()


def decode_part(data: bytes, leaf: Node) -> bytes:
    """The payload of a fetched part, its transfer encoding undone (line ends as fetch_raw gives them)."""
    if leaf.encoding == "base64":
        return decode_base64(data)[0]
    if leaf.encoding == "binary":
        return data
    data = data.replace(b"\r\n", b"\n")  # as fetch_raw: LF line ends
    if leaf.encoding == "quoted-printable":
        return quopri.decodestring(data)
    return data
