"""The outbox in sight (`Q`): what waits to be sent, why, and retry or drop one (issue 16).

Each queued message with its age, attempts, recipients and subject, held (after a permanent
refusal) or when it is tried next; the selected one's last reply explained below the list
(`core.codes.explain`). `r` retries the selected message now, `F` every message (as
ctrl+o), `d` drops the selected one after a yes (the message is gone: it is not sent).
The list is read again after each action. Text from the queue (subjects, relay replies) is
shown as plain text, never as markup.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mailtui.core.sanitize import clean_line

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.sending.outbox import QueuedMessage
    from mailtui.session.session import Session


def _age(seconds: float) -> str:
    if seconds < 90:
        return f"{max(int(seconds), 0)}s"
    if seconds < 5400:
        return f"{int(seconds // 60)}m"
    if seconds < 172800:
        return f"{int(seconds // 3600)}h"
    return f"{int(seconds // 86400)}d"


def describe(item: QueuedMessage, now: float) -> str:
    """One line of the list: id, age, attempts, when next (or held), recipients, subject."""
    if item.in_flight:
        state = "sending now"
    elif item.next_attempt is None:
        state = "held (refused)"
    elif item.next_attempt <= now:
        state = "due"
    else:
        state = f"next in {_age(item.next_attempt - now)}"
    rcpts = ", ".join(item.recipients)
    return clean_line(
        f"{item.id}  {_age(now - item.created):>4} old  tries {item.attempts}  {state:<15}  {rcpts}  {item.subject}"
    )


def explained(item: QueuedMessage, lang: str) -> str:
    """The last reply of `item` and what it means."""
    if not item.last_error:
        return "No attempt has failed yet."
    from mailtui.core.codes.explain import explain, format_explanation

    found = explain(item.last_error, lang)
    meaning = "\n".join(format_explanation(e) for e in found[:2]) if found else "(no reply code in it)"
    return clean_line(f"Last reply: {item.last_error}") + "\n" + meaning


class OutboxScreen(ModalScreen[None]):
    """The queued messages; r retry one, F all, d drop one, Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", id="outbox-retry"),
        Binding("F", "retry_all", "Retry all", id="outbox-retry-all"),
        Binding("d", "drop", "Drop", id="outbox-drop"),
        Binding("escape,q,Q", "close", "Close", id="outbox-close"),
    ]

    DEFAULT_CSS = """
    OutboxScreen {
        align: center middle;
        & > Vertical { width: 95%; height: 85%; background: $panel; border: round $primary; padding: 0 1; }
        OptionList { height: 1fr; }
        #outbox-detail { height: auto; max-height: 12; color: $text-muted; }
    }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.items: list[QueuedMessage] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(
                "Outbox: r retry the selected message, F retry all, d drop it, Esc close", markup=False
            )
            yield OptionList(id="outbox-list")
            yield Static("", id="outbox-detail", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.reload()

    @work(group="outbox-view", exclusive=True)
    async def reload(self) -> None:
        from mailtui.paths import data_dir
        from mailtui.sending.outbox import Outbox, OutboxError

        items: list[QueuedMessage] = []
        if (data_dir() / "outbox").is_dir():
            try:
                items = await asyncio.to_thread(lambda: Outbox().list())
            except OutboxError as exc:
                self.notify(exc.message, title=exc.title, severity="error", markup=False)
        self.items = items
        listing = self.query_one(OptionList)
        listing.clear_options()
        now = time.time()
        listing.add_options([Option(Text(describe(item, now)), id=item.id) for item in items])
        if items:
            listing.highlighted = 0
        self._show_detail()
        self.app.call_later(self._count_in_status_bar, len(items))

    def _count_in_status_bar(self, count: int) -> None:
        from mailtui.ui.app import MailApp

        if isinstance(self.app, MailApp):
            self.app._show_queued(count)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self) -> None:
        self._show_detail()

    def _selected(self) -> QueuedMessage | None:
        index = self.query_one(OptionList).highlighted
        return self.items[index] if index is not None and 0 <= index < len(self.items) else None

    def _show_detail(self) -> None:
        item = self._selected()
        text = (
            "The outbox is empty."
            if not self.items
            else explained(item, self.session.config.ui.language)
            if item
            else ""
        )
        self.query_one("#outbox-detail", Static).update(Text(text))

    def action_retry(self) -> None:
        item = self._selected()
        if item is not None:
            self._flush(frozenset({item.id}))

    def action_retry_all(self) -> None:
        if self.items:
            self._flush(None)

    @work(group="outbox-send", exclusive=True)
    async def _flush(self, only: frozenset[str] | None) -> None:
        from mailtui.core.errors import MailtuiError
        from mailtui.sending.dispatch import flush_outbox

        session = self.session
        config = session.sending_config()
        try:
            report = await flush_outbox(config, force=True, transcript=session.transcript, only=only)
        except MailtuiError as exc:
            self.notify(exc.message, title=exc.title, severity="error", markup=False)
            return
        if report.busy:
            self.notify("Another outbox flush is running; try again when it is done.", severity="warning")
        else:
            lines = [f"{len(report.sent)} sent, {len(report.failed)} still in the outbox"]
            lines += [f"{ident}: {why}" for ident, why in report.failed.items()]
            self.notify("\n".join(lines), title="Outbox", severity="warning" if report.failed else "information",
                        markup=False)  # fmt: skip
        self.reload()

    def action_drop(self) -> None:
        from mailtui.ui.screens.confirm import ConfirmDialog

        item = self._selected()
        if item is None:
            return
        if item.in_flight:
            self.notify(f"{item.id} is being handed to the relay right now; not dropped.", markup=False)
            return
        rcpts = ", ".join(item.recipients)

        def answered(yes: bool | None) -> None:
            if yes:
                self._drop(item.id)

        self.app.push_screen(
            ConfirmDialog(f"Drop {item.id} to {rcpts}? It is deleted and never sent."), answered
        )

    def _drop(self, ident: str) -> None:
        from mailtui.sending.outbox import Outbox, OutboxError

        try:
            dropped = Outbox().drop(ident)
        except OutboxError as exc:
            self.notify(exc.message, title=exc.title, severity="error", markup=False)
            return
        self.notify(f"{ident} dropped." if dropped else f"{ident} was not in the outbox any more.", title="Outbox",
                    markup=False)  # fmt: skip
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)


def open_outbox(app: Any) -> None:
    """Show the outbox over the current screen (once)."""
    if not isinstance(app.screen, OutboxScreen):
        app.push_screen(OutboxScreen(app.session))
