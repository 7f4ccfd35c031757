"""The browser's d, u and purge: Trash or marks, as the account and the mailbox allow.

`BrowserDeletes` is a part of `BrowserScreen` (`screen.deletes`). With a Trash, `d` moves
the message there and `u` right after it moves it back. Without one (an mbox spool), or with
`delete = "mark"`, `d` marks and `u` unmarks (mutt's model), and the marked messages go
when the user purges (`$`), changes folder or quits, after a question saying how many. A
read-only mailbox keeps its marks in memory and purges nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.worker import WorkerState

from mailtui.core.models import Envelope, Flag, SpecialUse

if TYPE_CHECKING:
    from mailtui.session.session import Session
    from mailtui.ui.screens.browser.browser import BrowserScreen


class BrowserDeletes:
    """Delete, undelete and purge for the browser screen."""

    def __init__(self, screen: BrowserScreen, session: Session) -> None:
        self.screen = screen
        self.session = session
        self._after_purge: Callable[[], None] | None = None  # leave the folder once purged
        self._last_trashed: tuple[str, list[Envelope]] | None = None  # `u` right after `d` brings back

    @property
    def delete_mode(self) -> str:
        """The account's delete mode, or "mark" where the mailbox has no Trash (an mbox, as mutt)."""
        backend = self.session.backend
        if backend is not None and not backend.capabilities.has_trash:
            return "mark"
        return self.session.account.delete_mode

    @property
    def read_only(self) -> bool:
        backend = self.session.backend
        return backend is not None and backend.capabilities.read_only

    def delete(self) -> None:
        """`d`: to the Trash, or mark deleted (and go to the next message)."""
        screen = self.screen
        env = screen._current()
        if env is None or screen.folder is None:
            return
        if self.delete_mode == "mark":
            if Flag.DELETED not in env.flags:
                screen.jobs.write_flags(screen.folder, [env], frozenset({Flag.DELETED}), frozenset())
            screen.index.action_cursor_down()
        else:
            self._last_trashed = (screen.folder, [env])
            screen.jobs.delete_messages(screen.folder, [env.ref])

    def undelete(self) -> None:
        """`u`: unmark, or bring back from the Trash what `d` just moved there."""
        screen = self.screen
        env = screen._current()
        if env is None or screen.folder is None:
            return
        if Flag.DELETED in env.flags:
            screen.jobs.write_flags(screen.folder, [env], frozenset(), frozenset({Flag.DELETED}))
        elif self.delete_mode != "mark" and self._last_trashed and self._last_trashed[0] == screen.folder:
            _folder, envelopes = self._last_trashed
            self._last_trashed = None
            screen.jobs.restore_from_trash(screen.folder, self._trash_folder(), envelopes)
        else:
            screen.notify("This message is not marked deleted.", timeout=3)

    def _trash_folder(self) -> str:
        screen = self.screen
        for folder in screen.folder_list.folders:
            if folder.special_use == SpecialUse.TRASH:
                return folder.name
        return self.session.account.trash_folder

    def offer_purge(self, folder: str, then: Callable[[], None], *, always_ask: bool = False) -> None:
        """Ask to purge what is marked deleted in `folder`, then call `then` (leave, quit).

        Marks still being written (`d d $` typed fast) are counted: the question waits for them.
        """
        screen = self.screen
        busy = [
            w
            for w in screen.app.workers
            if w.node is screen
            and w.group == "flags"
            and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
        ]
        if busy:

            async def after_writes() -> None:
                await screen.app.workers.wait_for_complete(busy)
                # Queued behind the FlagsChanged messages those workers posted.
                screen.call_later(self._ask_purge, folder, then, always_ask)

            screen.run_worker(after_writes(), group="purge-wait")
            return
        self._ask_purge(folder, then, always_ask)

    def _ask_purge(self, folder: str, then: Callable[[], None], always_ask: bool) -> None:
        from mailtui.ui.screens.confirm import ConfirmDialog

        screen = self.screen

        marked = screen.index.marked_deleted_refs()
        if not marked or self.delete_mode != "mark" or self.read_only:
            if always_ask:
                why = (
                    "the mailbox is read-only"
                    if self.read_only and marked
                    else "no message is marked deleted"
                )
                screen.notify(f"Nothing to purge: {why}.", timeout=3)
            then()
            return

        def answered(purge: bool | None) -> None:
            if purge:
                self._after_purge = then
                screen.jobs.purge_deleted(folder, marked)
            elif purge is False:
                then()

        question = f"Purge {len(marked)} message(s) marked deleted in {folder}?"
        screen.app.push_screen(ConfirmDialog(question), answered)

    def purged(self) -> None:
        """The purge is done: leave the folder or quit if that was asked."""
        then, self._after_purge = self._after_purge, None
        if then is not None:
            then()
