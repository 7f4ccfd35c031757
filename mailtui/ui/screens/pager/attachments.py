"""The attachments dialog (`v` in the pager): list attachments, save one into a folder.

Saving is file I/O, so it runs in a thread worker of this dialog through
`mailtui.store.attachments.save_attachment` (safe names, never overwrites); the saved path is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from mailtui.core.sanitize import clean_line
from mailtui.ui.messages import AttachmentSaved
from mailtui.ui.widgets.index.cells import format_size

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.core.message.view import Attachment, MessageView


def default_save_dir() -> Path:
    """~/Downloads when it exists, else the current directory."""
    downloads = Path.home() / "Downloads"
    return downloads if downloads.is_dir() else Path.cwd()


class AttachmentsDialog(ModalScreen[None]):
    """Enter saves the highlighted attachment into the folder typed below the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="dialog-close"),
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
        self.save_dir = save_dir if save_dir is not None else default_save_dir()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Attachments (Enter saves, Esc closes)", markup=False)
            yield OptionList(
                *[Option(self._label(a), id=str(i)) for i, a in enumerate(self.view.attachments)],
                id="attachment-list",
            )
            yield Static("Save into folder:", markup=False)
            yield Input(value=str(self.save_dir), id="attachment-dir")
            yield Static("", markup=False, id="attachment-result")

    @staticmethod
    def _label(att: Attachment) -> Text:
        return Text(
            f"{att.index}  {clean_line(att.filename)}  {clean_line(att.content_type)}  {format_size(att.size)}",
            no_wrap=True,
            overflow="ellipsis",
        )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

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

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def save(self, folder: Path, att: Attachment) -> None:
        from mailtui.core.message.view import attachment_bytes
        from mailtui.store.attachments import save_attachment

        fetch, part = self.fetch_part, None
        if fetch is not None:
            from mailtui.core.message.preview import omitted_part

            part = omitted_part(self.view.raw, att)
        data = attachment_bytes(self.view.raw, att) if fetch is None or part is None else fetch(part)
        self.post_message(AttachmentSaved(save_attachment(folder, att.filename, data)))

    @on(AttachmentSaved)
    def _saved(self, message: AttachmentSaved) -> None:
        text = f"saved: {message.path}"
        self.query_one("#attachment-result", Static).update(Text(text))
        self.notify(text, title="Attachment saved", markup=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from mailtui.ui.errors import show_error

            show_error(self, event.worker.error)

    def action_close(self) -> None:
        self.dismiss(None)
