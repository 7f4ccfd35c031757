"""Mailcap files (RFC 1524): which command shows a MIME type, and that command filled in.

Pure: text in, entries out; `expand` builds the shell command line. Python's `mailcap`
module is deprecated (removed in 3.13), so this is our own small parser. What it knows:
`type/subtype; command; flag; name=value` lines, `#` comments, `\\` line continuation,
`\\;` inside a field, a type without a subtype meaning `type/*`, `copiousoutput`,
`needsterminal`, `test=` and `nametemplate=`. The first entry that matches (and whose
test passes, which the caller runs) wins.

Everything put into a command comes from mail and is hostile: a file name is never put
in (the caller passes a temp path it made), and `%t` / `%{param}` values are reduced to
the characters a MIME token may safely have, then quoted.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# What a type or parameter value keeps before it is put into a command (tokens of RFC 2045).
_UNSAFE_VALUE = re.compile(r"[^A-Za-z0-9._+/-]")
_PERCENT = re.compile(r"%(?:\{([^}]*)\}|(.))", re.DOTALL)


@dataclass(frozen=True)
class MailcapEntry:
    """One mailcap line: the type it is for, its view command and its flags."""

    content_type: str  # lowercase, "text/*" for a wildcard
    command: str
    copiousoutput: bool = False
    needsterminal: bool = False
    test: str = ""
    nametemplate: str = ""
    source: str = ""  # "~/.mailcap:3", "config", for messages

    def matches(self, content_type: str) -> bool:
        """Whether this entry is for `content_type` (case-insensitive, `type/*` wildcards)."""
        wanted = content_type.strip().lower()
        if self.content_type == wanted or self.content_type in ("*", "*/*"):
            return True
        major, _, minor = self.content_type.partition("/")
        return minor == "*" and wanted.partition("/")[0] == major


def _split_fields(line: str) -> list[str]:
    """Split at unescaped `;`; `\\;` and `\\\\` stay as `;` and `\\`, other escapes as written."""
    fields: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            nxt = line[i + 1]
            current.append(nxt if nxt in ";\\" else ch + nxt)
            i += 2
            continue
        if ch == ";":
            fields.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
        i += 1
    fields.append("".join(current).strip())
    return fields


def _logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Lines with `\\`-continuations joined, comments and blank lines dropped, with their first line number."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = number
            if raw.lstrip().startswith("#"):
                continue
        stripped = raw.rstrip()
        trailing = len(stripped) - len(stripped.rstrip("\\"))
        if trailing % 2 == 1:  # an odd count: the last backslash continues the line
            pending.append(stripped[:-1])
            continue
        pending.append(raw)
        line = "".join(pending).strip()
        pending = []
        if line:
            yield start, line
    if pending and "".join(pending).strip():
        yield start, "".join(pending).strip()


def entry_from_fields(content_type: str, fields: Sequence[str], source: str = "") -> MailcapEntry | None:
    """An entry from a type and its fields (command first, then flags); None without a command."""
    if not fields or not fields[0]:
        return None
    ctype = content_type.strip().lower()
    if ctype and "/" not in ctype:
        ctype += "/*"
    flags: set[str] = set()
    named: dict[str, str] = {}
    for field in fields[1:]:
        key, eq, value = field.partition("=")
        if eq:
            named[key.strip().lower()] = value.strip()
        elif key.strip():
            flags.add(key.strip().lower())
    return MailcapEntry(
        content_type=ctype,
        command=fields[0],
        copiousoutput="copiousoutput" in flags,
        needsterminal="needsterminal" in flags,
        test=named.get("test", ""),
        nametemplate=named.get("nametemplate", ""),
        source=source,
    )


def parse_mailcap(text: str, source: str = "mailcap") -> tuple[MailcapEntry, ...]:
    """Every usable entry of a mailcap file, in file order; malformed lines are skipped."""
    entries: list[MailcapEntry] = []
    for number, line in _logical_lines(text):
        fields = _split_fields(line)
        if len(fields) < 2 or not fields[0] or " " in fields[0]:
            continue
        entry = entry_from_fields(fields[0], fields[1:], f"{source}:{number}")
        if entry is not None:
            entries.append(entry)
    return tuple(entries)


def parse_command_setting(content_type: str, value: str, source: str = "config") -> MailcapEntry | None:
    """A per-type command from the config: `"pdftotext %s -"`, flags after `;` as in mailcap.

    Its output is shown inside the app (copiousoutput) unless it says `needsterminal`.
    """
    entry = entry_from_fields(content_type, _split_fields(value), source)
    if entry is None or entry.needsterminal:
        return entry
    return MailcapEntry(
        content_type=entry.content_type,
        command=entry.command,
        copiousoutput=True,
        test=entry.test,
        nametemplate=entry.nametemplate,
        source=source,
    )


def candidates(entries: Iterable[MailcapEntry], content_type: str) -> list[MailcapEntry]:
    """The entries for `content_type`, in order: the caller takes the first whose test passes."""
    return [e for e in entries if e.matches(content_type)]


def safe_value(value: str) -> str:
    """A type or parameter value from mail, reduced to token characters (others dropped)."""
    return _UNSAFE_VALUE.sub("", value)[:100]


def uses_file(command: str) -> bool:
    """Whether `command` names the file (`%s`); if not, the data goes to its standard input."""
    return any(m.group(2) == "s" for m in _PERCENT.finditer(command))


def expand(command: str, *, filename: str, content_type: str, params: Mapping[str, str]) -> str:
    """`command` with `%s` (the file), `%t` (the type), `%{name}` (a parameter) and `%%` filled in.

    Every value is shell-quoted; type and parameter values are first reduced to token
    characters, so a hostile charset cannot end the quoting. `filename` must be a path the
    caller made (never the attachment's own name). An unknown `%x` is left as written.
    """
    lowered = {k.lower(): v for k, v in params.items()}

    def fill(m: re.Match[str]) -> str:
        name, letter = m.group(1), m.group(2)
        if name is not None:
            return shlex.quote(safe_value(lowered.get(name.strip().lower(), "")))
        if letter == "s":
            return shlex.quote(filename)
        if letter == "t":
            return shlex.quote(safe_value(content_type))
        if letter == "%":
            return "%"
        return m.group(0)

    return _PERCENT.sub(fill, command)
