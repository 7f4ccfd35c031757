"""The header inspector tab: hops, dates, Authentication-Results, SPF/DKIM/ARC and the MIME tree.

Works on the raw bytes of the open message (passed in by the pager/browser); the text
comes from `core.inspect` (already sanitized) and is drawn as plain `Text`, with lines
flagging a problem ("!") and untrusted results in the warning colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.containers import ScrollableContainer
from textual.widgets import Static

from mailtui.core.headers.inspection import format_inspection, inspect_message
from mailtui.ui.themes import theme_styles

if TYPE_CHECKING:
    from textual.app import ComposeResult


def inspection_text(raw: bytes | None, trusted: Sequence[str], warning: Style | None = None) -> Text:
    """The inspection of `raw` as Text (a hint when no message is open)."""
    if raw is None:
        return Text("No message is open. Open a message in the pager and press H to inspect its headers.")
    out = Text()
    for line in format_inspection(inspect_message(raw, trusted)).splitlines():
        flagged = line.lstrip().startswith("!") or "UNTRUSTED" in line
        out.append(line + "\n", (warning or Style(bold=True)) if flagged else Style())
    return out


class DiagHeaders(ScrollableContainer):
    """A scrollable inspection of one message."""

    DEFAULT_CSS = """
    DiagHeaders #headers-output { padding: 0 1; width: auto; }
    """

    def __init__(self, raw: bytes | None, trusted: Sequence[str] = ()) -> None:
        super().__init__()
        self.raw = raw
        self.trusted = tuple(trusted)

    def compose(self) -> ComposeResult:
        yield Static(id="headers-output", markup=False)

    def on_mount(self) -> None:
        self.show(self.raw)

    def show(self, raw: bytes | None) -> None:
        """Inspect `raw` (None: no message) and show it."""
        self.raw = raw
        styles = theme_styles(self.app.get_css_variables(), ("status-warning",))
        warning = styles["status-warning"] + Style(bold=True) if styles else None
        self.query_one("#headers-output", Static).update(inspection_text(raw, self.trusted, warning))
