"""A queued message as `postcat -q ID` shows it, read-only: the message (headers, body) first,
then the envelope records (sender, recipients, client, arrival).

Drawn by the pager widget (sanitized, never parsed as markup); `H` opens the message's headers
in the diagnostics' header inspector (Received chain, authentication results).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from mailtui.core.i18n import tr
from mailtui.ui.widgets.key_bar import KeyBar
from mailtui.ui.widgets.pager import Pager

if TYPE_CHECKING:
    from textual.app import ComposeResult


def message_contents(postcat: str) -> bytes:
    """The message itself (headers and body) out of postcat's output, for the header inspector."""
    lines = postcat.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("*** MESSAGE CONTENTS")), None)
    if start is None:
        return postcat.encode("utf-8", "replace")
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].startswith(("*** HEADER EXTRACTED", "*** MESSAGE FILE END"))
        ),
        len(lines),
    )
    return "\n".join(lines[start + 1 : end]).encode("utf-8", "surrogateescape")


def contents_first(postcat: str) -> str:
    """postcat's sections with the message itself first and the envelope records after it."""
    sections: list[list[str]] = [[]]
    for line in postcat.splitlines():
        if line.startswith("*** ") and sections[-1]:
            sections.append([])
        sections[-1].append(line)
    first = [s for s in sections if s and s[0].startswith("*** MESSAGE CONTENTS")]
    rest = [s for s in sections if not (s and s[0].startswith("*** MESSAGE CONTENTS"))]
    return "\n".join(line for section in first + rest for line in section) + "\n"


class QueuedMessageScreen(Screen[None]):
    """postcat's view of one queued message."""

    DEFAULT_CSS = """
    QueuedMessageScreen #queued-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "back", "Back", id="queued-back"),
        Binding("H", "headers", "Headers", id="queued-headers", tooltip="Inspect the headers"),
    ]

    def __init__(self, queue_id: str, postcat: str) -> None:
        super().__init__()
        self.queue_id = queue_id
        self.postcat = postcat

    def compose(self) -> ComposeResult:
        title = tr("Queued message {queue_id} (postcat -q)", queue_id=self.queue_id)
        yield Static(Text(title), id="queued-title", markup=False)
        yield Pager(id="queued-text")
        yield KeyBar()

    def on_mount(self) -> None:
        pager = self.query_one(Pager)
        pager.show_raw(contents_first(self.postcat))
        pager.focus()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_headers(self) -> None:
        from mailtui.ui.diagnostics_actions import open_diagnostics

        open_diagnostics(self.app, "headers", raw_message=message_contents(self.postcat))
