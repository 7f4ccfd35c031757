"""The browser's order of the index: sort (`o`, `O`), threads (`ctrl+t`), collapsing (`z`, `Z`).

`OrderState` is which order is chosen and the orders already computed (plain data,
testable alone). `BrowserOrdering` is the part of `BrowserScreen` (`screen.ordering`) that
acts on it. An order other than the listing's own is computed by a worker: by the server
where it gives exactly this order (IMAP SORT), else with a backend that has an index
(Maildir, IMAP's header cache), the order stored for this listing, else one query for the
column it needs, reading only the messages not indexed yet; otherwise from every envelope,
one small row per message. One order per folder listing is kept in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.message import Message
from textual.worker import get_current_worker

from mailtui.backends.base import CompactRefs, IndexColumn
from mailtui.core.index.columns import index_values, order_columns, order_from_rows
from mailtui.core.index.sorting import SortKey, SortRow, as_sort_key, next_sort_key, sort_keys, sort_row
from mailtui.core.index.threads import ThreadRow, thread_order
from mailtui.core.models import Envelope, MessageRef
from mailtui.ui.screens.browser.part_worker import part_worker
from mailtui.ui.screens.browser.progress import JobProgressed, remove_progress

if TYPE_CHECKING:
    from mailtui.backends.base import MailBackend
    from mailtui.session.session import Session
    from mailtui.ui.screens.browser.browser import BrowserScreen

HEADER_CHUNK = 1000  # refs per fetch_envelopes call when ordering a whole folder
DEFAULT_MODE = "date:desc"  # the listing order: no extra work
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


def listing_signature(folder: str, refs: Sequence[MessageRef]) -> tuple[object, ...]:
    """Identifies one listing cheaply (an order computed for it fits only it)."""
    if not refs:
        return (folder, 0)
    return (folder, len(refs), refs[0].key, refs[-1].key)


def reorder(refs: Sequence[MessageRef], keys: list[str]) -> Sequence[MessageRef]:
    """`refs` in the order of `keys` (a compact RefList stays one)."""
    if isinstance(refs, CompactRefs):
        position = {key: i for i, key in enumerate(refs.keys())}
        return refs.take([position[k] for k in keys if k in position])
    by_key = {r.key: r for r in refs}
    return [by_key[k] for k in keys if k in by_key]


@dataclass
class OrderState:
    """The order chosen for the index, and the order computed for the current listing."""

    sort_by: SortKey = "date"
    descending: bool = True
    threaded: bool = False
    computed: dict[tuple[object, ...], OrderComputed] = field(default_factory=dict)

    @property
    def mode(self) -> str:
        """The order shown: "threads" or "<key>:asc|desc"."""
        if self.threaded:
            return "threads"
        return f"{self.sort_by}:{'desc' if self.descending else 'asc'}"

    def cycle_sort(self) -> None:
        """The next sort key (threads off); dates and sizes newest/biggest first, names A to Z."""
        self.threaded = False
        self.sort_by = next_sort_key(self.sort_by)
        self.descending = self.sort_by in ("date", "size")

    def reverse(self) -> bool:
        """Reverse the sort; False (nothing changed) in threads, which have one order."""
        if self.threaded:
            return False
        self.descending = not self.descending
        return True

    def toggle_threads(self) -> None:
        self.threaded = not self.threaded

    def known(self, signature: tuple[object, ...]) -> OrderComputed | None:
        """The current mode's order of the listing `signature`, if computed already."""
        return self.computed.get((self.mode, *signature))

    def remember(self, order: OrderComputed) -> None:
        """Keep `order`, and only it: one order per folder listing keeps memory flat."""
        self.computed.clear()
        self.computed[(order.mode, *order.signature)] = order


def fetch_envelopes(folder: str, refs: Sequence[MessageRef], backend: MailBackend) -> list[Envelope]:
    return backend.fetch_envelopes(folder, refs)


