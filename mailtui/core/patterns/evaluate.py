"""Does one message match a pattern tree? Header terms on its Envelope, the rest on demand.

`matches(node, facts)` asks `facts` for the Envelope only when a header, flag, date or
size term is reached, and for the message's own text (~b ~B ~h) last: in an AND or OR
the cheap terms are tried first, so a body is read only for messages the rest did not
already decide. The fields read are those the Maildir index stores (`Envelope.sort_date`
as the date, `sender` for ~f), so SQL and this agree.
"""

from __future__ import annotations

from typing import Protocol

from mailtui.core.models import Envelope, Flag
from mailtui.core.patterns.nodes import (
    MESSAGE_FIELDS,
    And,
    DateRange,
    Flagged,
    KeysIn,
    Node,
    Not,
    Or,
    SizeRange,
    State,
    Text,
    needs_message,
    text_matches,
)


class Facts(Protocol):
    """One message as a pattern sees it; each part fetched only when asked for."""

    @property
    def key(self) -> str: ...
    def envelope(self) -> Envelope: ...
    def message_matches(self, term: Text) -> bool:
        """A ~b ~B ~h term (by a server search, or on the message read)."""
        ...


class EnvelopeFacts:
    """Facts of an Envelope alone (header patterns; a message term raises)."""

    def __init__(self, env: Envelope) -> None:
        self._env = env

    @property
    def key(self) -> str:
        return self._env.ref.key

    def envelope(self) -> Envelope:
        return self._env

    def message_matches(self, term: Text) -> bool:
        raise ValueError("this pattern reads the message itself (~b ~B ~h): give its text")


def matches(node: Node, facts: Facts) -> bool:
    """Whether the message of `facts` matches `node`."""
    if isinstance(node, And):
        return all(matches(child, facts) for child in _cheap_first(node.children))
    if isinstance(node, Or):
        return any(matches(child, facts) for child in _cheap_first(node.children))
    if isinstance(node, Not):
        return not matches(node.child, facts)
    if isinstance(node, KeysIn):
        return facts.key in node.keys
    if isinstance(node, Text):
        if node.field in MESSAGE_FIELDS:
            return facts.message_matches(node)
        return any(text_matches(node, text) for text in field_texts(facts.envelope(), node))
    if isinstance(node, Flagged):
        return node.state == "all" or has_state(facts.envelope(), node.state)
    env = facts.envelope()
    if isinstance(node, DateRange):
        date = env.sort_date
        return (node.low is None or date >= node.low) and (node.high is None or date < node.high)
    assert isinstance(node, SizeRange)
    return (node.low is None or env.size >= node.low) and (node.high is None or env.size <= node.high)


def field_texts(env: Envelope, term: Text) -> tuple[str, ...]:
    """The texts of an Envelope a header term looks in (any one matching is a match)."""
    field = term.field
    if field == "any":
        return (env.sender, env.subject, env.to)
    if field == "from":
        return (env.sender,)
    if field == "to":
        return (env.to,)
    if field == "cc":
        return (env.cc,)
    if field == "recipient":
        return (env.to, env.cc)
    if field == "subject":
        return (env.subject,)
    if field == "message_id":
        return (env.message_id,)
    assert field == "references"
    return (" ".join(env.references), env.in_reply_to)


_FLAG_OF: dict[str, Flag] = {
    "flagged": Flag.FLAGGED,
    "deleted": Flag.DELETED,
    "replied": Flag.ANSWERED,
    "forwarded": Flag.FORWARDED,
    "draft": Flag.DRAFT,
}


def has_state(env: Envelope, state: State) -> bool:
    """A state term on an Envelope. mailtui keeps no "old" apart from unread (mutt's ~O:
    unread and seen before), so ~O is unread as ~N and ~U are; `tagged` is the index's
    and must have been answered beforehand (`nodes.replace_states`)."""
    if state == "all":
        return True
    if state in ("unread", "old"):
        return Flag.SEEN not in env.flags
    if state == "read":
        return Flag.SEEN in env.flags
    if state == "tagged":
        return False
    return _FLAG_OF[state] in env.flags


def _cheap_first(children: tuple[Node, ...]) -> list[Node]:
    """Message terms (and groups holding them) after the rest."""
    return sorted(children, key=_costly)


def _costly(node: Node) -> bool:
    return needs_message(node)
