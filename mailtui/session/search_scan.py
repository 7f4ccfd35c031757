"""The folder scan behind search, limit and tag-pattern: a mutt pattern over every message.

The pattern (`core.patterns`, e.g. `~f alice ~d <7d !~F`) is answered as cheaply as the
backend allows, and the answer is the same either way:
- a backend with an index (Maildir's header cache) answers the header, date and size part
  in one query; unread terms come from its unread keys. Messages not indexed yet are read
  (which indexes them) and matched in Python (`evaluate.matches`);
- flags and whatever the index cannot answer are matched on the envelopes of the
  candidates the index left (all messages without an index), one chunk at a time;
- a backend that searches on the server (IMAP) gets the pattern as one SEARCH where
  SEARCH means the same (plain text, flags, sizes: imap/search_query.py), else the parts
  of a top-level AND it can say, and the rest is matched here on what SEARCH left;
- message terms (~b ~B ~h) come last, only for messages the rest did not decide: a server
  search where the backend has one and the term is plain text (IMAP's SEARCH BODY), else
  the message is read and searched as a reader sees it (slow, streamed).
Runs on a worker thread: `scan_folder` yields matches chunk by chunk so results stream,
and holds at most one chunk of envelopes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol, TypeVar, overload

from mailtui.backends.base import CompactRefs, MailBackend
from mailtui.core.errors import BackendError, MessageNotFoundError
from mailtui.core.models import Envelope, MessageRef
from mailtui.core.patterns.evaluate import EnvelopeFacts, matches
from mailtui.core.patterns.nodes import (
    And,
    Node,
    State,
    Text,
    conjuncts,
    index_answerable,
    needs_envelope,
    needs_message,
    replace_states,
    states,
    walk,
)
from mailtui.core.patterns.parse import PatternError, parse

CHUNK = 1000  # refs per backend call: one sqlite query per 500 keys when cached

T = TypeVar("T")


class Call(Protocol):
    """Runs `fn(backend)` on the open backend and returns its result, as `Session.call` does."""

    def __call__(self, fn: Callable[[MailBackend], T], /) -> T: ...


def query_problem(text: str) -> str | None:
    """What is wrong with a pattern as typed (shown instead of a silent "no messages match")."""
    found = pattern_problem(text)
    return None if found is None else f"{found[0]}, at column {found[1]}"


def pattern_problem(text: str) -> tuple[str, int] | None:
    """(what is wrong, 1-based column) with a pattern as typed; None when it can be used,
    and for an empty one (which the prompts take as "every message")."""
    if not text.strip():
        return None
    try:
        parse(text)
    except PatternError as exc:
        return exc.reason, exc.column
    return None


def parse_query(text: str) -> Node:
    """The pattern tree of `text` (PatternError when it is not one: see `query_problem`)."""
    return parse(text)


def with_tags(node: Node, tagged: frozenset[str]) -> Node:
    """`node` with ~T answered by the keys tagged now (tags are the index's, not the mailbox's)."""
    return replace_states(node, {"tagged": tagged}) if "tagged" in states(node) else node


@dataclass(frozen=True, slots=True)
class Query:
    """One header field and a lower-cased needle, as `MailBackend.index_search` takes a field
    ("to" is to or cc there): what `query_matches` of a Query answers, exactly."""

    field: str  # "any" (from/to/subject), "from", "to", "subject"
    needle: str


_QUERY_TEXTS: dict[str, Callable[[Envelope], tuple[str, ...]]] = {
    "any": lambda e: (e.sender, e.subject, e.to),
    "from": lambda e: (e.sender,),
    "to": lambda e: (e.to, e.cc),
    "subject": lambda e: (e.subject,),
}


def query_matches(env: Envelope, query: Query | Node) -> bool:
    """Whether an envelope matches a field query or a pattern (a pattern with message terms
    never matches here: those need the message)."""
    if isinstance(query, Query):
        return any(query.needle in text.lower() for text in _QUERY_TEXTS[query.field](env))
    if needs_message(query):
        return False
    return matches(query, EnvelopeFacts(env))


def scan_folder(
    call: Call,
    folder: str,
    node: Node,
    refs: Sequence[MessageRef],
    cached: dict[str, Envelope],
    cancelled: Callable[[], bool],
) -> Iterator[tuple[int, list[Envelope | MessageRef]]]:
    """Yield (refs done, matches in this chunk) per chunk, in listing order: an envelope
    where one was read, else the ref."""
    keys = refs.keys() if isinstance(refs, CompactRefs) else [r.key for r in refs]
    if call(_has_index):
        node = _with_unread(call, folder, refs, node)
    if not needs_envelope(node) and not needs_message(node):
        # ~A, or only key sets: no message need be read.
        for start in range(0, len(refs), CHUNK):
            stop = min(start + CHUNK, len(refs))
            facts_free = [refs[i] for i in range(start, stop) if matches(node, _KeyFacts(keys[i]))]
            if cancelled():
                return
            yield stop, list(facts_free)
        return
    candidates: set[str] | None = None  # None: every message
    decided: set[str] = set()  # candidates the index answered fully (they match)
    if call(_has_index):
        head = [part for part in conjuncts(node) if index_answerable(part)]
        if head:
            first = head[0] if len(head) == 1 else And(tuple(head))
            hits, indexed = call(partial(_index_search, folder, refs, first))
            candidates = hits | (set(keys) - indexed)
            if len(head) == len(conjuncts(node)):
                decided = hits
    elif call(_has_server_search):
        candidates, decided = _server_candidates(call, folder, node)
    server = _server_hits(call, folder, node)
    for start in range(0, len(refs), CHUNK):
        stop = min(start + CHUNK, len(refs))
        chunk = [i for i in range(start, stop) if candidates is None or keys[i] in candidates]
        found: list[Envelope | MessageRef] = []
        undecided = [refs[i] for i in chunk if keys[i] not in decided]
        envelopes = _envelopes(call, folder, undecided, cached) if needs_envelope(node) else {}
        for i in chunk:
            key = keys[i]
            if key in decided:
                found.append(refs[i])
                continue
            if needs_envelope(node) and key not in envelopes:
                continue  # gone meanwhile
            facts = _Facts(call, folder, refs[i], envelopes.get(key), server)
            try:
                hit = matches(node, facts)
            except MessageNotFoundError:
                continue  # gone meanwhile
            if hit:
                env = envelopes.get(key)
                found.append(env if env is not None else refs[i])
            if cancelled():
                return
        if cancelled():
            return
        yield stop, found


# Rows tried in turn by `first_match`, each window after the last: a match within the first
# rows (the usual case) is found in one small query, a rare one in a few.
AHEAD_WINDOWS = (100, 1900)  # each within pattern_sql.BULK: a keyed query, not a folder scan


@dataclass(frozen=True, slots=True)
class FirstMatch:
    """The first match after the cursor: its ref and whether the search wrapped to reach it."""

    ref: MessageRef
    wrapped: bool


class Rotated(Sequence[MessageRef]):
    """`rows` from the one after `start` to the end, then from the top to `start` (mutt's
    search order: the cursor's own row last), without copying them."""

    def __init__(self, rows: Sequence[MessageRef], start: int) -> None:
        self._rows = rows
        self._first = start + 1
        self._count = len(rows)

    def __len__(self) -> int:
        return self._count

    def wrapped(self, i: int) -> bool:
        """Whether item `i` is at or above the cursor (the search went past the bottom)."""
        return self._first + i >= self._count

    @overload
    def __getitem__(self, i: int) -> MessageRef: ...

    @overload
    def __getitem__(self, i: slice) -> list[MessageRef]: ...

    def __getitem__(self, i: int | slice) -> MessageRef | list[MessageRef]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        if not -self._count <= i < self._count:
            raise IndexError(i)
        return self._rows[(self._first + i % self._count) % self._count]


def first_match(
    call: Call,
    folder: str,
    node: Node,
    ahead: Rotated,
    cached: dict[str, Envelope],
    cancelled: Callable[[], bool],
) -> FirstMatch | None:
    """The first row of `ahead` matching `node`, looked for window by window (AHEAD_WINDOWS)
    where the backend has an index, as mutt's search stops at the next match; None when
    the windows hold none (or the backend has no index: the whole scan answers then)."""
    if not call(_has_index):
        return None
    start = 0
    for size in AHEAD_WINDOWS:
        stop = min(start + size, len(ahead))
        if stop <= start:
            break
        window = ahead[start:stop]
        for _done, found in scan_folder(call, folder, node, window, cached, cancelled):
            if found:
                hit = found[0]
                ref = hit.ref if isinstance(hit, Envelope) else hit
                at = next(i for i, r in enumerate(window) if r.key == ref.key)
                return FirstMatch(ref, ahead.wrapped(start + at))
        if cancelled():
            return None
        start = stop
    return None


class _KeyFacts:
    """A message known by its key alone (patterns of key sets and ~A)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def envelope(self) -> Envelope:
        raise AssertionError("no envelope read for a pattern of keys")

    def message_matches(self, term: Text) -> bool:
        raise AssertionError("no message read for a pattern of keys")


class _Facts:
    """One message for `evaluate.matches`: its envelope as read, its text read on demand."""

    def __init__(
        self,
        call: Call,
        folder: str,
        ref: MessageRef,
        env: Envelope | None,
        server: dict[Text, set[str]],
    ) -> None:
        self.key = ref.key
        self._call = call
        self._folder = folder
        self._ref = ref
        self._env = env
        self._server = server
        self._raw: bytes | None = None

    def envelope(self) -> Envelope:
        assert self._env is not None, "read for every candidate of a pattern with header terms"
        return self._env

    def message_matches(self, term: Text) -> bool:
        hits = self._server.get(term)
        if hits is not None:
            return self.key in hits
        if self._raw is None:
            self._raw = self._call(partial(_fetch_raw, self._folder, self._ref))
        from mailtui.core.patterns.body import message_matches  # the email parser, when a body is read

        return message_matches(term, self._raw)


def _with_unread(call: Call, folder: str, refs: Sequence[MessageRef], node: Node) -> Node:
    """Unread and read terms answered by the index's unread keys (no envelope needed)."""
    wanted: set[State] = states(node) & {"unread", "old", "read"}
    if not wanted:
        return node
    unread = frozenset(call(partial(_unread_keys, folder, refs)))
    keys = refs.keys() if isinstance(refs, CompactRefs) else [r.key for r in refs]
    answers: dict[State, frozenset[str]] = {"unread": unread, "old": unread}
    if "read" in wanted:
        answers["read"] = frozenset(keys) - unread
    return replace_states(node, answers)


def _server_candidates(call: Call, folder: str, node: Node) -> tuple[set[str] | None, set[str]]:
    """(candidates, decided) from the server's SEARCH: the whole pattern when it can say
    it (all decided), else the parts of a top-level AND it can say (candidates only)."""
    whole = call(partial(_search_pattern, folder, node))
    if whole is not None:
        return whole, whole
    found: set[str] | None = None
    parts = conjuncts(node)
    for part in parts if len(parts) > 1 else ():
        hits = call(partial(_search_pattern, folder, part))
        if hits is not None:
            found = hits if found is None else found & hits
    return found, set()


def _server_hits(call: Call, folder: str, node: Node) -> dict[Text, set[str]]:
    """Keys per ~b term of plain text, from the server's own body search where it has one."""
    terms = [
        n
        for n in walk(node)
        if isinstance(n, Text) and n.field == "body" and n.plain and not n.case_sensitive
    ]
    if not terms or not call(_has_server_search):
        return {}
    return {term: call(partial(_search_body, folder, term.text)) for term in set(terms)}


def _envelopes(
    call: Call, folder: str, refs: list[MessageRef], cached: dict[str, Envelope]
) -> dict[str, Envelope]:
    found = {r.key: cached[r.key] for r in refs if r.key in cached}
    missing = [r for r in refs if r.key not in found]
    if missing:
        for env in call(partial(_fetch_envelopes, folder, missing)):
            found[env.ref.key] = env
    return found


def _has_index(backend: MailBackend) -> bool:
    return backend.IMPLEMENTS_INDEX


def _has_server_search(backend: MailBackend) -> bool:
    return backend.IMPLEMENTS_SERVER_SEARCH


def _index_search(
    folder: str, refs: Sequence[MessageRef], node: Node, backend: MailBackend
) -> tuple[set[str], set[str]]:
    return backend.index_search(folder, refs, node, "")


def _search_pattern(folder: str, node: Node, backend: MailBackend) -> set[str] | None:
    """The server's answer, None when it has none (then the messages are matched here,
    offline too: a failed search is not the user's problem while the headers are cached)."""
    try:
        return backend.search_pattern(folder, node)
    except BackendError:
        return None


def _unread_keys(folder: str, refs: Sequence[MessageRef], backend: MailBackend) -> set[str]:
    return backend.unread_keys(folder, refs)


def _search_body(folder: str, needle: str, backend: MailBackend) -> set[str]:
    return backend.search_body(folder, needle)


def _fetch_raw(folder: str, ref: MessageRef, backend: MailBackend) -> bytes:
    return backend.fetch_raw(folder, ref)


def _fetch_envelopes(folder: str, refs: Sequence[MessageRef], backend: MailBackend) -> list[Envelope]:
    return backend.fetch_envelopes(folder, refs)
