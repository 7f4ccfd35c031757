"""The search prompt (`/`): a one-line input; Enter searches, Escape cancels, empty clears."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from textual.app import ComposeResult


class SearchDialog(ModalScreen[str | None]):
    """Asks for a from/subject search string."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel"),
    ]

    DEFAULT_CSS = """
    SearchDialog {
        align: center bottom;
        & > Vertical { height: auto; width: 100%; background: $panel; padding: 0 1; }
        Input, Input:focus { border: none; height: 1; padding: 0; }
    }
    """

    SEARCH_PROMPT = "Search from/to/subject; ~f ~t ~s ~b for one field (empty: show all):"

    def __init__(self, value: str = "", prompt: str = SEARCH_PROMPT) -> None:
        super().__init__()
        self._value = value
        self._prompt = prompt

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._prompt, markup=False)
            yield Input(value=self._value, id="search-input")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
