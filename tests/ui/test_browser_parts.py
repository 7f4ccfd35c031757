"""The browser screen's parts on their own: ordering state, bulk batches, thread folding, part workers.

Plain-data parts are driven without an app; the parts that start workers are driven on
the real screen, asserting on what they show and the workers they start.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from mailtui.core.errors import BackendError
from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.ui.messages import FoldersListed
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.browser.bulk import BATCH, apply_in_batches, bulk_label
from mailtui.ui.screens.browser.ordering import (
    DEFAULT_MODE,
    OrderComputed,
    OrderState,
    listing_signature,
    reorder,
)
from mailtui.ui.screens.browser.part_worker import part_worker
from mailtui.ui.widgets.index.folding import ThreadFolding
from tests.ui.conftest import make_app, settle, wait_until


def refs(*keys: str) -> list[MessageRef]:
    return [MessageRef(key) for key in keys]


# -- ordering state -----------------------------------------------------------------------
def test_order_state_cycles_keys_with_their_natural_direction() -> None:
    state = OrderState()
    assert state.mode == DEFAULT_MODE
    modes = []
    for _ in range(4):
        state.cycle_sort()
        modes.append(state.mode)
    assert modes == ["from:asc", "subject:asc", "size:desc", "date:desc"]


def test_order_state_reverse_and_threads() -> None:
    state = OrderState()
    assert state.reverse() and state.mode == "date:asc"
    state.toggle_threads()
    assert state.mode == "threads"
    assert not state.reverse()  # threads have one order: nothing changes
    assert state.mode == "threads"
    state.cycle_sort()  # a sort turns threads off
    assert not state.threaded and state.mode == "from:asc"


def test_order_state_keeps_one_order_per_listing() -> None:
    state = OrderState()
    state.toggle_threads()
    first = listing_signature("INBOX", refs("3", "2", "1"))
    second = listing_signature("INBOX", refs("4", "3", "2", "1"))
    state.remember(OrderComputed("INBOX", "threads", first, refs("1", "3", "2")))
    assert state.known(first) is not None and state.known(second) is None
    state.remember(OrderComputed("INBOX", "threads", second, refs("1", "4", "3", "2")))
    assert state.known(first) is None and state.known(second) is not None
    state.toggle_threads()
    assert state.known(second) is None  # another mode: not computed


def test_listing_signature_and_reorder() -> None:
    assert listing_signature("INBOX", []) == ("INBOX", 0)
    assert listing_signature("INBOX", refs("c", "b", "a")) == ("INBOX", 3, "c", "a")
    assert [r.key for r in reorder(refs("c", "b", "a"), ["a", "c", "gone", "b"])] == ["a", "c", "b"]


# -- bulk batches -------------------------------------------------------------------------
class FakeBackend:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def delete(self, folder: str, batch: list[MessageRef]) -> None:
        self.calls.append(("delete", len(batch)))

    def move(self, folder: str, batch: list[MessageRef], destination: str) -> None:
        self.calls.append((f"move {destination}", len(batch)))

    def set_flags(self, folder: str, batch: list[MessageRef], add: object, remove: object) -> None:
        self.calls.append(("flags", len(batch)))
        if len(self.calls) == 2:
            raise BackendError("gone", title="Not connected")


def test_bulk_batches_each_call_and_stop_at_a_failure() -> None:
    backend = FakeBackend()
    many = refs(*(str(i) for i in range(2 * BATCH + 1)))
    done = list(
        apply_in_batches(lambda fn: fn(backend), "INBOX", many, "move", frozenset(), frozenset(), "Archive")
    )
    assert [len(b) for b in done] == [BATCH, BATCH, 1]
    assert backend.calls == [("move Archive", BATCH), ("move Archive", BATCH), ("move Archive", 1)]
    backend.calls.clear()
    batches = apply_in_batches(
        lambda fn: fn(backend), "INBOX", many, "flags", frozenset({Flag.SEEN}), frozenset(), ""
    )
    assert len(next(batches)) == BATCH
    with pytest.raises(BackendError):
        next(batches)
    assert backend.calls == [("flags", BATCH), ("flags", BATCH)]
    assert bulk_label("move", "Archive") == "Moving to Archive" and bulk_label("delete", "") == "Deleting"


# -- thread folding -----------------------------------------------------------------------
# Two threads: a (replies b, c under it) and d (reply e); f alone.
THREADS = refs("a", "b", "c", "d", "e", "f")
DEPTHS = {"b": 1, "c": 2, "e": 1}


def test_folding_one_thread_hides_its_replies() -> None:
    folding = ThreadFolding()
    folding.reset(DEPTHS, unread=frozenset({"c"}))
    assert folding.threaded and folding.shown(THREADS, {}) == THREADS
    assert folding.fold_at(THREADS, 2) == "a"  # the reply's thread: folded at its root
    shown = folding.shown(THREADS, {})
    assert [r.key for r in shown] == ["a", "d", "e", "f"]
    assert folding.hidden == {"a": 2} and folding.hidden_unread == {"a"}
    # A loaded envelope wins over the unread set of when the order was made.
    seen = Envelope(MessageRef("c"), flags=frozenset({Flag.SEEN}))
    folding.shown(THREADS, {"c": seen})
    assert folding.hidden_unread == set()
    assert folding.fold_at(shown, 0) == "a"  # again: expanded
    assert folding.shown(THREADS, {}) == THREADS and folding.hidden == {}


def test_folding_all_threads_and_reset() -> None:
    folding = ThreadFolding()
    folding.reset(DEPTHS)
    assert folding.fold_all(THREADS, fold=True, keep="e") == "d"  # the cursor moves to the root
    assert [r.key for r in folding.shown(THREADS, {})] == ["a", "d", "f"]
    assert folding.folded_count == 3
    assert folding.fold_all(THREADS, fold=False, keep="d") == "d"
    assert folding.folded_count == 0
    folding.fold_all(THREADS, fold=True, keep=None)
    folding.shown(THREADS, {})
    folding.reset()
    assert not folding.threaded and folding.folded_count == 0 and folding.hidden == {}


# -- part workers -------------------------------------------------------------------------
class Part:
    def __init__(self, screen: Screen[None]) -> None:
        self.screen = screen
        self.ran: list[str] = []

    @part_worker(group="demo", exclusive=True)
    def job(self, word: str) -> None:
        self.ran.append(word)

    @part_worker(group="failing")
    def failing(self) -> None:
        raise BackendError("no such folder", title="Folder")


class PartScreen(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.part = Part(self)
        self.errors: list[BaseException] = []

    def compose(self) -> ComposeResult:
        yield Static("parts")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.errors.append(event.worker.error)


class PartApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(PartScreen())


async def test_part_worker_runs_on_its_screen_in_its_group() -> None:
    app = PartApp()
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, PartScreen)
        worker = screen.part.job("hello")
        assert worker.node is screen and worker.group == "demo" and worker.name == "job"
        await app.workers.wait_for_complete([worker])
        assert screen.part.ran == ["hello"]
        failing = screen.part.failing()  # reported to the screen; the app keeps running
        await wait_until(pilot, lambda: screen.errors, what="the worker's error")
        assert failing.state == WorkerState.ERROR and app.is_running
        assert "no such folder" in str(screen.errors[0])


# -- the parts on the browser screen ------------------------------------------------------
async def test_jobs_post_to_the_screen_from_workers_it_owns(maildir: Path) -> None:
    posted: list[object] = []
    app = make_app(maildir)
    async with app.run_test(size=(100, 30), message_hook=posted.append) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        posted.clear()
        worker = screen.jobs.list_folders()
        assert worker.node is screen and worker.group == "folders"
        await wait_until(pilot, lambda: any(isinstance(m, FoldersListed) for m in posted), what="folders")
        names = [f.name for m in posted if isinstance(m, FoldersListed) for f in m.folders]
        assert "INBOX" in names and "Trash" in names


async def test_ordering_and_search_parts_on_the_screen(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, BrowserScreen)
        index = screen.index
        screen.ordering.cycle_sort()  # by sender, A to Z
        await wait_until(pilot, lambda: index.ordered, what="the sorted order")
        assert screen.ordering.mode == "from:asc"
        senders = [index.envelope(r.key).sender.lower() for r in index.rows]  # type: ignore[union-attr]
        assert senders == sorted(senders)
        index.cursor = 0
        screen.search.start("backup")
        await wait_until(pilot, lambda: len(screen.search.matches) == 1, what="the search result")
        assert screen.search.query == "backup" and index.row_count == 5
        await wait_until(pilot, lambda: "Backup" in index.row_text(index.cursor), what="the cursor on it")
        screen.search.clear()
        assert screen.search.query is None and index.row_count == 5 and len(screen.search.matches) == 1
