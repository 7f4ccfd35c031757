"""The persistent outbox: messages waiting for the relay, sent in order, retried with backoff.

Nothing is lost: every write is a temp file plus an atomic rename in the same directory.

Outbox layout (data_dir()/outbox), a Maildir that any mail reader can open, plus sidecars::

    new/<id>          the message, byte for byte as it will be sent (never rewritten)
    meta/<id>.json    envelope and retry state: sender, recipients, account, created,
                      attempts, last_error, next_attempt (null = held until a forced flush)
    tmp/ cur/         Maildir's, unused but present

The envelope lives in the sidecar, not in added headers, so the message bytes stay exactly
what the user composed (Bcc recipients are only in the sidecar). The sidecar is written
before the message appears in new/, so a listed message always has its envelope.
"""

from __future__ import annotations

import builtins
import fcntl
import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from mailtui.core.errors import EX_NOINPUT, MailtuiError, SendError
from mailtui.paths import data_dir
from mailtui.store.files import VALID_ID, StoreError, atomic_write, check_id

BACKOFF_BASE = 60.0  # seconds before the first retry; doubles with each failure
BACKOFF_MAX = 6 * 3600.0


class OutboxError(StoreError):
    """The outbox could not be read or written."""

    title = "Outbox error"


def _atomic_write(path: Path, data: bytes) -> None:
    atomic_write(path, data, error=OutboxError)


def _check_id(kind: str, ident: str) -> str:
    return check_id(kind, ident, error=OutboxError)


