"""Backend fixtures: one small harness per backend kind, so the contract suite runs on each.

A harness seeds messages into the default folder (oldest first), hands out fresh backend
instances on the same data, and delivers mail "from outside" (another program). To add a
kind (e.g. "imap" on Dovecot): append it to `CONTRACT_BACKENDS` and add a branch in
`make_backend` returning an object with the same three methods.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Protocol

import pytest

from mailtui.backends.base import MailBackend
from mailtui.backends.maildir.backend import MaildirBackend
from mailtui.backends.mbox.backend import MboxBackend
from tests.backends.imap_helpers import DovecotHarness

CONTRACT_BACKENDS = ["maildir", "mbox", "imap"]

SEED_TIME = 1_700_000_000  # 2023-11-14 22:13:20 UTC


def make_message(
    i: int, *, subject: str | None = None, sender: str = "Alice Example <alice@example.org>"
) -> bytes:
    """A small RFC 5322 message; the subject is non-ASCII so decoding is exercised."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "Bob <bob@example.net>"
    msg["Subject"] = subject if subject is not None else f"Message {i} café"
    msg["Date"] = format_datetime(_utc(SEED_TIME + 60 * i))
    msg["Message-ID"] = f"<msg{i}@example.org>"
    msg.set_content(f"Body of message {i}.\nSecond line.\n")
    return bytes(msg)


def _utc(ts: float):  # type: ignore[no-untyped-def]
    import datetime

    return datetime.datetime.fromtimestamp(ts, datetime.UTC)


class Harness(Protocol):
    kind: str
    folder_names: tuple[str, ...]  # folders besides the default one (empty for mbox)
    stores_any_bytes: bool  # False when the format alters some messages (mbox: final newline)

    def backend(self) -> MailBackend:
        """A fresh backend instance on the seeded data (closed at teardown)."""
        ...

    def deliver(self, raw: bytes) -> None:
        """Put a new message into the default folder as another program would."""
        ...


class MaildirHarness:
    kind = "maildir"
    folder_names = ("Archive",)
    stores_any_bytes = True

    def __init__(self, root: Path, messages: Sequence[bytes]) -> None:
        self.root = root
        for sub in ("cur", "new", "tmp"):
            (root / sub).mkdir(parents=True)
            (root / ".Archive" / sub).mkdir(parents=True)
        for i, raw in enumerate(messages):
            # Increasing delivery times in the names: the order list_refs must reproduce.
            (root / "cur" / f"{SEED_TIME + 60 * i}.M{i}P1Q{i}.seed,S={len(raw)}:2,").write_bytes(raw)
        self._opened: list[MailBackend] = []
        self._count = 0

    def backend(self) -> MailBackend:
        b = MaildirBackend(self.root)
        self._opened.append(b)
        return b

    def deliver(self, raw: bytes) -> None:
        self._count += 1
        name = f"{int(time.time())}.M999999P2Q{self._count}.outside"
        (self.root / "tmp" / name).write_bytes(raw)
        (self.root / "tmp" / name).rename(self.root / "new" / name)

    def close(self) -> None:
        for b in self._opened:
            b.close()


class MboxHarness:
    kind = "mbox"
    folder_names: tuple[str, ...] = ()
    stores_any_bytes = False

    def __init__(self, path: Path, messages: Sequence[bytes]) -> None:
        self.path = path
        path.write_bytes(b"".join(self._entry(raw, SEED_TIME + 60 * i) for i, raw in enumerate(messages)))
        self._opened: list[MailBackend] = []

    @staticmethod
    def _entry(raw: bytes, ts: float) -> bytes:
        from_line = b"From seed@example.org " + time.asctime(time.gmtime(ts)).encode()
        body = raw if raw.endswith(b"\n") else raw + b"\n"
        return from_line + b"\n" + body + b"\n"

    def backend(self) -> MailBackend:
        b = MboxBackend(self.path)
        self._opened.append(b)
        return b

    def deliver(self, raw: bytes) -> None:
        # What a local MDA does: append to the end of the file.
        with open(self.path, "ab") as f:
            f.write(self._entry(raw, time.time()))

    def close(self) -> None:
        for b in self._opened:
            b.close()


@pytest.fixture(params=CONTRACT_BACKENDS)
def backend_kind(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def make_backend(
    backend_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[Sequence[bytes]], Harness]]:
    """Factory: `make_backend([raw, ...])` -> harness of the current kind, seeded oldest first."""
    made: list[MaildirHarness | MboxHarness | DovecotHarness] = []

    def factory(messages: Sequence[bytes]) -> Harness:
        n = len(made)
        if backend_kind == "maildir":
            h: MaildirHarness | MboxHarness | DovecotHarness = MaildirHarness(
                tmp_path / f"Maildir{n}", messages
            )
        elif backend_kind == "mbox":
            h = MboxHarness(tmp_path / f"mbox{n}", messages)
        elif backend_kind == "imap":
            h = DovecotHarness(request.getfixturevalue("dovecot"), messages)
        else:
            raise AssertionError(f"unknown backend kind {backend_kind}")
        made.append(h)
        return h

    yield factory
    for h in made:
        h.close()
