"""The browser's background jobs: the blocking backend calls of the main screen.

`BrowserJobs` is a part of `BrowserScreen` (`screen.jobs`). Each job runs on a thread
worker of the screen (closing the screen cancels them), calls the backend through
`Session.call` (one call at a time per backend) and reports with a message from
`ui/messages.py` posted to the screen. Jobs never touch widgets. The new-mail watcher and
the header prefetch are daemon threads of their own, stopped through events kept here.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual.message import Message
from textual.worker import get_current_worker

from mailtui.backends.base import MailBackend
from mailtui.core.errors import BackendError, MailtuiError
from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.session.search_scan import Rotated, first_match, parse_query, scan_folder, with_tags
from mailtui.session.session import Session
from mailtui.ui.messages import (
    ActionFailed,
    BackendOpened,
    EnvelopesLoaded,
    FlagsChanged,
    FolderChanged,
    FoldersListed,
    MessagesRemoved,
    RefsListed,
    SearchProgressed,
)
from mailtui.ui.screens.browser.part_worker import part_worker

if TYPE_CHECKING:
    from collections.abc import Callable

    from mailtui.core.message.view import MessageView
    from mailtui.ui.screens.browser.browser import BrowserScreen

PROGRESS_EVERY = 0.3  # seconds between streamed search results


class CacheNotice(MailtuiError):
    """Not a failure: the header cache was rebuilt or turned off (shown as a notification)."""


@dataclass
class MessagesRestored(Message):
    """Messages just deleted to the Trash were moved back into `folder` (`u` after `d`)."""

    folder: str
    note: str


RESTORE_BATCH = 200  # Trash envelopes read per call while looking for what to bring back

WATCH_TIMEOUT = 2.0
WATCH_RETRY = 30.0


class BrowserJobs:
    """The browser screen's background jobs, and the stop events of its watcher and prefetch."""

    def __init__(self, screen: BrowserScreen, session: Session) -> None:
        self.screen = screen
        self.session = session
        self._watch_stop: threading.Event | None = None
        self._prefetch_stop: threading.Event | None = None
        self._dropped_reported = 0  # changes the backend could not apply, already reported

    @part_worker(group="open", exclusive=True)
    def open_backend(self) -> None:
        preload = self.screen.preload
        if preload is not None:
            # Opened (and its default folder listed) before the app started: see run_app.
            backend = preload.wait_backend()
        else:
            from mailtui.backends import open_account

            backend = open_account(self.session.account, self.session.transcript)
        self.screen.post_message(BackendOpened(backend))

    @part_worker(group="folders", exclusive=True)
    def list_folders(self) -> None:
        folders = self.session.call(lambda b: b.list_folders())
        self.screen.post_message(FoldersListed(folders))

    @part_worker(group="refs", exclusive=True)
    def list_refs(self, folder: str, generation: int, keep_key: str | None) -> None:
        # A preloaded listing never comes here: open_folder takes it on the UI thread, and
        # the backend (hence open_folder) only exists once the preload is done.
        refs = self.session.call(lambda b: b.list_refs(folder))
        self.screen.post_message(RefsListed(folder, refs, generation, keep_key))

    @part_worker(group="envelopes")
    def fetch_envelopes(self, folder: str, refs: Sequence[MessageRef]) -> None:
        requested = frozenset(r.key for r in refs)
        try:
            envelopes = self.session.call(lambda b: b.fetch_envelopes(folder, refs))
        except BackendError:
            # Clear the pending marks so the rows can be asked for again later.
            self.screen.post_message(EnvelopesLoaded(folder, [], requested))
            raise
        self.screen.post_message(EnvelopesLoaded(folder, envelopes, requested))
        self._post_notices()

    def _post_notices(self) -> None:
        """Notices of the backend (a header cache rebuilt or turned off), once each."""
        backend = self.session.backend
        for notice in backend.take_notices() if backend is not None else ():
            self.screen.post_message(ActionFailed(CacheNotice(notice, title="Header cache")))

    @part_worker(group="flags")
    def write_flags(
        self,
        folder: str,
        envelopes: Sequence[Envelope],
        add: frozenset[Flag],
        remove: frozenset[Flag],
    ) -> None:
        refs = [env.ref for env in envelopes]
        new_refs = self.session.call(lambda b: b.set_flags(folder, refs, add=add, remove=remove))
        changed = [
            replace(env, ref=new_ref, flags=(env.flags | add) - remove)
            for env, new_ref in zip(envelopes, new_refs, strict=False)
        ]
        self.screen.post_message(FlagsChanged(folder, changed, [r.key for r in refs]))

    @part_worker(group="delete")
    def delete_messages(self, folder: str, refs: Sequence[MessageRef]) -> None:
        self.session.call(lambda b: b.delete(folder, refs))
        note = f"{len(refs)} message(s) deleted"
        self.screen.post_message(MessagesRemoved(folder, frozenset(r.key for r in refs), note))

    @part_worker(group="move")
    def move_messages(self, folder: str, refs: Sequence[MessageRef], destination: str) -> None:
        self.session.call(lambda b: b.move(folder, refs, destination))
        note = f"{len(refs)} message(s) moved to {destination}"
        self.screen.post_message(MessagesRemoved(folder, frozenset(r.key for r in refs), note))

    @part_worker(group="purge")
    def purge_deleted(self, folder: str, refs: Sequence[MessageRef]) -> None:
        """Remove messages marked deleted: `expunge` where the backend has it, else delete."""

        def purge(backend: MailBackend) -> None:
            if backend.IMPLEMENTS_EXPUNGE:
                backend.expunge(folder)
            elif refs:
                backend.delete(folder, refs)

        self.session.call(purge)
        note = f"{len(refs)} message(s) marked deleted were purged"
        self.screen.post_message(MessagesRemoved(folder, frozenset(r.key for r in refs), note))

    @part_worker(group="delete")
    def restore_from_trash(self, folder: str, trash: str, envelopes: Sequence[Envelope]) -> None:
        """Move messages just deleted back from `trash` to `folder`.

        Found by their key where the backend keeps it across folders (Maildir), else by
        Message-ID among the Trash's messages, newest first (IMAP gives moved mail new UIDs).
        """

        def restore(backend: MailBackend) -> int:
            refs = backend.list_refs(trash)
            keys = {env.ref.key for env in envelopes}
            found = [r for r in refs if r.key in keys]
            ids = {env.message_id for env in envelopes if env.message_id}
            for start in range(0, len(refs), RESTORE_BATCH):
                if len(found) >= len(envelopes) or not ids:
                    break
                batch = backend.fetch_envelopes(trash, refs[start : start + RESTORE_BATCH])
                found += [e.ref for e in batch if e.message_id in ids and e.ref not in found]
            if found:
                backend.move(trash, found, folder)
            return len(found)

        count = self.session.call(restore)
        if count:
            note = f"{count} message(s) moved back from {trash}"
        else:
            note = f"The deleted message is no longer in {trash}: nothing moved back."
        self.screen.post_message(MessagesRestored(folder, note))

    @part_worker(group="search", exclusive=True)
    def search_folder(
        self,
        folder: str,
        query: str,
        refs: Sequence[MessageRef],
        cached: dict[str, Envelope],
        tagged: frozenset[str] = frozenset(),
        ahead: Rotated | None = None,
    ) -> None:
        """Match every message (headers from the backend's cache first), results streaming.

        With `ahead` (the rows after the cursor, in display order) the first match there is
        looked for first and posted at once (`SearchProgressed.first`), so the cursor moves
        before the rest are counted. Memory stays flat on 100k messages: one chunk of
        envelopes at a time, progress posted at most every PROGRESS_EVERY seconds (each
        carries a copy of the matches).
        """
        worker = get_current_worker()
        parsed = with_tags(parse_query(query), tagged)
        if ahead is not None:
            first = first_match(self.session.call, folder, parsed, ahead, cached, lambda: worker.is_cancelled)
            if first is not None:
                self.screen.post_message(
                    SearchProgressed(folder, query, [first.ref], finished=False, first=first)
                )
        matches: list[MessageRef] = []
        last_post = 0.0
        for _done, found in scan_folder(
            self.session.call, folder, parsed, refs, cached, lambda: worker.is_cancelled
        ):
            matches.extend(e.ref if isinstance(e, Envelope) else e for e in found)
            now = time.monotonic()
            if found and now - last_post >= PROGRESS_EVERY:
                last_post = now
                self.screen.post_message(SearchProgressed(folder, query, list(matches), finished=False))
        if worker.is_cancelled:
            return
        self.screen.post_message(SearchProgressed(folder, query, matches, finished=True))

    @part_worker(group="compose-source", exclusive=True)
    def load_for_compose(self, folder: str, ref: MessageRef, then: Callable[[MessageView], None]) -> None:
        """Read and parse one message, then hand it to `then` on the UI thread."""
        from mailtui.core.message.view import parse_message

        view = parse_message(self.session.call(lambda b: b.fetch_raw(folder, ref)))
        self.screen.app.call_from_thread(then, view)

    def start_watcher(self, folder: str) -> None:
        """Watch `folder` for new mail on a daemon thread (replacing the previous watcher).

        Not a Textual worker on purpose: a `wait_for_changes` call blocks for seconds and
        cannot be interrupted, and worker threads are joined at exit, which would make
        quitting wait for it. The stop event ends the loop at the next timeout.
        """
        self.stop_watcher()
        stop = threading.Event()
        self._watch_stop = stop
        thread = threading.Thread(
            target=self._watch_loop, args=(folder, stop), name=f"mailtui-watch {folder}", daemon=True
        )
        thread.start()

    def start_prefetch(self, folder: str, refs: Sequence[MessageRef]) -> None:
        """Fill the backend's header cache with the rest of the folder, in the background.

        Only backends that implement prefetching (IMAP: on a connection of its own, so
        the UI's calls never wait for it; Maildir: big folders, in a child process). A daemon thread, like the watcher, so quitting
        does not wait for a 100k-message walk; the stop event ends it between batches.
        """
        self.stop_prefetch()
        backend = self.session.backend
        if backend is None or not backend.IMPLEMENTS_PREFETCH or not refs:
            return
        stop = threading.Event()
        self._prefetch_stop = stop
        rest = refs[:]  # a snapshot; a compact ref list copies its array, no ref objects built

        def run() -> None:
            try:
                backend.prefetch_envelopes(folder, rest, should_stop=stop.is_set)
            except BackendError:
                pass  # only a warm-up: the rows on screen are fetched on demand anyway

        threading.Thread(target=run, name=f"mailtui-prefetch {folder}", daemon=True).start()

    def stop_prefetch(self) -> None:
        if self._prefetch_stop is not None:
            self._prefetch_stop.set()

    def stop_watcher(self) -> None:
        if self._watch_stop is not None:
            self._watch_stop.set()

    def _watch_loop(self, folder: str, stop: threading.Event) -> None:
        while not stop.is_set():
            backend = self.session.backend
            if backend is None:
                return
            try:
                changed = backend.wait_for_changes(folder, WATCH_TIMEOUT)
            except BackendError as err:
                if not stop.is_set():
                    self.screen.post_message(ActionFailed(err))
                stop.wait(WATCH_RETRY)  # do not spin (or spam) while the mailbox is unreachable
                continue
            if changed and not stop.is_set():
                self.screen.post_message(FolderChanged(folder))
            self._report_dropped_changes(backend)

    def _report_dropped_changes(self, backend: MailBackend) -> None:
        """Say so when a change queued while offline could not be applied (never silently)."""
        dropped = backend.dropped_changes
        reported = self._dropped_reported
        if len(dropped) > reported:
            self._dropped_reported = len(dropped)
            lost = "; ".join(dropped[reported:])
            self.screen.post_message(
                ActionFailed(
                    BackendError(
                        f"made while the server was unreachable, these could not be applied: {lost}",
                        title="Changes not applied",
                    )
                )
            )
