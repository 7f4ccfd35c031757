"""Searching the open folder (`/`, Esc): the query shown and its streamed results.

`BrowserSearch` is the part of `BrowserScreen` (`screen.search`). A search answers at
once from the headers the index has loaded, then the screen's "search" worker
(`BrowserJobs.search_folder`) reads the rest and streams `SearchProgressed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailtui.session.search_scan import parse_query, query_matches, query_problem

if TYPE_CHECKING:
    from mailtui.ui.messages import SearchProgressed
    from mailtui.ui.screens.browser.browser import BrowserScreen


class BrowserSearch:
    """The folder search of the browser screen: which query is shown, if any."""

    def __init__(self, screen: BrowserScreen) -> None:
        self.screen = screen
        self.query: str | None = None

    def ask(self) -> None:
        """Ask for a query (the current one offered) and search for it."""
        from mailtui.ui.screens.browser.search import SearchDialog

        screen = self.screen

        def chosen(query: str | None) -> None:
            if query is None:
                return
            problem = query_problem(query)
            if not query.strip():
                self.clear()
            elif problem is not None:
                screen.notify(problem, title="Search not started", severity="warning", markup=False)
            else:
                self.start(query.strip())

        screen.app.push_screen(SearchDialog(self.query or ""), chosen)

    def start(self, query: str) -> None:
        """Show the matches of `query`: the loaded ones now, the rest as the worker finds them."""
        screen = self.screen
        if screen.folder is None:
            return
        self.query = query
        index = screen.index
        cached = index.cached_envelopes()
        # First answer at once from the headers already loaded; the worker reads the rest.
        # Walk the loaded envelopes (at most the index's cache), never every ref of 100k.
        parsed = parse_query(query)
        hits = [e.ref for e in cached.values() if query_matches(e, parsed)]
        hits.sort(key=lambda r: r.timestamp, reverse=True)
        index.set_filter(hits)
        screen.status.search_query = query
        screen.status.shown = len(hits)
        # The refs as they are (a compact RefList on Maildir): no copy of 100k refs.
        screen.jobs.search_folder(screen.folder, query, index.refs, cached)

    def restart(self) -> None:
        """Search again (the folder changed), when a search is shown."""
        if self.query:
            self.start(self.query)

    def progressed(self, message: SearchProgressed) -> None:
        """More matches from the worker: shown when they are more, or the last."""
        screen = self.screen
        if message.folder != screen.folder or message.query != self.query:
            return
        if message.finished or len(message.matches) > screen.index.row_count:
            screen.index.set_filter(message.matches)
            screen.status.shown = len(message.matches)

    def forget(self) -> None:
        """Another folder: no query, and the running search stopped."""
        self.query = None
        self.screen.workers.cancel_group(self.screen, "search")

    def clear(self) -> None:
        """Show the whole folder again (Esc)."""
        if self.query is None:
            return
        self.forget()
        screen = self.screen
        screen.index.set_filter(None)
        screen.status.shown = None
        screen.status.search_query = ""
