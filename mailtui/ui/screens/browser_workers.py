"""The browser's background jobs: every blocking backend call of the main screen.

A mixin of `BrowserScreen`, kept apart so the screen module holds only UI logic. Each job
runs on a thread worker owned by the screen (closing the screen cancels them), calls the
backend through `Session.call` (one call at a time per backend) and reports with a message
from `ui/messages.py`. Jobs never touch widgets.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace

from textual import work
from textual.screen import Screen
from textual.worker import get_current_worker

from mailtui.core.errors import BackendError
from mailtui.core.models import Envelope, Flag, MessageRef
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
from mailtui.ui.session import Session

SEARCH_CHUNK = 500
WATCH_TIMEOUT = 2.0
WATCH_RETRY = 30.0


def envelope_matches(env: Envelope, needle: str) -> bool:
    """Case-insensitive substring match on sender and subject."""
    return needle in env.sender.lower() or needle in env.subject.lower() or needle in env.to.lower()


class BrowserWorkers(Screen[None]):
    """Thread workers of the browser screen."""

    session: Session

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def open_backend(self) -> None:
        from mailtui.backends import open_account

        backend = open_account(self.session.account, self.session.transcript)
        self.post_message(BackendOpened(backend))

    @work(thread=True, exclusive=True, group="folders", exit_on_error=False)
    def list_folders(self) -> None:
        folders = self.session.call(lambda b: b.list_folders())
        self.post_message(FoldersListed(folders))

    @work(thread=True, exclusive=True, group="refs", exit_on_error=False)
    def list_refs(self, folder: str, generation: int, keep_key: str | None) -> None:
        refs = self.session.call(lambda b: b.list_refs(folder))
        self.post_message(RefsListed(folder, refs, generation, keep_key))

    @work(thread=True, group="envelopes", exit_on_error=False)
    def fetch_envelopes(self, folder: str, refs: Sequence[MessageRef]) -> None:
        requested = frozenset(r.key for r in refs)
        try:
            envelopes = self.session.call(lambda b: b.fetch_envelopes(folder, refs))
        except BackendError:
            # Clear the pending marks so the rows can be asked for again later.
            self.post_message(EnvelopesLoaded(folder, [], requested))
            raise
        self.post_message(EnvelopesLoaded(folder, envelopes, requested))

    @work(thread=True, group="flags", exit_on_error=False)
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
        self.post_message(FlagsChanged(folder, changed, [r.key for r in refs]))

    @work(thread=True, group="delete", exit_on_error=False)
    def delete_messages(self, folder: str, refs: Sequence[MessageRef]) -> None:
        self.session.call(lambda b: b.delete(folder, refs))
        note = f"{len(refs)} message(s) deleted"
        self.post_message(MessagesRemoved(folder, frozenset(r.key for r in refs), note))

    @work(thread=True, group="move", exit_on_error=False)
    def move_messages(self, folder: str, refs: Sequence[MessageRef], destination: str) -> None:
        self.session.call(lambda b: b.move(folder, refs, destination))
        note = f"{len(refs)} message(s) moved to {destination}"
        self.post_message(MessagesRemoved(folder, frozenset(r.key for r in refs), note))

    @work(thread=True, group="purge", exit_on_error=False)
    def purge_deleted(self, folder: str, refs: Sequence[MessageRef]) -> None:
        """Remove messages marked deleted: `expunge` where the backend has it, else delete."""

        def purge(backend: object) -> None:
            expunge = getattr(backend, "expunge", None)
            if callable(expunge):
                expunge(folder)
            elif refs:
                backend.delete(folder, refs)  # type: ignore[attr-defined]

        self.session.call(purge)
        note = f"{len(refs)} message(s) marked deleted were purged"
        self.post_message(MessagesRemoved(folder, frozenset(r.key for r in refs), note))

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def search_folder(
        self, folder: str, query: str, refs: Sequence[MessageRef], cached: dict[str, Envelope]
    ) -> None:
        """Match from/subject over every message, reading missing headers in chunks."""
        worker = get_current_worker()
        needle = query.lower()
        matches: list[MessageRef] = []
        for start in range(0, len(refs), SEARCH_CHUNK):
            chunk = refs[start : start + SEARCH_CHUNK]
            missing = [r for r in chunk if r.key not in cached]
            fetched = {}
            if missing:
                envs = self.session.call(lambda b, m=missing: b.fetch_envelopes(folder, m))
                fetched = {e.ref.key: e for e in envs}
            if worker.is_cancelled:
                return
            found = []
            for ref in chunk:
                env = cached.get(ref.key) or fetched.get(ref.key)
                if env is not None and envelope_matches(env, needle):
                    matches.append(env.ref)
                    found.append(env)
            if found:
                self.post_message(EnvelopesLoaded(folder, found, frozenset()))
            self.post_message(SearchProgressed(folder, query, list(matches), finished=False))
        self.post_message(SearchProgressed(folder, query, matches, finished=True))

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

    def stop_watcher(self) -> None:
        stop = getattr(self, "_watch_stop", None)
        if stop is not None:
            stop.set()

    def _watch_loop(self, folder: str, stop: threading.Event) -> None:
        while not stop.is_set():
            backend = self.session.backend
            if backend is None:
                return
            try:
                changed = backend.wait_for_changes(folder, WATCH_TIMEOUT)
            except BackendError as err:
                if not stop.is_set():
                    self.post_message(ActionFailed(err))
                stop.wait(WATCH_RETRY)  # do not spin (or spam) while the mailbox is unreachable
                continue
            if changed and not stop.is_set():
                self.post_message(FolderChanged(folder))
