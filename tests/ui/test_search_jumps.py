"""Where `/`, `n` and `p` put the cursor: a late result never moves a cursor the user moved,
and a match inside a collapsed thread is shown (the thread expanded), as mutt does.

On the test Maildir of conftest (newest first): 测试邮件, [/PATCH], Disk report, Backup
finished, Certificate expires soon.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.ui.app import MailApp
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.status_bar import StatusBar

from .conftest import make_app, notifications, screen_text, settle, wait_until


class HeldScan:
    """The folder scan of the search worker, held until the test releases it."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: object, **kwargs: object) -> Iterator[object]:
        self.entered.set()
        self.release.wait(30)
        yield from self.real(*args, **kwargs)  # type: ignore[operator]


class HeldFirst(HeldScan):
    """The look for the first match after the cursor, held the same way."""

    def __call__(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        self.entered.set()
        self.release.wait(30)
        return self.real(*args, **kwargs)  # type: ignore[operator]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> HeldScan:
    """Both steps of the search worker held: its first match and its count come late."""
    import mailtui.ui.screens.browser.jobs as jobs

    scan = HeldScan(jobs.scan_folder)
    first = HeldFirst(jobs.first_match)
    first.release = scan.release  # one release for both
    monkeypatch.setattr(jobs, "scan_folder", scan)
    monkeypatch.setattr(jobs, "first_match", first)
    scan.entered = first.entered  # the worker is held from its first step
    return scan


@pytest.fixture
def held_count(monkeypatch: pytest.MonkeyPatch) -> HeldScan:
    """Only the count held: the first match after the cursor is looked for as usual."""
    import mailtui.ui.screens.browser.jobs as jobs

    scan = HeldScan(jobs.scan_folder)
    monkeypatch.setattr(jobs, "scan_folder", scan)
    return scan


async def test_the_cursor_moves_to_the_next_match_before_the_rest_are_counted(
    maildir: Path, held_count: HeldScan
) -> None:
    """As mutt's search stops at the next match: the cursor is on it while the count of all
    matches is still running (before, it waited for the whole scan)."""
    app = make_app(maildir)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        index = index_of(app)
        await pilot.press("slash", *"~s backup", "enter")
        await wait_until(pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="the match")
        assert not held_count.release.is_set() and "looking…" in screen_text(app)
        held_count.release.set()
        await wait_until(pilot, lambda: search_done(app), what="the count")
        assert "Backup finished" in index.row_text(index.cursor)


@pytest.mark.parametrize("windows", [(1, 1), (1, 2, 3)])
async def test_the_first_match_is_found_window_by_window_and_wraps(
    maildir: Path, held_count: HeldScan, monkeypatch: pytest.MonkeyPatch, windows: tuple[int, ...]
) -> None:
    """From the bottom row the next match is above it (wrapped, said); a match beyond the
    windows is found by the count (the cursor moves then), within them at once."""
    import mailtui.session.search_scan as search_scan

    monkeypatch.setattr(search_scan, "AHEAD_WINDOWS", windows)
    app = make_app(maildir)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        index = index_of(app)
        await pilot.press("end")
        await wait_until(pilot, lambda: index.cursor == index.row_count - 1, what="End")
        # Rows: 测试邮件, [/PATCH], Disk report, Backup finished (4th: 4 rows after the last one).
        await pilot.press("slash", *"~s backup", "enter")
        if sum(windows) >= 4:
            await wait_until(
                pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="the match, early"
            )
            assert not held_count.release.is_set()
            await wait_until(pilot, lambda: said(app, "Search wrapped to the top."), what="wrapped")
            held_count.release.set()
        else:
            await wait_until(pilot, held_count.entered.is_set, what="the count, held")
            for _ in range(3):
                await pilot.pause()  # messages already posted are handled (settle would wait for the worker)
            assert index.cursor == index.row_count - 1  # not within the windows: not moved yet
            held_count.release.set()
            await wait_until(
                pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="the match, counted"
            )
            await wait_until(pilot, lambda: said(app, "Search wrapped to the top."), what="wrapped")


def said(app: MailApp, text: str) -> bool:
    return any(n.message == text for n in notifications(app))


def index_of(app: MailApp) -> MessageIndex:
    return app.screen.query_one(MessageIndex)


def search_done(app: MailApp) -> bool:
    return "1 match)" in str(app.screen.query_one(StatusBar).status_text())


@pytest.mark.parametrize("move", ["j", "n"])
async def test_a_late_search_result_leaves_a_moved_cursor(maildir: Path, held: HeldScan, move: str) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        index = index_of(app)
        await pilot.press("slash", *"backup", "enter")
        await wait_until(pilot, held.entered.is_set, what="the search worker, held")
        await pilot.press(move)  # the user goes on before the matches are known
        if move == "j":
            await wait_until(pilot, lambda: index.cursor == 1, what="j")
        else:
            await wait_until(
                pilot, lambda: said(app, "No message matches backup."), what="n, nothing known yet"
            )
        row = index.cursor
        held.release.set()
        await wait_until(pilot, lambda: search_done(app), what="the search finished")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert index.cursor == row and "Backup finished" not in index.row_text(index.cursor)
        await pilot.press("n")  # the matches are there for n now
        await wait_until(
            pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="n: the match"
        )


async def test_a_search_result_moves_a_cursor_left_where_it_was(maildir: Path, held: HeldScan) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        index = index_of(app)
        await pilot.press("slash", *"backup", "enter")
        await wait_until(pilot, held.entered.is_set, what="the search worker, held")
        held.release.set()
        await wait_until(pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="the match")


async def test_a_match_in_a_collapsed_thread_expands_it(tmp_path: Path) -> None:
    """mutt uncollapses a thread to show a match inside it, for / and for n / p."""
    from tests.ui.test_thread_tree import thread

    app = make_app(thread(tmp_path / "Mail"))  # one thread: root a0, r1 a1, its reply a3, r2 a2
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        index = index_of(app)
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: index.folding.threaded and index.row_count == 4, what="the thread")
        await pilot.press("g", "z")
        await wait_until(pilot, lambda: index.row_count == 1, what="the thread collapsed")
        await pilot.press("slash", *"~f a3", "enter")
        await wait_until(pilot, lambda: "a3@" in index.row_text(index.cursor), what="/: the match shown")
        assert index.row_count == 4 and index.folded_count == 0
        await pilot.press("z")  # collapsed again, the cursor on its first message
        await wait_until(pilot, lambda: index.row_count == 1, what="collapsed again")
        await pilot.press("n")
        await wait_until(pilot, lambda: "a3@" in index.row_text(index.cursor), what="n: the match shown")
        await pilot.press("z", "p")  # upwards from the first message: wraps to the match below
        await wait_until(pilot, lambda: "a3@" in index.row_text(index.cursor) and index.row_count == 4,
                         what="p: the match shown")  # fmt: skip


async def test_the_status_bar_says_the_search_count(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(StatusBar)
        bar.search_query, bar.search_count, bar.search_done = "backup", 2, True
        assert "(search 'backup': 2 matches)" in str(bar.status_text())
        bar.search_done = False
        assert "(search 'backup': 2 so far…)" in str(bar.status_text())


async def test_the_shown_status_line_follows_the_count_alone(maildir: Path) -> None:
    """The count of a search still running grows on its own: the line on screen follows it
    (its watcher was another name's, so only a later change redrew the line)."""
    app = make_app(maildir)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(StatusBar)
        bar.search_query, bar.search_count = "backup", 1
        await wait_until(pilot, lambda: "(search 'backup': 1 so far…)" in screen_text(app), what="1 so far")
        bar.search_count = 2
        await wait_until(pilot, lambda: "(search 'backup': 2 so far…)" in screen_text(app), what="2 so far")
