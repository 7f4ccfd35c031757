"""`|`: pipe the message (decoded or raw) or an attachment to a shell command (mutt's pipe).

`PipeDialog` asks for the command (and, for a message, whether it gets the decoded text
or the raw source: ctrl+r switches); `PipeOutputScreen` runs a job in its own thread
worker (`session.viewers.run_command`: timeout and output bound) and shows what the
command printed, read-only and scrollable. The same screen shows the output of a
copiousoutput attachment viewer. Command output, like mail, is data: it is shown after
`core.sanitize.clean_text`, never as markup or terminal escapes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static
from textual.worker import Worker, WorkerState

from mailtui.core.sanitize import clean_line, clean_text
from mailtui.ui.widgets.key_bar import KeyBar
from mailtui.ui.widgets.pager import Pager

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.core.message.view import MessageView
    from mailtui.session.viewers import CommandOutput
    from mailtui.ui.screens.pager.pager import PagerScreen


@dataclass(frozen=True)
class PipeRequest:
    """What the pipe prompt was given: the command, and whether the raw message goes to it."""

    command: str
    raw: bool


class PipeDialog(ModalScreen[PipeRequest | None]):
    """One line: the command; Enter runs it, Esc cancels, ctrl+r: raw source or decoded text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pipe-cancel"),
        Binding("ctrl+r", "toggle_raw", "Raw/decoded", id="pipe-toggle-raw"),
    ]

    DEFAULT_CSS = """
    PipeDialog {
        align: center middle;
        & > Vertical {
            width: 90%; max-width: 100; height: auto;
            background: $panel; border: round $primary; padding: 0 1;
        }
        Input, Input:focus { border: none; height: 1; padding: 0; }
        #pipe-mode { color: $text-muted; }
    }
    """

    def __init__(self, what: str, *, can_choose_raw: bool) -> None:
        super().__init__()
        self.what = what
        self.can_choose_raw = can_choose_raw
        self.raw = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"Pipe {clean_line(self.what)} to command:", markup=False)
            yield Input(placeholder="e.g. less, grep -i error, sh -c '…'", id="pipe-command")
            yield Static(self._mode_text(), markup=False, id="pipe-mode")

    def _mode_text(self) -> str:
        if not self.can_choose_raw:
            return "Enter runs it, Esc cancels."
        if self.raw:
            return "Sends the raw message source (ctrl+r: the decoded text). Enter runs it."
        return "Sends the decoded text (ctrl+r: the raw source). Enter runs it."

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def action_toggle_raw(self) -> None:
        if self.can_choose_raw:
            self.raw = not self.raw
            self.query_one("#pipe-mode", Static).update(self._mode_text())

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(PipeRequest(event.value.strip(), self.raw))

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass
class CommandFinished(Message):
    """The job of a `PipeOutputScreen` ended."""

    result: CommandOutput


class PipeOutputScreen(Screen[None]):
    """What a command printed: a title line, the output in a pager, how it ended; q goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape", "back", "Back", id="pipe-output-back"),
    ]

    DEFAULT_CSS = """
    PipeOutputScreen #pipe-title { height: 1; padding: 0 1; text-style: bold; }
    PipeOutputScreen #pipe-status { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self, title: str, job: Callable[[threading.Event], CommandOutput]) -> None:
        super().__init__()
        self.title_text = title
        self.job = job  # runs in a worker; told to stop when the screen closes
        self.stop = threading.Event()

    def compose(self) -> ComposeResult:
        yield Static(Text(clean_line(self.title_text), no_wrap=True, overflow="ellipsis"), id="pipe-title")
        yield Pager(id="pipe-output")
        yield Static("running…", markup=False, id="pipe-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(Pager).focus()
        self.run_job()

    @work(thread=True, exclusive=True, group="pipe", exit_on_error=False)
    def run_job(self) -> None:
        self.post_message(CommandFinished(self.job(self.stop)))

    @on(CommandFinished)
    def _finished(self, message: CommandFinished) -> None:
        text = clean_text(message.result.output.decode("utf-8", "replace")).expandtabs(8)
        self.query_one(Pager).show_plain(text or "(no output)")
        self.query_one("#pipe-status", Static).update(message.result.summary())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from mailtui.ui.errors import show_error

            self.query_one("#pipe-status", Static).update("the command could not be run")
            show_error(self, event.worker.error)

    def action_back(self) -> None:
        self.stop.set()  # a command still running is stopped
        self.dismiss(None)


def decoded_message(view: MessageView) -> bytes:
    """The message as read: the main headers and the decoded body text (mutt's pipe_decode)."""
    lines = [
        f"{name}: {value}"
        for name, value in (
            ("From", view.sender),
            ("To", view.to),
            ("Cc", view.cc),
            ("Date", view.date),
            ("Subject", view.subject),
        )
        if value
    ]
    return ("\n".join(lines) + "\n\n" + view.body).encode("utf-8", "replace")


def pipe_message(screen: PagerScreen) -> None:
    """The pager's `|`: ask for a command, run it on the shown message, show its output."""
    from mailtui.session.viewers import run_command

    view = screen.view
    if view is None:
        screen.notify("The message is still loading.", markup=False)
        return
    session, folder, ref, is_preview = screen.session, screen.folder, screen.ref, screen.is_preview

    def chosen(request: PipeRequest | None) -> None:
        if request is None:
            return

        def job(stop: threading.Event) -> CommandOutput:
            if not request.raw:
                data = decoded_message(view)
            elif is_preview:  # a large IMAP message shown in part: pipe all of it
                data = session.call(lambda b: b.fetch_raw(folder, ref))
            else:
                data = view.raw
            return run_command(request.command, data, stop=stop)

        screen.app.push_screen(PipeOutputScreen(f"| {request.command}", job))

    screen.app.push_screen(PipeDialog("the message", can_choose_raw=True), chosen)
