"""The pattern prompt (`/`, `l`, `T`): a one-line input; Enter submits, Escape cancels.

With a `check`, a pattern it finds wrong is not submitted: the problem (with the column)
is shown under the input, the caret put at that column, and the prompt stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

if TYPE_CHECKING:
    from textual.app import ComposeResult

# A pattern's problem: (what is wrong, 1-based column), or None when it can be used.
Check = Callable[[str], "tuple[str, int] | None"]


class SearchDialog(ModalScreen[str | None]):
    """Asks for a pattern."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog-cancel"),
    ]

    DEFAULT_CSS = """
    SearchDialog {
        align: center bottom;
        & > Vertical { height: auto; width: 100%; background: $panel; padding: 0 1; }
        Input, Input:focus { border: none; height: 1; padding: 0; }
        #search-problem { color: $text-warning; }
        #search-problem.-hidden { display: none; }
    }
    """

    SEARCH_PROMPT = "Search (mutt patterns: ~f ~s ~b ~N ~F ~d <7d, | ! ( )); then n / p: next / previous:"

    def __init__(self, value: str = "", prompt: str = SEARCH_PROMPT, check: Check | None = None) -> None:
        super().__init__()
        self._value = value
        self._prompt = prompt
        self._check = check
        self.problem_text = ""
        """The problem shown under the input ("" when none)."""

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self._prompt, markup=False)
            yield Input(value=self._value, id="search-input")
            yield Static("", id="search-problem", classes="-hidden", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        found = self._check(event.value) if self._check is not None else None
        if found is None:
            self.dismiss(event.value)
            return
        reason, column = found
        problem = self.query_one("#search-problem", Static)
        self.problem_text = f"{reason} (column {column})"
        problem.update(f"{' ' * max(column - 1, 0)}^ {self.problem_text}")
        problem.remove_class("-hidden")
        event.input.cursor_position = max(column - 1, 0)

    @on(Input.Changed)
    def _changed(self) -> None:
        self.problem_text = ""
        self.query_one("#search-problem", Static).add_class("-hidden")

    def action_cancel(self) -> None:
        self.dismiss(None)
