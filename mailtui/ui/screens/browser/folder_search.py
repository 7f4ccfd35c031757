"""Searching the open folder (`/`, Esc, `n` / `p`): mutt's search, which moves the cursor.

`BrowserSearch` is the part of `BrowserScreen` (`screen.search`), with the limit (`l`) as
its own part (`screen.search.limit`, limit.py). `/ PATTERN` finds the messages matching a
mutt pattern (`core.patterns`) among those shown (the limited ones under a limit) and puts
the cursor on the first match below it, wrapping to the top ("Search wrapped to the
top."), as mutt's search does; a match in a collapsed thread expands that thread. The
index keeps every row (`l` shows only the matches).
The screen's "search" worker (`BrowserJobs.search_folder`) reads the headers from the
backend's index and streams `SearchProgressed`; the status bar says "search 'PATTERN':
N matches" (or how many so far). `n` and `p` go to the next / previous match, also after
Esc has cleared the status; a pattern that cannot be used is refused in the prompt, with
its column. When the folder changes the matches are found again (no jump). The worker
looks for the first match after the cursor before counting the rest (a few small index
queries, as mutt's search stops at the next match), and the cursor moves as soon as it is
known; the count follows. The jump is made only when the cursor is still on the
message it was on when the search started and no `n` / `p` came meanwhile: a late result
never takes the cursor from where the user moved it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mailtui.session.search_scan import Rotated, pattern_problem
from mailtui.ui.screens.browser.limit import BrowserLimit

if TYPE_CHECKING:
    from mailtui.ui.messages import SearchProgressed
    from mailtui.ui.screens.browser.browser import BrowserScreen


class BrowserSearch:
    """The folder search of the browser screen: which query is shown, if any."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        self.query: str | None = None
        self.limit = BrowserLimit(screen, screen.session)
        self.matches: frozenset[str] = frozenset()  # keys of the last search's matches
        self._last: str | None = None  # the last search, shown or not (n / p)
        self._restart_pending = False  # the folder changed: search again on its next listing
        self._jump_when_found = False  # the cursor goes to the first match once all are known
        self._jump_from: tuple[str | None, int] = (None, 0)  # where it was asked: cursor key, n / p count
        self._steps = 0  # n / p presses: a newer one than the search's start wins over its jump

    def ask(self) -> None:
        """Ask for a query (the current one offered) and search for it."""
        from mailtui.ui.screens.browser.search import SearchDialog

        def chosen(query: str | None) -> None:
            if query is None:
                return
            if not query.strip():
                self.clear()
            else:
                self.start(query.strip())

        self.screen.app.push_screen(SearchDialog(self.query or "", check=pattern_problem), chosen)

    def start(self, query: str, *, jump: bool = True) -> None:
        """Find the matches of `query`; with `jump`, the cursor goes to the first below it."""
        screen = self.screen
        if screen.folder is None:
            return
        self.query = self._last = query
        self.matches = frozenset()
        index = screen.index
        self._jump_from = (self._cursor_key(), self._steps)
        self._jump_when_found = jump
        tagged = frozenset(r.key for r in index.tagged_refs())
        screen.status.search_query = query
        screen.status.search_count = None
        screen.status.search_done = False
        # The refs as they are (a compact RefList on Maildir): no copy of 100k refs.
        ahead = self._ahead() if jump else None
        screen.jobs.search_folder(
            screen.folder, query, self.limit.scope(), index.cached_envelopes(), tagged, ahead
        )

    def _ahead(self) -> Rotated | None:
        """Every row after the cursor's, in display order, wrapping (collapsed replies too).
        No key list is built when every row is shown: the cursor's row is its position."""
        index = self.screen.index
        rows = index.expanded_rows
        start = index.cursor if rows is index.rows else self._start()[0]
        return Rotated(rows, start) if len(rows) else None

    def _start(self) -> tuple[int, Sequence[str]]:
        """(the cursor's row among every row, those rows' keys)."""
        index = self.screen.index
        rows = index.expanded_rows
        keys_of = getattr(rows, "keys", None)
        keys = keys_of() if callable(keys_of) else [r.key for r in rows]
        current = index.current_ref
        start = index.cursor
        if rows is not index.rows and current is not None:  # the cursor's row among every row
            start = next((i for i, key in enumerate(keys) if key == current.key), start)
        return start, keys

    def restart(self) -> None:
        """The folder changed: search (and limit) again once its new listing is shown, so
        the new messages are matched too (`listing_shown`)."""
        self._restart_pending = True

    def listing_shown(self) -> None:
        """A new listing is in the index: the search and the limit run on it, when due."""
        if not self._restart_pending:
            return
        self._restart_pending = False
        self.limit.restart()
        if self.query:
            asked = self._jump_from  # a jump still due stays due, from where it was asked
            self.start(self.query, jump=self._jump_when_found)
            self._jump_from = asked

    def progressed(self, message: SearchProgressed) -> None:
        """More matches from the worker; at the end the cursor goes to the first one."""
        screen = self.screen
        if message.folder != screen.folder or message.query != self._last:
            return
        first = message.first
        if first is not None:  # the first match after the cursor, before the rest are counted
            self.matches = self.matches | {first.ref.key}
            if self._jump_when_found and self._jump_from == (self._cursor_key(), self._steps):
                self._jump_when_found = False
                self._go(first.ref.key, first.wrapped, +1)
            return
        self.matches = frozenset(r.key for r in message.matches)
        if self.query is not None:
            screen.status.search_count = len(message.matches)
            screen.status.search_done = message.finished
        if message.finished and self._jump_when_found:
            self._jump_when_found = False
            if self._jump_from == (self._cursor_key(), self._steps):
                self._move(+1)

    def _cursor_key(self) -> str | None:
        ref = self.screen.index.current_ref
        return None if ref is None else ref.key

    def forget(self) -> None:
        """Another folder: no query, no limit, and the running search stopped."""
        self.query = self._last = None
        self.matches = frozenset()
        self._restart_pending = False
        self._jump_when_found = False
        self.screen.workers.cancel_group(self.screen, "search")
        self.limit.forget()

    def clear(self) -> None:
        """Esc: the search leaves the status bar; n / p still go to its matches."""
        self._jump_when_found = False  # Esc before the matches are known: no jump later
        if self.query is None:
            return
        self.query = None
        screen = self.screen
        screen.status.search_count = None
        screen.status.search_query = ""

    def jump(self, step: int) -> None:
        """n / p: put the cursor on the next (step 1) or previous (-1) row matching the last search."""
        self._steps += 1
        self._move(step)

    def _move(self, step: int) -> None:
        screen = self.screen
        if self._last is None:
            screen.notify("No search yet: / searches, then n and p go to the matches.", timeout=3)
            return
        # Every row, collapsed threads' replies too: a match there expands its thread.
        start, keys = self._start()
        count = len(keys)
        if not self.matches or not count:
            screen.notify(f"No message matches {self._last}.", timeout=3, markup=False)
            return
        for offset in range(1, count + 1):
            row = (start + step * offset) % count
            if keys[row] in self.matches:
                wrapped = (row <= start) if step > 0 else (row >= start)
                self._go(keys[row], wrapped and row != start, step)
                return
        screen.notify(f"No message shown matches {self._last}.", timeout=3, markup=False)

    def _go(self, key: str, wrapped: bool, step: int) -> None:
        """The cursor on `key` (its thread expanded), saying so when the search wrapped."""
        self.screen.index.show_key(key)
        if wrapped:
            where = "top" if step > 0 else "bottom"
            self.screen.notify(f"Search wrapped to the {where}.", timeout=2)
