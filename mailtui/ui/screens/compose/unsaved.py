"""The question Esc asks when the draft cannot be written: keep editing, save elsewhere, discard.

Shown instead of "Draft saved" when the drafts directory refused the bytes (a full disk,
a read-only mount). The text stays in the compose screen underneath until the user chooses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from mailtui.core.sanitize import clean_text

if TYPE_CHECKING:
    from textual.app import ComposeResult

UnsavedChoice = tuple[Literal["keep", "path", "discard"], str]


class DraftNotSavedDialog(ModalScreen[UnsavedChoice]):
    """k / Esc: keep editing; p: save to another path (asked for); d: discard the draft."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k,escape", "keep", "Keep editing", id="unsaved-keep"),
        Binding("p", "ask_path", "Save elsewhere", id="unsaved-path"),
        Binding("d", "discard", "Discard", id="unsaved-discard"),
    ]

    DEFAULT_CSS = """
    DraftNotSavedDialog {
        align: center middle;
        & > Vertical {
            width: 72; max-width: 95%; height: auto;
            background: $panel; border: round $error; padding: 0 1;
        }
        #unsaved-why { color: $text-muted; margin-top: 1; }
        #unsaved-path { margin-top: 1; }
    }
    """

    def __init__(self, reason: str, suggested_path: str = "") -> None:
        super().__init__()
        self.reason = reason
        self.suggested_path = suggested_path

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("The draft could NOT be saved. Your text is still in the editor.", markup=False)
            # The keys before the reason: an error toast in the bottom corner must not hide them.
            yield Static("k / Esc: keep editing   p: save to another path   d: discard", markup=False)
            yield Static(Text(clean_text(self.reason)), markup=False, id="unsaved-why")

    def action_keep(self) -> None:
        asked = self.query("#unsaved-path")
        if asked:  # Esc in the path prompt: back to the three choices
            asked.remove()
            return
        self.dismiss(("keep", ""))

    def action_ask_path(self) -> None:
        # Mounted only now, so that until then the keys k, p and d answer (an Input would take them).
        if not self.query("#unsaved-path"):
            field = Input(
                self.suggested_path, placeholder="path of a file or directory (Enter saves, Esc cancels)",
                compact=True, id="unsaved-path",
            )  # fmt: skip
            self.query_one(Vertical).mount(field)
            field.focus()

    def action_discard(self) -> None:
        self.dismiss(("discard", ""))

    @on(Input.Submitted, "#unsaved-path")
    def _path_given(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(("path", event.value.strip()))
