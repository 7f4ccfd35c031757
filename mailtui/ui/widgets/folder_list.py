"""The folder list: special folders first, then the rest by name, with unread/total counts.

Folder names come from the mailbox (untrusted): prompts are built as `rich.text.Text`.
Choosing a folder posts `FolderList.Chosen`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from mailtui.core.models import Folder, SpecialUse
from mailtui.core.sanitize import clean_line

_SPECIAL_ORDER = [
    SpecialUse.INBOX,
    SpecialUse.DRAFTS,
    SpecialUse.SENT,
    SpecialUse.ARCHIVE,
    SpecialUse.JUNK,
    SpecialUse.TRASH,
]


def folder_sort_key(folder: Folder) -> tuple[int, str]:
    """INBOX, Drafts, Sent, Archive, Junk, Trash, then everything else by name."""
    if folder.name.upper() == "INBOX":
        return (0, "")
    if folder.special_use in _SPECIAL_ORDER:
        return (_SPECIAL_ORDER.index(folder.special_use), folder.name.lower())
    return (len(_SPECIAL_ORDER), folder.name.lower())


def folder_prompt(folder: Folder) -> Text:
    """`name  unread/total` with the unread part bold when there is new mail."""
    text = Text(clean_line(folder.label), no_wrap=True, overflow="ellipsis")
    if folder.total is not None:
        text.append(" ")
        if folder.unread:
            text.append(f"{folder.unread}", style="bold")
            text.append(f"/{folder.total}", style="dim")
        else:
            text.append(f"{folder.total}", style="dim")
    return text


class FolderList(OptionList):
    """The account's folders."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next folder", id="folder-down", show=False),
        Binding("k", "cursor_up", "Previous folder", id="folder-up", show=False),
    ]

    DEFAULT_CSS = """
    FolderList {
        height: 1fr;
        border: none;
        padding: 0;
        background: $panel;
        scrollbar-size-vertical: 1;
        &:focus { border: none; background-tint: $foreground 5%; }
    }
    """

    @dataclass
    class Chosen(Message):
        """The user picked a folder."""

        name: str

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual convention
        super().__init__(id=id)
        self.folders: list[Folder] = []

    def set_folders(self, folders: Sequence[Folder], current: str | None) -> None:
        """Show `folders` in the special-first order; keep the highlight on `current`."""
        self.folders = sorted(folders, key=folder_sort_key)
        self.clear_options()
        self.add_options([Option(folder_prompt(f), id=f.name) for f in self.folders])
        names = [f.name for f in self.folders]
        if current in names:
            self.highlighted = names.index(current)

    def folder(self, name: str) -> Folder | None:
        return next((f for f in self.folders if f.name == name), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))
