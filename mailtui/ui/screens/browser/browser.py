"""The main screen: folder list, virtual message index and status bar (mutt's index).

Owns the folder data and five parts, each an object with its own state: `jobs` (the
background backend calls, `jobs.py`), `ordering` (sort and threads, `ordering.py`),
`bulk` (tags and bulk operations, `bulk.py`), `deletes` (d, u, purge: `deletes.py`) and
`search` (`folder_search.py`). The
screen holds the bindings and message handlers, forwards them to its parts, and keeps the
index, folder list and status bar in step. The pager is a separate full screen (as in
mutt), pushed on Enter.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.worker import Worker, WorkerState

from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.ui.errors import show_error
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
from mailtui.ui.screens.browser.attachment_keys import AttachmentKeysScreen
from mailtui.ui.screens.browser.bulk import BrowserBulk, BulkFinished, TagsFound
from mailtui.ui.screens.browser.deletes import BrowserDeletes
from mailtui.ui.screens.browser.folder_search import BrowserSearch
from mailtui.ui.screens.browser.jobs import BrowserJobs, MessagesRestored
from mailtui.ui.screens.browser.ordering import BrowserOrdering, OrderComputed
from mailtui.ui.screens.browser.progress import JobProgressed, show_progress
from mailtui.ui.screens.pager.neighbours import neighbour_row
from mailtui.ui.widgets.folder_list import FolderList
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.key_bar import KeyBar
from mailtui.ui.widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from textual.app import ComposeResult

    from mailtui.core.message.view import MessageView
    from mailtui.session.preload import Preload
    from mailtui.session.session import Session

NARROW_WIDTH = 100  # below this the folder pane hides until `c` (mutt has no sidebar by default)


class BrowserScreen(AttachmentKeysScreen):
    """Folders, the message index and the status bar."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Sort, threads, tags and bulk actions: forwarded to `ordering` and `bulk`.
        Binding("o", "cycle_sort", "Sort", id="cycle-sort", show=False),
        Binding("O", "reverse_sort", "Reverse sort", id="reverse-sort", show=False),
        Binding("ctrl+t", "toggle_threads", "Threads", id="toggle-threads", show=False),
        Binding("z", "fold_thread", "Collapse thread", id="fold-thread", show=False),
        Binding("Z", "fold_all_threads", "Collapse all threads", id="fold-all-threads", show=False),
        Binding("t", "tag", "Tag", id="tag", show=False),
        Binding("T", "tag_pattern", "Tag pattern", id="tag-pattern", show=False),
        Binding("ctrl+a", "tag_all", "Tag all", id="tag-all", show=False),
        Binding("semicolon", "bulk", "Tagged…", id="bulk", show=False),
        # Key bar order and words kept short: at 80 columns every shown key must fit (mutt's help line).
        Binding("q", "quit", "Quit", id="quit"),
        Binding("d", "delete", "Del", id="delete", tooltip="Delete (to Trash, or mark)"),
        Binding("m", "compose", "Mail", id="compose", tooltip="Compose a new message"),
        Binding("s", "move", "Move", id="move", tooltip="Save (move) to a folder"),
        Binding("slash", "search", "Search", id="search"),
        Binding("D", "diagnostics", "Diag", id="diagnostics", tooltip="Diagnostics"),
        Binding("c", "change_folder", "Folders", id="change-folder", show=False),
        Binding("u", "undelete", "Undelete", id="undelete", show=False),
        Binding("N", "toggle_new", "Toggle new", id="toggle-new", show=False),
        Binding("F", "toggle_flag", "Flag", id="toggle-flag", show=False),
        Binding("escape", "clear_search", "Clear search", id="clear-search", show=False),
        Binding("dollar_sign", "purge", "Purge deleted", id="purge", show=False),
        Binding("R", "recall_draft", "Drafts", id="recall-draft", show=False),
        Binding("r", "reply", "Reply", id="index-reply", show=False),
        Binding("f", "forward", "Forward", id="index-forward", show=False),
        Binding("ctrl+o", "flush_outbox", "Flush outbox", id="flush-outbox", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.folder: str | None = None
        self._generation = 0  # one per folder opened: late listings of another are dropped
        self._folders_after_refs = False  # count folders once the first listing is shown
        self._prefetch_generation = -1  # the folder generation whose headers are prefetched
        self.jobs = BrowserJobs(self, session)
        self.ordering = BrowserOrdering(self, session)
        self.bulk = BrowserBulk(self, session)
        self.deletes = BrowserDeletes(self, session)
        self.search = BrowserSearch(self)

    def compose(self) -> ComposeResult:
        with Horizontal(id="browser-panes"):
            yield FolderList(id="folders")
            yield MessageIndex(id="index", date_format=self.session.config.ui.date_format)
        yield StatusBar(id="status")
        yield KeyBar()

    @property
    def index(self) -> MessageIndex:
        return self.query_one(MessageIndex)

    @property
    def folder_list(self) -> FolderList:
        return self.query_one(FolderList)

    @property
    def status(self) -> StatusBar:
        return self.query_one(StatusBar)

    @property
    def preload(self) -> Preload | None:
        """The backend and first listing opened before the app started (run_app), if any."""
        return getattr(self.app, "preload", None)

    def on_mount(self) -> None:
        self.status.account = self.session.account.name
        self.index.focus()
        preload = self.preload
        if self.session.backend is None and preload is not None and preload.done and preload.backend:
            # Opened while Textual started: no worker round trip before the first screen.
            self.session.backend = preload.backend
        if self.session.backend is None:
            self.jobs.open_backend()
        else:
            self._backend_ready()

    def on_unmount(self) -> None:
        self.jobs.stop_watcher()
        self.jobs.stop_prefetch()

    @on(ActionFailed)
    def _on_action_failed(self, message: ActionFailed) -> None:
        show_error(self, message.error)

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    # -- backend and folders ------------------------------------------------------
    @on(BackendOpened)
    def _on_backend_opened(self, message: BackendOpened) -> None:
        self.session.backend = message.backend
        self._backend_ready()

    def _backend_ready(self) -> None:
        backend = self.session.backend
        assert backend is not None
        self.status.capabilities = backend.capabilities
        # The index first: folder counts scan every folder, and would hold the backend
        # lock while the first screen waits. They are listed once the refs have arrived.
        self._folders_after_refs = True
        self.open_folder(backend.default_folder)

    def open_folder(self, name: str) -> None:
        """Show folder `name`: list its refs, then watch it for new mail."""
        self.folder = name
        self._generation += 1
        self.search.forget()
        self.index.reset()
        self.status.search_count = None
        self.status.folder = name
        self.status.total = None
        self.update_counts()
        first = self.preload.take(name) if self.preload is not None else None
        if first is not None:
            # Listed and its first rows read before the UI started: drawn in this frame.
            self._show_refs(first.refs, None)
            self._show_envelopes(name, first.envelopes, ())
        else:
            self.jobs.list_refs(name, self._generation, None)
        self._after_first_frame(partial(self.jobs.start_watcher, name))

    @on(FoldersListed)
    def _on_folders_listed(self, message: FoldersListed) -> None:
        self.folder_list.set_folders(message.folders, self.folder)
        self.update_counts()

    @on(RefsListed)
    def _on_refs_listed(self, message: RefsListed) -> None:
        if message.folder == self.folder and message.generation == self._generation:
            self._show_refs(message.refs, message.keep_key)
        self.ordering.listing_shown(message.folder)

    def _show_refs(self, refs: Sequence[MessageRef], keep_key: str | None) -> None:
        self.index.set_refs(refs, keep_key)
        self.update_counts()
        if self._folders_after_refs and not self.index.row_count:
            self._folders_after_refs = False
            self.jobs.list_folders()
        # Otherwise after the first envelopes: counting folders holds the backend lock,
        # and the first screen's headers should not wait for it.

    def update_counts(self) -> None:
        """The status bar's message and unread counts of the open folder."""
        folder = self.folder_list.folder(self.folder) if self.folder else None
        refs = self.index.refs
        self.status.total = len(refs) if refs or folder is None else folder.total
        self.status.unread = folder.unread if folder is not None else None

    @on(FolderList.Chosen)
    def _on_folder_chosen(self, message: FolderList.Chosen) -> None:
        self.remove_class("-show-folders")
        self.index.focus()
        if message.name != self.folder and self.folder is not None:
            self.deletes.offer_purge(self.folder, partial(self.open_folder, message.name))
        elif message.name != self.folder:
            self.open_folder(message.name)

    @on(FolderChanged)
    def _on_folder_changed(self, message: FolderChanged) -> None:
        if message.folder != self.folder:
            return
        current = self.index.current_ref
        self.index.invalidate()
        self.jobs.list_refs(message.folder, self._generation, current.key if current else None)
        self.jobs.list_folders()
        self.search.restart()

    # -- envelopes ------------------------------------------------------------------
    @on(MessageIndex.EnvelopesWanted)
    def _on_envelopes_wanted(self, message: MessageIndex.EnvelopesWanted) -> None:
        if self.folder is not None and self.session.backend is not None:
            self.jobs.fetch_envelopes(self.folder, message.refs)

    @on(EnvelopesLoaded)
    def _on_envelopes_loaded(self, message: EnvelopesLoaded) -> None:
        self._show_envelopes(message.folder, message.envelopes, message.requested)

    def _show_envelopes(self, folder: str, envelopes: list[Envelope], requested: Iterable[str]) -> None:
        if folder == self.folder:
            self.index.add_envelopes(envelopes, requested)
            if self._prefetch_generation != self._generation:
                # Warm the cache with the rest, newest first.
                self._prefetch_generation = self._generation
                self._after_first_frame(partial(self.jobs.start_prefetch, folder, self.index.refs))
        if self._folders_after_refs and self.index.refs:
            self._folders_after_refs = False
            self._after_first_frame(self.jobs.list_folders)

    def _after_first_frame(self, job: Callable[[], object]) -> None:
        """Start a background job once the first screen is on the terminal and painted."""
        after_first_frame = getattr(self.app, "after_first_frame", None)
        if after_first_frame is None:
            self.call_after_refresh(job)
        else:
            after_first_frame(lambda: self.call_after_refresh(job))

    # -- opening ----------------------------------------------------------------------
    @on(MessageIndex.Opened)
    def _on_opened(self, message: MessageIndex.Opened) -> None:
        from mailtui.ui.screens.pager.pager import PagerScreen

        assert self.folder is not None
        env = self.index.envelope(message.ref.key)

        def closed(result: str | None) -> None:
            if result == "delete":
                self.action_delete()

        pager = PagerScreen(self.session, self.folder, message.ref, env, neighbours=self.open_neighbour)
        self.app.push_screen(pager, closed)
        self._mark_opened(env)

    def _mark_opened(self, env: Envelope | None) -> None:
        if self.session.account.mark_seen_on_open and env is not None and env.is_unread and self.folder:
            self.jobs.write_flags(self.folder, [env], frozenset({Flag.SEEN}), frozenset())

    def open_neighbour(self, key: str, step: int, unread: bool) -> tuple[MessageRef, Envelope | None] | None:
        """The pager's J, K and Tab (`pager/neighbours.py`): that row made current and marked
        seen; step 0 only says which row shows the pager's message."""
        row = neighbour_row(self.index, key, step, unread)
        if row is not None and step:
            self.index.cursor = row
            self._mark_opened(self.index.current_envelope)
        return None if row is None else (self.index.rows[row], self.index.envelope(self.index.rows[row].key))

    # -- flag and delete actions ---------------------------------------------------------
    def _current(self) -> Envelope | None:
        env = self.index.current_envelope
        if env is None and self.index.current_ref is not None:
            self.notify("The headers of this message are still loading.", severity="warning")
        return env

    def _toggle(self, flag: Flag) -> None:
        env = self._current()
        if env is None or self.folder is None:
            return
        on_now = flag in env.flags
        self.jobs.write_flags(
            self.folder,
            [env],
            frozenset() if on_now else frozenset({flag}),
            frozenset({flag}) if on_now else frozenset(),
        )

    def action_toggle_new(self) -> None:
        self._toggle(Flag.SEEN)

    def action_toggle_flag(self) -> None:
        self._toggle(Flag.FLAGGED)

    def action_delete(self) -> None:
        self.deletes.delete()

    def action_undelete(self) -> None:
        self.deletes.undelete()

    def action_purge(self) -> None:
        """Remove the messages marked deleted, after saying how many (mutt's $)."""
        if self.folder is not None:
            self.deletes.offer_purge(self.folder, lambda: None, always_ask=True)

    @on(MessagesRestored)
    def _on_messages_restored(self, message: MessagesRestored) -> None:
        self.notify(message.note, timeout=3, markup=False)  # names folders: untrusted
        self.post_message(FolderChanged(message.folder))

    @on(FlagsChanged)
    def _on_flags_changed(self, message: FlagsChanged) -> None:
        if message.folder == self.folder:
            self.index.replace_envelopes(message.old_keys, message.envelopes)
            self.jobs.list_folders()
        backend = self.session.backend
        if backend is not None:
            self.status.capabilities = backend.capabilities  # found read-only by a write

    @on(MessagesRemoved)
    def _on_messages_removed(self, message: MessagesRemoved) -> None:
        if message.folder == self.folder:
            self.index.remove_keys(message.keys)
            self.update_counts()
        self.notify(message.note, timeout=3, markup=False)  # names folders: untrusted
        self.deletes.purged()
        self.jobs.list_folders()

    # -- move, search, folders -------------------------------------------------------------
    def action_move(self) -> None:
        from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog

        ref = self.index.current_ref
        folder = self.folder
        if ref is None or folder is None:
            return
        names = [f.name for f in self.folder_list.folders if f.name != folder]

        def chosen(destination: str | None) -> None:
            if destination:
                self.jobs.move_messages(folder, [ref], destination)

        self.app.push_screen(FolderPickerDialog(names, title="Move message to folder"), chosen)

    def action_search(self) -> None:
        self.search.ask()

    @on(SearchProgressed)
    def _on_search_progressed(self, message: SearchProgressed) -> None:
        self.search.progressed(message)

    def action_clear_search(self) -> None:
        self.search.clear()

    @on(MessageIndex.TagsChanged)
    def _on_tags_changed(self, message: MessageIndex.TagsChanged) -> None:
        self.status.tagged = message.count

    def action_change_folder(self) -> None:
        if self.folder_list.has_focus:
            self.remove_class("-show-folders")
            self.index.focus()
        else:
            self.add_class("-show-folders")
            self.folder_list.focus()

    def action_compose(self) -> None:
        """A new message (mutt's m)."""
        from mailtui.ui.compose_actions import open_compose

        open_compose(self.app)

    def action_reply(self) -> None:
        """Reply to the message under the cursor without opening it (mutt's r in the index)."""
        self._compose_from_current("reply")

    def action_forward(self) -> None:
        """Forward the message under the cursor inline (mutt's f in the index)."""
        self._compose_from_current("forward")

    def _compose_from_current(self, kind: str) -> None:
        ref = self.index.current_ref
        if ref is None or self.folder is None:
            return
        then = partial(self._open_compose_from, kind=kind, source=(self.folder, ref))
        self.jobs.load_for_compose(self.folder, ref, then)

    def _open_compose_from(self, view: MessageView, kind: str, source: tuple[str, MessageRef]) -> None:
        from mailtui.ui.compose_actions import open_forward, open_reply

        if kind == "reply":
            open_reply(self.app, view, group=False, source=source)
        else:
            open_forward(self.app, view, view.raw, as_attachment=False, source=source)

    def action_recall_draft(self) -> None:
        """Resume a postponed draft (mutt's R)."""
        from mailtui.ui.compose_actions import open_drafts

        open_drafts(self.app)

    def action_flush_outbox(self) -> None:
        """Retry every message in the outbox now (like postqueue -f)."""
        from mailtui.ui.compose_actions import flush_outbox_now

        flush_outbox_now(self.app)

    def action_diagnostics(self) -> None:
        """The diagnostics screen: transcript, probes, code explainer, decoder, DNS."""
        from mailtui.ui.diagnostics_actions import open_diagnostics

        open_diagnostics(self.app)

    def action_quit(self) -> None:
        """Quit; mail waiting in the outbox is said first, then marked messages offered to purge."""
        from mailtui.ui.screens.browser.quitting import confirm_quit

        folder, leave = self.folder, self.app.exit
        confirm_quit(self, leave if folder is None else partial(self.deletes.offer_purge, folder, leave))

    # -- sort and threads: the ordering part ---------------------------------------------------
    def action_cycle_sort(self) -> None:
        self.ordering.cycle_sort()

    def action_reverse_sort(self) -> None:
        self.ordering.reverse_sort()

    def action_toggle_threads(self) -> None:
        self.ordering.toggle_threads()

    def action_fold_thread(self) -> None:
        self.ordering.fold_thread()

    def action_fold_all_threads(self) -> None:
        self.ordering.fold_all_threads()

    @on(OrderComputed)
    def _on_order_computed(self, message: OrderComputed) -> None:
        self.ordering.order_computed(message)

    # -- tags and bulk operations: the bulk part ------------------------------------------------
    def action_tag(self) -> None:
        self.bulk.tag()

    def action_tag_all(self) -> None:
        self.bulk.tag_all()

    def action_tag_pattern(self) -> None:
        self.bulk.tag_pattern()

    def action_bulk(self) -> None:
        self.bulk.choose_action()

    @on(TagsFound)
    def _on_tags_found(self, message: TagsFound) -> None:
        self.bulk.tags_found(message)

    @on(BulkFinished)
    def _on_bulk_finished(self, message: BulkFinished) -> None:
        self.bulk.bulk_finished(message)

    @on(JobProgressed)
    def _on_job_progressed(self, message: JobProgressed) -> None:
        show_progress(self, message)

    # -- worker bookkeeping ------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR and worker.error is not None:
            if worker.group == "open":
                self.status.connection = "NOT CONNECTED"
            if worker.group == "refs" and self._folders_after_refs:
                self._folders_after_refs = False
                self.jobs.list_folders()  # the folder list still helps when this folder failed
            show_error(self, worker.error)
        busy = any(
            w.node is self and w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in self.app.workers
        )
        self.status.busy = busy
