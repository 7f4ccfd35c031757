"""An address line of the compose screen (From/To/Cc/Bcc): a labelled Input checked as you type.

Each comma-separated item is checked with `core.compose.parse_address_field`; a bad one is
named with the reason on a line under the input (as plain text: the reason quotes what
the user typed). Sending is refused while any field has a problem (`AddressField.errors`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from mailtui.core.compose import parse_address_field
from mailtui.core.sanitize import clean_line

if TYPE_CHECKING:
    from textual.app import ComposeResult


def address_problems(text: str, *, single: bool = False) -> list[str]:
    """Why `text` is not a usable address list (one sentence per bad item); [] when fine."""
    valid, errors = parse_address_field(text)
    if single and not errors and len(valid) != 1:
        errors.append("give exactly one address")
    return errors


class AddressField(Vertical):
    """`Label: [input]` plus an error line shown only while the typed text has a bad address."""

    DEFAULT_CSS = """
    AddressField {
        height: auto;
        & > Horizontal { height: 1; }
        Label { width: 9; color: $text-muted; }
        Input { width: 1fr; }
        .address-error { display: none; color: $error; padding-left: 9; height: auto; }
        &.-invalid .address-error { display: block; }
        &.-invalid Label { color: $error; }
    }
    """

    def __init__(
        self,
        label: str,
        value: str = "",
        *,
        single: bool = False,
        placeholder: str = "",
        id: str | None = None,  # noqa: A002 (Textual's name)
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self._initial = value
        self.single = single
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(f"{self.label}:", markup=False)
            yield Input(self._initial, placeholder=self.placeholder, compact=True, select_on_focus=False)
        yield Static("", markup=False, classes="address-error")

    def on_mount(self) -> None:
        self.check()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text
        self.check()

    @property
    def errors(self) -> list[str]:
        """The problems of the current text (empty when every address is fine)."""
        return address_problems(self.value, single=self.single)

    def check(self) -> list[str]:
        """Show or hide the error line for the current text; returns the problems."""
        errors = self.errors
        self.set_class(bool(errors), "-invalid")
        text = "; ".join(clean_line(e) for e in errors)
        self.query_one(".address-error", Static).update(Text(f"↳ {text}" if text else ""))
        return errors

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # Only mark once the user has moved on or typed a separator: "bob@" mid-typing is not an error.
        if self.has_class("-invalid") or event.value.rstrip().endswith((",", ";")) or not event.value:
            self.check()

    @on(Input.Blurred)
    def _blurred(self) -> None:
        self.check()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.check()
