"""The compose screen's attachments: a list (name, MIME type, size) and a path-completing Input.

Files are read as bytes (a binary round trip, never decoded); the MIME type is guessed
from the name with `mimetypes`, `application/octet-stream` when unknown. `PathSuggester`
completes file system paths in a Textual Input (right arrow accepts, like a shell's Tab).
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from mailtui.core.compose import AttachmentSpec
from mailtui.core.sanitize import clean_line
from mailtui.ui.widgets.index.cells import format_size

MAX_LISTED = 200  # directory entries looked at per completion: a huge /tmp must not stall typing


def guess_type(name: str) -> str:
    """The MIME type for a file name (mimetypes), application/octet-stream when unknown."""
    ctype, encoding = mimetypes.guess_type(name, strict=False)
    if encoding is not None or not ctype:  # "x.tar.gz" is gzip data, not a tar
        return "application/gzip" if encoding == "gzip" else "application/octet-stream"
    return ctype


def read_attachment(path: Path) -> AttachmentSpec:
    """Read a file to attach (OSError when it cannot be read; IsADirectoryError for a folder)."""
    path = path.expanduser()
    data = path.read_bytes()
    return AttachmentSpec(str(path), path.name, guess_type(path.name), data)


def _matching_entries(folder: str, stem: str) -> list[tuple[str, bool]]:
    """(name, is_dir) of the entries of `folder` starting with `stem` (hidden ones only if asked)."""
    names = []
    try:
        with os.scandir(folder) as entries:
            for i, entry in enumerate(entries):
                if i >= MAX_LISTED:
                    break
                if entry.name.startswith(stem) and (stem.startswith(".") or not entry.name.startswith(".")):
                    names.append((entry.name, entry.is_dir()))
    except OSError:
        return []
    return names


class PathSuggester(Suggester):
    """Completes the last component of a typed path from the file system (folders get a '/')."""

    def __init__(self) -> None:
        # The file system changes between two keystrokes: no cache; and names are case sensitive.
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        folder, stem = os.path.split(os.path.expanduser(value))
        # A slow or network folder must not freeze typing: list it off the event loop.
        names = await asyncio.to_thread(_matching_entries, folder or ".", stem)
        if not names:
            return None
        name, is_dir = min(names)
        if name == stem and not is_dir:
            return None
        # Keep what the user typed ("~/" stays "~/"), add only the completed rest.
        return value + name[len(stem) :] + ("/" if is_dir else "")


class AttachmentList(OptionList):
    """The attachments of the draft; Delete removes the highlighted one, u brings it back.

    Removing is a deliberate key, never a letter: typing meant for the body can land here
    (one shift+Tab away), and a word must not drop a file from the mail. Each removal is
    said in a toast and kept for undo; u puts the latest one back at its place. While the
    list is empty after a removal it stays on screen (and focused) saying so.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("delete", "remove", "Remove attachment", id="compose-remove-attachment"),
        Binding("u", "undo_remove", "Undo remove", id="compose-undo-remove-attachment", show=False),
    ]

    DEFAULT_CSS = """
    AttachmentList {
        height: auto;
        max-height: 4;
        border: none;
        padding: 0;
        &.-empty { display: none; }
    }
    """

    class Changed(Message):
        """The list of attachments changed (added or removed)."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, classes="-empty")
        self.specs: list[AttachmentSpec] = []
        self.removed: list[tuple[int, AttachmentSpec]] = []  # (where it was, what), latest last

    @staticmethod
    def label(spec: AttachmentSpec) -> Text:
        """One row: + name  type  size (untrusted names sanitized, never markup)."""
        return Text(
            f"+ {clean_line(spec.filename)}  {clean_line(spec.content_type)}  {format_size(len(spec.data))}",
            no_wrap=True,
            overflow="ellipsis",
        )

    def set_specs(self, specs: list[AttachmentSpec] | tuple[AttachmentSpec, ...]) -> None:
        """Replace every attachment (a new draft: nothing to undo)."""
        self.specs = list(specs)
        self.removed = []
        self._redraw()

    def add(self, spec: AttachmentSpec) -> None:
        """Append one attachment."""
        self.specs.append(spec)
        self._redraw()
        self.highlighted = len(self.specs) - 1

    def action_remove(self) -> None:
        index = self.highlighted
        if index is None or not self.specs or index >= len(self.specs):
            return
        spec = self.specs.pop(index)
        self.removed.append((index, spec))
        self._redraw()
        if self.specs:
            self.highlighted = min(index, len(self.specs) - 1)
        self.notify(
            f"Removed {clean_line(spec.filename)} — press u to undo", title="Attachment", markup=False
        )

    def action_undo_remove(self) -> None:
        if not self.removed:
            self.notify("No removed attachment to restore.", timeout=3)
            return
        index, spec = self.removed.pop()
        index = min(index, len(self.specs))
        self.specs.insert(index, spec)
        self._redraw()
        self.highlighted = index
        self.notify(f"Restored {clean_line(spec.filename)}", title="Attachment", markup=False)

    def _redraw(self) -> None:
        self.clear_options()
        self.add_options([Option(self.label(s)) for s in self.specs])
        if not self.specs and self.removed:
            name = clean_line(self.removed[-1][1].filename)
            hint = Text(f"- {name} removed: u restores it", no_wrap=True, overflow="ellipsis", style="dim")
            self.add_option(Option(hint, disabled=True))
        self.set_class(not self.specs and not self.removed, "-empty")
        if self.specs:
            self.highlighted = 0
        self.post_message(self.Changed())
