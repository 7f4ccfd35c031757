"""A mutt pattern (`core.patterns`) as an IMAP SEARCH (RFC 3501), where SEARCH means the same.

SEARCH compares substrings, case-insensitively, so only plain text (a `=` term, or text
without regex operators) of a field SEARCH names is sent: FROM, TO, CC, SUBJECT, BODY,
TEXT (~B) and HEADER Message-ID / References / In-Reply-To; flags as SEEN, UNSEEN,
FLAGGED, DELETED, ANSWERED, DRAFT and KEYWORD $Forwarded; sizes as LARGER / SMALLER
(RFC822.SIZE, which is the index's size); key sets as a UID set. A regular expression, a
case-sensitive text, ~h (SEARCH has no "any header line") and dates are not: SENTSINCE
and SENTBEFORE compare whole days of the Date header in its own zone, not the instants
a pattern means. `criteria` returns None for those and the session matches them itself,
on the messages SEARCH left, so the answer is the same either way.
"""

from __future__ import annotations

from mailtui.core.patterns.nodes import And, DateRange, Flagged, KeysIn, Node, Not, Or, SizeRange, Text

MAX_UIDS = 500  # a key set sent as a UID set (a longer command may be refused: "Too long argument")

_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "any": (("FROM",), ("TO",), ("SUBJECT",)),
    "from": (("FROM",),),
    "to": (("TO",),),
    "cc": (("CC",),),
    "recipient": (("TO",), ("CC",)),
    "subject": (("SUBJECT",),),
    "message_id": (("HEADER", "Message-ID"),),
    "references": (("HEADER", "References"), ("HEADER", "In-Reply-To")),
    "body": (("BODY",),),
    "whole": (("TEXT",),),
}
_STATES: dict[str, list[str]] = {
    "all": ["ALL"],
    "unread": ["UNSEEN"],
    "old": ["UNSEEN"],  # mailtui keeps no "old" apart from unread (core.patterns.evaluate)
    "read": ["SEEN"],
    "flagged": ["FLAGGED"],
    "deleted": ["DELETED"],
    "replied": ["ANSWERED"],
    "draft": ["DRAFT"],
    "forwarded": ["KEYWORD", "$Forwarded"],
}


def criteria(node: Node) -> list[str] | None:
    """The SEARCH criteria of `node` as flat tokens for imapclient (its nested lists are
    encoded as ASCII, so groups are written without parentheses: an AND inside an OR as
    NOT OR NOT a NOT b); None when SEARCH cannot say it exactly."""
    if isinstance(node, And):  # side by side at the top: SEARCH's own AND
        parts: list[str] = []
        for child in node.children:
            found = key(child)
            if found is None:
                return None
            parts += found
        return parts
    return key(node)


def key(node: Node) -> list[str] | None:
    """One search-key (prefix form) for `node`, or None."""
    if isinstance(node, And):
        first = key(node.children[0])
        if len(node.children) == 1 or first is None:
            return first
        rest = key(And(node.children[1:]))
        return None if rest is None else ["NOT", "OR", "NOT", *first, "NOT", *rest]
    if isinstance(node, Or):
        return _either([key(child) for child in node.children])
    if isinstance(node, Not):
        inner = key(node.child)
        return None if inner is None else ["NOT", *inner]
    if isinstance(node, Flagged):
        found_state = _STATES.get(node.state)
        return None if found_state is None else list(found_state)
    if isinstance(node, KeysIn):
        if not node.keys:
            return ["NOT", "ALL"]
        if len(node.keys) > MAX_UIDS or not all(k.isdigit() for k in node.keys):
            return None
        return ["UID", ",".join(sorted(node.keys, key=int))]
    if isinstance(node, SizeRange):
        parts: list[str] = []
        if node.low is not None and node.low > 0:
            parts += ["LARGER", str(node.low - 1)]
        if node.high is not None:
            parts += ["SMALLER", str(node.high + 1)]
        if len(parts) > 2:  # both ends: one key
            return ["NOT", "OR", "NOT", *parts[:2], "NOT", *parts[2:]]
        return parts or ["ALL"]
    if isinstance(node, DateRange):
        return None
    assert isinstance(node, Text)
    return _text(node)


def _text(term: Text) -> list[str] | None:
    if term.regex is not None or term.case_sensitive or term.field not in _FIELDS or not term.text:
        return None
    if any(ord(ch) < 32 for ch in term.text):
        return None  # a control character cannot be sent in a quoted string
    return _either([[*keys, term.text] for keys in _FIELDS[term.field]])


def _either(alternatives: list[list[str] | None]) -> list[str] | None:
    """OR of the alternatives (SEARCH's OR takes two keys: nested to the right)."""
    if any(a is None for a in alternatives):
        return None
    first = alternatives[0]
    assert first is not None
    if len(alternatives) == 1:
        return first
    rest = _either(alternatives[1:])
    return None if rest is None else ["OR", *first, *rest]
