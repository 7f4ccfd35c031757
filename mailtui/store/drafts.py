"""Drafts on disk: autosaved while composing, postponed, and recovered after a crash.

Layout (data_dir()/drafts): one `<draft_id>.json` per draft, the `Draft` fields with
attachment bytes in base64, written atomically (the old version or the new, never half).

A draft being composed has an "open marker" `<draft_id>.open` (holding the app's PID)
beside its JSON file. Leaving compose normally (send, postpone, discard) removes the
marker; a marker whose process is gone means the app died while composing, and
`recovered_drafts` lists that draft to be offered back at the next start. Postponed
drafts (no marker) are only shown in the picker, never pushed on the user.

A postponed draft of an IMAP account also has a copy in that account's Drafts folder
(sending/drafts_copy.py): `<draft_id>.account` beside the JSON file names the account it
was postponed from, so resuming it under another account still replaces or removes that
copy. A draft without one (kept before it existed) belongs to the current account.

When the drafts directory cannot be written (a full disk), `save_copy` writes the draft
as readable text to a path the user names instead.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from mailtui.core.compose import AttachmentSpec, Draft
from mailtui.core.errors import EX_NOINPUT
from mailtui.paths import data_dir
from mailtui.store.files import VALID_ID, StoreError, atomic_write, check_id, process_alive

# Drafts open in a compose screen of this process: their markers are not leftovers. One
# set for the process, since every compose screen makes its own `Drafts` on the same files.
_OPEN_HERE: set[str] = set()


class DraftsError(StoreError):
    """The drafts directory could not be read or written."""

    title = "Drafts error"


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
            raise DraftsError(
                f"cannot create the drafts directory {self.root}: {exc.strerror or exc}"
            ) from exc

    def path(self, draft_id: str) -> Path:
        return self.root / f"{check_id('draft', draft_id, error=DraftsError)}.json"

    def save(self, draft_id: str, draft: Draft) -> Path:
        """Write the draft atomically (a crash leaves the old or the new version, never half)."""
        path = self.path(draft_id)
        doc = {"version": 1, "saved": self._clock(), "draft": draft_to_json(draft)}
        atomic_write(path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"), error=DraftsError)
        return path

    def load(self, draft_id: str) -> Draft:
        """The saved draft; DraftsError when missing or unreadable."""
        path = self.path(draft_id)
        try:
            doc = json.loads(path.read_text("utf-8"))
            return draft_from_json(doc["draft"])
        except FileNotFoundError as exc:
            raise DraftsError(f"no draft {draft_id!r} in {self.root}", exit_code=EX_NOINPUT) from exc
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise DraftsError(f"cannot read the draft {path}: {exc}") from exc

    def list(self) -> list[SavedDraft]:
        """Every saved draft, newest first; unreadable files are listed with `error` set."""
        out = []
        for path in self.root.glob("*.json"):
            draft_id = path.stem
            if not VALID_ID.match(draft_id):
                continue
            try:
                doc = json.loads(path.read_text("utf-8"))
                draft = doc["draft"]
                out.append(SavedDraft(draft_id, path, float(doc.get("saved", 0)), str(draft.get("subject", "")),
                                      str(draft.get("to", ""))))  # fmt: skip
            except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
                out.append(SavedDraft(draft_id, path, path.stat().st_mtime, "", "", error=str(exc)))
        return sorted(out, key=lambda d: d.saved, reverse=True)

    def set_account(self, draft_id: str, account: str) -> None:
        """Note the account `draft_id` was postponed from (best effort: without the note the
        current account is used, as for drafts kept before notes existed)."""
        try:
            atomic_write(self._account_path(draft_id), account.encode("utf-8"), error=DraftsError)
        except DraftsError:
            pass

    def account_of(self, draft_id: str) -> str | None:
        """The account `draft_id` was postponed from; None when not noted."""
        try:
            return self._account_path(draft_id).read_text("utf-8").strip() or None
        except (OSError, UnicodeDecodeError):
            return None

    def _account_path(self, draft_id: str) -> Path:
        return self.path(draft_id).with_suffix(".account")

    def remove(self, draft_id: str) -> None:
        """Delete a draft (after it was sent or discarded)."""
        try:
            self.path(draft_id).unlink(missing_ok=True)
            self._account_path(draft_id).unlink(missing_ok=True)
        except OSError as exc:
            raise DraftsError(f"cannot remove the draft {draft_id!r}: {exc.strerror or exc}") from exc


def draft_as_text(draft: Draft) -> str:
    """The draft as a readable message file: header lines, a blank line, the body.

    Attachments are named (with where they came from) but not included.
    """
    fields = [("From", draft.from_addr), ("To", draft.to), ("Cc", draft.cc), ("Bcc", draft.bcc),
              ("Subject", draft.subject), ("In-Reply-To", draft.in_reply_to),
              ("References", " ".join(draft.references))]  # fmt: skip
    lines = [f"{name}: {' '.join(value.split())}" for name, value in fields if value.strip()]
    lines += [f"{name}: {' '.join(value.split())}" for name, value in draft.extra_headers]
    lines += [
        f"X-Mailtui-Attachment-Not-Included: {a.filename} ({len(a.data)} bytes, from {a.path})"
        for a in draft.attachments
    ]
    return "\n".join(lines) + "\n\n" + draft.body


def save_copy(draft: Draft, path: Path) -> Path:
    """Write `draft` as text to `path` (a directory: a new file in it); never overwrites a file.

    Returns the path written, with the bytes on disk; DraftsError when it cannot be written.
    """
    path = path.expanduser()
    if path.is_dir():
        path = path / f"mailtui-draft-{new_draft_id()}.txt"
    atomic_write(path, draft_as_text(draft).encode("utf-8"), error=DraftsError, replace=False)
    return path


# -- open markers: which drafts a killed app left --------------------------------------------------


def _marker(drafts: Drafts, draft_id: str) -> Path:
    return drafts.path(draft_id).with_suffix(".open")


def mark_open(drafts: Drafts, draft_id: str) -> None:
    """Note that this process is composing `draft_id` (best effort: the draft itself is what matters)."""
    _OPEN_HERE.add(draft_id)
    try:
        with open(_marker(drafts, draft_id), "w", encoding="ascii") as fh:
            fh.write(str(os.getpid()))
    except OSError:
        pass


def mark_closed(drafts: Drafts, draft_id: str) -> None:
    """Compose was left normally: the draft (if kept) is a postponed one, not a crash leftover."""
    _OPEN_HERE.discard(draft_id)
    try:
        os.unlink(_marker(drafts, draft_id))
    except OSError:
        pass


def mark_abandoned(draft_id: str) -> None:
    """The app stopped with `draft_id` still in compose: keep its marker, so it is offered again."""
    _OPEN_HERE.discard(draft_id)


def recovered_drafts(drafts: Drafts) -> list[SavedDraft]:
    """Drafts whose composing process died (open marker, process gone), newest first."""
    saved = {d.draft_id: d for d in drafts.list()}
    out: list[SavedDraft] = []
    for marker in drafts.root.glob("*.open"):
        draft_id = marker.stem
        try:
            pid = int(marker.read_text("ascii").strip() or "0")
        except (OSError, ValueError):
            pid = 0
        if draft_id in _OPEN_HERE or (pid != os.getpid() and process_alive(pid)):
            continue  # being composed right now, here or in another running mailtui
        if draft_id in saved:
            out.append(saved[draft_id])
        else:
            marker.unlink(missing_ok=True)  # killed before the first autosave: nothing to offer
    return sorted(out, key=lambda d: d.saved, reverse=True)


def forget_recovery(drafts: Drafts, items: list[SavedDraft]) -> None:
    """Turn crash leftovers into ordinary postponed drafts (offered once, kept in the picker)."""
    for item in items:
        mark_closed(drafts, item.draft_id)
