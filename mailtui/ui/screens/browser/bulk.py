"""Big-folder actions of the browser: sort, threads, tags and bulk operations (issue 6).

A mixin of `BrowserScreen` (through `BrowserWorkers`): `o` cycles the sort (date, from,
subject, size), `O` reverses it, `ctrl+t` toggles threads (`z` collapses one, `Z` all);
`t` tags a message, `T` tags every message matching a pattern (as mutt's T), `ctrl+a`
tags all shown; `;` applies an
action to the tagged messages (delete, move, mark read/unread, flag/unflag) in batches,
with a progress bar. Orders need every envelope: a worker reads them through the backend
(the Maildir header cache first, filling it), keeps one small row per message, and posts
the order; orders are cached per folder listing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from mailtui.core.errors import BackendError
from mailtui.core.index.sorting import SortKey, SortRow, next_sort_key, sort_keys, sort_row
from mailtui.core.index.threads import ThreadRow, thread_order
from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.session.search_scan import parse_query, query_problem, scan_folder
from mailtui.ui.messages import RefsListed
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.job_progress import JobProgress

if TYPE_CHECKING:
    from mailtui.session.session import Session

BATCH = 500  # refs per backend call in bulk jobs (one rename pass / one UID set each)
HEADER_CHUNK = 1000  # refs per fetch_envelopes call when ordering a whole folder
DEFAULT_MODE = "date:desc"  # the listing order: no extra work

# Bulk action label -> (operation, flags to add, flags to remove). Harmless actions first:
# a hasty Enter marks read instead of deleting.
BULK_ACTIONS: dict[str, tuple[str, frozenset[Flag], frozenset[Flag]]] = {
    "Mark read": ("flags", frozenset({Flag.SEEN}), frozenset()),
    "Mark unread": ("flags", frozenset(), frozenset({Flag.SEEN})),
    "Flag": ("flags", frozenset({Flag.FLAGGED}), frozenset()),
    "Unflag": ("flags", frozenset(), frozenset({Flag.FLAGGED})),
    "Untag all": ("untag", frozenset(), frozenset()),
    "Move to folder": ("move", frozenset(), frozenset()),
    "Delete": ("delete", frozenset(), frozenset()),
}
# How an order is named in notices and the status bar.
ORDER_NAMES = {
    "date:desc": "by date, newest first",
    "date:asc": "by date, oldest first",
    "from:asc": "by sender, A to Z",
    "from:desc": "by sender, Z to A",
    "subject:asc": "by subject, A to Z",
    "subject:desc": "by subject, Z to A",
    "size:desc": "by size, biggest first",
    "size:asc": "by size, smallest first",
    "threads": "in threads",
}


@dataclass
class OrderComputed(Message):
    """A sorted or threaded order of `folder` (mode e.g. "from:asc" or "threads")."""

    folder: str
    mode: str
    signature: tuple[object, ...]
    order: Sequence[MessageRef]
    depths: dict[str, int] = field(default_factory=dict)
    unread: frozenset[str] = frozenset()  # threads: unread then (a collapsed thread shows N)


@dataclass
class JobProgressed(Message):
    """A long job advanced: `done` of `total`."""

    label: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobProgressed)


@dataclass
class BulkFinished(Message):
    """A bulk job ended (possibly early on an error): what left the folder, what changed."""

    folder: str
    note: str
    removed: frozenset[str]
    changed_flags: bool


@dataclass
class TagsFound(Message):
    """More keys matching a tag pattern; `finished` with the last chunk."""

    folder: str
    keys: list[str]
    finished: bool


def listing_signature(folder: str, refs: Sequence[MessageRef]) -> tuple[object, ...]:
    """Identifies one listing cheaply (an order computed for it fits only it)."""
    if not refs:
        return (folder, 0)
    return (folder, len(refs), refs[0].key, refs[-1].key)


def reorder(refs: Sequence[MessageRef], keys: list[str]) -> Sequence[MessageRef]:
    """`refs` in the order of `keys` (a compact RefList stays one)."""
    if callable(getattr(refs, "keys", None)):
        return type(refs)(keys)  # type: ignore[call-arg]
    by_key = {r.key: r for r in refs}
    return [by_key[k] for k in keys if k in by_key]


class BrowserBulkActions(Screen[None]):
    """Sort, threads, tags and bulk jobs of the browser screen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "cycle_sort", "Sort", id="cycle-sort", show=False),
        Binding("O", "reverse_sort", "Reverse sort", id="reverse-sort", show=False),
        Binding("ctrl+t", "toggle_threads", "Threads", id="toggle-threads", show=False),
        Binding("z", "fold_thread", "Collapse thread", id="fold-thread", show=False),
        Binding("Z", "fold_all_threads", "Collapse all threads", id="fold-all-threads", show=False),
        Binding("t", "tag", "Tag", id="tag", show=False),
        Binding("T", "tag_pattern", "Tag pattern", id="tag-pattern", show=False),
        Binding("ctrl+a", "tag_all", "Tag all", id="tag-all", show=False),
        Binding("semicolon", "bulk", "Tagged…", id="bulk", show=False),
    ]

    session: Session
    folder: str | None
    sort_by: SortKey = "date"
    sort_descending: bool = True
    threaded: bool = False
    _order_cache: dict[tuple[object, ...], OrderComputed]

    @property
    def index(self) -> MessageIndex:
        return self.query_one(MessageIndex)

    def _orders(self) -> dict[tuple[object, ...], OrderComputed]:
        """Orders computed so far (sort or threads), by folder generation and mode."""
        if "_order_cache" not in self.__dict__:
            self._order_cache = {}
        return self._order_cache

    @property
    def order_mode(self) -> str:
        """The order shown: "threads" or "<key>:asc|desc"."""
        if self.threaded:
            return "threads"
        return f"{self.sort_by}:{'desc' if self.sort_descending else 'asc'}"

    # -- sort and threads --------------------------------------------------------------
    def action_cycle_sort(self) -> None:
        self.threaded = False
        self.sort_by = next_sort_key(self.sort_by)
        # Dates and sizes read best biggest/newest first, names A to Z.
        self.sort_descending = self.sort_by in ("date", "size")
        self._apply_order()

    def action_reverse_sort(self) -> None:
        if self.threaded:
            # Threads have one order (newest thread first); reversing would silently drop them.
            self.notify("Threads are shown newest first; ctrl+t turns them off, then O reverses.", timeout=3)
            return
        self.sort_descending = not self.sort_descending
        self._apply_order()

    def action_toggle_threads(self) -> None:
        self.threaded = not self.threaded
        self._apply_order()

    def action_fold_thread(self) -> None:
        """Collapse the thread under the cursor into its first message, or expand it again."""
        if not self.index.fold_thread():
            self._why_no_fold()

    def action_fold_all_threads(self) -> None:
        """Collapse every thread (mutt's Esc V); again: expand them all."""
        index = self.index
        if not index.fold_all_threads(fold=index.folded_count == 0):
            self._why_no_fold()

    def _why_no_fold(self) -> None:
        if not self.threaded:
            self.notify("Collapsing works on threads: press ctrl+t for the threaded view.", timeout=3)
        elif self.index.filtered:
            self.notify("Search results are not threaded: Esc shows the folder again.", timeout=3)
        else:
            self.notify("The threads are still being worked out (see the progress bar).", timeout=3)

    def _apply_order(self) -> None:
        index = self.index
        mode = self.order_mode
        if self.folder is None:
            return
        self.workers.cancel_group(self, "order")
        self.status.order = ""  # named again once the new order is shown
        if mode == DEFAULT_MODE:
            index.set_order(None)
            self.notify(f"{len(index.refs)} messages {ORDER_NAMES[DEFAULT_MODE]}.", timeout=2)
            return
        signature = listing_signature(self.folder, index.refs)
        cache = self._orders()
        known = cache.get((mode, *signature))
        if known is not None:
            index.set_order(known.order, known.depths, known.unread)
            self.status.order = ORDER_NAMES.get(mode, mode)
            return
        self.compute_order(self.folder, index.refs, mode, signature)

    @on(RefsListed)
    def _reapply_order(self, message: RefsListed) -> None:
        # Runs after BrowserScreen's handler, which showed the new listing in date order.
        if message.folder == self.folder and self.order_mode != DEFAULT_MODE:
            self._apply_order()

    @work(thread=True, exclusive=True, group="order", exit_on_error=False)
    def compute_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str, signature: tuple[object, ...]
    ) -> None:
        """Read every envelope (cache first), keep one small row each, order them."""
        worker = get_current_worker()
        label = "Reading headers for threads" if mode == "threads" else "Reading headers to sort"
        thread_rows: list[ThreadRow] = []
        sort_rows: list[SortRow] = []
        by = mode.split(":")[0]
        # Each message-id string once: a reply repeats its ancestors' ids (100k messages).
        same_id = {}.setdefault
        unread: set[str] = set()
        for start in range(0, len(refs), HEADER_CHUNK):
            chunk = refs[start : start + HEADER_CHUNK]
            envs: list[Envelope] = self.session.call(lambda b, c=chunk: b.fetch_envelopes(folder, c))
            if mode == "threads":
                unread.update(e.ref.key for e in envs if e.is_unread)
                thread_rows.extend(
                    ThreadRow(
                        e.ref.key,
                        same_id(e.message_id, e.message_id),
                        same_id(e.in_reply_to, e.in_reply_to),
                        tuple(same_id(r, r) for r in e.references),
                        e.sort_date,
                    )
                    for e in envs
                )
            else:
                sort_rows.extend(sort_row(e, by) for e in envs)  # only the field sorted by
            if worker.is_cancelled:
                return
            self.post_message(JobProgressed(label, min(start + HEADER_CHUNK, len(refs)), len(refs)))
        depths: dict[str, int] = {}
        if mode == "threads":
            lines = thread_order(thread_rows)
            keys = [line.key for line in lines]
            depths = {line.key: line.depth for line in lines if line.depth}
        else:
            by, direction = mode.split(":")
            keys = sort_keys(sort_rows, by, direction == "desc")  # type: ignore[arg-type]
        self.post_message(
            OrderComputed(folder, mode, signature, reorder(refs, keys), depths, frozenset(unread))
        )

    @on(OrderComputed)
    def _on_order_computed(self, message: OrderComputed) -> None:
        self._remove_progress()
        cache = self._orders()
        cache.clear()  # one order per folder listing is enough; keeps memory flat
        cache[(message.mode, *message.signature)] = message
        index = self.index
        if message.folder != self.folder or message.mode != self.order_mode:
            return
        if message.signature != listing_signature(message.folder, index.refs):
            return  # the folder changed meanwhile; RefsListed asks again
        index.set_order(message.order, message.depths, message.unread)
        self.status.order = ORDER_NAMES.get(message.mode, message.mode)
        self.notify(
            f"{len(message.order)} messages {ORDER_NAMES.get(message.mode, message.mode)}.", timeout=2
        )

    # -- progress -------------------------------------------------------------------
    @on(JobProgressed)
    def _on_job_progressed(self, message: JobProgressed) -> None:
        try:
            bar = self.query_one("#job-progress", JobProgress)
        except NoMatches:
            bar = JobProgress(message.label, message.total, id="job-progress")
            try:
                self.mount(bar, before=self.query_one("#status"))
            except NoMatches:
                self.mount(bar)
        bar.update_progress(message.label, message.done, message.total)

    def _remove_progress(self) -> None:
        for bar in self.query("#job-progress"):
            bar.remove()

    # -- tags -------------------------------------------------------------------------
    def action_tag(self) -> None:
        index = self.index
        ref = index.current_ref
        if ref is not None:
            index.toggle_tag(ref.key)
            index.action_cursor_down()

    def action_tag_all(self) -> None:
        """Tag every shown message (search results when searching); again: untag all."""
        index = self.index
        if index.tagged_count and index.tagged_count >= index.row_count:
            index.clear_tags()
            self.notify("Tags cleared.", timeout=2)
            return
        rows = index.rows
        keys = getattr(rows, "keys", None)
        index.tag_keys(keys() if callable(keys) else (r.key for r in rows))
        self.notify(f"{index.tagged_count} messages tagged: press ; to act on them.", timeout=3)

    def action_tag_pattern(self) -> None:
        from mailtui.ui.screens.browser.search import SearchDialog

        def chosen(query: str | None) -> None:
            if query is None or self.folder is None:
                return
            if not query.strip():
                self.notify("No pattern given: the tags are unchanged.", timeout=3)
                return
            problem = query_problem(query)
            if problem is not None:
                self.notify(problem, title="Nothing tagged", severity="warning", markup=False)
                return
            index = self.index
            self.tag_matching(self.folder, query.strip(), index.refs, index.cached_envelopes())

        prompt = "Tag the messages matching (from/to/subject; ~f ~t ~s ~b for one field):"
        self.app.push_screen(SearchDialog("", prompt), chosen)

    @work(thread=True, exclusive=True, group="tag-pattern", exit_on_error=False)
    def tag_matching(
        self, folder: str, query: str, refs: Sequence[MessageRef], cached: dict[str, Envelope]
    ) -> None:
        worker = get_current_worker()
        parsed = parse_query(query)
        for done, found in scan_folder(
            self.session.call, folder, parsed, refs, cached, lambda: worker.is_cancelled
        ):
            keys = [e.ref.key if isinstance(e, Envelope) else e.key for e in found]
            if keys:
                self.post_message(TagsFound(folder, keys, finished=False))
            self.post_message(JobProgressed(f"Tagging {query}", done, len(refs)))
        if not worker.is_cancelled:
            self.post_message(TagsFound(folder, [], finished=True))

    @on(TagsFound)
    def _on_tags_found(self, message: TagsFound) -> None:
        if message.folder != self.folder:
            return
        index = self.index
        index.tag_keys(message.keys)
        if message.finished:
            self._remove_progress()
            self.notify(f"{index.tagged_count} messages tagged: press ; to act on them.", timeout=3)

    # -- bulk jobs ----------------------------------------------------------------------
    def action_bulk(self) -> None:
        """Choose an action for every tagged message."""
        from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog

        index = self.index
        folder = self.folder
        if folder is None or not index.tagged_count:
            self.notify("No message is tagged: t tags one, T a pattern, ctrl+a all.", timeout=4)
            return
        refs = index.tagged_refs()

        def chosen(label: str | None) -> None:
            if label is None:
                return
            op, add, remove = BULK_ACTIONS[label]
            if op == "untag":
                index.clear_tags()
            elif op == "move":
                self._choose_destination(folder, refs)
            else:
                self.bulk_apply(folder, refs, op, add, remove, "")

        title = f"{len(refs)} tagged message(s):"
        self.app.push_screen(FolderPickerDialog(list(BULK_ACTIONS), title=title), chosen)

    def _choose_destination(self, folder: str, refs: list[MessageRef]) -> None:
        from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog
        from mailtui.ui.widgets.folder_list import FolderList

        names = [f.name for f in self.query_one(FolderList).folders if f.name != folder]

        def chosen(destination: str | None) -> None:
            if destination:
                self.bulk_apply(folder, refs, "move", frozenset(), frozenset(), destination)

        self.app.push_screen(FolderPickerDialog(names, title=f"Move {len(refs)} message(s) to"), chosen)

    @work(thread=True, exclusive=True, group="bulk", exit_on_error=False)
    def bulk_apply(
        self,
        folder: str,
        refs: Sequence[MessageRef],
        op: str,
        add: frozenset[Flag],
        remove: frozenset[Flag],
        destination: str,
    ) -> None:
        """Delete, move or change flags of `refs` in batches, reporting progress."""
        label = {"delete": "Deleting", "move": f"Moving to {destination}", "flags": "Changing flags"}[op]
        removes = op == "move" or (op == "delete" and self.session.account.delete_mode != "mark")
        removed: list[str] = []
        done = 0
        try:
            for start in range(0, len(refs), BATCH):
                batch = refs[start : start + BATCH]
                if op == "delete":
                    self.session.call(lambda b, x=batch: b.delete(folder, x))
                elif op == "move":
                    self.session.call(lambda b, x=batch: b.move(folder, x, destination))
                else:
                    self.session.call(lambda b, x=batch: b.set_flags(folder, x, add=add, remove=remove))
                done += len(batch)
                if removes:
                    removed.extend(r.key for r in batch)
                self.post_message(JobProgressed(label, done, len(refs)))
        except BackendError:
            note = f"{label}: stopped after {done} of {len(refs)} message(s)."
            self.post_message(BulkFinished(folder, note, frozenset(removed), not removes))
            raise
        note = f"{label}: {done} message(s) done."
        self.post_message(BulkFinished(folder, note, frozenset(removed), not removes))

    @on(BulkFinished)
    def _on_bulk_finished(self, message: BulkFinished) -> None:
        self._remove_progress()
        if message.folder == self.folder:
            index = self.index
            if message.removed:
                index.remove_keys(message.removed)
                update = getattr(self, "_update_counts", None)
                if callable(update):
                    update()
            if message.changed_flags:
                index.invalidate()  # re-read the visible rows' flags
            index.clear_tags()
        self.notify(message.note, timeout=3, markup=False)  # names a folder: untrusted
        list_folders = getattr(self, "list_folders", None)
        if callable(list_folders):
            list_folders()
