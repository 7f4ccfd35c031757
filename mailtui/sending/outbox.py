"""The persistent outbox (messages waiting for the relay) and drafts (autosave, crash recovery).

Nothing is lost: every write is a temp file plus an atomic rename in the same directory.

Outbox layout (data_dir()/outbox), a Maildir that any mail reader can open, plus sidecars::

    new/<id>          the message, byte for byte as it will be sent (never rewritten)
    meta/<id>.json    envelope and retry state: sender, recipients, account, created,
                      attempts, last_error, next_attempt (null = held until a forced flush)
    tmp/ cur/         Maildir's, unused but present

The envelope lives in the sidecar, not in added headers, so the message bytes stay exactly
what the user composed (Bcc recipients are only in the sidecar). The sidecar is written
before the message appears in new/, so a listed message always has its envelope.

Drafts (data_dir()/drafts): one `<draft_id>.json` per draft, the `Draft` fields with
attachment bytes in base64.
"""

from __future__ import annotations

import base64
import fcntl
import itertools
import json
import os
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

from mailtui.core.compose import AttachmentSpec, Draft
from mailtui.core.errors import EX_IOERR, EX_NOINPUT, MailtuiError, SendError
from mailtui.paths import data_dir

BACKOFF_BASE = 60.0  # seconds before the first retry; doubles with each failure
BACKOFF_MAX = 6 * 3600.0
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_counter = itertools.count()


class OutboxError(MailtuiError):
    """The outbox or drafts directory could not be read or written."""

    title = "Outbox error"
    exit_code = EX_IOERR


def _atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` via a temp file in the same directory, fsync, rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{next(_counter)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutboxError(
            f"cannot write {path}: {exc.strerror or exc}. Check free space and permissions."
        ) from exc


def _check_id(kind: str, ident: str) -> str:
    if not _ID.match(ident):
        raise OutboxError(f"invalid {kind} id {ident!r}", exit_code=EX_NOINPUT)
    return ident


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
            names = [p.name for p in (self.root / "new").iterdir() if _ID.match(p.name)]
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

    def due(self, *, force: bool = False) -> list[QueuedMessage]:
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


@dataclass(frozen=True)
class SavedDraft:
    """A draft on disk, as listed for recovery."""

    draft_id: str
    path: Path
    saved: float
    subject: str
    to: str
    error: str = ""  # set when the file could not be read (it is still listed, never dropped)


def new_draft_id() -> str:
    """A fresh id for a draft file."""
    return f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}"


def draft_to_json(draft: Draft) -> dict[str, Any]:
    """A JSON-able dict of `draft` (attachment data base64)."""
    data = asdict(draft)
    data["attachments"] = [
        {**asdict(a), "data": base64.b64encode(a.data).decode("ascii")} for a in draft.attachments
    ]
    return data


def draft_from_json(data: dict[str, Any]) -> Draft:
    """The inverse of draft_to_json (ValueError/TypeError/KeyError on malformed input)."""
    atts = tuple(
        AttachmentSpec(
            a["path"], a["filename"], a["content_type"], base64.b64decode(a["data"], validate=True)
        )
        for a in data.get("attachments", ())
    )
    return Draft(
        from_addr=str(data["from_addr"]),
        to=str(data["to"]),
        cc=str(data.get("cc", "")),
        bcc=str(data.get("bcc", "")),
        subject=str(data.get("subject", "")),
        body=str(data.get("body", "")),
        attachments=atts,
        in_reply_to=str(data.get("in_reply_to", "")),
        references=tuple(str(r) for r in data.get("references", ())),
        extra_headers=tuple((str(k), str(v)) for k, v in data.get("extra_headers", ())),
    )


class Drafts:
    """Autosaved drafts, one JSON file each."""

    def __init__(self, root: Path | None = None, *, clock: Callable[[], float] = time.time) -> None:
        self.root = root if root is not None else data_dir() / "drafts"
        self._clock = clock
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise OutboxError(
                f"cannot create the drafts directory {self.root}: {exc.strerror or exc}"
            ) from exc

    def path(self, draft_id: str) -> Path:
        return self.root / f"{_check_id('draft', draft_id)}.json"

    def save(self, draft_id: str, draft: Draft) -> Path:
        """Write the draft atomically (a crash leaves the old or the new version, never half)."""
        path = self.path(draft_id)
        doc = {"version": 1, "saved": self._clock(), "draft": draft_to_json(draft)}
        _atomic_write(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))
        return path

    def load(self, draft_id: str) -> Draft:
        """The saved draft; OutboxError when missing or unreadable."""
        path = self.path(draft_id)
        try:
            doc = json.loads(path.read_text("utf-8"))
            return draft_from_json(doc["draft"])
        except FileNotFoundError as exc:
            raise OutboxError(f"no draft {draft_id!r} in {self.root}", exit_code=EX_NOINPUT) from exc
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise OutboxError(f"cannot read the draft {path}: {exc}") from exc

    def list(self) -> list[SavedDraft]:
        """Every saved draft, newest first; unreadable files are listed with `error` set."""
        out = []
        for path in self.root.glob("*.json"):
            draft_id = path.stem
            if not _ID.match(draft_id):
                continue
            try:
                doc = json.loads(path.read_text("utf-8"))
                draft = doc["draft"]
                out.append(SavedDraft(draft_id, path, float(doc.get("saved", 0)), str(draft.get("subject", "")),
                                      str(draft.get("to", ""))))  # fmt: skip
            except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
                out.append(SavedDraft(draft_id, path, path.stat().st_mtime, "", "", error=str(exc)))
        return sorted(out, key=lambda d: d.saved, reverse=True)

    def remove(self, draft_id: str) -> None:
        """Delete a draft (after it was sent or discarded)."""
        try:
            self.path(draft_id).unlink(missing_ok=True)
        except OSError as exc:
            raise OutboxError(f"cannot remove the draft {draft_id!r}: {exc.strerror or exc}") from exc
