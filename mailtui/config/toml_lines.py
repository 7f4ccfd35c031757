"""Config problems for an admin: where a key is in the TOML text, and typed getters that report.

tomllib returns plain dicts without positions, so `index_lines` walks the (already valid)
TOML text once and records, for every table header and `key = value` line, the key path
the checker uses: `ui.theme`, `account[1].imap.port` (arrays of tables count from 1, as an
admin counts the `[[account]]` blocks). It skips multi-line strings and arrays so their
contents are never taken for keys; keys inside inline tables fall back to the table's line.

`Checker` reads values out of parsed tables and records a `ConfigProblem` (file, line, key
path, what is wrong and what to do) for each bad one; the loader raises one
`InvalidConfigError` listing them all, so an admin fixes the file in one pass. Warnings
(`Checker.warn`: it works, but should be fixed) are kept on the `Config` instead.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from mailtui.core.errors import ConfigError

_T = TypeVar("_T")
_Choice = TypeVar("_Choice", bound=str)

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_KEY_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_KEYLINE = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART = re.compile(_KEY_PART)
_INDEX = re.compile(r"\[\d+\]$")


def _split_key(dotted: str) -> list[str]:
    """`a."b.c".d` -> ["a", "b.c", "d"]."""
    parts = []
    for m in _PART.finditer(dotted):
        token = m.group(0)
        if token.startswith('"'):
            token = token[1:-1].encode().decode("unicode_escape")
        elif token.startswith("'"):
            token = token[1:-1]
        parts.append(token)
    return parts


class _ValueScanner:
    """Tracks whether the scanner is inside a multi-line string or array across lines."""

    def __init__(self) -> None:
        self.ml_delim: str | None = None  # '"""' or "'''" while inside a multi-line string
        self.depth = 0  # open [ and { brackets of a value

    @property
    def busy(self) -> bool:
        return self.ml_delim is not None or self.depth > 0

    def feed(self, text: str) -> None:
        i, n = 0, len(text)
        while i < n:
            if self.ml_delim is not None:
                end = text.find(self.ml_delim, i)
                if end < 0:
                    return
                i = end + 3
                self.ml_delim = None
                continue
            ch = text[i]
            if ch == "#":
                return
            if text.startswith('"""', i) or text.startswith("'''", i):
                self.ml_delim = text[i : i + 3]
                i += 3
            elif ch == '"':
                i = self._skip_basic(text, i + 1)
            elif ch == "'":
                end = text.find("'", i + 1)
                i = n if end < 0 else end + 1
            else:
                if ch in "[{":
                    self.depth += 1
                elif ch in "]}":
                    self.depth = max(0, self.depth - 1)
                i += 1

    @staticmethod
    def _skip_basic(text: str, i: int) -> int:
        while i < len(text):
            if text[i] == "\\":
                i += 2
            elif text[i] == '"':
                return i + 1
            else:
                i += 1
        return i


def index_lines(text: str) -> dict[str, int]:
    """Map each key path (`account[1].imap.port`) to its 1-based line number in `text`."""
    lines: dict[str, int] = {}
    arrays: dict[str, int] = {}  # resolved array-of-tables path -> elements seen so far
    table = ""
    scanner = _ValueScanner()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if scanner.busy:
            scanner.feed(line)
            continue
        header = _HEADER.match(line)
        if header:
            parts = _split_key(header.group(2))
            resolved = _resolve(parts[:-1], arrays)
            path = f"{resolved}.{parts[-1]}" if resolved else parts[-1]
            if header.group(1) == "[[":
                arrays[path] = arrays.get(path, 0) + 1
                path = f"{path}[{arrays[path]}]"
            elif path in arrays:  # `[account]` after `[[account]]` is invalid TOML anyway
                path = f"{path}[{arrays[path]}]"
            table = path
            lines.setdefault(table, lineno)
            continue
        keyline = _KEYLINE.match(line)
        if keyline:
            path = table
            for part in _split_key(keyline.group(1)):
                path = f"{path}.{part}" if path else part
                lines.setdefault(path, lineno)
            scanner.feed(line[keyline.end() :])
    return lines


def _resolve(parts: list[str], arrays: dict[str, int]) -> str:
    """Turn header components into a path with the current index of each array of tables."""
    path = ""
    for part in parts:
        path = f"{path}.{part}" if path else part
        if path in arrays:
            path = f"{path}[{arrays[path]}]"
    return path


def parent_path(path: str) -> str:
    """`account[1].imap.port` -> `account[1].imap`; `account[1]` -> `account`; `ui` -> ``."""
    if _INDEX.search(path):
        return _INDEX.sub("", path)
    return path.rpartition(".")[0]


