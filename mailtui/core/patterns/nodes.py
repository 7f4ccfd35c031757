"""The parsed form of a mutt pattern: a tree of frozen dataclasses (`parse.parse` builds it).

A tree is evaluated by `evaluate.matches` on one message, compiled to SQL by the Maildir
index (`backends/maildir/pattern_sql.py`) and to a SEARCH command over IMAP; all three
read the same fields, so a pattern matches the same messages wherever it runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Literal

# Which text a text term looks in: header fields of the Envelope, or the message itself.
TextField = Literal[
    "any",  # a bare word: from, to or subject (mutt's simple search)
    "from",  # ~f
    "to",  # ~t
    "cc",  # ~c
    "recipient",  # ~C: to or cc
    "subject",  # ~s
    "message_id",  # ~i
    "references",  # ~x: References or In-Reply-To
    "body",  # ~b: the decoded text parts, not the headers
    "headers",  # ~h: one header line ("Field: value") at a time
    "whole",  # ~B: headers and body
]
# Fields that need the message itself (read from the mailbox, evaluated last).
MESSAGE_FIELDS: frozenset[str] = frozenset({"body", "headers", "whole"})

# A state term: a flag of the message, or every message.
State = Literal[
    "all", "unread", "read", "flagged", "deleted", "replied", "forwarded", "draft", "old", "tagged"
]


@dataclass(frozen=True, slots=True)
class Text:
    """`~s backup`: `text` in `field`; a regular expression unless `exact` (`=s`) or a bare word."""

    field: TextField
    text: str
    exact: bool = False
    case_sensitive: bool = False
    column: int = 0  # where the term starts in the pattern (1-based), for messages
    regex: re.Pattern[str] | None = dataclass_field(default=None, compare=False, repr=False)

    @property
    def plain(self) -> bool:
        """True when the text is matched as a substring (exact, or a regex without operators)."""
        return self.regex is None


@dataclass(frozen=True, slots=True)
class Flagged:
    """A state term: `~N` unread, `~F` flagged, `~A` all, ..."""

    state: State


@dataclass(frozen=True, slots=True)
class DateRange:
    """`~d`: low <= the message's date < high (POSIX seconds; None: open)."""

    low: float | None
    high: float | None


@dataclass(frozen=True, slots=True)
class SizeRange:
    """`~z`: low <= size <= high in bytes (None: open)."""

    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class KeysIn:
    """The messages whose key is in `keys`: a state term answered beforehand (the tagged
    ones, or the unread ones from an index) so that SQL and Python need no flags."""

    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class Not:
    child: Node


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]


Node = Text | Flagged | DateRange | SizeRange | KeysIn | Not | And | Or


def walk(node: Node) -> list[Node]:
    """Every node of the tree, `node` first."""
    found: list[Node] = [node]
    if isinstance(node, Not):
        found += walk(node.child)
    elif isinstance(node, And | Or):
        for child in node.children:
            found += walk(child)
    return found


def needs_message(node: Node) -> bool:
    """True when some term reads the message itself (~b ~B ~h)."""
    return any(isinstance(n, Text) and n.field in MESSAGE_FIELDS for n in walk(node))


def needs_envelope(node: Node) -> bool:
    """True when some term reads the headers or flags of an Envelope."""
    return any(
        (isinstance(n, Text) and n.field not in MESSAGE_FIELDS)
        or (isinstance(n, Flagged) and n.state != "all")
        or isinstance(n, DateRange | SizeRange)
        for n in walk(node)
    )


def states(node: Node) -> set[State]:
    """The state terms used (the caller may answer some of them beforehand)."""
    return {n.state for n in walk(node) if isinstance(n, Flagged)}


def replace_states(node: Node, answers: dict[State, frozenset[str]]) -> Node:
    """`node` with each state term in `answers` replaced by the keys that have it."""
    if isinstance(node, Flagged) and node.state in answers:
        return KeysIn(answers[node.state])
    if isinstance(node, Not):
        return Not(replace_states(node.child, answers))
    if isinstance(node, And):
        return And(tuple(replace_states(c, answers) for c in node.children))
    if isinstance(node, Or):
        return Or(tuple(replace_states(c, answers) for c in node.children))
    return node


def conjuncts(node: Node) -> tuple[Node, ...]:
    """The parts of a top-level AND (the node itself otherwise)."""
    return node.children if isinstance(node, And) else (node,)


def index_answerable(node: Node) -> bool:
    """True when an index of header fields answers `node` alone (no flags, no message terms)."""
    for n in walk(node):
        if isinstance(n, Flagged) and n.state != "all":
            return False
        if isinstance(n, Text) and n.field in MESSAGE_FIELDS:
            return False
    return True


def text_matches(term: Text, text: str) -> bool:
    """One text against a term: substring or regular expression, with the term's case rule."""
    if term.regex is not None:
        return term.regex.search(text if term.case_sensitive else text.lower()) is not None
    if term.case_sensitive:
        return term.text in text
    return term.text.lower() in text.lower()
