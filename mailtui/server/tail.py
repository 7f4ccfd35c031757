"""Mail log sources read as they grow (`tail -F`): log files across logrotate, and the journal.

`FileTail` reads a file's rotations and history first, then only what was appended; a rename or
removal is noticed by the inode (the rest of the old file is read, then the new one), a file
shorter than what was read (copytruncate) is read again, a file that does not exist yet is
waited for. `JournalTail` polls `journalctl -o json --after-cursor`. Both are `LogSource`s, the
input of `mailtui.server.follow.follow`.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from mailtui.server.errors import (
    LogAccessError,
    LogNotFoundError,
    ServerError,
    no_mail_log,
    permission_denied,
)
from mailtui.server.logparse import (
    LogLine,
    default_log_files,
    parse_journal_json,
    parse_line,
    read_log,
    rotated_files,
    run_journalctl,
)

__all__ = ["FileTail", "JournalTail", "LogSource", "default_sources"]

_CHUNK = 1 << 20  # bytes read from a log at a time


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
            raise LogAccessError(permission_denied(self.path)) from None
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
            raise LogAccessError(permission_denied(path)) from None
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
            raise LogNotFoundError(no_mail_log())
        args = []
        if self._cursor:
            args += ["--after-cursor", self._cursor]
        elif self.since is not None:
            args += ["--since", self.since.strftime("%Y-%m-%d %H:%M:%S")]
        stdout = run_journalctl(self.journalctl, args, timeout=60)
        lines = stdout.splitlines()
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
