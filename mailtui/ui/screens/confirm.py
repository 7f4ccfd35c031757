"""A yes/no question (mutt's "Purge 3 deleted messages? ([yes]/no)"): y, n, or Escape to stay."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import ComposeResult


class ConfirmDialog(ModalScreen[bool | None]):
    """Returns True (y), False (n) or None (Escape: do nothing)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n", "answer(False)", "No", id="confirm-no"),
        Binding("escape", "answer(None)", "Cancel", id="dialog-cancel"),
    ]

    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        & > Vertical {
            width: 60; max-width: 90%; height: auto;
            background: $panel; border: round $warning; padding: 0 1;
        }
    }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False, id="confirm-question")
            yield Static("y: yes   n: no   Esc: cancel", markup=False)

    def action_answer(self, answer: bool | None) -> None:
        self.dismiss(answer)
