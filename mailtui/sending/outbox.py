"""The persistent outbox: messages waiting for the relay, sent in order, retried with backoff.

Nothing is lost: every write is a temp file plus an atomic rename in the same directory,
fsynced. A message is journaled here (`journal`) BEFORE its first byte goes to the relay and
leaves only after the relay's final 250, so a crash at any point means it is sent later or
was sent, never neither (at least once: a resend is the same bytes, the same Message-ID).
A journaled entry names its sender process; when that process is gone the entry shows as
"interrupted" and is due at once. A sidecar that cannot be read is moved to quarantine/
with a notice, so one broken file never stops the rest of the queue.

Outbox layout (data_dir()/outbox), a Maildir that any mail reader can open, plus sidecars::

    new/<id>          the message, byte for byte as it will be sent (never rewritten)
    meta/<id>.json    envelope and retry state: sender, recipients, account, created,
                      attempts, last_error, next_attempt (null = held until a forced flush),
                      dsn, sending ({pid, since} while a process is handing it to the relay)
    quarantine/       entries whose sidecar could not be read, kept for a look
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
from mailtui.core.i18n import tr
from mailtui.paths import data_dir
from mailtui.store.files import VALID_ID, StoreError, atomic_write, check_id, process_alive

BACKOFF_BASE = 60.0  # seconds before the first retry; doubles with each failure
BACKOFF_MAX = 6 * 3600.0


class OutboxError(StoreError):
    """The outbox could not be read or written."""

    title = "Outbox error"


class QueueUnwritableError(OutboxError):
    """The relay did not take a message and the outbox could not keep it (exit 74)."""

    title = "Not queued"


def _atomic_write(path: Path, data: bytes) -> None:
    atomic_write(path, data, error=OutboxError)


def _check_id(kind: str, ident: str) -> str:
    return check_id(kind, ident, error=OutboxError)


def _sync_dirs(*dirs: Path) -> None:
    """fsync directories, so renames into them survive a power cut (best effort)."""
    for directory in dirs:
        try:
            fd = os.open(directory, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)


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
    in_flight: bool = False  # a live process is handing it to the relay right now
    interrupted: bool = False  # the process sending it died before the relay's answer
    dsn_notify: str | None = None
    dsn_ret: str | None = None


@dataclass(frozen=True)
class FlushReport:
    """What one flush did, by message id."""

    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # id -> error message
    skipped: list[str] = field(default_factory=list)  # not due yet, or held
    busy: bool = False  # another flush was running: nothing was attempted
    notices: list[str] = field(default_factory=list)  # entries quarantined, failures not recorded


SendFn = Callable[[QueuedMessage, bytes], Awaitable[object]]


class Outbox:
    """The queue of messages not yet accepted by a relay."""

    def __init__(self, root: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.root = root if root is not None else data_dir() / "outbox"
        self._clock = clock
        self.notices: list[str] = []  # what list() quarantined, for the caller to show
        try:
            for sub in ("tmp", "new", "cur", "meta", "quarantine"):
                (self.root / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise OutboxError(
                tr("cannot create the outbox {root}: {why}", root=self.root, why=exc.strerror or exc)
            ) from exc

    def now(self) -> float:
        """The outbox's clock (time.time, or a test's)."""
        return self._clock()

    def _meta_path(self, ident: str) -> Path:
        return self.root / "meta" / f"{_check_id('message', ident)}.json"

    def _message_path(self, ident: str) -> Path:
        return self.root / "new" / _check_id("message", ident)

    def enqueue(
        self,
        raw: bytes,
        sender: str,
        recipients: list[str],
        account: str,
        error: str = "",
        *,
        dsn: tuple[str | None, str | None] = (None, None),
    ) -> str:
        """Store a message to send later; `error` is why it was not sent now (counts as attempt 1)."""
        return self._store(raw, sender, recipients, account, error=error, dsn=dsn, sending=False)

    def journal(
        self,
        raw: bytes,
        sender: str,
        recipients: list[str],
        account: str,
        *,
        dsn: tuple[str | None, str | None] = (None, None),
    ) -> str:
        """Store a message about to be sent by this process (before its first byte goes out).

        Afterwards: `remove` once the relay said 250, `record_failure` on a temporary failure,
        `release` when the attempt stopped without an answer; a crash leaves it "interrupted".
        """
        return self._store(raw, sender, recipients, account, error="", dsn=dsn, sending=True)

    def _store(
        self,
        raw: bytes,
        sender: str,
        recipients: list[str],
        account: str,
        *,
        error: str,
        dsn: tuple[str | None, str | None],
        sending: bool,
    ) -> str:
        now = self._clock()
        ident = f"{int(now)}.{uuid.uuid4().hex[:12]}.P{os.getpid()}"
        attempts = 1 if error else 0
        meta: dict[str, Any] = {
            "version": 1, "sender": sender, "recipients": list(recipients), "account": account,
            "created": now, "attempts": attempts, "last_error": error,
            "next_attempt": now + backoff_delay(attempts) if error else now,
        }  # fmt: skip
        if dsn != (None, None):
            meta["dsn"] = {"notify": dsn[0], "ret": dsn[1]}
        if sending:
            meta["sending"] = {"pid": os.getpid(), "since": now}
        self._write_meta(ident, meta)
        try:
            _atomic_write(self._message_path(ident), raw)
            _sync_dirs(self.root / "meta", self.root / "new")
        except OutboxError:
            self._meta_path(ident).unlink(missing_ok=True)
            raise
        return ident

    def release(self, ident: str) -> None:
        """The attempt stopped without an answer (cancelled): due again at once, no attempt counted."""
        meta = self._read_meta(ident)
        meta.pop("sending", None)
        meta["next_attempt"] = self._clock()
        self._write_meta(ident, meta)

    def _write_meta(self, ident: str, meta: dict[str, Any]) -> None:
        _atomic_write(self._meta_path(ident), json.dumps(meta, indent=1).encode())

    def _read_meta(self, ident: str) -> dict[str, Any]:
        path = self._meta_path(ident)
        try:
            meta = json.loads(path.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise OutboxError(
                tr("no queued message {ident} in {root}", ident=repr(ident), root=self.root),
                exit_code=EX_NOINPUT,
            ) from exc
        except (OSError, ValueError) as exc:
            raise OutboxError(tr("cannot read {path}: {why}", path=path, why=exc)) from exc
        if not isinstance(meta, dict):
            raise OutboxError(tr("cannot read {path}: not a JSON object", path=path))
        return meta

    def raw(self, ident: str) -> bytes:
        """The queued message bytes."""
        try:
            return self._message_path(ident).read_bytes()
        except FileNotFoundError as exc:
            raise OutboxError(
                tr("no queued message {ident} in {root}", ident=repr(ident), root=self.root),
                exit_code=EX_NOINPUT,
            ) from exc
        except OSError as exc:
            raise OutboxError(
                tr("cannot read queued message {ident}: {why}", ident=repr(ident), why=exc.strerror or exc)
            ) from exc

    def get(self, ident: str) -> QueuedMessage:
        """One queued message's envelope and state; OutboxError when its files cannot be read."""
        meta = self._read_meta(ident)
        # Subject is unstructured: the email package never raises on it (library-facts §6).
        headers = BytesHeaderParser(policy=policy.default).parsebytes(self.raw(ident))
        subject = str(headers.get("Subject", ""))
        try:
            recipients = meta.get("recipients", ())
            if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
                raise TypeError("recipients is not a list of addresses")
            next_attempt = meta.get("next_attempt")
            sending = meta.get("sending")
            dsn = meta.get("dsn") or {}
            alive = isinstance(sending, dict) and process_alive(int(sending.get("pid", 0)))
            return QueuedMessage(
                id=ident, subject=subject, sender=str(meta.get("sender", "")), recipients=tuple(recipients),
                account=str(meta.get("account", "")), attempts=int(meta.get("attempts", 0)),
                last_error=str(meta.get("last_error", "")),
                next_attempt=None if next_attempt is None else float(next_attempt),
                created=float(meta.get("created", 0.0)), in_flight=alive,
                interrupted=sending is not None and not alive,
                dsn_notify=dsn.get("notify") if isinstance(dsn, dict) else None,
                dsn_ret=dsn.get("ret") if isinstance(dsn, dict) else None,
            )  # fmt: skip
        except (TypeError, ValueError, AttributeError) as exc:
            raise OutboxError(tr("cannot read {path}: {why}", path=self._meta_path(ident), why=exc)) from exc

    def list(self) -> list[QueuedMessage]:
        """Every queued message, oldest first; an unreadable entry is quarantined (see `notices`)."""
        try:
            names = [p.name for p in (self.root / "new").iterdir() if VALID_ID.match(p.name)]
        except OSError as exc:
            raise OutboxError(
                tr("cannot list the outbox {root}: {why}", root=self.root, why=exc.strerror or exc)
            ) from exc
        items = []
        for name in names:
            if not self._meta_path(name).exists():
                continue  # still being written (the sidecar comes first), or a leftover: `drop` removes it
            try:
                items.append(self.get(name))
            except OutboxError as exc:
                if exc.exit_code == EX_NOINPUT:
                    continue  # removed meanwhile (sent by another process)
                self._quarantine(name, exc.message)
        return sorted(items, key=lambda q: (q.created, q.id))

    def _quarantine(self, ident: str, why: str) -> None:
        target = self.root / "quarantine"
        moved = []
        for path in (self._message_path(ident), self._meta_path(ident)):
            try:
                os.replace(path, target / path.name)
                moved.append(path.name)
            except FileNotFoundError:
                pass
            except OSError as exc:
                why += f"; could not move {path.name} to {target}: {exc.strerror or exc}"
        self.notices.append(
            f"queued message {ident} is unreadable ({why}); moved to quarantine in {target}. "
            f"Look at it there, or `mailtui queue drop {ident}` deletes it."
        )

    def drop(self, ident: str) -> bool:
        """Delete every file of an entry, broken or not (queue, quarantine, leftovers); False if none."""
        _check_id("message", ident)
        found = False
        for path in (
            self._message_path(ident), self._meta_path(ident),
            self.root / "quarantine" / ident, self.root / "quarantine" / f"{ident}.json",
        ):  # fmt: skip
            try:
                path.unlink()
                found = True
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise OutboxError(
                    tr("cannot remove {path}: {why}", path=path, why=exc.strerror or exc)
                ) from exc
        return found

    def remove(self, ident: str) -> None:
        """Delete a queued message (sent, or given up by the user)."""
        try:
            self._message_path(ident).unlink(missing_ok=True)
            self._meta_path(ident).unlink(missing_ok=True)
        except OSError as exc:
            raise OutboxError(
                tr("cannot remove queued message {ident}: {why}", ident=repr(ident), why=exc.strerror or exc)
            ) from exc

    def record_failure(self, ident: str, error: str, *, permanent: bool = False) -> QueuedMessage:
        """Count a failed attempt: next try after an exponential backoff, or held if permanent."""
        meta = self._read_meta(ident)
        meta.pop("sending", None)
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
        if item.in_flight:
            return False
        return item.interrupted or item.next_attempt is not None and item.next_attempt <= now

    async def flush(
        self, send_fn: SendFn, *, force: bool = False, only: frozenset[str] | None = None
    ) -> FlushReport:
        """Send due messages with `send_fn(item, raw)`; delivered ones are removed, failures recorded.
        With `only`, just the messages of those ids (the outbox view's retry of one).

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
                if only is not None and item.id not in only:
                    continue
                if item.in_flight or not (force or self._is_due(item, now)):
                    report.skipped.append(item.id)
                    continue
                try:
                    raw = self.raw(item.id)
                except OutboxError as exc:
                    report.failed[item.id] = str(exc)
                    continue
                try:
                    await send_fn(item, raw)
                except (MailtuiError, OSError) as exc:
                    permanent = isinstance(exc, SendError) and not exc.temporary
                    report.failed[item.id] = str(exc)
                    try:
                        self.record_failure(item.id, str(exc), permanent=permanent)
                    except OutboxError as write_error:
                        report.notices.append(f"could not record the failure of {item.id}: {write_error}")
                else:
                    report.sent.append(item.id)
                    try:
                        self.remove(item.id)
                    except OutboxError as remove_error:  # sent: at worst it is sent again
                        report.notices.append(f"{item.id} was sent but is still queued: {remove_error}")
        finally:
            os.close(lock)
            report.notices[:0] = self.notices
        return report

    def _try_lock(self) -> int | None:
        """An fd holding the exclusive flush lock, or None when another flush holds it."""
        try:
            fd = os.open(self.root / ".flush.lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise OutboxError(
                tr("cannot open the outbox lock in {root}: {why}", root=self.root, why=exc.strerror or exc)
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        return fd
