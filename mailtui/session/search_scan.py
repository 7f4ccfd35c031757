"""The folder scan behind search and tag-pattern: headers from the backend (its cache first), or bodies.

A query is a substring, case-insensitive, over from/to/subject; mutt-like prefixes pick
one field: `~f` from, `~t` to/cc, `~s` subject, `~b` body (the server's search over IMAP,
else a scan of the decoded messages, slow, streamed), `~A` every message. Runs on a
worker thread: `scan_folder` yields matches chunk by chunk so results stream, and holds at
most one chunk of envelopes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol, TypeVar

from mailtui.backends.base import CompactRefs, MailBackend, SearchField
from mailtui.core.errors import MessageNotFoundError
from mailtui.core.index.body_search import body_contains
from mailtui.core.models import Envelope, MessageRef

CHUNK = 1000  # refs per backend call: one sqlite query per 500 keys when cached

T = TypeVar("T")


class Call(Protocol):
    """Runs `fn(backend)` on the open backend and returns its result, as `Session.call` does."""

    def __call__(self, fn: Callable[[MailBackend], T], /) -> T: ...


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed search: which field, and the lower-cased needle."""

    field: str  # "any" (from/to/subject), "from", "to", "subject", "body", "all"
    needle: str


_PREFIXES = {"~f": "from", "~t": "to", "~s": "subject", "~b": "body"}


def query_problem(text: str) -> str | None:
    """What is wrong with a search as typed (shown instead of a silent "no messages match")."""
    words = text.split()
    patterns = [w for w in words if w.startswith("~")]
    unknown = [w for w in patterns if w not in _PREFIXES and w != "~A"]
    if unknown:
        return f"unknown pattern {unknown[0]}: use ~f (from), ~t (to/cc), ~s (subject), ~b (body) or ~A (all)"
    if len(patterns) > 1:
        return "one pattern at a time (combining them, as mutt's ~s x ~f y, is not supported)"
    if patterns and words[0] != patterns[0]:
        return f"put {patterns[0]} first, then the text to look for"
    if patterns and patterns[0] != "~A" and len(words) == 1:
        return f"{patterns[0]} needs the text to look for, as in {patterns[0]} backup"
    return None


def parse_query(text: str) -> Query:
    """`~f alice` -> Query("from", "alice"); plain text searches from, to and subject."""
    stripped = text.strip()
    if stripped in ("~A", "*"):
        return Query("all", "")
    head, _, rest = stripped.partition(" ")
    if head in _PREFIXES and rest.strip():
        return Query(_PREFIXES[head], rest.strip().lower())
    return Query("any", stripped.lower())


def envelope_matches(env: Envelope, needle: str) -> bool:
    """Case-insensitive substring match on sender, to and subject."""
    return needle in env.sender.lower() or needle in env.subject.lower() or needle in env.to.lower()


def query_matches(env: Envelope, query: Query) -> bool:
    """Whether an envelope matches a header query (body queries never match here)."""
    needle = query.needle
    if query.field == "all":
        return True
    if query.field == "any":
        return envelope_matches(env, needle)
    if query.field == "from":
        return needle in env.sender.lower()
    if query.field == "to":
        return needle in env.to.lower() or needle in env.cc.lower()
    if query.field == "subject":
        return needle in env.subject.lower()
    return False


def scan_folder(
    call: Call,
    folder: str,
    query: Query,
    refs: Sequence[MessageRef],
    cached: dict[str, Envelope],
    cancelled: Callable[[], bool],
) -> Iterator[tuple[int, list[Envelope | MessageRef]]]:
    """Yield (refs done, matches in this chunk) per chunk; envelopes for header queries.

    A body query goes to the server when the backend can search (IMAP's SEARCH BODY);
    otherwise each message is read and searched as a reader sees it (core.body_search).
    """
    if query.field in _HEADER_FIELDS and call(_has_index):
        yield from _scan_index(call, folder, query, refs, cancelled)
        return
    server_hits = (
        call(lambda b: _server_body_search(b, folder, query.needle)) if query.field == "body" else None
    )
    for start in range(0, len(refs), CHUNK):
        chunk = refs[start : start + CHUNK]
        found: list[Envelope | MessageRef] = []
        if query.field == "all":
            found.extend(chunk)
        elif isinstance(server_hits, set):
            found.extend(ref for ref in chunk if ref.key in server_hits)
        elif query.field == "body":
            for ref in chunk:
                try:
                    raw = call(partial(_fetch_raw, folder, ref))
                except MessageNotFoundError:
                    continue  # gone meanwhile
                if isinstance(raw, bytes) and body_contains(raw, query.needle):
                    found.append(ref)
                if cancelled():
                    return
        else:
            missing = [r for r in chunk if r.key not in cached]
            fetched: dict[str, Envelope] = {}
            if missing:
                envs = call(partial(_fetch_envelopes, folder, missing))
                fetched = {e.ref.key: e for e in envs}
            for ref in chunk:
                env = cached.get(ref.key) or fetched.get(ref.key)
                if env is not None and query_matches(env, query):
                    found.append(env)
        if cancelled():
            return
        yield min(start + CHUNK, len(refs)), found


_HEADER_FIELDS: dict[str, SearchField] = {"any": "any", "from": "from", "to": "to", "subject": "subject"}


def _scan_index(
    call: Call, folder: str, query: Query, refs: Sequence[MessageRef], cancelled: Callable[[], bool]
) -> Iterator[tuple[int, list[Envelope | MessageRef]]]:
    """A header search as one index query. Messages not indexed yet are read (which indexes
    them) and matched where they stand, so the matches stream in listing order as the
    envelope scan's do."""
    field = _HEADER_FIELDS[query.field]
    hits, indexed = call(partial(_index_search, folder, refs, field, query.needle))
    keys = refs.keys() if isinstance(refs, CompactRefs) else [r.key for r in refs]
    if len(indexed) == len(keys):  # all indexed (the usual case): one answer
        if not cancelled():
            yield len(keys), [refs[i] for i, key in enumerate(keys) if key in hits]
        return
    for start in range(0, len(keys), CHUNK):
        stop = min(start + CHUNK, len(keys))
        need = [refs[i] for i in range(start, stop) if keys[i] not in indexed]
        fetched: dict[str, Envelope] = {}
        if need:
            envs = call(partial(_fetch_envelopes, folder, need))
            fetched = {e.ref.key: e for e in envs if query_matches(e, query)}
        found: list[Envelope | MessageRef] = []
        for i in range(start, stop):
            key = keys[i]
            if key in hits:
                found.append(refs[i])
            elif key in fetched:
                found.append(fetched[key])
        if cancelled():
            return
        yield stop, found


def _has_index(backend: MailBackend) -> bool:
    return backend.IMPLEMENTS_INDEX


def _index_search(
    folder: str, refs: Sequence[MessageRef], field: SearchField, needle: str, backend: MailBackend
) -> tuple[set[str], set[str]]:
    return backend.index_search(folder, refs, field, needle)


def _fetch_raw(folder: str, ref: MessageRef, backend: MailBackend) -> bytes:
    return backend.fetch_raw(folder, ref)


def _fetch_envelopes(folder: str, refs: Sequence[MessageRef], backend: MailBackend) -> list[Envelope]:
    return backend.fetch_envelopes(folder, refs)


def _server_body_search(backend: MailBackend, folder: str, needle: str) -> set[str] | None:
    """The backend's own body search (keys), None when it has none (local mailboxes)."""
    return backend.search_body(folder, needle) if backend.IMPLEMENTS_SERVER_SEARCH else None
