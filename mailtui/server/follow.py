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

Sources are log files (`FileTail`: the rotations are read first, a file renamed or truncated by
logrotate is finished and the new one opened, a file that does not exist yet is waited for) or
the journal (`JournalTail`, `journalctl -o json --after-cursor`). `clock` and `sleep` are
injectable; pass `sleep=stop_event.wait` from a worker so that stopping does not wait a poll.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Literal, Protocol

from mailtui.server.errors import LogAccessError, LogNotFoundError, ServerError, group_hint
from mailtui.server.events import MailEvent
from mailtui.server.logparse import (
    LogLine,
    default_log_files,
    parse_journal_json,
    parse_line,
    read_log,
    rotated_files,
)
from mailtui.server.trace import FINAL, Step, Trace, events_of, is_id_query, trace

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

_CHUNK = 1 << 20  # bytes read from a log at a time

Reason = Literal["", "final", "removed", "deferred", "timeout", "stopped"]


class LogSource(Protocol):
    """Something that hands out the log lines written since the last call."""

    def read_new(self) -> list[LogLine]: ...

    def close(self) -> None: ...


class FileTail:
    """One log file, followed across rotations (`tail -F`).

    The first `read_new()` returns its rotations (oldest first, `.gz` included, when `rotated`)
    and what the file holds now (all of it with `history`, else nothing); later calls return the
    lines appended since. A rename or removal (logrotate) is noticed by the inode: the rest of
    the old file is read, then the new one from its start. A file shorter than what was read
    (copytruncate) is read again from the start. A missing file yields nothing until it appears.
    """

    def __init__(self, path: Path | str, *, history: bool = True, rotated: bool = True) -> None:
        self.path = Path(path)
        self.history = history
        self.rotated = rotated
        self._file: _Open | None = None
        self._started = False

    def read_new(self) -> list[LogLine]:
        out: list[LogLine] = []
        first = not self._started
        self._started = True
        if first and self.history and self.rotated:
            for older in rotated_files(self.path):
                if older != self.path:
                    out.extend(read_log(older, rotated=False))
        try:
            st: os.stat_result | None = self.path.stat()
        except FileNotFoundError:
            st = None
        except PermissionError:
            raise LogAccessError(f"{self.path}: permission denied; {group_hint(str(self.path))}") from None
        except OSError as exc:
            raise ServerError(f"{self.path}: {exc}") from None
        now = datetime.now()

        def parse(raws: Iterable[bytes]) -> None:
            for raw in raws:
                line = parse_line(raw.decode("utf-8", "replace"), now)
                if line is not None:
                    out.append(line)

        if self._file is not None:
            if st is None or (st.st_ino, st.st_dev) != self._file.identity:
                parse(self._file.drain(final=True))  # rotated away: finish the old file first
                self._file.close()
                self._file = None
            elif st.st_size < self._file.position():
                self._file.rewind()  # truncated in place
        if self._file is None and st is not None:
            self._file = _Open.of(self.path)
            if first and not self.history:
                self._file.skip_to_end()
        if self._file is not None:
            parse(self._file.drain())
        return out

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


@dataclass
class _Open:
    """An open log file: its identity, and the bytes of a line not yet ended."""

    fh: BinaryIO
    identity: tuple[int, int]
    partial: bytes = b""

    @classmethod
    def of(cls, path: Path) -> _Open:
        try:
            fh = path.open("rb")
        except PermissionError:
            raise LogAccessError(f"{path}: permission denied; {group_hint(str(path))}") from None
        except OSError as exc:
            raise ServerError(f"{path}: {exc}") from None
        st = os.fstat(fh.fileno())
        return cls(fh, (st.st_ino, st.st_dev))

    def position(self) -> int:
        return int(self.fh.tell())

    def rewind(self) -> None:
        self.fh.seek(0)
        self.partial = b""

    def skip_to_end(self) -> None:
        self.fh.seek(0, os.SEEK_END)

    def drain(self, final: bool = False) -> Iterator[bytes]:
        """The complete lines written since the last call, read a chunk at a time (a big log's
        history is not held as one string); with `final`, an unended last line too."""
        while chunk := self.fh.read(_CHUNK):
            *lines, self.partial = (self.partial + chunk).split(b"\n")
            yield from lines
        if final and self.partial:
            yield self.partial
            self.partial = b""

    def close(self) -> None:
        self.fh.close()


class JournalTail:
    """The mail lines of the systemd journal, polled with `journalctl -o json --after-cursor`."""

    def __init__(self, since: datetime | None = None, journalctl: str | None = None) -> None:
        self.since = since
        self.journalctl = journalctl or shutil.which("journalctl") or ""
        self._cursor = ""

    def read_new(self) -> list[LogLine]:
        if not self.journalctl:
            raise LogNotFoundError("no mail log file (/var/log/mail.log, /var/log/maillog) and no journalctl")
        cmd = [self.journalctl, "-o", "json", "--no-pager", "SYSLOG_FACILITY=2"]
        if self._cursor:
            cmd += ["--after-cursor", self._cursor]
        elif self.since is not None:
            cmd += ["--since", self.since.strftime("%Y-%m-%d %H:%M:%S")]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise ServerError(f"journalctl failed: {exc}") from None
        if done.returncode != 0 and "permission" in done.stderr.lower():
            raise LogAccessError(
                "the journal is not readable by this user: join the 'systemd-journal' or 'adm' group "
                "(sudo usermod -aG systemd-journal $USER) or run with sudo"
            )
        if done.returncode != 0:
            raise ServerError(f"journalctl failed: {done.stderr.strip()}")
        lines = done.stdout.splitlines()
        for raw in reversed(lines):
            try:
                cursor = json.loads(raw).get("__CURSOR")
            except (ValueError, AttributeError):
                continue
            if cursor:
                self._cursor = str(cursor)
                break
        return list(parse_journal_json(lines))

    def close(self) -> None:
        pass


def default_sources(since: datetime | None = None) -> list[LogSource]:
    """The usual mail logs of this host (as `mailtui server trace` reads them), else the journal."""
    files = default_log_files()
    if files:
        return [FileTail(f) for f in files]
    return [JournalTail(since)]


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
        removed = any(s.queue_id == tl.queue_ids[0] and s.what == "removed from the queue" for s in tl.steps)
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
) -> Iterator[FollowUpdate]:
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
