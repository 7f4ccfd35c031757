"""Searching the open folder (`/`, Esc, `n` / `p`): the pattern shown and its streamed results.

`BrowserSearch` is the part of `BrowserScreen` (`screen.search`), with the limit (`l`) as
its own part (`screen.search.limit`, limit.py). A search shows the messages matching a
mutt pattern (`core.patterns`) among the limited ones (all without a limit): it answers
at once from the headers the index has loaded, then the screen's "search" worker
(`BrowserJobs.search_folder`) reads the rest and streams `SearchProgressed`. A pattern
that cannot be used is refused in the prompt, with its column. The matches of the last
search stay known after Esc: `n` and `p` move the cursor to the next / previous of them
in the index as shown (as mutt's search-next).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailtui.session.search_scan import parse_query, pattern_problem, query_matches, with_tags
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

    def start(self, query: str) -> None:
        """Show the matches of `query`: the loaded ones now, the rest as the worker finds them."""
        screen = self.screen
        if screen.folder is None:
            return
        self.query = self._last = query
        self.matches = frozenset()
        index = screen.index
        cached = index.cached_envelopes()
        tagged = frozenset(r.key for r in index.tagged_refs())
        scope = self.limit.scope()
        in_scope = None if not self.limit.active else self.limit.keys
        # First answer at once from the headers already loaded; the worker reads the rest.
        # Walk the loaded envelopes (at most the index's cache), never every ref of 100k.
        node = with_tags(parse_query(query), tagged)
        hits = [
            e.ref
            for e in cached.values()
            if (in_scope is None or e.ref.key in in_scope) and query_matches(e, node)
        ]
        hits.sort(key=lambda r: r.timestamp, reverse=True)
        index.set_filter(hits)
        screen.status.search_query = query
        screen.status.shown = len(hits)
        # The refs as they are (a compact RefList on Maildir): no copy of 100k refs.
        screen.jobs.search_folder(screen.folder, query, scope, cached, tagged)

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
            self.start(self.query)

    def progressed(self, message: SearchProgressed) -> None:
        """More matches from the worker: shown when they are more, or the last."""
        screen = self.screen
        if message.folder != screen.folder or message.query != self.query:
            return
        if message.finished:
            self.matches = frozenset(r.key for r in message.matches)
        if message.finished or len(message.matches) > screen.index.row_count:
            screen.index.set_filter(message.matches)
            screen.status.shown = len(message.matches)

    def forget(self) -> None:
        """Another folder: no query, no limit, and the running search stopped."""
        self.query = self._last = None
        self.matches = frozenset()
        self._restart_pending = False
        self.screen.workers.cancel_group(self.screen, "search")
        self.limit.forget()

    def clear(self) -> None:
        """Show the whole folder (or the limit) again (Esc); n / p still go to the matches."""
        if self.query is None:
            return
        self.query = None
        self.screen.workers.cancel_group(self.screen, "search")
        screen = self.screen
        screen.index.set_filter(None)
        screen.status.shown = None
        screen.status.search_query = ""

    def jump(self, step: int) -> None:
        """Put the cursor on the next (step 1) or previous (-1) row matching the last search."""
        screen = self.screen
        if self._last is None:
            screen.notify("No search yet: / searches, then n and p go to the matches.", timeout=3)
            return
        index = screen.index
        rows = index.rows
        keys_of = getattr(rows, "keys", None)
        keys = keys_of() if callable(keys_of) else [r.key for r in rows]
        count = len(keys)
        if not self.matches or not count:
            screen.notify(f"No message matches {self._last}.", timeout=3, markup=False)
            return
        start = index.cursor
        for offset in range(1, count + 1):
            row = (start + step * offset) % count
            if keys[row] in self.matches:
                wrapped = (row <= start) if step > 0 else (row >= start)
                index.cursor = row
                if wrapped and row != start:
                    where = "top" if step > 0 else "bottom"
                    screen.notify(f"Search wrapped to the {where}.", timeout=2)
                return
        screen.notify(f"No message shown matches {self._last}.", timeout=3, markup=False)
