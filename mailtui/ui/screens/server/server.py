"""The mail-server screen: the local Postfix's queue, a message traced through the log, the log's
summary with its per-hour plot, and the relay settings explained.

One `TabbedContent`, one widget per tab (ui/widgets/server/). Each tab reads what it shows on
its own thread workers the first time it is shown and again on ctrl+r; the screen holds the
source (log files and `-c CONFIG_DIR`, as the CLI's `mailtui server ...` take them) and shows it
on its first line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from mailtui.core.i18n import tr
from mailtui.ui.widgets.key_bar import KeyBar
from mailtui.ui.widgets.server.check_view import CheckView
from mailtui.ui.widgets.server.queue_view import QueueView, TraceRequested
from mailtui.ui.widgets.server.summary_view import SummaryView
from mailtui.ui.widgets.server.trace_view import TraceView

if TYPE_CHECKING:
    from datetime import datetime

    from textual.app import ComposeResult

    from mailtui.ui.screens.server.source import ServerSource

# tab name -> label (English; `tab_labels` gives them in the current language)
TABS: dict[str, str] = {"queue": "Queue", "trace": "Trace", "summary": "Summary", "check": "Relay check"}


def tab_labels() -> dict[str, str]:
    """The tabs' labels in the current language, by tab name."""
    return {"queue": tr("Queue"), "trace": tr("Trace"), "summary": tr("Summary"), "check": tr("Relay check")}


class ServerScreen(Screen[None]):
    """Queue, Trace, Summary and Relay check of the mail server on this host."""

    DEFAULT_CSS = """
    ServerScreen #server-source { height: auto; max-height: 2; padding: 0 1; color: $text-muted; }
    ServerScreen TabbedContent { height: 1fr; }
    ServerScreen TabPane { padding: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="server-back"),
        Binding("ctrl+r", "reload", "Reload", id="server-reload"),
        Binding("ctrl+right", "next_tab", "Next tab", id="server-next-tab", show=False, priority=True),
        Binding(
            "ctrl+left", "previous_tab", "Previous tab", id="server-previous-tab", show=False, priority=True
        ),
    ]

    def __init__(
        self, source: ServerSource, tab: str = "queue", *, follow: str = "", since: datetime | None = None
    ) -> None:
        """`follow`: a queue id to follow live on the Trace tab at once (after a send), its log
        lines from `since` on (the journal; files are read whole)."""
        super().__init__()
        if tab not in TABS:
            raise ValueError(f"unknown server tab {tab!r}; tabs: {', '.join(TABS)}")
        self.source = source
        self.tab = "trace" if follow else tab
        self.follow_query = follow
        self.follow_since = since

    def compose(self) -> ComposeResult:
        yield Static(Text(self.source.describe()), id="server-source", markup=False)
        views = {
            "queue": QueueView(self.source, id="queue-view"),
            "trace": TraceView(self.source, id="trace-view"),
            "summary": SummaryView(self.source, id="summary-view"),
            "check": CheckView(self.source, id="check-view"),
        }
        with TabbedContent(initial=f"tab-{self.tab}"):
            for name, label in tab_labels().items():
                with TabPane(label, id=f"tab-{name}"):
                    yield views[name]
        yield KeyBar()

    @property
    def active_tab(self) -> str:
        return (self.query_one(TabbedContent).active or "tab-queue").removeprefix("tab-")

    def show_tab(self, tab: str) -> None:
        """Switch to the tab named as in TABS ("queue", "trace", "summary", "check")."""
        if tab not in TABS:
            raise ValueError(f"unknown server tab {tab!r}; tabs: {', '.join(TABS)}")
        # A focused widget in the old pane would pull the tab back when it is hidden: drop the focus first.
        self.set_focus(None)
        self.query_one(TabbedContent).active = f"tab-{tab}"
        self._opened(tab)

    def on_mount(self) -> None:
        self._opened(self.tab)
        if self.follow_query:
            self.query_one(TraceView).follow(self.follow_query, self.follow_since)

    @on(TabbedContent.TabActivated)
    def _on_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._opened(event.pane.id.removeprefix("tab-"))

    def _opened(self, tab: str) -> None:
        """Load the tab the first time it is shown; put the cursor where the admin types or moves."""
        view = self._view(tab)
        if not view.loaded_once and tab != "trace":  # a trace waits for its query
            view.reload()
        targets = {
            "queue": "#queue-table",
            "trace": "#trace-query",
            "summary": "Tabs",
            "check": "#check-client",
        }
        self.call_after_refresh(self._focus_in, tab, targets[tab])

    def _focus_in(self, tab: str, selector: str) -> None:
        # Only while that tab is still shown: focusing a widget of a hidden pane would switch back to it.
        if self.active_tab == tab:
            self.query_one(selector).focus()

    def _view(self, tab: str) -> QueueView | TraceView | SummaryView | CheckView:
        views: dict[str, type[QueueView | TraceView | SummaryView | CheckView]] = {
            "queue": QueueView, "trace": TraceView, "summary": SummaryView, "check": CheckView,
        }  # fmt: skip
        return self.query_one(views[tab])

    @on(TraceRequested)
    def _on_trace_requested(self, message: TraceRequested) -> None:
        message.stop()
        self.show_tab("trace")
        self.query_one(TraceView).start(message.query)

    def action_reload(self) -> None:
        """Read the active tab's source again (queue, log, postconf)."""
        self._view(self.active_tab).reload()

    def action_next_tab(self) -> None:
        self._step_tab(1)

    def action_previous_tab(self) -> None:
        self._step_tab(-1)

    def _step_tab(self, step: int) -> None:
        names = list(TABS)
        self.show_tab(names[(names.index(self.active_tab) + step) % len(names)])

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The tabs' workers catch the errors they expect; anything else is shown, never a traceback.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from mailtui.ui.errors import show_error

            show_error(self, event.worker.error)

    def action_back(self) -> None:
        self.dismiss(None)