class BrowserOrdering:
    """Sort and threads of the browser's index: the chosen order and the worker computing it."""

    def __init__(self, screen: BrowserScreen, session: Session) -> None:
        self.screen = screen
        self.session = session
        self.state = OrderState()

    @property
    def mode(self) -> str:
        return self.state.mode

    # -- actions ------------------------------------------------------------------------
    def cycle_sort(self) -> None:
        self.state.cycle_sort()
        self.apply()

    def reverse_sort(self) -> None:
        if not self.state.reverse():
            # Threads have one order (newest thread first); reversing would silently drop them.
            self.screen.notify(
                "Threads are shown newest first; ctrl+t turns them off, then O reverses.", timeout=3
            )
            return
        self.apply()

    def toggle_threads(self) -> None:
        self.state.toggle_threads()
        self.apply()

    def fold_thread(self) -> None:
        """Collapse the thread under the cursor into its first message, or expand it again."""
        if not self.screen.index.fold_thread():
            self._why_no_fold()

    def fold_all_threads(self) -> None:
        """Collapse every thread (mutt's Esc V); again: expand them all."""
        index = self.screen.index
        if not index.fold_all_threads(fold=index.folded_count == 0):
            self._why_no_fold()

    def _why_no_fold(self) -> None:
        notify = self.screen.notify
        if not self.state.threaded:
            notify("Collapsing works on threads: press ctrl+t for the threaded view.", timeout=3)
        else:
            notify("The threads are still being worked out (see the progress bar).", timeout=3)

    # -- showing an order -----------------------------------------------------------------
    def apply(self) -> None:
        """Show the chosen order: at once when known, else once the worker has computed it."""
        screen = self.screen
        index = screen.index
        mode = self.state.mode
        if screen.folder is None:
            return
        screen.workers.cancel_group(screen, "order")
        screen.status.order = ""  # named again once the new order is shown
        if mode == DEFAULT_MODE:
            index.set_order(None)
            screen.notify(f"{len(index.refs)} messages {ORDER_NAMES[DEFAULT_MODE]}.", timeout=2)
            return
        signature = listing_signature(screen.folder, index.refs)
        known = self.state.known(signature)
        if known is not None:
            index.set_order(known.order, known.depths, known.unread)
            screen.status.order = ORDER_NAMES.get(mode, mode)
            return
        self.compute_order(screen.folder, index.refs, mode, signature)

    def listing_shown(self, folder: str) -> None:
        """A new listing of `folder` is shown in date order: order it again."""
        if folder == self.screen.folder and self.state.mode != DEFAULT_MODE:
            self.apply()

    def order_computed(self, message: OrderComputed) -> None:
        """The worker's order: kept, and shown when it is still the one wanted."""
        screen = self.screen
        remove_progress(screen)
        self.state.remember(message)
        index = screen.index
        if message.folder != screen.folder or message.mode != self.state.mode:
            return
        if message.signature != listing_signature(message.folder, index.refs):
            return  # the folder changed meanwhile; RefsListed asks again
        index.set_order(message.order, message.depths, message.unread)
        name = ORDER_NAMES.get(message.mode, message.mode)
        screen.status.order = name
        screen.notify(f"{len(message.order)} messages {name}.", timeout=2)

    @part_worker(group="order", exclusive=True)
    def compute_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str, signature: tuple[object, ...]
    ) -> None:
        """Order the folder: by the server where it answers this mode, else from the
        backend's index where it has one, else from envelopes."""
        backend = self.session.backend
        indexed = backend is not None and (backend.IMPLEMENTS_INDEX or backend.IMPLEMENTS_ORDER_INDEX)
        computed = None
        if backend is not None and backend.IMPLEMENTS_SERVER_ORDER:
            computed = self._order_from_server(folder, refs, mode, signature, indexed)
        if computed is None and indexed:
            computed = self._order_from_index(folder, refs, mode, signature)
        elif computed is None:
            computed = self._order_from_envelopes(folder, refs, mode, signature)
        if computed is not None:
            self.screen.post_message(computed)

    def _order_from_server(
        self, folder: str, refs: Sequence[MessageRef], mode: str, signature: tuple[object, ...], indexed: bool
    ) -> OrderComputed | None:
        """The server's order (one command, nothing read per message); None when it has none."""
        call = self.session.call
        found = call(partial(server_order, folder, refs, mode))
        if found is None:
            return None
        keys, depths = found
        unread: set[str] = set()
        if mode == "threads" and indexed:
            unread = call(partial(unread_keys, folder, refs))
        return OrderComputed(folder, mode, signature, reorder(refs, keys), depths, frozenset(unread))

    def _order_from_index(
        self, folder: str, refs: Sequence[MessageRef], mode: str, signature: tuple[object, ...]
    ) -> OrderComputed | None:
        """The order stored for this listing, else one query for the column(s) the order
        needs; only messages not indexed yet are read (which indexes them), with progress.
        A computed order is stored for next time."""
        worker = get_current_worker()
        call = self.session.call
        unread: set[str] = set()
        if mode == "threads":
            unread = call(partial(unread_keys, folder, refs))
        stored = call(partial(stored_order, folder, refs, mode))
        if stored is not None:
            ordered_refs, depths = stored
            return OrderComputed(folder, mode, signature, ordered_refs, depths, frozenset(unread))
        columns = cast(tuple[IndexColumn, ...], order_columns(mode))
        rows = call(partial(index_columns, folder, refs, columns))
        keys = refs.keys() if isinstance(refs, CompactRefs) else [r.key for r in refs]
        missing = [i for i, key in enumerate(keys) if key not in rows]
        label = "Reading headers for threads" if mode == "threads" else "Reading headers to sort"
        for start in range(0, len(missing), HEADER_CHUNK):
            chunk = [refs[i] for i in missing[start : start + HEADER_CHUNK]]
            envs: list[Envelope] = call(partial(fetch_envelopes, folder, chunk))
            for env in envs:
                rows[env.ref.key] = index_values(env, columns)
            if worker.is_cancelled:
                return None
            self.screen.post_message(
                JobProgressed(label, min(start + HEADER_CHUNK, len(missing)), len(missing))
            )
        if worker.is_cancelled:
            return None
        ordered, depths = order_from_rows(keys, rows, mode)
        if len(ordered) == len(keys):
            call(partial(store_order, folder, refs, mode, ordered, depths))
        return OrderComputed(folder, mode, signature, reorder(refs, ordered), depths, frozenset(unread))

    def _order_from_envelopes(
        self, folder: str, refs: Sequence[MessageRef], mode: str, signature: tuple[object, ...]
    ) -> OrderComputed | None:
        """Read every envelope (cache first), keep one small row each, order them."""
        worker = get_current_worker()
        label = "Reading headers for threads" if mode == "threads" else "Reading headers to sort"
        thread_rows: list[ThreadRow] = []
        sort_rows: list[SortRow] = []
        by = mode.split(":")[0]
        # Each message-id string once: a reply repeats its ancestors' ids (100k messages).
        same_id: dict[str, str] = {}
        same = same_id.setdefault
        unread: set[str] = set()
        for start in range(0, len(refs), HEADER_CHUNK):
            chunk = refs[start : start + HEADER_CHUNK]
            envs: list[Envelope] = self.session.call(partial(fetch_envelopes, folder, chunk))
            if mode == "threads":
                unread.update(e.ref.key for e in envs if e.is_unread)
                thread_rows.extend(
                    ThreadRow(
                        e.ref.key,
                        same(e.message_id, e.message_id),
                        same(e.in_reply_to, e.in_reply_to),
                        tuple(same(r, r) for r in e.references),
                        e.sort_date,
                    )
                    for e in envs
                )
            else:
                sort_rows.extend(sort_row(e, by) for e in envs)  # only the field sorted by
            if worker.is_cancelled:
                return None
            self.screen.post_message(JobProgressed(label, min(start + HEADER_CHUNK, len(refs)), len(refs)))
        depths: dict[str, int] = {}
        if mode == "threads":
            lines = thread_order(thread_rows)
            keys = [line.key for line in lines]
            depths = {line.key: line.depth for line in lines if line.depth}
        else:
            by, direction = mode.split(":")
            keys = sort_keys(sort_rows, as_sort_key(by), direction == "desc")
        return OrderComputed(folder, mode, signature, reorder(refs, keys), depths, frozenset(unread))


def server_order(
    folder: str, refs: Sequence[MessageRef], mode: str, backend: MailBackend
) -> tuple[list[str], dict[str, int]] | None:
    return backend.server_order(folder, refs, mode)


def index_columns(
    folder: str, refs: Sequence[MessageRef], columns: Sequence[IndexColumn], backend: MailBackend
) -> dict[str, tuple[object, ...]]:
    return backend.index_columns(folder, refs, columns)


def unread_keys(folder: str, refs: Sequence[MessageRef], backend: MailBackend) -> set[str]:
    return backend.unread_keys(folder, refs)


def stored_order(
    folder: str, refs: Sequence[MessageRef], mode: str, backend: MailBackend
) -> tuple[Sequence[MessageRef], dict[str, int]] | None:
    return backend.stored_order(folder, refs, mode)


def store_order(
    folder: str,
    refs: Sequence[MessageRef],
    mode: str,
    keys: list[str],
    depths: dict[str, int],
    backend: MailBackend,
) -> None:
    backend.store_order(folder, refs, mode, keys, depths)
