"""Running commands on mail: `|` pipes, attachment viewers from the config or mailcap.

The I/O half of `core.mailcap`: reading the mailcap files (`$MAILCAPS`, else
`~/.mailcap` then `/etc/mailcap`, first match wins), running `test=` commands, writing an
attachment to a private temp file and running a command on it with a time and output
bound. Textual-free: the UI calls these from thread workers (captured output) or inside
`App.suspend()` (a viewer that needs the terminal).

Mail is hostile. An attachment is written under a name made here from its safe name,
reduced to `[A-Za-z0-9._-]`, in a fresh 0700 directory, mode 0600, and removed afterwards;
a command only ever sees that path, shell-quoted. A `test=` command naming the file (`%s`)
is not run (a test must not see hostile data), so its entry is skipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mailtui.core.mailcap import (
    MailcapEntry,
    candidates,
    expand,
    parse_command_setting,
    parse_mailcap,
    uses_file,
)
from mailtui.core.sanitize import safe_filename

COMMAND_TIMEOUT = 30.0  # seconds a piped or copiousoutput command may run
TEST_TIMEOUT = 3.0  # seconds a mailcap test= command may run
OUTPUT_LIMIT = 2 * 1024 * 1024  # bytes of output kept; the command is stopped beyond it
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class CommandOutput:
    """What a command printed (stdout and stderr together, at most OUTPUT_LIMIT bytes) and how it ended."""

    command: str
    output: bytes
    status: int | None  # the exit status; None when it was stopped
    truncated: bool = False
    timed_out: bool = False
    stopped: bool = False  # asked to stop (the output screen was closed)

    def summary(self) -> str:
        """One line for the output screen: how the command ended."""
        if self.stopped:
            return "stopped"
        if self.timed_out:
            return f"stopped after {COMMAND_TIMEOUT:.0f} s"
        if self.truncated:
            return f"output cut at {OUTPUT_LIMIT // 1024} KiB, command stopped"
        return "exit status 0" if self.status == 0 else f"exit status {self.status}"


def mailcap_files() -> list[Path]:
    """The mailcap files in the order they are read: `$MAILCAPS` (colon-separated), else ~/.mailcap, /etc/mailcap."""
    env = os.environ.get("MAILCAPS")
    if env:
        return [Path(p).expanduser() for p in env.split(":") if p]
    return [Path.home() / ".mailcap", Path("/etc/mailcap")]


def load_entries(files: Sequence[Path] | None = None) -> list[MailcapEntry]:
    """Every entry of the mailcap files, in order; a missing or unreadable file counts as empty."""
    entries: list[MailcapEntry] = []
    for path in mailcap_files() if files is None else files:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        entries.extend(parse_mailcap(text, str(path)))
    return entries


def _test_passes(entry: MailcapEntry, content_type: str, params: Mapping[str, str]) -> bool:
    if not entry.test:
        return True
    if uses_file(entry.test):
        return False  # never run a test on the attachment itself
    command = expand(entry.test, filename="", content_type=content_type, params=params)
    try:
        done = subprocess.run(
            command,
            shell=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=TEST_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def find_viewer(
    content_type: str,
    params: Mapping[str, str] | None = None,
    *,
    configured: Mapping[str, str] | None = None,
    files: Sequence[Path] | None = None,
) -> MailcapEntry | None:
    """The command that shows `content_type`: the config's `[ui] viewers` first, then mailcap.

    Blocking (reads files, may run `test=` commands): call it from a worker thread.
    """
    params = params or {}
    settings = [
        entry
        for ctype, value in (configured or {}).items()
        if (entry := parse_command_setting(ctype, value)) is not None
    ]
    for entry in candidates(settings, content_type) + candidates(load_entries(files), content_type):
        if _test_passes(entry, content_type, params):
            return entry
    return None


def temp_name(name: str) -> str:
    """The name an attachment gets in the temp directory: its safe name, reduced to `[A-Za-z0-9._-]`."""
    reduced = _NAME_UNSAFE.sub("_", safe_filename(name)).lstrip(".-") or "attachment"
    return reduced[:100]


def file_name(entry: MailcapEntry, name: str) -> str:
    """The name for the temp file of `name`: the entry's `nametemplate` (`%s.html`) applied to its stem."""
    if "%s" not in entry.nametemplate:
        return name
    return entry.nametemplate.replace("%s", Path(safe_filename(name)).stem, 1)


@contextlib.contextmanager
def private_file(name: str, data: bytes) -> Iterator[Path]:
    """`data` in a new file readable only by us, in a new 0700 directory; both removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="mailtui-view-"))
    try:
        path = directory / temp_name(name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        yield path
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _feed(stdin: object, data: bytes) -> None:
    try:
        stdin.write(data)  # type: ignore[attr-defined]
    except (BrokenPipeError, OSError, ValueError):
        pass  # the command did not read it all (head): fine
    finally:
        with contextlib.suppress(OSError, ValueError):
            stdin.close()  # type: ignore[attr-defined]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)


def run_command(
    command: str,
    data: bytes = b"",
    *,
    timeout: float = COMMAND_TIMEOUT,
    limit: int = OUTPUT_LIMIT,
    cwd: Path | None = None,
    stop: threading.Event | None = None,
) -> CommandOutput:
    """Run `command` with `sh -c`, `data` on its standard input; its output, bounded in time and size.

    The command runs in its own process group, so stopping it (the time is up, the output
    too long, or `stop` is set) stops what it started.
    """
    proc = subprocess.Popen(
        command,
        shell=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        start_new_session=True,
    )
    feeder = threading.Thread(target=_feed, args=(proc.stdin, data), daemon=True)
    feeder.start()
    assert proc.stdout is not None
    chunks: list[bytes] = []
    size = 0
    truncated = timed_out = stopped = False
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            if stop is not None and stop.is_set():
                stopped = True
                break
            if not selector.select(timeout=min(left, 0.5)):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                truncated = True
                break
    if timed_out or truncated or stopped:
        _stop(proc)
    else:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            _stop(proc)
    proc.stdout.close()
    feeder.join(timeout=1)
    output = b"".join(chunks)[:limit]
    status = None if timed_out or truncated or stopped else proc.returncode
    return CommandOutput(command, output, status, truncated=truncated, timed_out=timed_out, stopped=stopped)


def view_captured(
    entry: MailcapEntry,
    data: bytes,
    name: str,
    content_type: str,
    params: Mapping[str, str] | None = None,
    stop: threading.Event | None = None,
) -> CommandOutput:
    """Run a copiousoutput viewer on the attachment (temp file or stdin) and capture what it prints."""
    with private_file(file_name(entry, name), data) as path:
        command = expand(entry.command, filename=str(path), content_type=content_type, params=params or {})
        return run_command(command, b"" if uses_file(entry.command) else data, cwd=path.parent, stop=stop)


def view_in_terminal(
    entry: MailcapEntry, data: bytes, name: str, content_type: str, params: Mapping[str, str] | None = None
) -> int:
    """Run an interactive viewer on the attachment with the terminal (the UI has suspended itself)."""
    with private_file(file_name(entry, name), data) as path:
        command = expand(entry.command, filename=str(path), content_type=content_type, params=params or {})
        if uses_file(entry.command):
            return subprocess.run(command, shell=True, cwd=path.parent, check=False).returncode
        with path.open("rb") as stdin:
            return subprocess.run(command, shell=True, stdin=stdin, cwd=path.parent, check=False).returncode
