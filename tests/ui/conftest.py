"""Fixtures of the UI tests: a deterministic temp Maildir with real messages, and the app factory.

Dates are fixed and the time zone is UTC, so snapshots do not depend on the clock.
"""

from __future__ import annotations

import base64
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.ui.app import MailApp

BASE_TIME = 1_700_000_000  # 2023-11-14 22:13:20 UTC


@dataclass(frozen=True)
class Notified:
    """One notification the app showed (a toast), as the tests read it."""

    message: str
    title: str
    severity: str


@pytest.fixture(autouse=True)
def _record_notifications(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record every notification of a MailApp, for `notifications(app)`.

    Textual keeps its notifications in a private attribute; screens and widgets all go
    through `App.notify`, so wrapping it sees each one without reaching into Textual.
    """
    original = MailApp.notify

    def notify(self: MailApp, message: str, *args: Any, **kwargs: Any) -> None:
        kept = self.__dict__.setdefault("_tests_notified", [])
        kept.append(
            Notified(str(message), str(kwargs.get("title") or ""), str(kwargs.get("severity", "information")))
        )
        original(self, message, *args, **kwargs)

    monkeypatch.setattr(MailApp, "notify", notify)


def notifications(app: MailApp) -> list[Notified]:
    """The notifications `app` showed so far, oldest first."""
    return list(app.__dict__.get("_tests_notified", []))


def _message(subject: str, sender: str, date: str, body: str, *, b64: bool = False) -> bytes:
    if b64:
        encoded = base64.encodebytes(body.encode("utf-8")).decode("ascii")
        cte = "base64"
    else:
        encoded, cte = body, "8bit"
    return (
        f"From: {sender}\nTo: admin@example.org\nSubject: {subject}\nDate: {date}\n"
        f"Message-ID: <{zlib.crc32(subject.encode())}@example.org>\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: {cte}\n\n{encoded}"
    ).encode()


def _with_attachment() -> bytes:
    payload = base64.encodebytes(b"disk usage report\n/var 91%\n").decode("ascii")
    return (
        "From: Monitor <monitor@example.org>\nTo: admin@example.org\nSubject: Disk report\n"
        "Date: Mon, 13 Nov 2023 08:00:00 +0000\nMessage-ID: <att1@example.org>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="BOUND"\n\n'
        "--BOUND\nContent-Type: text/plain; charset=utf-8\n\nSee the attached report.\n"
        '--BOUND\nContent-Type: text/plain; name="report.txt"\n'
        'Content-Disposition: attachment; filename="report.txt"\nContent-Transfer-Encoding: base64\n\n'
        f"{payload}--BOUND--\n"
    ).encode()


# (file name time offset, folder sub-dir, flags, message): newest first in the index.
MESSAGES = [
    (
        50,
        "new",
        "",
        _message(
            "=?UTF-8?B?5rWL6K+V6YKu5Lu2?=",
            "=?UTF-8?B?5byg5LiJ?= <zhang@example.cn>",
            "Tue, 14 Nov 2023 22:00:00 +0000",
            "你好，这是一封测试邮件。\n> quoted line\n",
            b64=True,
        ),
    ),
    (
        40,
        "cur",
        "S",
        _message(
            "[/PATCH] broken [bold]markup[/bold]",
            "Kernel Dev <dev@example.org>",
            "Tue, 14 Nov 2023 10:00:00 +0000",
            "A patch with [red]brackets[/red].\n",
        ),
    ),
    (30, "cur", "FS", _with_attachment()),
    (
        20,
        "cur",
        "S",
        _message(
            "Backup finished",
            "cron <root@backup.example.org>",
            "Sun, 12 Nov 2023 03:00:00 +0000",
            "backup ok\n",
        ),
    ),
    (
        10,
        "cur",
        "",
        _message(
            "Certificate expires soon",
            "certbot <certbot@example.org>",
            "Sat, 11 Nov 2023 06:00:00 +0000",
            "renew please\n",
        ),
    ),
]


def write_message(folder: Path, sub: str, stamp: int, seq: int, flags: str, data: bytes) -> Path:
    """Write one message as a Maildir file with a fixed, time-ordered name."""
    name = f"{stamp}.M{seq}P4242.testhost"
    if sub == "cur":
        name += f":2,{flags}"
    path = folder / sub / name
    path.write_bytes(data)
    return path


def make_maildir(root: Path) -> Path:
    """A Maildir++ with INBOX (the messages above), .Trash, .Sent and .Archive."""
    for folder in (root, root / ".Trash", root / ".Sent", root / ".Archive"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    for seq, (offset, sub, flags, data) in enumerate(MESSAGES):
        write_message(root, sub, BASE_TIME + offset, seq, flags, data)
    return root


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch):
    """Dates are drawn in local time: make that UTC for stable output."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    return make_maildir(tmp_path / "Mail")


def make_app(maildir: Path, **ui: object) -> MailApp:
    """The app as the CLI builds it, on `maildir`, with ui config overrides (theme, keys)."""
    account = AccountConfig(name="test", maildir=str(maildir))
    ui_config = UIConfig(**{"theme": "textual-dark", **ui})  # type: ignore[arg-type]
    return MailApp(Config(accounts=(account,), ui=ui_config), account)


def screen_text(app: MailApp) -> str:
    """What the terminal shows right now, as plain text lines.

    Textual has no public plain-text view of the screen (`export_screenshot` gives SVG), so
    this one helper asks the screen's compositor for its full update.
    """
    update = app.screen._compositor.render_full_update(simplify=True)
    return "\n".join("".join(seg.text for strip in row for seg in strip) for row in update.strips)


def steady_cursors(app: MailApp) -> None:
    """Stop every text cursor of the screen blinking, for a snapshot.

    A blinking cursor is drawn or not by the clock: on a busy machine a snapshot taken a
    little later would differ. With blinking off the cursor is always drawn.
    """
    from textual.widgets import Input, TextArea

    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


async def wait_until(
    pilot: object, condition: Callable[[], object], timeout: float = 30.0, what: str = ""
) -> None:
    """Let the app run until `condition()` is true; fail naming `what` after `timeout` seconds.

    The one way UI tests wait: for a condition, never for a fixed time. The timeout is a
    failure bound for a busy machine, not a pause.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition}")
        await pilot.pause()  # type: ignore[attr-defined]


async def settle(pilot: object, rounds: int = 50) -> None:
    """Wait until no worker runs and none started over three UI pauses in a row.

    Requests chain (refs listed -> window computed -> envelopes wanted -> worker), so one
    idle moment is not enough to say the screen is final.
    """
    from textual.worker import WorkerState

    app = pilot.app  # type: ignore[attr-defined]
    quiet = 0
    for _ in range(rounds):
        await pilot.pause()  # type: ignore[attr-defined]
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if busy:
            quiet = 0
            await app.workers.wait_for_complete(busy)
        else:
            quiet += 1
            if quiet == 3:
                return
