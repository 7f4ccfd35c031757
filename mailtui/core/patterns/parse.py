"""mutt's patterns, parsed: `~f alice ~d <7d | !(~s re: ~N)` to a tree of `nodes`.

Grammar (as mutt's): terms side by side must all match; `|` between them is "or"; `!` in
front of a term negates it; parentheses group. A term is `~X` with its argument, `=X`
(the same field, matched as a plain substring instead of a regular expression), or a bare
word: mutt's simple search, the text as a substring of from, to or subject. A text with
spaces is quoted (`~s "disk full"`), or simply typed: the text of a term runs on over
bare words up to the next term or operator, so `~b disk full` looks for "disk full".

Regular expressions are case-insensitive (as mailtui searched before; `smart_case=True`
gives mutt's rule: case-sensitive when the text has an upper-case letter) and checked by
`safe_regex` first. Any problem raises PatternError with the column it is at.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, tzinfo

from mailtui.core.patterns.nodes import And, Flagged, Node, Not, Or, State, Text, TextField
from mailtui.core.patterns.ranges import RangeProblem, date_range, size_range
from mailtui.core.patterns.safe_regex import RegexProblem, compile_safely, is_literal

MAX_PATTERN = 1000  # characters of a whole pattern
MAX_DEPTH = 50  # nested parentheses and !

TEXT_TERMS: dict[str, TextField] = {
    "f": "from",
    "t": "to",
    "c": "cc",
    "C": "recipient",
    "s": "subject",
    "i": "message_id",
    "x": "references",
    "b": "body",
    "B": "whole",
    "h": "headers",
}
STATE_TERMS: dict[str, State] = {
    "A": "all",
    "N": "unread",
    "U": "unread",
    "O": "old",
    "R": "read",
    "F": "flagged",
    "D": "deleted",
    "Q": "replied",
    "P": "forwarded",
    "T": "tagged",
}
RANGE_TERMS = {"d", "z"}
_SPECIAL_START = "~=%!|()"
KNOWN = "~f ~t ~c ~C ~s ~i ~x ~b ~B ~h ~d ~z ~N ~U ~O ~R ~F ~D ~Q ~P ~T ~A"


class PatternError(ValueError):
    """A pattern that cannot be used: `column` (1-based) says where, `reason` what."""

    def __init__(self, reason: str, column: int) -> None:
        super().__init__(f"{reason} (at column {column})")
        self.reason = reason
        self.column = column


def parse(text: str, *, now: float | None = None, tz: tzinfo | None = None, smart_case: bool = False) -> Node:
    """The tree of `text`; `now` and `tz` fix what relative dates and days mean."""
    if len(text) > MAX_PATTERN:
        raise PatternError(f"a pattern of at most {MAX_PATTERN} characters", MAX_PATTERN + 1)
    if not text.strip():
        raise PatternError("an empty pattern: type what to look for, or ~A for every message", 1)
    moment = time.time() if now is None else now
    zone = tz if tz is not None else datetime.now().astimezone().tzinfo
    assert zone is not None
    if not any(ch in text for ch in "~=%!|()\"'"):
        # mutt's simple search: the whole text, spaces and all, in from, to or subject.
        stripped = text.strip()
        return Text("any", stripped, exact=True, column=text.index(stripped[0]) + 1)
    parser = _Parser(text, moment, zone, smart_case)
    node = parser.expression(depth=0)
    parser.skip_space()
    if parser.at < len(text):
        raise PatternError(f"unexpected {text[parser.at]!r}", parser.at + 1)
    return node


@dataclass
class _Parser:
    text: str
    now: float
    tz: tzinfo
    smart_case: bool
    at: int = 0

    def skip_space(self) -> None:
        while self.at < len(self.text) and self.text[self.at].isspace():
            self.at += 1

    def peek(self) -> str:
        self.skip_space()
        return self.text[self.at] if self.at < len(self.text) else ""

    def expression(self, depth: int) -> Node:
        """Alternatives separated by `|`."""
        if depth > MAX_DEPTH:
            raise PatternError(f"more than {MAX_DEPTH} levels of parentheses or !", self.at + 1)
        parts = [self.conjunction(depth)]
        while self.peek() == "|":
            self.at += 1
            parts.append(self.conjunction(depth))
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunction(self, depth: int) -> Node:
        """Terms side by side."""
        parts: list[Node] = []
        while True:
            ch = self.peek()
            if ch in ("", "|") or (ch == ")" and depth > 0):
                break
            parts.append(self.unary(depth))
        if not parts:
            where = self.at + 1
            if self.at < len(self.text) and self.text[self.at] == "|":
                raise PatternError("nothing before or after |", where)
            raise PatternError("a term is missing here", where)
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self, depth: int) -> Node:
        ch = self.peek()
        start = self.at
        if ch == "!":
            self.at += 1
            if self.peek() in ("", "|", ")"):
                raise PatternError("! needs a term after it, as !~F", start + 1)
            return Not(self.unary(depth + 1))
        if ch == "(":
            self.at += 1
            if self.peek() == "":
                raise PatternError("this parenthesis is not closed", start + 1)
            if self.peek() == ")":
                raise PatternError("nothing between these parentheses", start + 1)
            inner = self.expression(depth + 1)
            if self.peek() != ")":
                raise PatternError("this parenthesis is not closed", start + 1)
            self.at += 1
            return inner
        if ch == ")":
            raise PatternError("a closing parenthesis without an opening one", start + 1)
        if ch in "~=%":
            return self.term(depth)
        word, _quoted = self.argument(depth)
        return self.text_term("any", word, exact=True, column=start + 1)

    def term(self, depth: int) -> Node:
        start = self.at
        sigil = self.text[start]
        letter = self.text[start + 1] if start + 1 < len(self.text) else ""
        self.at = start + 2
        name = sigil + letter
        if sigil == "%":
            raise PatternError(f"{name}: address groups (%) are not supported; use ~ or =", start + 1)
        if not letter or letter.isspace():
            raise PatternError(f"{sigil} needs a letter after it: {KNOWN}", start + 1)
        if letter in STATE_TERMS and sigil == "~":
            return Flagged(STATE_TERMS[letter])
        if letter not in TEXT_TERMS and letter not in RANGE_TERMS:
            raise PatternError(f"unknown pattern {name}: known are {KNOWN}", start + 1)
        if sigil == "=" and letter not in TEXT_TERMS:
            raise PatternError(f"{name}: = goes with a text pattern (=s, =f, =b, ...)", start + 1)
        self.skip_space()
        arg_at = self.at
        arg, quoted = self.argument(depth)
        if not arg and not quoted:
            example = {"d": "~d <7d", "z": "~z >1M"}.get(letter, f"{name} backup")
            raise PatternError(f"{name} needs something to look for, as {example}", start + 1)
        if letter == "d":
            return self.ranged(lambda: date_range(arg, self.now, self.tz), arg_at)
        if letter == "z":
            return self.ranged(lambda: size_range(arg), arg_at)
        if not quoted:
            arg = self.run_on(arg, arg_at, depth)
        return self.text_term(TEXT_TERMS[letter], arg, exact=sigil == "=", column=arg_at + 1)

    def ranged(self, build: object, column: int) -> Node:
        try:
            return build()  # type: ignore[operator,no-any-return]
        except RangeProblem as exc:
            raise PatternError(str(exc), column + 1) from None

    def run_on(self, arg: str, arg_at: int, depth: int) -> str:
        """The argument with the bare words after it (`~b disk full`: "disk full")."""
        end = self.at
        while True:
            save = self.at
            ch = self.peek()
            if not ch or ch in _SPECIAL_START or ch in "\"'":
                self.at = save
                break
            self.argument(depth)
            end = self.at
        self.at = end
        return self.text[arg_at:end]

    def argument(self, depth: int) -> tuple[str, bool]:
        """One word, or a quoted text (backslash escapes the quote); (text, was quoted)."""
        self.skip_space()
        text = self.text
        if self.at < len(text) and text[self.at] in "\"'":
            quote, start = text[self.at], self.at
            self.at += 1
            out: list[str] = []
            while self.at < len(text) and text[self.at] != quote:
                if text[self.at] == "\\" and self.at + 1 < len(text):
                    self.at += 1
                out.append(text[self.at])
                self.at += 1
            if self.at >= len(text):
                raise PatternError("this quote is not closed", start + 1)
            self.at += 1
            return "".join(out), True
        start = self.at
        while self.at < len(text):
            ch = text[self.at]
            if ch.isspace() or ch in "|~" or (ch == ")" and depth > 0):
                break
            self.at += 1
        return text[start : self.at], False

    def text_term(self, field: TextField, text: str, exact: bool, column: int) -> Text:
        case_sensitive = self.smart_case and any(ch.isupper() for ch in text)
        if exact or is_literal(text):
            return Text(field, text, exact=exact, case_sensitive=case_sensitive, column=column)
        try:
            regex = compile_safely(text, case_sensitive)
        except RegexProblem as exc:
            raise PatternError(str(exc), column) from None
        return Text(field, text, exact=False, case_sensitive=case_sensitive, column=column, regex=regex)
