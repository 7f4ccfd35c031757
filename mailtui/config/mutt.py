"""Reading a muttrc as mutt does: its quoting, `set`/`unset`/`set no...`, `source`, paths.

`read_muttrc(path)` returns every variable's last value with the file and line that set it,
the `color`/`mono` lines, and every other command it met (hooks, macros, score, ...), so
the importer can map what mailtui honours and list the rest. Nothing here runs a command:
a backtick is kept as `Setting.command` (mutt would run it while reading the file), and a
`source` of a pipe ("cmd|") is reported instead of run.

Quoting follows mutt's tokenizer: words split on white space, `#` starts a comment and `;`
ends a command outside quotes; '...' is literal; "..." takes backslash escapes and $VAR;
outside quotes a backslash escapes the next character; a line ending in a backslash goes
on. Path variables expand `~`, and `+`/`=` (relative to `folder` as set at that point).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from mailtui.core.errors import ConfigError

# Variables whose value is a path or mailbox: mutt expands ~, + and = when they are set.
PATH_VARIABLES = frozenset({
    "folder", "spoolfile", "spool_file", "record", "postponed", "trash", "mbox", "header_cache",
    "message_cachedir", "ssl_ca_certificates_file", "certificate_file", "signature", "alias_file",
    "tmpdir", "smime_keys", "pgp_sign_as",
})  # fmt: skip
# Synonyms (neomutt's new names and old mutt ones) -> the name the importer reads.
SYNONYMS = {"spool_file": "spoolfile", "real_name": "realname", "imap_login": "imap_user"}
MAX_SOURCE_DEPTH = 16
_VAR = re.compile(r"\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class Origin:
    """Where a value was written: a file and a 1-based line."""

    file: Path
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Setting:
    """One variable's value: None when unset (`unset x`, `set nox` gives "no")."""

    value: str | None
    origin: Origin
    command: str | None = None  # a backtick command in the value, not run


@dataclass(frozen=True)
class Command:
    """A muttrc command other than set/unset/source: its name, arguments and place."""

    name: str
    args: tuple[str, ...]
    origin: Origin


@dataclass
class MuttRc:
    """What a muttrc (and the files it sources) says."""

    path: Path
    settings: dict[str, Setting] = field(default_factory=dict)
    commands: list[Command] = field(default_factory=list)  # color, mono, hooks, macros, score...
    files: list[Path] = field(default_factory=list)  # every file read, in order
    problems: list[str] = field(default_factory=list)  # "file:line: ..." for the importer to list

    def get(self, name: str) -> Setting | None:
        return self.settings.get(name)

    def value(self, name: str, default: str | None = None) -> str | None:
        s = self.settings.get(name)
        return default if s is None else s.value


@dataclass(frozen=True)
class _Token:
    text: str
    command: str | None = None  # the backtick command, when the token held one


