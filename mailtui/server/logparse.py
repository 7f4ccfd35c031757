"""Mail log lines: syslog, RFC 3339 syslog, Postfix's `maillog_file`, Exim's main log, the journal.

Pure parsing (`parse_line`, `parse_journal_json`) is separate from reading (`read_log`,
`rotated_files`, `journal_lines`): rotated files are read oldest first (`mail.log.3.gz`,
`mail.log.2.gz`, `mail.log.1`, `mail.log`). Syslog lines carry no year: it is taken from a
reference time (the file's mtime) and a date more than a day after it belongs to the year before.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from mailtui.core.i18n import tr
from mailtui.server.errors import (
    LogAccessError,
    LogNotFoundError,
    ServerError,
    no_mail_log,
    permission_denied,
)

__all__ = [
    "LogLine",
    "parse_journal_json",
    "parse_line",
    "read_log",
    "rotated_files",
    "default_log_files",
]

_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
# "Dec  1 20:18:23 host prog[pid]: text" (syslog and Postfix's maillog_file; day padded or not)
_SYSLOG = re.compile(
    r"^(?P<mon>[A-Z][a-z]{2}) +(?P<day>\d{1,2}) (?P<time>\d\d:\d\d:\d\d)(?:\.\d+)? "
    r"(?P<host>\S+) (?P<prog>[^\s\[:]+)(?:\[(?P<pid>\d+)\])?: (?P<text>.*)$"
)
# "2026-12-01T20:18:23.123456+01:00 host prog[pid]: text" (rsyslog's RFC 3339 template)
_RFC3339 = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) "
    r"(?P<host>\S+) (?P<prog>[^\s\[:]+)(?:\[(?P<pid>\d+)\])?: (?P<text>.*)$"
)
# "2026-12-01 20:15:40 [pid] 1xYUGK-0002Nm-1w <= ..." (Exim's main log)
_EXIM = re.compile(
    r"^(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.\d+)?(?: [+-]\d{4})?(?: \[(?P<pid>\d+)\])? (?P<text>.*)$"
)


@dataclass(frozen=True)
class LogLine:
    """One log line: when, which program (`postfix/smtpd`, `exim`), its text (untrusted)."""

    time: datetime
    program: str
    text: str
    host: str = ""
    pid: int | None = None
    raw: str = ""

    @property
    def mta(self) -> str:
        """ "postfix" for any syslog_name/service ("postfix-out/smtp"), "exim", or the program."""
        if "/" in self.program:
            return "postfix"
        return "exim" if self.program.startswith("exim") else self.program

    @property
    def service(self) -> str:
        """The Postfix daemon ("smtpd", "qmgr") or the program itself."""
        return self.program.rsplit("/", 1)[-1]


def _year_for(month: int, day: int, reference: datetime) -> int:
    year = reference.year
    try:
        candidate = datetime(year, month, day)
    except ValueError:  # Feb 29 of another year
        return year - 1
    return year - 1 if candidate - reference > timedelta(days=1) else year


def parse_line(raw: str, reference: datetime | None = None) -> LogLine | None:
    """Parse one line of any supported format; None for lines that are not log lines."""
    raw = raw.rstrip("\r\n")
    ref = reference or datetime.now()
    m = _SYSLOG.match(raw)
    if m:
        month = _MONTHS.get(m["mon"])
        if month is None:
            return None
        hh, mm, ss = (int(x) for x in m["time"].split(":"))
        day = int(m["day"])
        try:
            when = datetime(_year_for(month, day, ref), month, day, hh, mm, ss)
        except ValueError:
            return None
        return LogLine(when, m["prog"], m["text"], m["host"], _int(m["pid"]), raw)
    m = _RFC3339.match(raw)
    if m:
        try:
            when = datetime.fromisoformat(m["ts"].replace("Z", "+00:00")).astimezone().replace(tzinfo=None)
        except ValueError:
            return None
        return LogLine(when, m["prog"], m["text"], m["host"], _int(m["pid"]), raw)
    m = _EXIM.match(raw)
    if m:
        return LogLine(datetime.fromisoformat(m["ts"]), "exim", m["text"], "", _int(m["pid"]), raw)
    return None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def parse_journal_json(lines: Iterable[str]) -> Iterator[LogLine]:
    """`journalctl -o json` output (one object per line) as log lines; other lines are skipped."""
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or "MESSAGE" not in entry:
            continue
        message = entry["MESSAGE"]
        if isinstance(message, list):  # journald stores non-UTF-8 messages as byte arrays
            message = bytes(message).decode("utf-8", "replace")
        try:
            when = datetime.fromtimestamp(int(entry.get("__REALTIME_TIMESTAMP", "0")) / 1e6)
        except (TypeError, ValueError):
            continue
        program = str(entry.get("SYSLOG_IDENTIFIER") or entry.get("_COMM") or "")
        pid = entry.get("SYSLOG_PID") or entry.get("_PID")
        yield LogLine(
            when, program, str(message), str(entry.get("_HOSTNAME", "")), _int(str(pid) if pid else None)
        )


# ---------------------------------------------------------------------------- reading

DEFAULT_LOGS = ("/var/log/mail.log", "/var/log/maillog", "/var/log/exim4/mainlog", "/var/log/exim/main.log")


def default_log_files() -> list[Path]:
    """The usual mail logs that exist on this host (may be empty: then use the journal)."""
    return [Path(p) for p in DEFAULT_LOGS if Path(p).exists()]


def rotated_files(path: Path) -> list[Path]:
    """`path` and its rotations, oldest first: path.N.gz ... path.1(.gz), path."""
    rotations: list[tuple[int, Path]] = []
    try:
        candidates = list(path.parent.glob(path.name + ".*"))
    except OSError:  # a folder we may not list: read the file itself (its open says why not)
        candidates = []
    for candidate in candidates:
        suffix = candidate.name[len(path.name) + 1 :].removesuffix(".gz")
        if suffix.isdigit():
            rotations.append((int(suffix), candidate))
    # Without rotations the file itself is returned even when missing: the reader reports it.
    return [p for _, p in sorted(rotations, reverse=True)] + (
        [path] if path.exists() or not rotations else []
    )


def _open_lines(path: Path) -> Iterator[str]:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
                yield from fh
        else:
            with path.open(encoding="utf-8", errors="replace") as fh:
                yield from fh
    except PermissionError:
        raise LogAccessError(permission_denied(path)) from None
    except (OSError, EOFError) as exc:
        raise ServerError(f"{path}: {exc}") from None


def _exists_or_hidden(path: Path) -> bool:
    try:
        path.stat()
    except PermissionError:
        return True  # open() will explain
    except OSError:
        return False
    return True


def read_log(path: Path, *, rotated: bool = True) -> Iterator[LogLine]:
    """The parsed lines of a log (and its rotations, oldest first); unparsable lines are skipped."""
    files = rotated_files(path) if rotated else [path]
    if not any(_exists_or_hidden(f) for f in files):
        raise LogNotFoundError(tr("{path}: no such file", path=path))
    for file in files:
        try:
            reference = datetime.fromtimestamp(file.stat().st_mtime)
        except OSError:
            reference = datetime.now()
        for raw in _open_lines(file):
            line = parse_line(raw, reference)
            if line is not None:
                yield line


def journal_lines(since: datetime | None = None, until: datetime | None = None) -> Iterator[LogLine]:
    """The mail lines of the systemd journal (`journalctl -o json`), for hosts without a mail.log."""
    import shutil

    journalctl = shutil.which("journalctl")
    if journalctl is None:
        raise LogNotFoundError(no_mail_log())
    args = []
    if since:
        args += ["--since", since.strftime("%Y-%m-%d %H:%M:%S")]
    if until:
        args += ["--until", until.strftime("%Y-%m-%d %H:%M:%S")]
    yield from parse_journal_json(run_journalctl(journalctl, args, timeout=120).splitlines())


def run_journalctl(journalctl: str, args: list[str], *, timeout: float) -> str:
    """`journalctl -o json` of the mail facility (every Postfix syslog_name and Exim) with `args`;
    its stdout. A journal this user may not read, or a failing or missing journalctl, is a
    `ServerError` that says what to do."""
    import subprocess

    cmd = [journalctl, "-o", "json", "--no-pager", "SYSLOG_FACILITY=2", *args]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ServerError(tr("journalctl failed: {why}", why=exc)) from None
    if done.returncode != 0 and "permission" in done.stderr.lower():
        raise LogAccessError(
            tr(
                "the journal is not readable by this user: join the 'systemd-journal' or 'adm' group "
                "(sudo usermod -aG systemd-journal $USER) or run with sudo"
            )
        )
    if done.returncode != 0:
        raise ServerError(tr("journalctl failed: {why}", why=done.stderr.strip()))
    return done.stdout
