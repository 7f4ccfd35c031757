"""Follow one message in the mail log live until its final status, as `tail -f | grep ID` would.

The headless half of `mailtui server trace ID --follow`, `mailtui send --follow` and the UI's
"follow" key after a send. `follow()` reads what the log already holds, then polls it for new
lines, and yields a `FollowUpdate` each time the message's trace grows, until it is settled:

- "final": every queue id of the message left the queue and every recipient has a final status
  (sent, bounced, expired), including the bounce or re-injected copy it caused; or the message
  itself is done and what it caused is still queued `deferred_timeout` seconds later (a frozen
  Exim bounce, a notification deferred at the sender's side);
- "removed": it left the queue without one (deleted with `postsuper -d`);
- "deferred": a deferral is the latest news and `deferred_timeout` seconds passed without more;
- "timeout": `timeout` seconds passed; "stopped": `should_stop()` said so.

Sources are log files (`FileTail`) or the journal (`JournalTail`), from `mailtui.server.tail`.
`clock` and `sleep` are injectable; pass `sleep=stop_event.wait` from a worker so that stopping
does not wait a poll.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from mailtui.core.i18n import tr
from mailtui.server.events import MailEvent
from mailtui.server.tail import FileTail, JournalTail, LogSource, default_sources
from mailtui.server.trace import FINAL, Step, Trace, events_of, is_id_query, trace

# FileTail, JournalTail, LogSource and default_sources live in tail.py; named here too, as the
# sources follow() takes.
__all__ = [
    "FileTail",
    "FollowUpdate",
    "JournalTail",
    "LogSource",
    "Reason",
    "default_sources",
    "follow",
    "is_local_host",
]

Reason = Literal["", "final", "removed", "deferred", "timeout", "stopped"]


@dataclass(frozen=True)
class FollowUpdate:
    """The message's trace so far, the steps new since the last update, and whether it is over."""

    trace: Trace
    new_steps: tuple[Step, ...] = ()
    done: bool = False
    reason: Reason = ""
    elapsed: float = 0.0

    @property
    def status(self) -> str:
        """The first timeline's status ("sent", "bounced", "deferred", "queued"), or "not seen"."""
        return self.trace.timelines[0].status if self.trace.timelines else "not seen"


@dataclass
class _Collector:
    """The events a query needs, grown line by line. For a queue id only the events that carry
    a queue id are kept (indexed), and the trace is built from the linked ids' events alone."""

    query: str
    by_id: dict[str, list[tuple[int, MailEvent]]] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)
    every: list[MailEvent] = field(default_factory=list)
    count: int = 0

    def add(self, events: Sequence[MailEvent]) -> None:
        for e in events:
            self.count += 1
            if not is_id_query(self.query):
                self.every.append(e)
                continue
            if not e.queue_id:
                continue
            self.by_id.setdefault(e.queue_id, []).append((self.count, e))
            if e.new_id:
                self.links.setdefault(e.queue_id, set()).add(e.new_id)
                self.links.setdefault(e.new_id, set()).add(e.queue_id)

    def trace(self, since: datetime | None) -> Trace:
        if not is_id_query(self.query):
            return trace(self.every, self.query, since)
        seed = self.query.strip().strip("<>")
        group, todo = set(), [seed]
        while todo:
            qid = todo.pop()
            if qid not in group:
                group.add(qid)
                todo.extend(self.links.get(qid, ()))
        events = sorted((p for qid in group for p in self.by_id.get(qid, [])), key=lambda p: p[0])
        return trace([e for _, e in events], self.query, since)


def _settled(result: Trace) -> Reason:
    if result.timelines and all(tl.removed for tl in result.timelines):
        return "final" if all(tl.final for tl in result.timelines) else "removed"
    return ""