class _Lexer:
    """mutt's token rules over one logical line."""

    def __init__(self, text: str, variables: dict[str, str]) -> None:
        self.s = text
        self.i = 0
        self.vars = variables

    def _skip_space(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def at_end(self) -> bool:
        """End of a command: end of line, a comment, or a `;` (consumed)."""
        self._skip_space()
        if self.i >= len(self.s) or self.s[self.i] == "#":
            return True
        return False

    def at_separator(self) -> bool:
        self._skip_space()
        if self.i < len(self.s) and self.s[self.i] == ";":
            self.i += 1
            return True
        return False

    def peek(self) -> str:
        self._skip_space()
        return self.s[self.i] if self.i < len(self.s) else ""

    def advance(self) -> None:
        self.i += 1

    def token(self, *, stop: str = "") -> _Token:
        """The next word; `stop` holds extra characters that end an unquoted word (`=`)."""
        self._skip_space()
        out: list[str] = []
        command: str | None = None
        s = self.s
        while self.i < len(s):
            ch = s[self.i]
            if ch in " \t;#" or ch in stop:
                break
            if ch == "'":
                end = s.find("'", self.i + 1)
                end = len(s) if end < 0 else end
                out.append(s[self.i + 1 : end])
                self.i = end + 1
            elif ch == '"':
                self.i += 1
                while self.i < len(s) and s[self.i] != '"':
                    c = s[self.i]
                    if c == "\\" and self.i + 1 < len(s):
                        out.append(_escape(s[self.i + 1]))
                        self.i += 2
                    elif c == "`":
                        command = self._backtick()
                        out.append("`" + command + "`")
                    elif c == "$":
                        out.append(self._variable())
                    else:
                        out.append(c)
                        self.i += 1
                self.i += 1
            elif ch == "\\" and self.i + 1 < len(s):
                out.append(_escape(s[self.i + 1]))
                self.i += 2
            elif ch == "`":
                command = self._backtick()
                out.append("`" + command + "`")
            elif ch == "$":
                out.append(self._variable())
            else:
                out.append(ch)
                self.i += 1
        return _Token("".join(out), command)

    def _backtick(self) -> str:
        end = self.s.find("`", self.i + 1)
        end = len(self.s) if end < 0 else end
        text = self.s[self.i + 1 : end]
        self.i = end + 1
        return text

    def _variable(self) -> str:
        m = _VAR.match(self.s, self.i)
        if m is None:
            self.i += 1
            return "$"
        self.i = m.end()
        name = m.group(1).strip("{}")
        if name in self.vars:
            return self.vars[name]
        return os.environ.get(name, "")

    def rest(self) -> list[_Token]:
        words = []
        while not self.at_end():
            if self.peek() == ";":
                break
            words.append(self.token())
        return words


def _escape(ch: str) -> str:
    return {"n": "\n", "t": "\t", "r": "\r", "e": "\x1b"}.get(ch, ch)


def expand_path(value: str, folder: str | None) -> str:
    """mutt's mailbox shorthand: `~` -> $HOME, `+x`/`=x` -> folder + "/" + x (no double slash)."""
    if value.startswith(("+", "=")) and folder:
        base = folder if folder.endswith(("/", "}")) else folder + "/"
        return base + value[1:]
    if value == "~" or value.startswith("~/"):
        return str(Path.home()) + value[1:]
    if value.startswith("~") and "://" not in value:
        return os.path.expanduser(value)
    return value


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) with backslash-continued lines joined."""
    out: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        out.append((start, "".join(pending)))
        pending = []
    if pending:
        out.append((start, "".join(pending)))
    return out


def read_muttrc(path: Path) -> MuttRc:
    """Read `path` and everything it sources; raises ConfigError when `path` cannot be read."""
    rc = MuttRc(path=path)
    _read_file(rc, path, depth=0, origin=None)
    return rc


def _read_file(rc: MuttRc, path: Path, *, depth: int, origin: Origin | None) -> None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        message = f"cannot read {path}: {err.strerror or err}"
        if origin is None:
            raise ConfigError(message, title="Cannot read the muttrc") from None
        rc.problems.append(f"{origin}: source: {message}")
        return
    rc.files.append(path)
    for number, line in _logical_lines(text):
        lexer = _Lexer(line, _user_variables(rc))
        while not lexer.at_end():
            if lexer.at_separator():
                continue
            _command(rc, lexer, Origin(path, number), depth)
            lexer.at_separator()


def _user_variables(rc: MuttRc) -> dict[str, str]:
    """$my_x and $variable expansions read mutt's own variables first."""
    return {k: s.value for k, s in rc.settings.items() if s.value is not None}


def _command(rc: MuttRc, lexer: _Lexer, origin: Origin, depth: int) -> None:
    name = lexer.token().text
    if name in ("set", "unset", "reset", "toggle"):
        _set(rc, lexer, origin, name)
    elif name == "source":
        for word in lexer.rest():
            _source(rc, word.text, origin, depth)
    else:
        rc.commands.append(Command(name, tuple(t.text for t in lexer.rest()), origin))


def _source(rc: MuttRc, target: str, origin: Origin, depth: int) -> None:
    if target.rstrip().endswith("|"):
        rc.problems.append(f"{origin}: source {target}: the output of a command is not read (not run)")
        return
    if depth >= MAX_SOURCE_DEPTH:
        rc.problems.append(f"{origin}: source {target}: nested more than {MAX_SOURCE_DEPTH} deep; not read")
        return
    file = Path(expand_path(target, _folder(rc)))
    if not file.is_absolute():
        file = origin.file.parent / file  # mutt: relative to the file holding the source line
    _read_file(rc, file, depth=depth + 1, origin=origin)


def _folder(rc: MuttRc) -> str:
    """$folder as set so far; mutt's default is ~/Mail."""
    return rc.value("folder") or str(Path.home() / "Mail")


def _set(rc: MuttRc, lexer: _Lexer, origin: Origin, verb: str) -> None:
    while not lexer.at_end() and lexer.peek() != ";":
        word = lexer.token(stop="=+-").text
        if not word:
            lexer.advance()  # a stray character: skip it, as mutt reports and goes on
            continue
        if word.startswith("?"):
            continue  # a query prints a value; nothing to keep
        prefix = ""
        for p in ("no", "inv", "&"):
            if word.startswith(p) and verb == "set" and lexer.peek() not in ("=", "+", "-"):
                prefix, word = p, word[len(p) :]
                break
        name = SYNONYMS.get(word, word)
        append = False
        if lexer.peek() in ("+", "-") and verb == "set":
            lexer.advance()
            append = True  # neomutt's += / -= (only += is kept: it appends)
        if lexer.peek() == "=" and verb == "set":
            lexer.advance()
            tok = lexer.token()
            value = tok.text
            if append and (old := rc.value(name)):
                value = old + value
            if name in PATH_VARIABLES and tok.command is None:
                value = expand_path(value, _folder(rc))
            rc.settings[name] = Setting(value, origin, tok.command)
            continue
        if verb in ("unset", "reset") or prefix == "&":
            rc.settings[name] = Setting(None, origin)
        elif verb == "toggle" or prefix == "inv":
            rc.settings[name] = Setting("no" if rc.value(name) in ("yes", None) else "yes", origin)
        elif prefix == "no":
            rc.settings[name] = Setting("no", origin)
        else:
            rc.settings[name] = Setting("yes", origin)


