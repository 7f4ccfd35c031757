"""Drafts dialogs: the postponed-drafts picker and the test-mail preset menu.

The drafts themselves, and which were left by a killed app, are `store/drafts.py`'s.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from mailtui.core.errors import MailtuiError
from mailtui.core.presets import PRESETS
from mailtui.core.sanitize import clean_line
from mailtui.store.drafts import Drafts, SavedDraft, mark_closed

if TYPE_CHECKING:
    from textual.app import ComposeResult

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}
# -- the picker ---------------------------------------------------------------------------------------


def draft_label(item: SavedDraft) -> Text:
    """One row of the picker: time, To, Subject (untrusted, sanitized)."""
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(item.saved))
    if item.error:
        return Text(f"{stamp}  (unreadable: {clean_line(item.error)})", no_wrap=True, overflow="ellipsis")
    to = clean_line(item.to) or "(no recipient)"
    subject = clean_line(item.subject) or "(no subject)"
    return Text(f"{stamp}  {to}  {subject}", no_wrap=True, overflow="ellipsis")


class DraftsDialog(ModalScreen[str | None]):
    """Pick a saved draft to resume (Enter); Delete removes the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "cancel", "Close", id="drafts-cancel"),
        Binding("delete", "delete", "Delete draft", id="drafts-delete"),
    ]

    DEFAULT_CSS = """
    DraftsDialog {
        align: center middle;
        & > Vertical {
            width: 90%; max-width: 100; height: auto; max-height: 80%;
            background: $panel; border: round $primary; padding: 0 1;
        }
        OptionList { height: auto; max-height: 14; border: none; }
        .hint { color: $text-muted; }
    }
    """

    def __init__(
        self, items: list[SavedDraft], *, title: str, hint: str, drafts: Drafts | None = None
    ) -> None:
        super().__init__()
        self.items = list(items)
        self.title_text = title
        self.hint = hint
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, markup=False)
            yield OptionList(*[Option(draft_label(d), id=d.draft_id) for d in self.items], id="drafts-list")
            yield Static(self.hint, markup=False, classes="hint")

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_delete(self) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        if index is None or self.drafts is None:
            return
        item = self.items[index]
        try:
            self.drafts.remove(item.draft_id)
        except MailtuiError as exc:  # the list stays as it is on disk
            self.notify(exc.message, title=exc.title, severity="error", markup=False)
            return
        self.items.pop(index)
        mark_closed(self.drafts, item.draft_id)
        option_list.remove_option_at_index(index)
        self.notify(f"Draft deleted: {clean_line(item.subject) or item.draft_id}", markup=False)
        if not self.items:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


# -- test-mail presets ---------------------------------------------------------------------------------

PRESET_TITLES = {
    "plain": "Plain ASCII text",
    "utf8": "UTF-8 subject and 8-bit body",
    "attachment": "Binary attachment of the size below",
    "gtube": "GTUBE spam test string (should be rejected or tagged as spam)",
}


def parse_size(text: str) -> int | None:
    """'100000', '100K', '5M', '1.5MiB' -> bytes; None when not a size."""
    match = _SIZE.match(text)
    if not match:
        return None
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


class PresetDialog(ModalScreen[tuple[str, int] | None]):
    """Choose a test-mail preset; returns (preset name, attachment size in bytes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="presets-cancel"),
    ]

    DEFAULT_CSS = """
    PresetDialog {
        align: center middle;
        & > Vertical {
            width: 70; max-width: 95%; height: auto;
            background: $panel; border: round $primary; padding: 0 1;
        }
        OptionList { height: auto; border: none; }
        Input { margin-bottom: 1; }
    }
    """

    def __init__(self, size: int = 1024 * 1024) -> None:
        super().__init__()
        self.default_size = size

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Test message (Enter fills the draft; To/Cc/Bcc are kept)", markup=False)
            yield OptionList(*[Option(PRESET_TITLES[p], id=p) for p in PRESETS], id="preset-list")
            yield Static("Attachment size (e.g. 500K, 5M, 30M):", markup=False)
            yield Input(f"{self.default_size // 1024}K", id="preset-size", compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        size = parse_size(self.query_one("#preset-size", Input).value)
        if size is None:
            self.notify("The attachment size must be a number of bytes, K or M (e.g. 5M).", severity="error")
            self.query_one("#preset-size", Input).focus()
            return
        self.dismiss((event.option.id or "plain", size))

    @on(Input.Submitted)
    def _size_submitted(self) -> None:
        self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
