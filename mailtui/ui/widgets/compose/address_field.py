"""An address line of the compose screen (From/To/Cc/Bcc): a labelled Input checked as you type.

Each comma-separated item is checked with `core.compose.check_address_field` half a second
after the typing stops (at once after a separator, on leaving the field, or while it is
marked); a bad one is named with the reason on a line under the input (as plain text: the
reason quotes what the user typed), and sending is refused while any field has a problem
(`AddressField.errors`). What is repaired or resolved (a missing `>`, `root` ->
root@example.org through the account's aliases and domain, as `mailtui sendmail` does) is
said on a muted line and sent as shown there (`resolved_value`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from mailtui.core.compose import FieldCheck, check_address_field, parse_address_field
from mailtui.core.sanitize import clean_line

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import ComposeResult
    from textual.timer import Timer

CHECK_DELAY = 0.5  # seconds after the last key before the field is checked


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
        .address-note { display: none; color: $text-muted; padding-left: 9; height: auto; }
        &.-noted .address-note { display: block; }
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
        resolve: Callable[[str], list[str]] | None = None,
        id: str | None = None,  # noqa: A002 (Textual's name)
    ) -> None:
        super().__init__(id=id)
        self.label = label
        self._initial = value
        self.single = single
        self.placeholder = placeholder
        self._resolve = resolve  # bare local names -> addresses (To/Cc/Bcc), None for From
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(f"{self.label}:", markup=False)
            yield Input(self._initial, placeholder=self.placeholder, compact=True, select_on_focus=False)
        yield Static("", markup=False, classes="address-error")
        yield Static("", markup=False, classes="address-note")

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

    def _checked(self) -> FieldCheck:
        if self.single:
            return FieldCheck(tuple(address_problems(self.value, single=True)), (), self.value)
        return check_address_field(self.value, self._resolve)

    @property
    def errors(self) -> list[str]:
        """The problems of the current text (empty when every address is fine)."""
        return list(self._checked().errors)

    @property
    def resolved_value(self) -> str:
        """The field as it is sent: bare names resolved, a missing `>` added."""
        return self._checked().resolved

    def check(self) -> list[str]:
        """Show or hide the error and note lines for the current text; returns the problems."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        checked = self._checked()
        self.set_class(bool(checked.errors), "-invalid")
        text = "; ".join(clean_line(e) for e in checked.errors)
        self.query_one(".address-error", Static).update(Text(f"↳ {text}" if text else ""))
        self.set_class(bool(checked.notes), "-noted")
        notes = "; ".join(clean_line(n) for n in checked.notes)
        self.query_one(".address-note", Static).update(Text(f"↳ {notes}" if notes else ""))
        return list(checked.errors)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # At once when marked, after a separator or when emptied; else once the typing pauses
        # ("bob@" while the rest is being typed is not an error yet).
        if self.has_class("-invalid") or event.value.rstrip().endswith((",", ";")) or not event.value:
            self.check()
            return
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(CHECK_DELAY, self.check)

    @on(Input.Blurred)
    def _blurred(self) -> None:
        self.check()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.check()
