"""A folder picker dialog (`s` move/save to folder): choose one of the account's folders."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mailtui.core.sanitize import clean_line

if TYPE_CHECKING:
    from textual.app import ComposeResult


class FolderPickerDialog(ModalScreen[str | None]):
    """Returns the chosen folder name, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Cancel", id="dialog-cancel"),
    ]

    DEFAULT_CSS = """
    FolderPickerDialog {
        align: center middle;
        & > Vertical {
            width: 50; max-width: 90%; height: auto; max-height: 80%;
            background: $panel; border: round $primary; padding: 0 1;
        }
        OptionList { height: auto; max-height: 16; border: none; }
    }
    """

    def __init__(self, names: Sequence[str], *, title: str = "Choose a folder") -> None:
        super().__init__()
        self.names = list(names)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, markup=False)
            if self.names:
                yield OptionList(*[Option(Text(clean_line(n)), id=n) for n in self.names])
            else:
                yield Static("There is no other folder.", markup=False)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