def backoff_delay(attempts: int) -> float:
    """Seconds to wait after `attempts` failures: 60 s, 120 s, 240 s ... at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


@dataclass(frozen=True)
class QueuedMessage:
    """One message waiting in the outbox."""

    id: str
    subject: str
    sender: str
    recipients: tuple[str, ...]
    account: str
    attempts: int
    last_error: str
    next_attempt: float | None  # POSIX time; None = held (permanent failure) until forced
    created: float


@dataclass(frozen=True)
class FlushReport:
    """What one flush did, by message id."""

    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # id -> error message
    skipped: list[str] = field(default_factory=list)  # not due yet, or held
    busy: bool = False  # another flush was running: nothing was attempted


SendFn = Callable[[QueuedMessage, bytes], Awaitable[object]]


class Outbox:
    """The queue of messages not yet accepted by a relay."""

    def __init__(self, root: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.root = root if root is not None else data_dir() / "outbox"
        self._clock = clock
        try:
            for sub in ("tmp", "new", "cur", "meta"):
                (self.root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise OutboxError(f"cannot create the outbox {self.root}: {exc.strerror or exc}") from exc

    def _meta_path(self, ident: str) -> Path:
        return self.root / "meta" / f"{_check_id('message', ident)}.json"

    def _message_path(self, ident: str) -> Path:
        return self.root / "new" / _check_id("message", ident)

    def enqueue(self, raw: bytes, sender: str, recipients: list[str], account: str, error: str = "") -> str:
        """Store a message to send later; `error` is why it was not sent now (counts as attempt 1)."""
        now = self._clock()
        ident = f"{int(now)}.{uuid.uuid4().hex[:12]}.P{os.getpid()}"
        attempts = 1 if error else 0
        meta = {
            "version": 1, "sender": sender, "recipients": list(recipients), "account": account,
            "created": now, "attempts": attempts, "last_error": error,
            "next_attempt": now + backoff_delay(attempts) if error else now,
        }  # fmt: skip
        self._write_meta(ident, meta)
        _atomic_write(self._message_path(ident), raw)
        return ident

    def _write_meta(self, ident: str, meta: dict[str, Any]) -> None:
        _atomic_write(self._meta_path(ident), json.dumps(meta, indent=1).encode())

    def _read_meta(self, ident: str) -> dict[str, Any]:
        path = self._meta_path(ident)
        try:
            meta = json.loads(path.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise OutboxError(f"no queued message {ident!r} in {self.root}", exit_code=EX_NOINPUT) from exc
        except (OSError, ValueError) as exc:
            raise OutboxError(f"cannot read {path}: {exc}") from exc
        if not isinstance(meta, dict):
            raise OutboxError(f"cannot read {path}: not a JSON object")
        return meta

    def raw(self, ident: str) -> bytes:
        """The queued message bytes."""
        try:
            return self._message_path(ident).read_bytes()
        except FileNotFoundError as exc:
            raise OutboxError(f"no queued message {ident!r} in {self.root}", exit_code=EX_NOINPUT) from exc
        except OSError as exc:
            raise OutboxError(f"cannot read queued message {ident!r}: {exc.strerror or exc}") from exc

    def get(self, ident: str) -> QueuedMessage:
        """One queued message's envelope and state."""
        meta = self._read_meta(ident)
        # Subject is unstructured: the email package never raises on it (library-facts §6).
        headers = BytesHeaderParser(policy=policy.default).parsebytes(self.raw(ident))
        subject = str(headers.get("Subject", ""))
        return QueuedMessage(
            id=ident,
            subject=subject,
            sender=str(meta.get("sender", "")),
            recipients=tuple(meta.get("recipients", ())),
            account=str(meta.get("account", "")),
            attempts=int(meta.get("attempts", 0)),
            last_error=str(meta.get("last_error", "")),
            next_attempt=meta.get("next_attempt"),
            created=float(meta.get("created", 0.0)),
        )

    def list(self) -> list[QueuedMessage]:
        """Every queued message, oldest first."""
        try:
            names = [p.name for p in (self.root / "new").iterdir() if VALID_ID.match(p.name)]
        except OSError as exc:
            raise OutboxError(f"cannot list the outbox {self.root}: {exc.strerror or exc}") from exc
        items = []
        for name in names:
            if self._meta_path(name).exists():
                items.append(self.get(name))
        return sorted(items, key=lambda q: (q.created, q.id))

    def remove(self, ident: str) -> None:
        """Delete a queued message (sent, or given up by the user)."""
        try:
            self._message_path(ident).unlink(missing_ok=True)
            self._meta_path(ident).unlink(missing_ok=True)
        except OSError as exc:
            raise OutboxError(f"cannot remove queued message {ident!r}: {exc.strerror or exc}") from exc

    def record_failure(self, ident: str, error: str, *, permanent: bool = False) -> QueuedMessage:
        """Count a failed attempt: next try after an exponential backoff, or held if permanent."""
        meta = self._read_meta(ident)
        meta["attempts"] = int(meta.get("attempts", 0)) + 1
        meta["last_error"] = error
        meta["next_attempt"] = None if permanent else self._clock() + backoff_delay(meta["attempts"])
        self._write_meta(ident, meta)
        return self.get(ident)

    def due(self, *, force: bool = False) -> builtins.list[QueuedMessage]:
        """Messages whose next attempt has come (all of them, held ones included, when forced)."""
        now = self._clock()
        return [q for q in self.list() if force or self._is_due(q, now)]

    @staticmethod
    def _is_due(item: QueuedMessage, now: float) -> bool:
        return item.next_attempt is not None and item.next_attempt <= now

    async def flush(self, send_fn: SendFn, *, force: bool = False) -> FlushReport:
        """Send due messages with `send_fn(item, raw)`; delivered ones are removed, failures recorded.

        Only one flush runs at a time per outbox (a flock on `.flush.lock`, also across
        processes), so a message is never sent twice by two flushes; a flush that finds the lock
        taken does nothing and reports every message as skipped (`busy` set).
        """
        lock = self._try_lock()
        if lock is None:
            return FlushReport(skipped=[q.id for q in self.list()], busy=True)
        report = FlushReport()
        try:
            now = self._clock()
            for item in self.list():  # read once: every item's meta and raw are parsed here
                if not (force or self._is_due(item, now)):
                    report.skipped.append(item.id)
                    continue
                try:
                    await send_fn(item, self.raw(item.id))
                except SendError as exc:
                    self.record_failure(item.id, str(exc), permanent=not exc.temporary)
                    report.failed[item.id] = str(exc)
                except (MailtuiError, OSError) as exc:
                    self.record_failure(item.id, str(exc))
                    report.failed[item.id] = str(exc)
                else:
                    self.remove(item.id)
                    report.sent.append(item.id)
        finally:
            os.close(lock)
        return report

    def _try_lock(self) -> int | None:
        """An fd holding the exclusive flush lock, or None when another flush holds it."""
        try:
            fd = os.open(self.root / ".flush.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise OutboxError(f"cannot open the outbox lock in {self.root}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd


# -- drafts -----------------------------------------------------------------------------------
