"""Where the server screen reads from: the mail log(s) and the Postfix instance, as the CLI takes them.

Textual-free and blocking: the screen's tabs call `ServerSource.events()` and the queue on
thread workers. The parsed log is kept while its files are unchanged (same size and mtime),
so a second trace of a big log does not read it again.

Built by the CLI for every UI start, so the server modules are imported where they are
used, not here: the mailbox's first screen does not load the log parsers (issue 18).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailtui.server.events import MailEvent
    from mailtui.server.queue import PostfixQueue
    from mailtui.server.tail import LogSource

_FileKey = tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class ServerSource:
    """The log files (empty: /var/log/mail.log and the like, else the journal) and `-c CONFIG_DIR`."""

    logs: tuple[str, ...] = ()
    config_dir: str | None = None
    _cache: _EventCache = field(default_factory=lambda: _EventCache(), compare=False, repr=False)

    def log_files(self) -> list[Path]:
        """The files read: the ones given, else the usual mail logs of this host (may be none)."""
        from mailtui.server.logparse import default_log_files

        return [Path(p) for p in self.logs] or default_log_files()

    def describe(self) -> str:
        """One line for the screen: which log and which Postfix instance."""
        from mailtui.core.i18n import tr

        files = self.log_files()
        log = ", ".join(str(f) for f in files) if files else tr("the systemd journal")
        postfix = f"-c {self.config_dir}" if self.config_dir else tr("the default instance")
        return tr("log {log} · postfix {postfix}", log=log, postfix=postfix)

    def follow_sources(self, *, recent: bool = False) -> list[LogSource] | None:
        """What `server.follow.follow` reads: the files given, else None (the usual files or the
        journal, opened by follow). With `recent` (a message sent just now) the usual files are
        named too, and their rotations are not read. The caller closes what it gets."""
        from mailtui.server.tail import FileTail

        if not recent:
            return [FileTail(p) for p in self.logs] or None
        files = self.log_files()
        return [FileTail(f, rotated=False) for f in files] if files else None

    def events(self) -> list[MailEvent]:
        """Every mail event of the log, in log order (blocking; raises `ServerError`s)."""
        from mailtui.server.logparse import journal_lines
        from mailtui.server.trace import events_of

        files = self.log_files()
        if not files:
            return events_of(journal_lines())
        return self._cache.get(files)

    def queue(self) -> PostfixQueue:
        from mailtui.server.queue import PostfixQueue

        return PostfixQueue(self.config_dir)


class _EventCache:
    """The events of the last log read, reused while none of its files changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: _FileKey | None = None
        self._events: list[MailEvent] = []

    def get(self, files: list[Path]) -> list[MailEvent]:
        from mailtui.server.logparse import read_log
        from mailtui.server.trace import events_of

        with self._lock:
            key = _file_key(files)
            if key is None or key != self._key:
                events = events_of(line for f in files for line in read_log(f))
                self._key, self._events = key, events
            return self._events


def _file_key(files: list[Path]) -> _FileKey | None:
    """(path, size, mtime) of every file and rotation read; None when one cannot be stat'ed."""
    from mailtui.server.logparse import rotated_files

    out = []
    for f in files:
        for path in rotated_files(f):
            try:
                st = path.stat()
            except OSError:
                return None  # read it again: read_log reports what is wrong
            out.append((str(path), st.st_size, st.st_mtime_ns))
    return tuple(out)
