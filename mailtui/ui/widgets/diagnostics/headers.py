"""The header inspector tab: hops, dates, Authentication-Results, SPF/DKIM/ARC and the MIME tree.

Works on the raw bytes of the open message (passed in by the pager/browser); the text
comes from `core.inspect` (already sanitized) and is drawn as plain `Text`, with lines
flagging a problem ("!") and untrusted results in the warning colour. The inspection runs
in a thread worker (a hostile message can take a while even with the core's caps): the
screen answers keys meanwhile, and leaving it (the widget unmounted) cancels the worker,
whose late result is then dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from mailtui.core.headers.inspection import format_inspection, inspect_message
from mailtui.ui.themes import theme_styles

if TYPE_CHECKING:
    from textual.app import ComposeResult

INSPECTING = "Inspecting the headers…"


def inspection_text(raw: bytes | None, trusted: Sequence[str], warning: Style | None = None) -> Text:
    """The inspection of `raw` as Text (a hint when no message is open)."""
    if raw is None:
        return Text("No message is open. Open a message in the pager and press H to inspect its headers.")
    return _styled(format_inspection(inspect_message(raw, trusted)), warning)


def _styled(plain: str, warning: Style | None) -> Text:
    out = Text()
    for line in plain.splitlines():
        flagged = line.lstrip().startswith("!") or "UNTRUSTED" in line
        out.append(line + "\n", (warning or Style(bold=True)) if flagged else Style())
    return out


class DiagHeaders(ScrollableContainer):
    """A scrollable inspection of one message."""

    DEFAULT_CSS = """
    DiagHeaders #headers-output { padding: 0 1; width: auto; }
    """

    @dataclass
    class Inspected(Message):
        """The worker finished the inspection of `raw` (compared on arrival: a newer one wins)."""

        raw: bytes
        text: str

    def __init__(self, raw: bytes | None, trusted: Sequence[str] = ()) -> None:
        super().__init__()
        self.raw = raw
        self.trusted = tuple(trusted)

    def compose(self) -> ComposeResult:
        yield Static(id="headers-output", markup=False)

    def on_mount(self) -> None:
        self.show(self.raw)

    @property
    def output(self) -> Static:
        return self.query_one("#headers-output", Static)

    def show(self, raw: bytes | None) -> None:
        """Inspect `raw` (None: no message) in a worker and show it when done."""
        self.raw = raw
        if raw is None:
            self.workers.cancel_group(self, "inspect")
            self.output.update(inspection_text(None, self.trusted))
            return
        self.output.update(Text(INSPECTING))
        self.inspect(raw)

    @work(thread=True, exclusive=True, group="inspect", exit_on_error=False)
    def inspect(self, raw: bytes) -> None:
        text = format_inspection(inspect_message(raw, self.trusted))
        if not get_current_worker().is_cancelled:
            self.post_message(self.Inspected(raw, text))

    @on(Inspected)
    def _on_inspected(self, message: Inspected) -> None:
        if message.raw is not self.raw:
            return  # a result for a message no longer shown
        styles = theme_styles(self.app.get_css_variables(), ("status-warning",))
        warning = styles["status-warning"] + Style(bold=True) if styles else None
        self.output.update(_styled(message.text, warning))
