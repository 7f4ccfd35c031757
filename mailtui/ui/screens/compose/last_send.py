"""`L`: the SMTP conversation of the last message sent (or queued), after compose has closed.

Compose shows the conversation live while it sends and closes once the relay accepted; the
lines stay on the app (`MailApp.last_send`) so that the exchange is one key away from the
index or the pager. The whole session's transcript is in `D` as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from mailtui.core.sanitize import clean_line
from mailtui.ui.widgets.pager import Pager

if TYPE_CHECKING:
    from textual.app import ComposeResult


class LastSendDialog(ModalScreen[None]):
    """The lines of the last send, scrollable; Esc or q closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "close", "Close", id="last-send-close"),
    ]

    DEFAULT_CSS = """
    LastSendDialog {
        align: center middle;
        & > Vertical {
            width: 90%; height: 80%;
            background: $panel; border: round $primary; padding: 0 1;
        }
        Pager { height: 1fr; }
    }
    """

    def __init__(self, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("The last message sent: the SMTP conversation   (Esc closes)", markup=False)
            yield Pager(id="last-send")

    def on_mount(self) -> None:
        pager = self.query_one(Pager)
        pager.show_plain("\n".join(clean_line(line) for line in self.lines))
        pager.focus()

    def action_close(self) -> None:
        self.dismiss(None)
