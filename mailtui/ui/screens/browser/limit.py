"""Limiting the index to a pattern (`l`, mutt's limit) and the pattern keys of the browser.

`BrowserLimit` is a part of the browser (`screen.search.limit`): `l PATTERN` shows only the
messages matching it, in whatever sort or thread order is chosen, until `l .`, `l all`
(or `~A`) or an empty `l` shows every message again. The status bar says
"limit: PATTERN  N of M". A `/` search then looks among the limited messages only, and
`T` tags among them (as mutt's). The matches are found by the screen's "limit" worker
(`session.search_scan`), streamed as `LimitFound`.

`PatternKeysScreen` is the browser screen's base: the bindings and handlers of `l` and
`n` / `p` (next / previous match of the last search), and the search and limit run again
on the new listing after the folder changed; kept here so browser.py stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from mailtui.core.models import Envelope, MessageRef
from mailtui.session.search_scan import parse_query, pattern_problem, scan_folder, with_tags
from mailtui.ui.messages import RefsListed
from mailtui.ui.screens.browser.part_worker import part_worker
from mailtui.ui.widgets.index.limit import limited
from mailtui.ui.widgets.index.message_index import MessageIndex

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mailtui.session.session import Session
    from mailtui.ui.screens.browser.browser import BrowserScreen
    from mailtui.ui.screens.browser.folder_search import BrowserSearch

LIMIT_PROMPT = "Limit to messages matching (mutt patterns; . or all, or ctrl+u to empty it: every message):"
CLEAR_WORDS = ("", ".", "all", "~A")


@dataclass
class LimitFound(Message):
    """Keys of `folder` matching the limit `pattern` so far; `finished` with the last ones."""

    folder: str
    pattern: str
    keys: list[str]
    finished: bool


class BrowserLimit:
    """The limit of the browser screen: its pattern and the keys it leaves."""

    def __init__(self, screen: BrowserScreen, session: Session) -> None:
        self.screen = screen
        self.session = session
        self.pattern: str | None = None
        self._found: list[str] = []

    @property
    def active(self) -> bool:
        return self.pattern is not None

    def ask(self) -> None:
        """Ask for a limit pattern (the current one offered)."""
        from mailtui.ui.screens.browser.search import SearchDialog

        def chosen(text: str | None) -> None:
            if text is None:
                return
            if text.strip() in CLEAR_WORDS:
                self.clear()
            else:
                self.start(text.strip())

        dialog = SearchDialog(self.pattern or "", LIMIT_PROMPT, check=_limit_problem)
        self.screen.app.push_screen(dialog, chosen)

    def start(self, pattern: str) -> None:
        """Limit to `pattern`: the rows go when the matches are all known."""
        screen = self.screen
        if screen.folder is None:
            return
        self.pattern = pattern
        self._found = []
        screen.status.limit = f"{pattern}  (looking…)"
        index = screen.index
        tagged = frozenset(r.key for r in index.tagged_refs())
        self.limit_folder(screen.folder, pattern, index.refs, index.cached_envelopes(), tagged)

    def restart(self) -> None:
        """Limit again (the folder changed: new messages are matched too)."""
        if self.pattern is not None:
            self.start(self.pattern)

    def forget(self) -> None:
        """Another folder: no limit."""
        self.pattern = None
        self._found = []
        self.screen.workers.cancel_group(self.screen, "limit")
        self.screen.status.limit = ""

    def clear(self) -> None:
        """Every message again."""
        if self.pattern is None:
            return
        self.forget()
        self.screen.index.set_limit(None)
        self.screen.notify("Limit cleared: every message is shown.", timeout=2)

    def scope(self) -> Sequence[MessageRef]:
        """The refs a search or tag pattern looks among (newest first): the limited ones, else all."""
        refs = self.screen.index.refs
        return refs if self.pattern is None else limited(refs, self.keys)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self._found)

    @part_worker(group="limit", exclusive=True)
    def limit_folder(
        self,
        folder: str,
        pattern: str,
        refs: Sequence[MessageRef],
        cached: dict[str, Envelope],
        tagged: frozenset[str],
    ) -> None:
        worker = get_current_worker()
        node = with_tags(parse_query(pattern), tagged)
        post = self.screen.post_message
        for _done, found in scan_folder(
            self.session.call, folder, node, refs, cached, lambda: worker.is_cancelled
        ):
            keys = [e.ref.key if isinstance(e, Envelope) else e.key for e in found]
            if keys:
                post(LimitFound(folder, pattern, keys, finished=False))
        if not worker.is_cancelled:
            post(LimitFound(folder, pattern, [], finished=True))

    def found(self, message: LimitFound) -> None:
        """More matches; the index is limited once they are all known (one redraw)."""
        screen = self.screen
        if message.folder != screen.folder or message.pattern != self.pattern:
            return
        self._found.extend(message.keys)
        if not message.finished:
            return
        index = screen.index
        index.set_limit(self.keys)
        total = len(index.refs)
        screen.status.limit = f"{self.pattern}  {len(self._found)} of {total}"
        if not self._found:
            screen.notify(f"No message matches {self.pattern}.", timeout=3, markup=False)


def _limit_problem(text: str) -> tuple[str, int] | None:
    return None if text.strip() in CLEAR_WORDS else pattern_problem(text)


class PatternKeysScreen(Screen[None]):
    """The browser screen's base: `l` limit, `n` / `p` next / previous match."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "limit", "Limit", id="limit", show=False),
        Binding("n", "next_match", "Next match", id="next-match", show=False),
        Binding("p", "previous_match", "Previous match", id="previous-match", show=False),
    ]

    search: BrowserSearch

    def action_limit(self) -> None:
        """Show only the messages matching a pattern (mutt's l)."""
        self.search.limit.ask()

    def action_next_match(self) -> None:
        """The next message (down) matching the last search (mutt's n)."""
        self.search.jump(+1)

    def action_previous_match(self) -> None:
        """The previous message (up) matching the last search."""
        self.search.jump(-1)

    def on_limit_found(self, message: LimitFound) -> None:
        self.search.limit.found(message)

    @on(RefsListed)
    def _search_new_listing(self, message: RefsListed) -> None:
        # After the browser's own handler (this class comes later in the MRO): the index
        # shows the new listing when it was this folder's current one.
        if self.query_one(MessageIndex).refs is message.refs:
            self.search.listing_shown()
