"""What of a compose screen's draft is on disk: the one place that may say "saved".

A version counts as saved only after `Drafts.save` returned (written, fsynced, renamed).
Saves come from the autosave worker thread and from the screen (Esc, Send, unmount); each
takes a generation number when it starts, and a write is skipped when a newer one already
landed, so a slow background save can never put an older text over a newer one. Once the
draft is removed (sent, queued, discarded) no save writes it back.
"""

from __future__ import annotations

import itertools
import threading

from mailtui.core.compose import Draft
from mailtui.core.errors import MailtuiError
from mailtui.store.drafts import Drafts


class DraftKeeper:
    """The draft file of one compose screen and what is known to be in it."""

    def __init__(self, drafts: Drafts, draft_id: str, initial: Draft, *, resumed: bool) -> None:
        self.drafts = drafts
        self.draft_id = draft_id
        self.initial = initial
        self.resumed = resumed
        self.saved: Draft | None = initial if resumed else None  # the version on disk, if any
        self.error: MailtuiError | None = None  # why the latest save failed; None after a success
        self.removed = False
        self._lock = threading.Lock()
        self._generations = itertools.count(1)
        self._written = 0  # generation of the last write that reached the disk
        self._recorded = 0  # generation of the last outcome recorded (saved or error)

    def worth_saving(self, draft: Draft) -> bool:
        """True when `draft` differs from what is on disk (an untouched new draft is not saved)."""
        return draft != self.saved and (self.saved is not None or draft != self.initial or self.resumed)

    def begin(self) -> int:
        """A generation number for a save about to start (call on the UI thread)."""
        return next(self._generations)

    def write(self, generation: int, draft: Draft) -> bool:
        """Write `draft` unless a newer save landed or the draft was removed; True when written.

        Safe from any thread; raises `MailtuiError` (DraftsError) when the bytes did not reach the disk.
        """
        with self._lock:
            if self.removed or generation <= self._written:
                return False
            self.drafts.save(self.draft_id, draft)
            self._written = generation
            return True

    def record(self, generation: int, draft: Draft | None, error: MailtuiError | None) -> bool:
        """Note a save's outcome (UI thread); False when a newer outcome was already noted."""
        if generation < self._recorded:
            return False
        self._recorded = generation
        if error is None:
            if draft is not None:
                self.saved = draft
            self.error = None
        else:
            self.error = error
        return True

    def save(self, draft: Draft) -> None:
        """Write `draft` now, on this thread, and record the outcome; raises MailtuiError."""
        generation = self.begin()
        try:
            written = self.write(generation, draft)
        except MailtuiError as exc:
            self.record(generation, None, exc)
            raise
        self.record(generation, draft if written else None, None)

    def remove(self) -> None:
        """Delete the draft file for good (sent, queued, discarded); later saves are skipped."""
        with self._lock:
            self.removed = True
            self.drafts.remove(self.draft_id)