def _pending(result: Trace) -> Reason:
    """What waiting `deferred_timeout` for more ends in: "final" when each message's own queue id
    left the queue with final statuses (only what it caused is still queued), "deferred" when a
    deferral is the latest news, "" when neither (still on its way)."""
    own_done = bool(result.timelines)
    deferred = False
    for tl in result.timelines:
        latest = tl.latest()
        own = [r for r in latest if r.queue_id == tl.queue_ids[0]]
        removed = any(
            s.queue_id == tl.queue_ids[0] and s.what == tr("removed from the queue") for s in tl.steps
        )
        own_done = own_done and removed and bool(own) and all(r.status in FINAL for r in own)
        deferred = deferred or any(r.status == "deferred" for r in latest)
    return "final" if own_done else "deferred" if deferred else ""


def follow(
    query: str,
    sources: Sequence[LogSource | Path | str] | None = None,
    *,
    since: datetime | None = None,
    timeout: float = 600.0,
    deferred_timeout: float = 60.0,
    poll_interval: float = 0.25,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] | None = None,
) -> Generator[FollowUpdate, None, None]:
    """Follow `query` (a queue id; a Message-ID or address works too) in the log until settled.

    `sources`: log files or `LogSource`s; None reads the usual files, else the journal (from
    `since`). Yields a first update at once (perhaps with an empty trace: not logged yet), one
    whenever new steps appear (`new_steps`, in log order), and a last one with `done` set and
    the `reason` (see the module docstring). `timeout` bounds the whole follow,
    `deferred_timeout` how long to wait for more once a deferral is logged. Log errors
    (`LogAccessError`, `LogNotFoundError`, `ServerError`) are raised from the first poll on.
    Sources given as paths or None are closed at the end; `LogSource` objects are the caller's.
    """
    srcs: list[LogSource] = []
    mine: list[LogSource] = []  # the sources made here, closed here
    for s in default_sources(since) if sources is None else sources:
        source = FileTail(s) if isinstance(s, (Path, str)) else s
        srcs.append(source)
        if sources is None or source is not s:
            mine.append(source)
    collector = _Collector(query)
    shown: Counter[Step] = Counter()
    result = Trace(query)
    start = clock()
    waiting_since: float | None = None
    first = True
    try:
        while True:
            lines = [line for s in srcs for line in s.read_new()]
            if lines:
                collector.add(events_of(lines))
                result = collector.trace(since)
            steps = [s for tl in result.timelines for s in tl.steps]
            now = clock()
            fresh = _unseen(steps, shown)
            reason = _settled(result)
            if not reason:
                if fresh:
                    waiting_since = None
                pending = _pending(result)
                if pending:
                    waiting_since = now if waiting_since is None else waiting_since
                    if now - waiting_since >= deferred_timeout:
                        reason = pending
                else:
                    waiting_since = None
                if not reason and now - start >= timeout:
                    reason = "timeout"
                if not reason and should_stop is not None and should_stop():
                    reason = "stopped"
            if fresh or reason or first:
                yield FollowUpdate(result, tuple(fresh), bool(reason), reason, now - start)
            first = False
            if reason:
                return
            sleep(poll_interval)
    finally:
        for source in mine:
            source.close()


def _unseen(steps: Sequence[Step], shown: Counter[Step]) -> list[Step]:
    """The steps not handed out yet (a newly linked queue id may bring earlier ones)."""
    seen: Counter[Step] = Counter()
    fresh = []
    for step in steps:
        seen[step] += 1
        if seen[step] > shown[step]:
            fresh.append(step)
            shown[step] += 1
    return fresh


def is_local_host(host: str) -> bool:
    """True when `host` resolves to an address of this machine (loopback or a local interface):
    only then is the relay's log on this host, so a queue id it returns can be followed here."""
    import ipaddress
    import socket

    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False
    for family, _, _, _, addr in infos:
        ip = str(addr[0])
        if ipaddress.ip_address(ip.split("%")[0]).is_loopback:
            return True
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.bind((ip, 0))  # only an address of one of our interfaces can be bound
            return True
        except OSError:
            continue
    return False
