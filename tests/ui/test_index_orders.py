"""Sort, threads and search answered by the Maildir index, as the admin sees them.

The folder is half indexed when the app opens it (another session read half of it), so
each order mixes rows from the index with messages read now; every order and match must
equal a reference computed in Python over all envelopes. Once the folder is indexed, an
order reads no message: only the rows on screen are fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mailtui.backends.maildir.backend import MaildirBackend
from mailtui.core.index.sorting import as_sort_key, sort_keys, sort_row
from mailtui.core.index.threads import ThreadRow, thread_order
from mailtui.core.models import Envelope, MessageRef
from mailtui.ui.app import MailApp
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_big_folder import COUNT, big_maildir


def reference(root: Path) -> list[Envelope]:
    """Every envelope, read from the files (no cache): what the orders must come from."""
    backend = MaildirBackend(root, header_cache=False)
    try:
        return backend.fetch_envelopes("INBOX", backend.list_refs("INBOX"))
    finally:
        backend.close()


def index_half(root: Path) -> None:
    """Index every other message, as an earlier session that read only those would."""
    backend = MaildirBackend(root)  # the default cache, under this test's XDG_CACHE_HOME
    try:
        refs = backend.list_refs("INBOX")
        backend.fetch_envelopes("INBOX", refs[::2])
    finally:
        backend.close()


def shown_keys(app: MailApp) -> list[str]:
    return [r.key for r in app.screen.query_one(MessageIndex).rows]


def status_text(app: MailApp) -> str:
    return str(app.screen.query_one(StatusBar).status_text())


def order_shown(app: MailApp, name: str) -> bool:
    return app.screen.query_one(StatusBar).order == name


class CountingFetches:
    """Counts the refs the app asks the backend for envelopes of (our own method, wrapped)."""

    def __init__(self, backend: MaildirBackend) -> None:
        self.refs = 0
        self._fetch = backend.fetch_envelopes

        def counting(folder: str, refs: Sequence[MessageRef]) -> list[Envelope]:
            self.refs += len(refs)
            return self._fetch(folder, refs)

        backend.fetch_envelopes = counting  # type: ignore[method-assign]


async def test_orders_of_a_half_indexed_folder_equal_the_reference(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    envs = reference(root)
    index_half(root)
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        rows = [sort_row(e) for e in envs]
        cases = [
            ("o", "by sender, A to Z", sort_keys(rows, as_sort_key("from"))),
            ("o", "by subject, A to Z", sort_keys(rows, as_sort_key("subject"))),
            ("o", "by size, biggest first", sort_keys(rows, as_sort_key("size"), descending=True)),
            ("O", "by size, smallest first", sort_keys(rows, as_sort_key("size"))),
        ]
        for key, name, expected in cases:
            await pilot.press(key)
            await wait_until(pilot, lambda name=name: order_shown(app, name), 60, name)
            assert shown_keys(app) == expected, name
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: order_shown(app, "in threads"), 60, "threads")
        lines = thread_order(
            ThreadRow(e.ref.key, e.message_id, e.in_reply_to, e.references, e.sort_date) for e in envs
        )
        assert shown_keys(app) == [line.key for line in lines]
        index = app.screen.query_one(MessageIndex)
        assert {k: index.depth(k) for k in shown_keys(app) if index.depth(k)} == {
            line.key: line.depth for line in lines if line.depth
        }
        assert sum(1 for line in lines if line.depth) == 2 * COUNT // 10  # two replies per thread


async def test_searches_of_a_half_indexed_folder_equal_the_reference(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    envs = reference(root)
    index_half(root)
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        index = app.screen.query_one(MessageIndex)
        for query, expected in [
            ("~s backup", [e.ref.key for e in envs if "backup" in e.subject.lower()]),
            ("~f BOB", [e.ref.key for e in envs if "bob" in e.sender.lower()]),
            ("re: topic 11", [e.ref.key for e in envs if "re: topic 11" in e.subject.lower()]),
        ]:
            assert expected  # each query matches something
            await pilot.press("slash", "ctrl+u", *query, "enter")  # the search: the matches known
            await wait_until(pilot, lambda: "matches)" in status_text(app), 60, f"/ {query}")
            assert app.screen.search.matches == set(expected), query  # type: ignore[attr-defined]
            assert index.row_count == COUNT
            await pilot.press("escape", "l", "ctrl+u", *query, "enter")  # the limit: only they, in order
            await wait_until(
                pilot,
                lambda expected=expected: "limit:" in status_text(app) and index.row_count == len(expected),
                60,
                f"l {query}: {len(expected)} rows",
            )
            await settle(pilot)
            assert shown_keys(app) == expected, query
            await pilot.press("l", "ctrl+u", "enter")
            await wait_until(pilot, lambda: index.row_count == COUNT, 30, "the folder again")


async def test_an_indexed_folder_is_ordered_without_reading_its_messages(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    envs = reference(root)
    backend = MaildirBackend(root)
    backend.fetch_envelopes("INBOX", backend.list_refs("INBOX"))  # all indexed
    backend.close()
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.session.backend, MaildirBackend)
        fetches = CountingFetches(app.session.backend)
        await pilot.press("o", "o")  # by subject
        await wait_until(pilot, lambda: order_shown(app, "by subject, A to Z"), 60, "the subject order")
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: order_shown(app, "in threads"), 60, "threads")
        await pilot.press("l")
        await pilot.press(*"~s backup", "enter")
        index = app.screen.query_one(MessageIndex)
        backups = [e for e in envs if "backup" in e.subject.lower()]
        await wait_until(
            pilot, lambda: "limit:" in status_text(app) and index.row_count == len(backups), 60, "the limit"
        )
        await settle(pilot)
        # Only rows drawn on screen were read (a few windows of 30), never the folder's 1200.
        assert 0 < fetches.refs < COUNT // 4, fetches.refs


async def test_a_flag_in_a_sorted_view_keeps_the_cursor_on_its_screen_line(tmp_path: Path) -> None:
    """F renames the file (Maildir flags), the folder is listed again and shown in the same
    order: the cursor's row stays where it was on screen (it jumped to the top line)."""
    root = big_maildir(tmp_path / "Mail")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        index = app.screen.query_one(MessageIndex)
        await wait_until(pilot, lambda: index.row_count == COUNT, what="the listing")
        await pilot.press("o", "o")  # by sender, then by subject
        await wait_until(pilot, lambda: order_shown(app, "by subject, A to Z"), 60, "by subject")
        await settle(pilot)
        await pilot.press("g", *["j"] * 30, *["k"] * 4)  # row 26, mid-screen after scrolling
        await settle(pilot)
        key, line = index.current_ref.key, index.cursor - int(index.scroll_offset.y)  # type: ignore[union-attr]
        assert 0 < line < 20
        listed = index.refs
        await pilot.press("F")
        # The watcher sees the renamed file and the folder is listed again.
        await wait_until(pilot, lambda: index.refs is not listed, what="the folder listed again")
        await wait_until(pilot, lambda: order_shown(app, "by subject, A to Z"), what="the order again")
        await settle(pilot)
        assert index.current_ref is not None and index.current_ref.key == key
        assert index.cursor - int(index.scroll_offset.y) == line
