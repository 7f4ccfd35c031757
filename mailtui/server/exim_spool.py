"""Exim's spool files as `exim -Mvh ID` / `exim -Mvb ID` print them (pure parsing).

`-Mvh` writes the message's `-H` file as it is: its name (`ID-H`), the owner line
(`login uid gid`), `<sender>`, `received_time warning_count`, `-flag [value]` lines (an ACL
variable's value on the next line, its length given), the tree of addresses already delivered
(`XX` when none, else `YN addr` node lines), the recipient count and recipients (with DSN data
`addr orcpt len,flags errors_to len,pno#3` in 4.x), a blank line, then each header preceded by its
length and a flag (`NNNF text`: `*` a header rewritten or removed, `P` Received, `F` From ...).
`-Mvb` writes the `-D` file: its name (`ID-D`) and the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mailtui.core.i18n import tr

__all__ = ["EximSpoolHeader", "parse_spool_body", "parse_spool_header"]

_HEADER = re.compile(rb"(\d{3,})(.) ")
_TREE_NODE = re.compile(r"^[YN][YN] (.*)$")


@dataclass(frozen=True)
class EximSpoolHeader:
    """The envelope and headers of one queued Exim message. Text from the spool is untrusted."""

    queue_id: str
    login: str
    uid: int | None
    gid: int | None
    sender: str
    received_time: int
    frozen: bool
    recipients: tuple[str, ...]
    delivered: tuple[str, ...] = ()
    flags: dict[str, str] = field(default_factory=dict)
    headers: str = ""  # the live headers, as they will be sent (rewritten ones left out)

    @property
    def pending(self) -> tuple[str, ...]:
        """The recipients not delivered yet."""
        done = set(self.delivered)
        return tuple(r for r in self.recipients if r not in done)


def _int(text: str) -> int | None:
    return int(text) if text.lstrip("-").isdigit() else None


def parse_spool_header(text: str) -> EximSpoolHeader:
    """Parse `exim -Mvh` output; ValueError when it is not a spool header file."""
    data = text.encode("utf-8", "surrogateescape")  # header lengths count bytes
    lines = data.split(b"\n")
    if len(lines) < 5 or not lines[0].endswith(b"-H"):
        first = lines[0][:60].decode("utf-8", "replace")
        raise ValueError(tr("not an Exim spool header (-H) file: {line}", line=first))

    def line(i: int) -> str:
        return lines[i].decode("utf-8", "surrogateescape")

    queue_id = line(0)[:-2]
    owner = line(1).split()
    sender = line(2).strip()
    if not (sender.startswith("<") and sender.endswith(">")):
        raise ValueError(tr("{queue_id}: no <sender> line in the spool header", queue_id=queue_id))
    received = _int(line(3).split()[0]) if line(3).split() else None
    i = 4
    flags: dict[str, str] = {}
    while i < len(lines) and lines[i].startswith(b"-"):
        name, _, value = line(i)[1:].partition(" ")
        if name.startswith("acl") and value.split(" ")[-1].isdigit():
            # "-aclc NAME LEN" then the value on the next line(s): skip LEN bytes and its newline
            length = int(value.split(" ")[-1])
            rest = b"\n".join(lines[i + 1 :])
            lines = [*lines[: i + 1], *rest[length + 1 :].split(b"\n")]
            value = rest[:length].decode("utf-8", "surrogateescape")
        flags[name] = value
        i += 1
    delivered: list[str] = []
    while i < len(lines) and line(i) != "XX" and not line(i).isdigit():
        node = _TREE_NODE.match(line(i))
        if node is None:
            raise ValueError(
                tr(
                    "{queue_id}: unexpected line in the spool header: {line}",
                    queue_id=queue_id,
                    line=line(i)[:60],
                )
            )
        delivered.append(node[1])
        i += 1
    if i < len(lines) and line(i) == "XX":
        i += 1
    if i >= len(lines) or not line(i).isdigit():
        raise ValueError(tr("{queue_id}: no recipient count in the spool header", queue_id=queue_id))
    count = int(line(i))
    recipients = []
    for j in range(i + 1, i + 1 + count):
        entry = line(j)
        # 4.x DSN form: "addr orcpt len,flags errors_to len,pno#3" (older: "addr errors_to len,pno#1")
        recipients.append(entry.split(" ", 1)[0] if re.search(r"#\d+$", entry) else entry)
    body = b"\n".join(lines[i + 2 + count :])  # after the blank line
    headers: list[bytes] = []
    pos = 0
    while pos < len(body):
        m = _HEADER.match(body, pos)
        if m is None:
            break
        start = m.end()
        end = start + int(m[1])
        if m[2] != b"*":
            headers.append(body[start:end])
        pos = end
    return EximSpoolHeader(
        queue_id, owner[0] if owner else "", _int(owner[1]) if len(owner) > 1 else None,
        _int(owner[2]) if len(owner) > 2 else None, sender[1:-1], received or 0, "frozen" in flags,
        tuple(recipients), tuple(delivered), flags, b"".join(headers).decode("utf-8", "surrogateescape"),
    )  # fmt: skip


def parse_spool_body(text: str) -> str:
    """`exim -Mvb` output without its first line (the `ID-D` file name)."""
    first, _, rest = text.partition("\n")
    return rest if first.endswith("-D") else text
