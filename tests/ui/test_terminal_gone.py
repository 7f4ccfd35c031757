"""The app ends when its terminal goes away, even when no SIGHUP comes (a real pty, a real process).

Under `make demo` (or any parent that keeps the session) a killed tmux pane or dropped SSH
session may never deliver SIGHUP, and Textual's input thread then reads the closed
terminal in a loop. The app checks its terminal and quits instead of burning a CPU.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux ptys")


def _read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def _wait_exit(pid: int, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.1)
    return None


def test_app_quits_when_its_terminal_hangs_up_without_sighup() -> None:
    pid, master = pty.fork()
    if pid == 0:  # the child: the app on the pty, deaf to SIGHUP like a child of make
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.environ["TERM"] = "xterm-256color"
        os.execv(sys.executable, [sys.executable, "-m", "mailtui", "--demo"])
    try:
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        shown = _read_until(master, b"INBOX", timeout=60)
        assert b"INBOX" in shown, shown[-500:]
        os.close(master)  # the terminal goes away
        master = -1
        status = _wait_exit(pid, timeout=20)
        assert status is not None, "the app kept running on a terminal that is gone"
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 129, status
    finally:
        if master >= 0:
            os.close(master)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
