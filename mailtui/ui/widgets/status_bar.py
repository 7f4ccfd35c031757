"""The status bar: account, folder, counts, connection/TLS state and a busy marker.

Everything shown here may come from a server or a folder name, so it is assembled as
`rich.text.Text` (never markup). An unverified or plaintext connection gets the
`-warning` class, drawn in the `$status-warning` colour.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from mailtui.core.models import Capabilities, TLSState
from mailtui.core.sanitize import clean_line
from mailtui.session.session import Session

TLS_LABELS = {
    TLSState.LOCAL: "LOCAL",
    TLSState.VERIFIED: "TLS",
    TLSState.UNVERIFIED: "WARNING: TLS NOT VERIFIED",
    TLSState.PLAINTEXT: "WARNING: PLAINTEXT",
}


class StatusBar(Static):
    """One line at the bottom of the browser."""

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
        &.-warning { background: $status-warning; color: $background; text-style: bold; }
    }
    """

    account: reactive[str] = reactive("")
    folder: reactive[str] = reactive("")
    unread: reactive[int | None] = reactive(None)
    total: reactive[int | None] = reactive(None)
    search_count: reactive[int | None] = reactive(None)
    """How many messages the shown search matches (so far, until `search_done`), else None."""
    search_done: reactive[bool] = reactive(False)
    search_query: reactive[str] = reactive("")
    """The search shown with its count ("" after Esc)."""
    limit: reactive[str] = reactive("")
    """The limit pattern (`l`) and "N of M" after it, else ""."""
    order: reactive[str] = reactive("")
    """A sort or thread order other than the listing's ("by sender, A to Z"), else ""."""
    tagged: reactive[int] = reactive(0)
    queued: reactive[int] = reactive(0)
    """Messages waiting in the outbox (set by the app's periodic retry)."""
    capabilities: reactive[Capabilities | None] = reactive(None)
    busy: reactive[bool] = reactive(False)
    connection: reactive[str] = reactive("opening…")
    link: reactive[str] = reactive("")
    """A network backend's live state ("reconnecting (attempt 2)", "offline: 3 changes queued");
    empty while simply connected."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual convention
        super().__init__("", markup=False, id=id)

    def status_text(self) -> Text:
        """The line as plain Text (tests read it)."""
        caps = self.capabilities
        tls = TLS_LABELS[caps.tls] if caps is not None else self.connection
        counts = ""
        if self.total is not None:
            unread = "?" if self.unread is None else str(self.unread)
            counts = f"{unread} unread / {self.total}"
        if self.limit:
            counts += f"  limit: {clean_line(self.limit)}"
        if self.search_query:
            what = f"search {clean_line(self.search_query)!r}"
            if self.search_count is None:
                found = "looking…"
            elif not self.search_done:
                found = f"{self.search_count} so far…"
            else:
                found = f"{self.search_count} {'match' if self.search_count == 1 else 'matches'}"
            counts += f"  ({what}: {found})"
        view = "  ".join(p for p in (self.order, f"{self.tagged} tagged" if self.tagged else "") if p)
        # The TLS state before the view: at 80 columns the end of the line may be cut.
        note = caps.note if caps is not None and caps.read_only else ""
        parts = [
            f"[{clean_line(self.account)}]",
            clean_line(self.folder),
            counts,
            tls,
            clean_line(note),
            clean_line(self.link),
            view,
        ]
        if self.queued:
            parts.append(f"{self.queued} queued (Q)")
        if self.busy:
            parts.append("working…")
        return Text("  ".join(p for p in parts if p), no_wrap=True, overflow="ellipsis")

    def _refresh_text(self) -> None:
        caps = self.capabilities
        insecure = caps is not None and caps.tls in (TLSState.UNVERIFIED, TLSState.PLAINTEXT)
        self.set_class(insecure or bool(self.link), "-warning")
        self.update(self.status_text())

    def on_mount(self) -> None:
        self._refresh_text()
        self.set_interval(1.0, self._poll_link)

    def _poll_link(self) -> None:
        """Show a reconnecting/offline backend (`MailBackend.connection_state`)."""
        session = getattr(self.screen, "session", None)  # not every screen has a mailbox
        backend = session.backend if isinstance(session, Session) else None
        state = backend.connection_state if backend is not None else "connected"
        self.link = "" if state == "connected" else state

    def watch_link(self) -> None:
        self._refresh_text()

    def watch_account(self) -> None:
        self._refresh_text()

    def watch_folder(self) -> None:
        self._refresh_text()

    def watch_unread(self) -> None:
        self._refresh_text()

    def watch_total(self) -> None:
        self._refresh_text()

    def watch_search_count(self) -> None:
        self._refresh_text()

    def watch_search_query(self) -> None:
        self._refresh_text()

    def watch_search_done(self) -> None:
        self._refresh_text()

    def watch_limit(self) -> None:
        self._refresh_text()

    def watch_order(self) -> None:
        self._refresh_text()

    def watch_tagged(self) -> None:
        self._refresh_text()

    def watch_queued(self) -> None:
        self._refresh_text()

    def watch_capabilities(self) -> None:
        self._refresh_text()

    def watch_busy(self) -> None:
        self._refresh_text()

    def watch_connection(self) -> None:
        self._refresh_text()
