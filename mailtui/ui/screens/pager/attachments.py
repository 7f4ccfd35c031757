"""The attachments dialog (`v` in the pager and the index): list, save, view, pipe.

Saving is file I/O, so it runs in a thread worker of this dialog through
`mailtui.store.attachments.save_attachment` (safe names, never overwrites); the saved path is
shown, and the folder is offered again the next time the dialog opens (mutt keeps the last
one). `v` opens the highlighted attachment with the command `[ui] viewers` or mailcap names
for its type (`session.viewers`): a copiousoutput one's output is shown inside the app, any
other gets the terminal (the app suspends). `|` pipes it to a command typed at a prompt.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from mailtui.core.sanitize import clean_line
from mailtui.ui.messages import AttachmentSaved
from mailtui.ui.widgets.index.cells import format_size

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

    from mailtui.core.mailcap import MailcapEntry
    from mailtui.core.message.view import Attachment, MessageView
    from mailtui.session.viewers import CommandOutput

# The folder each running app last saved into: offered the next time (per app, not global).
_last_save_dirs: weakref.WeakKeyDictionary[App[object], Path] = weakref.WeakKeyDictionary()


def default_save_dir() -> Path:
    """~/Downloads when it exists, else the current directory."""
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


@dataclass
class ViewerChosen(Message):
    """The command for an attachment was looked up (None: nothing knows its type)."""

    attachment: Attachment
    entry: MailcapEntry | None
    data: bytes
    params: dict[str, str]


class AttachmentsDialog(ModalScreen[None]):
    """Enter saves the highlighted attachment into the folder typed below the list, v views it, | pipes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="dialog-close"),
        Binding("j", "cursor_down", "Down", id="attachment-down", show=False),
        Binding("k", "cursor_up", "Up", id="attachment-up", show=False),
        Binding("v", "view_attachment", "View", id="attachment-view"),
        Binding("vertical_line", "pipe_attachment", "Pipe", id="attachment-pipe"),
    ]

    DEFAULT_CSS = """
    AttachmentsDialog {
        align: center middle;
        & > Vertical {
            width: 90%; max-width: 100; height: auto; max-height: 90%;
            background: $panel; border: round $primary; padding: 0 1;
        }
        OptionList { height: auto; max-height: 12; border: none; }
        Input, Input:focus { border: none; height: 1; padding: 0; margin-bottom: 1; }
        #attachment-result { color: $success; }
    }
    """

    def __init__(
        self,
        view: MessageView,
        save_dir: Path | None = None,
        *,
        fetch_part: Callable[[str], bytes] | None = None,
    ) -> None:
        super().__init__()
        self.view = view
        # Fetches an IMAP part left out of a large message's preview (from a worker thread).
        self.fetch_part = fetch_part
        self.save_dir = save_dir

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Attachments (Enter saves, v views, | pipes, Esc closes)", markup=False)
            yield OptionList(
                *[Option(self._label(a), id=str(i)) for i, a in enumerate(self.view.attachments)],
                id="attachment-list",
            )
            yield Static("Save into folder:", markup=False)
            yield Input(value=str(self._start_dir()), id="attachment-dir")
            yield Static("", markup=False, id="attachment-result")

    @staticmethod
    def _label(att: Attachment) -> Text:
        return Text(
            f"{att.index}  {clean_line(att.filename)}  {clean_line(att.content_type)}  {format_size(att.size)}",
            no_wrap=True,
            overflow="ellipsis",
        )

    def _start_dir(self) -> Path:
        if self.save_dir is not None:
            return self.save_dir
        return _last_save_dirs.get(self.app) or default_save_dir()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def _highlighted(self) -> Attachment | None:
        index = self.query_one(OptionList).highlighted
        return None if index is None else self.view.attachments[index]

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        att = self.view.attachments[int(event.option.id or 0)]
        folder = Path(self.query_one("#attachment-dir", Input).value).expanduser()
        self.save(folder, att)

    @on(Input.Submitted)
    def _dir_submitted(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is not None:
            self.save(
                Path(self.query_one("#attachment-dir", Input).value).expanduser(),
                self.view.attachments[option_list.highlighted],
            )

    def attachment_data(self, att: Attachment) -> bytes:
        """The decoded bytes of `att` (blocking for a part a preview left out: call from a worker)."""
        from mailtui.core.message.view import attachment_bytes

        fetch, part = self.fetch_part, None
        if fetch is not None:
            from mailtui.core.message.preview import omitted_part

            part = omitted_part(self.view.raw, att)
        return attachment_bytes(self.view.raw, att) if fetch is None or part is None else fetch(part)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save(self, folder: Path, att: Attachment) -> None:
        from mailtui.store.attachments import save_attachment

        data = self.attachment_data(att)
        self.post_message(AttachmentSaved(save_attachment(folder, att.filename, data)))

    @on(AttachmentSaved)
    def _saved(self, message: AttachmentSaved) -> None:
        _last_save_dirs[self.app] = message.path.parent
        text = f"saved: {message.path}"
        self.query_one("#attachment-result", Static).update(Text(text))
        self.notify(text, title="Attachment saved", markup=False)

    def _viewers(self) -> Mapping[str, str]:
        session = self.app.session  # type: ignore[attr-defined]  # the dialog runs in a MailApp
        return dict(session.config.ui.viewers)

    def _params(self, att: Attachment) -> dict[str, str]:
        for part in self.view.parts:
            if part.path == att.part_path and part.charset:
                return {"charset": part.charset}
        return {}

    def action_view_attachment(self) -> None:
        """Open the highlighted attachment with its type's command (config, then mailcap)."""
        att = self._highlighted()
        if att is not None:
            self.find_viewer(att, self._viewers())

    @work(thread=True, exclusive=True, group="view", exit_on_error=False)
    def find_viewer(self, att: Attachment, viewers: Mapping[str, str]) -> None:
        from mailtui.session.viewers import find_viewer

        params = self._params(att)
        entry = find_viewer(att.content_type, params, configured=viewers)
        data = self.attachment_data(att) if entry is not None else b""
        self.post_message(ViewerChosen(att, entry, data, params))

    @on(ViewerChosen)
    def _viewer_chosen(self, message: ViewerChosen) -> None:
        from mailtui.session.viewers import view_captured
        from mailtui.ui.screens.pager.pipe import PipeOutputScreen

        att, entry, data, params = message.attachment, message.entry, message.data, message.params
        if entry is None:
            self.notify(
                f"No viewer for {clean_line(att.content_type)} in [ui] viewers, ~/.mailcap or /etc/mailcap:"
                " Enter saves it, | pipes it.",
                markup=False,
                timeout=6,
            )
            return
        if entry.copiousoutput:

            def job(stop: threading.Event) -> CommandOutput:
                return view_captured(entry, data, att.filename, att.content_type, params, stop)

            self.app.push_screen(PipeOutputScreen(f"{att.filename}: {entry.command}", job))
            return
        self._view_in_terminal(entry, data, att, params)

    def _view_in_terminal(
        self, entry: MailcapEntry, data: bytes, att: Attachment, params: dict[str, str]
    ) -> None:
        from textual.app import SuspendNotSupported

        from mailtui.session.viewers import view_in_terminal

        try:
            with self.app.suspend():
                status = view_in_terminal(entry, data, att.filename, att.content_type, params)
        except SuspendNotSupported:
            self.notify(
                f"{clean_line(entry.command)} needs the terminal, which this session cannot hand over.",
                severity="warning",
                markup=False,
            )
            return
        if status != 0:
            self.notify(
                f"{clean_line(entry.command)}: exit status {status}", severity="warning", markup=False
            )

    def action_pipe_attachment(self) -> None:
        """Pipe the highlighted attachment to a command; its output is shown in a pager."""
        from mailtui.session.viewers import run_command
        from mailtui.ui.screens.pager.pipe import PipeDialog, PipeOutputScreen, PipeRequest

        att = self._highlighted()
        if att is None:
            return

        def chosen(request: PipeRequest | None) -> None:
            if request is None:
                return

            def job(stop: threading.Event) -> CommandOutput:
                return run_command(request.command, self.attachment_data(att), stop=stop)

            self.app.push_screen(PipeOutputScreen(f"{att.filename} | {request.command}", job))

        self.app.push_screen(PipeDialog(att.filename, can_choose_raw=False), chosen)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from mailtui.ui.errors import show_error

            show_error(self, event.worker.error)

    def action_close(self) -> None:
        self.dismiss(None)