def find_line(lines: dict[str, int], path: str) -> int | None:
    """The line of `path`, else of its closest enclosing table that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = parent_path(path)
    return None


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong in a config file."""

    file: Path
    line: int | None
    key: str  # key path, e.g. "account[1].imap.port"; "" for the file as a whole
    message: str

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class InvalidConfigError(ConfigError):
    """The config file parsed as TOML but has wrong keys or values; `problems` lists each one."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = tuple(problems)
        if len(problems) == 1:
            message = problems[0].format()
        else:
            body = "\n".join(f"  {p.format()}" for p in problems)
            message = f"{len(problems)} problems in {problems[0].file}:\n{body}"
        super().__init__(message)


def type_name(value: object) -> str:
    """The TOML name of a value's type, with its article: "an integer", "a string"."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return "a date/time"
    return type(value).__name__


def _shown(value: object) -> str:
    text = f'"{value}"' if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def join_path(base: str, key: str) -> str:
    return f"{base}.{key}" if base else key


class Checker:
    """Reads values out of parsed TOML tables, recording a problem for each bad one."""

    def __init__(self, file: Path, lines: dict[str, int]) -> None:
        self.file = file
        self.lines = lines
        self.problems: list[ConfigProblem] = []
        self.warnings: list[ConfigProblem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(self.file, find_line(self.lines, key), key, message))

    def warn(self, key: str, message: str) -> None:
        """Something that works but should be fixed: reported, never refused."""
        self.warnings.append(ConfigProblem(self.file, find_line(self.lines, key), key, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InvalidConfigError(self.problems)

    def known_keys(self, table: Mapping[str, Any], path: str, allowed: Collection[str]) -> None:
        """Report keys not in `allowed`, suggesting the closest known key."""
        for key in table:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(allowed))}"
            self.problem(join_path(path, key), f"unknown key {key!r}{hint}")

    def _typed(
        self, table: Mapping[str, Any], path: str, key: str, kinds: tuple[type[_T], ...], want: str
    ) -> _T | None:
        if key not in table:
            return None
        value: object = table[key]
        # bool is an int in Python but not in TOML: `port = true` is a mistake.
        if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
            return value
        self.problem(join_path(path, key), f"expected {want}, got {type_name(value)} ({_shown(value)})")
        return None

    def string(self, table: Mapping[str, Any], path: str, key: str, *, required: bool = False) -> str | None:
        value = self._typed(table, path, key, (str,), "a string")
        if required and key not in table:
            self.missing(path, key)
        return value

    def path_string(self, table: Mapping[str, Any], path: str, key: str) -> str | None:
        """A string naming a file or directory, with `~` expanded."""
        value = self.string(table, path, key)
        return str(Path(value).expanduser()) if value else value

    def boolean(self, table: Mapping[str, Any], path: str, key: str, default: bool) -> bool:
        value = self._typed(table, path, key, (bool,), "a boolean (true or false, without quotes)")
        return default if value is None else value

    def integer(self, table: Mapping[str, Any], path: str, key: str, lo: int, hi: int) -> int | None:
        value = self._typed(table, path, key, (int,), "an integer")
        if value is not None and not lo <= value <= hi:
            self.problem(join_path(path, key), f"{value} is out of range: expected {lo} to {hi}")
            return None
        return value

    def number(self, table: Mapping[str, Any], path: str, key: str, default: float) -> float:
        value = self._typed(table, path, key, (int, float), "a number")
        if value is not None and value <= 0:
            self.problem(join_path(path, key), f"expected a number of seconds above 0, got {value}")
            return default
        return default if value is None else float(value)

    def choice(
        self, table: Mapping[str, Any], path: str, key: str, allowed: tuple[_Choice, ...], default: _Choice
    ) -> _Choice:
        """One of `allowed` (typed as narrowly as `allowed`, e.g. a Literal), else `default`."""
        value = self._typed(table, path, key, (str,), "a string")
        if value is None:
            return default
        for option in allowed:
            if option == value:
                return option
        options = ", ".join(repr(a) for a in allowed)
        self.problem(join_path(path, key), f"{value!r} is not allowed: use one of {options}")
        return default

    def string_list(self, table: Mapping[str, Any], path: str, key: str) -> tuple[str, ...]:
        value = self._typed(table, path, key, (list,), 'an array of strings (["a", "b"])')
        if value is None:
            return ()
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(join_path(path, key), f"item {i + 1}: expected a string, got {type_name(item)}")
                return ()
        return tuple(value)

    def table(self, table: Mapping[str, Any], path: str, key: str) -> dict[str, Any] | None:
        return self._typed(table, path, key, (dict,), f"a table ([{join_path(path, key)}])")

    def missing(self, path: str, key: str, why: str = "") -> None:
        self.problem(join_path(path, key), f"missing required key {key!r}{why}")
