"""The compose screen's drafts: autosave, Esc (postpone), discard, and the save at unmount.

A base class of `ComposeScreen` (as `ComposeWorkers` is), so the screen module stays about
the form and sending. Nothing here says "saved" unless `DraftKeeper` saw the bytes reach
the disk; when they cannot, Esc asks (`DraftNotSavedDialog`) instead of closing. The copy
in an IMAP Drafts folder (sending/drafts_copy.py) is written after the local draft, on the
account the draft was postponed from, and never holds a quitting app for long.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.widgets import Input, TextArea
from textual.worker import get_current_worker

from mailtui.config import AccountConfig
from mailtui.core.compose import Draft
from mailtui.core.errors import MailtuiError
from mailtui.store.drafts import Drafts, mark_abandoned, mark_closed, mark_open, save_copy
from mailtui.ui.screens.compose.draft_keeper import DraftKeeper
from mailtui.ui.screens.compose.workers import ComposeWorkers, DraftNotSaved, DraftSaved
from mailtui.ui.widgets.compose.attachment_list import AttachmentList

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from mailtui.session.session import Session

# How long a quitting app still waits for a draft's copy to reach the IMAP server.
EXIT_GRACE_SECONDS = 3.0


class ComposeDrafts(ComposeWorkers):
    """The draft handling of the compose screen; the subclass provides the fields."""

    session: Session
    drafts: Drafts
    draft_id: str
    resumed: bool
    keeper: DraftKeeper
    sending: bool
    _finished: bool
    _autosaving: bool
    _discard_armed: bool
    _marked: bool
    _unmounting: bool
    _latest: Draft | None

    @property
    def body(self) -> TextArea:
        return self.query_one("#compose-body", TextArea)

    def current_draft(self) -> Draft:
        """The draft as the fields show it now (the screen's)."""
        raise NotImplementedError

    @property
    def account(self) -> AccountConfig:
        """The account the draft is written from (the screen's)."""
        raise NotImplementedError

    def postponed_on(self) -> AccountConfig:
        """The account whose Drafts folder holds this draft's copy: the one it was postponed
        from, else (a new draft, or one kept before the account was noted) the current one."""
        name = self.drafts.account_of(self.draft_id) if self.resumed else None
        if name is None or name == self.account.name:
            return self.account
        return next((a for a in self.session.config.accounts if a.name == name), self.account)

    def autosave(self) -> None:
        """Save the draft in the background when it changed since the last save."""
        if self._finished or self._autosaving:
            return
        draft = self.current_draft()
        if self.keeper.worth_saving(draft):
            self._mark_open()
            self._autosaving = True
            self.save_draft_in_background(self.keeper, self.keeper.begin(), draft)

    @on(DraftSaved)
    def _draft_saved(self, message: DraftSaved) -> None:
        self._autosaving = False
        failing = self.keeper.error is not None
        if message.written and self.keeper.record(message.generation, message.draft, None) and failing:
            self.notify("The draft is saved again.", title="Draft saved")

    @on(DraftNotSaved)
    def _draft_not_saved(self, message: DraftNotSaved) -> None:
        self._autosaving = False
        first = self.keeper.error is None
        if self.keeper.record(message.generation, None, message.error) and first:
            self.notify(
                f"{message.error.message}\nThe text is still here; Esc offers to save it elsewhere.",
                title="Draft NOT saved", severity="error", timeout=10, markup=False,
            )  # fmt: skip

    def _mark_open(self) -> None:
        if not self._marked:
            self._marked = True
            mark_open(self.drafts, self.draft_id)

    def save_now(self) -> bool:
        """Save the draft synchronously; True only when it is on disk (or nothing needed saving).

        A failure is left in `keeper.error` for the caller to say (Esc asks, a failed send tells).
        """
        draft = self.current_draft()
        if not self.keeper.worth_saving(draft):
            return True
        try:
            self.keeper.save(draft)
            self._mark_open()
        except MailtuiError:
            return False
        return True

    def _close(self, result: str) -> None:
        self._finished = True
        done = result in ("sent", "queued", "discarded")
        # A resumed draft may have a copy in an IMAP Drafts folder: where, read before the
        # local draft (and the note of its account) goes.
        copy_on = self.postponed_on() if done and self.resumed else None
        if done:
            try:
                self.keeper.remove()
            except MailtuiError as exc:
                self.notify(exc.message, title=exc.title, severity="warning", markup=False)
        mark_closed(self.drafts, self.draft_id)
        if copy_on is not None:
            self._copy_on_server(None, copy_on)
        self.dismiss(result)

    def _copy_on_server(self, draft: Draft | None, account: AccountConfig) -> None:
        """Store `draft` in `account`'s IMAP Drafts folder (None: remove its copy), on a
        thread of the app's: the screen is closing. The local draft is already saved."""
        from mailtui.sending.drafts_copy import forget_postponed, next_ticket, store_postponed

        draft_id, app = self.draft_id, self.app
        if account.imap is None:
            return
        ticket = next_ticket()  # taken here, in the order the user asked

        def tell(note: str, title: str, severity: SeverityLevel = "information") -> None:
            if not app.is_running:
                return
            try:
                app.call_from_thread(app.notify, note, title=title, severity=severity, markup=False)
            except RuntimeError:
                pass  # the app stopped meanwhile: the local draft is kept anyway

        def copy(done: threading.Event) -> None:
            try:
                if draft is None:
                    forget_postponed(account, draft_id, ticket=ticket)
                    return
                where = store_postponed(account, draft, draft_id, ticket=ticket)
                if where:
                    tell(f"The draft is in {where} too.", "Draft saved")
            except Exception as exc:  # noqa: BLE001 - on a bare thread: said, never lost in excepthook
                what = "storing the draft in" if draft is not None else "removing the sent draft from"
                tell(f"{what} the IMAP Drafts folder failed: {exc}. The draft is kept locally.",
                     "Drafts folder", "warning")  # fmt: skip
            finally:
                done.set()

        def run() -> None:
            # The server work runs on a daemon thread this worker waits for: a quitting app
            # (which cancels its workers, then waits for their threads) is held for
            # EXIT_GRACE_SECONDS at most by a slow server, never for its timeouts.
            done = threading.Event()
            threading.Thread(target=copy, args=(done,), name="mailtui-imap-drafts", daemon=True).start()
            worker = get_current_worker()
            while not done.wait(0.1):
                if worker.is_cancelled:
                    done.wait(EXIT_GRACE_SECONDS)
                    return

        app.run_worker(run, thread=True, group="imap-drafts", exit_on_error=False)

    def action_postpone(self) -> None:
        attach_row = self.query_one("#compose-attach-row")
        if attach_row.has_class("-shown"):
            attach_row.remove_class("-shown")
            self.body.focus()
            return
        if self.sending:
            self.notify("Sending is in progress; wait for the relay's answer.", severity="warning")
            return
        if not self.save_now():
            self._ask_unsaved()
            return
        if self.keeper.saved is not None:
            self.notify("Draft postponed; resume it from the drafts list.", title="Draft saved")
            before = self.postponed_on()
            self.drafts.set_account(self.draft_id, self.account.name)
            self._copy_on_server(self.keeper.saved, self.account)
            if before.name != self.account.name:  # postponed elsewhere before: that copy goes
                self._copy_on_server(None, before)
        self._close("postponed")

    def _ask_unsaved(self) -> None:
        """The draft cannot be written: keep editing, save it to another path, or discard it."""
        from mailtui.ui.screens.compose.unsaved import DraftNotSavedDialog, UnsavedChoice

        error = self.keeper.error
        reason = error.message if error is not None else "the drafts directory could not be written"

        def chosen(choice: UnsavedChoice | None) -> None:
            what, path = choice or ("keep", "")
            if what == "discard":
                self._close("discarded")
            elif what == "path":
                draft = self.current_draft()
                try:
                    written = save_copy(draft, Path(path))
                except MailtuiError as exc:
                    self.notify(exc.message, title="Not saved there", severity="error", markup=False)
                    self._ask_unsaved()
                    return
                more = " Attachments are not in it: its header names them." if draft.attachments else ""
                self.notify(
                    f"Draft saved to {written} (as text).{more}", title="Draft saved elsewhere", markup=False
                )
                self._close("postponed")
            else:
                self.body.focus()

        self.app.push_screen(DraftNotSavedDialog(reason), chosen)

    def action_discard(self) -> None:
        if self.sending:
            self.notify("Sending is in progress; wait for the relay's answer.", severity="warning")
            return
        if not self._discard_armed:
            self._discard_armed = True
            self.notify("Press F8 again to discard this draft for good.", severity="warning")
            return
        self._close("discarded")

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(AttachmentList.Changed)
    def _track(self) -> None:
        # Kept up to date while the widgets live: at unmount they may already be emptied.
        if not self._unmounting:
            self._latest = self.current_draft()

    def on_unmount(self) -> None:
        # The app quit (or crashed in a handled way) with compose open: keep the draft and its
        # marker, so the next start offers it back.
        self._unmounting = True
        if not self._finished and self._latest is not None and self.keeper.worth_saving(self._latest):
            try:
                self.keeper.save(self._latest)
                self._mark_open()
            except MailtuiError:
                pass  # the app is going away: the last autosave is what we have
        mark_abandoned(self.draft_id)
