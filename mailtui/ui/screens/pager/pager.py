"""The pager screen: one message full screen (mutt style), with headers, raw and attachments.

Owns the message data: a thread worker fetches the raw bytes through the session and
parses them (`core.message.parse_message`, bounded for hostile mail); the result arrives
as `MessageLoaded`. The screen answers keys meanwhile; leaving it cancels the worker, and
a cancelled worker posts nothing. J and K open the next and previous message of the index
as it is shown (sorted, threaded, searched), Tab the next unread one: the screen that
opened the pager answers where that is (`Neighbours`), and the pager says so at either
end instead of wrapping round. V verifies the message's DKIM, ARC, SPF and DMARC in
another thread worker (`verdicts.compute_verdicts`: DNS blocks) and shows the report in
the pager in place of the message (V again, h or ctrl+u go back). F flags or unflags the
message (a thread worker writes it, as the index's F does); the status line above the
headers says "Flagged", and the index is told the new flags.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerState, get_current_worker

from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.ui.messages import MessageLoaded
from mailtui.ui.screens.pager.verdicts import VerdictsComputed, compute_verdicts, verifying_text
from mailtui.ui.widgets.key_bar import KeyBar
from mailtui.ui.widgets.pager import Pager, PagerMode

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.core.message.view import MessageView
    from mailtui.session.session import Session
    from mailtui.ui.screens.pager.neighbours import Neighbours


EDGE_NOTE_SECONDS = 2.0


@dataclass
class MessageFlagged(Message):
    """The flagged mark of the shown message was written: `old` is the ref it had, `envelopes`
    what the backend now holds (read back, so the pager shows what is stored)."""

    folder: str
    old: MessageRef
    envelopes: list[Envelope]


class PagerScreen(Screen[str | None]):
    """Shows one message; q goes back to the index, d deletes it and goes back (as in mutt)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Short words, most used first: every shown key fits the footer at 80 columns.
        Binding("q,escape", "back", "Back", id="pager-back"),
        Binding("r", "reply", "Reply", id="reply"),
        Binding("h", "toggle_headers", "Headers", id="toggle-headers"),
        Binding("v", "attachments", "Attach", id="attachments", tooltip="Attachments (list, save)"),
        Binding("ctrl+u", "raw_source", "Source", id="raw-source", tooltip="Raw source"),
        Binding(
            "H",
            "inspect_headers",
            "Inspect",
            id="inspect-headers",
            tooltip="Inspect headers (hops, auth results)",
        ),
        Binding("d", "delete", "Del", id="pager-delete", tooltip="Delete"),
        Binding("F", "toggle_flag", "Flag", id="pager-toggle-flag", show=False),
        Binding(
            "V",
            "verify",
            "Verify",
            id="verify-message",
            tooltip="Verify DKIM, ARC, SPF and DMARC here, beside the server's results",
            show=False,
        ),
        Binding("J", "next_message", "Next message", id="pager-next-message", show=False),
        Binding("K", "previous_message", "Previous message", id="pager-previous-message", show=False),
        Binding("tab", "next_unread", "Next unread", id="pager-next-unread", show=False),
        Binding("g", "group_reply", "Group reply", id="group-reply", show=False),
        Binding("e", "edit_as_new", "Edit as new", id="edit-as-new", show=False),
        Binding("f", "forward", "Forward", id="forward", show=False),
        Binding("ctrl+f", "forward_attached", "Forward as attachment", id="forward-attached", show=False),
        Binding("vertical_line", "pipe_message", "Pipe", id="pipe-message", show=False),
    ]

    def __init__(
        self,
        session: Session,
        folder: str,
        ref: MessageRef,
        envelope: Envelope | None,
        neighbours: Neighbours | None = None,
    ) -> None:
        super().__init__()
        self.neighbours = neighbours
        self.session = session
        self.folder = folder
        self.ref = ref
        self.envelope = envelope
        self.view: MessageView | None = None
        self.is_preview = False
        self.mode: PagerMode = "weeded"
        self.showing_verdicts = False
        self.verdicts: str | None = None  # the report of this message, once computed
        self.flag_writing = False
        self.load_failed = False  # the error is shown in place of the message
        self._edge_said: tuple[str, float] = ("", 0.0)  # the last edge note and when its key came

    DEFAULT_CSS = """
    PagerScreen #pager-flag { height: 1; padding: 0 1; color: $accent; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Static("! Flagged   (F unflags)", id="pager-flag", markup=False)
        yield Pager(id="pager")
        yield KeyBar()

    @property
    def pager(self) -> Pager:
        return self.query_one(Pager)

    def on_mount(self) -> None:
        self.pager.focus()
        self._show_flag()
        self.load_message(self.folder, self.ref)

    @work(thread=True, exclusive=True, group="message", exit_on_error=False)
    def load_message(self, folder: str, ref: MessageRef) -> None:
        from mailtui.backends.base import PREVIEW_LIMIT
        from mailtui.core.message.preview import preview_view
        from mailtui.core.message.view import parse_message

        # A large message of a backend with previews (IMAP): text parts now, attachments
        # when saved. The index row's size spares small messages the extra round trip.
        preview = None
        large = self.envelope is None or self.envelope.size > PREVIEW_LIMIT
        if large and self.session.backend is not None and self.session.backend.IMPLEMENTS_PARTS:
            preview = self.session.call(lambda b: b.fetch_preview(folder, ref))
        worker = get_current_worker()
        if preview is not None:
            if not worker.is_cancelled:
                self.post_message(MessageLoaded(folder, ref, preview_view(preview), preview=True))
            return
        if worker.is_cancelled:
            return
        raw = self.session.call(lambda b: b.fetch_raw(folder, ref))
        if worker.is_cancelled:
            return
        view = parse_message(raw)
        if not worker.is_cancelled:
            self.post_message(MessageLoaded(folder, ref, view))

    @on(MessageLoaded)
    def _on_message_loaded(self, message: MessageLoaded) -> None:
        if (message.folder, message.ref) != (self.folder, self.ref):
            return  # posted just before J or K moved on
        self.view = message.view
        self.is_preview = message.preview
        self._show()

    def _show(self) -> None:
        if self.view is None:
            return
        if self.showing_verdicts:
            self.pager.show_verdicts(self.verdicts or verifying_text(self.session.config))
        elif self.mode == "raw":
            from mailtui.core.message.view import raw_source_text

            self.pager.show_raw(raw_source_text(self.view.raw))
        else:
            self.pager.show_message(self.view, self.mode)

    def action_back(self) -> None:
        self.workers.cancel_group(self, "message")  # a slow parse is not waited for
        self.workers.cancel_group(self, "verify")
        self.dismiss(None)

    def action_next_message(self) -> None:
        """The next message of the index (mutt's and aerc's J)."""
        self._step(1, unread=False, end="This is the last message.")

    def action_previous_message(self) -> None:
        """The previous message of the index (K)."""
        self._step(-1, unread=False, end="This is the first message.")

    def on_pager_past_edge(self, message: Pager.PastEdge) -> None:
        """A key past the edge of the message, as mutt's pager: Space at the end opens the
        next message unless `[ui] pager_stop` is set; j at the end, k and b at the top stay
        and say so. A message that failed to load counts as an empty one; one still loading
        stays put."""
        message.stop()
        if self.view is None and not self.load_failed:
            return
        if message.step > 0 and message.page and not self.session.config.ui.pager_stop:
            self._step(1, unread=False, end="This is the last message.")
            return
        # Said once while it is still shown (mutt rewrites one line; toasts would pile up
        # while the key is held), and again once that toast is gone.
        note = f"{'Bottom' if message.step > 0 else 'Top'} of message is shown."
        now = time.monotonic()
        shown_note, shown_at = self._edge_said
        if note != shown_note or now - shown_at >= EDGE_NOTE_SECONDS:
            self._edge_said = (note, now)
            self.notify(note, timeout=EDGE_NOTE_SECONDS)

    def action_next_unread(self) -> None:
        """The next unread message below this one in the index (mutt's Tab)."""
        self._step(1, unread=True, end="No unread message after this one.")

    def _step(self, step: int, *, unread: bool, end: str) -> None:
        found = self.neighbours(self.ref.key, step, unread) if self.neighbours is not None else None
        if found is None:
            self.notify(end, timeout=3)
            return
        self.workers.cancel_group(self, "message")
        self.workers.cancel_group(self, "verify")
        self.ref, self.envelope = found
        self.view = None
        self.load_failed = False
        self.is_preview = False
        self.showing_verdicts = False
        self.verdicts = None
        self.mode = "weeded" if self.mode == "raw" else self.mode
        self._show_flag()
        self.pager.show_plain("loading…")
        self.load_message(self.folder, self.ref)

    def _source(self) -> tuple[str, MessageRef]:
        """Where the shown message is now, for marking it replied or forwarded.

        An mbox gives a message a new key when flags are written (marking it seen on
        opening does): the index's current row is taken when it is the same message (same
        Message-ID), else the ref the pager opened (a stale one the backend refuses).
        """
        found = self.neighbours(self.ref.key, 0, False) if self.neighbours is not None else None
        if found is not None:
            ref, env = found
            ours = self.envelope.message_id if self.envelope is not None else ""
            if ref.key == self.ref.key or (ours and env is not None and env.message_id == ours):
                return self.folder, ref
        return self.folder, self.ref

    def action_delete(self) -> None:
        # The browser owns the folder data: it deletes the message it opened.
        self.workers.cancel_group(self, "message")
        self.dismiss("delete")

    @property
    def flagged(self) -> bool:
        """Whether the shown message is flagged, as last read from the index or the backend."""
        return self.envelope is not None and Flag.FLAGGED in self.envelope.flags

    def _show_flag(self) -> None:
        self.query_one("#pager-flag", Static).display = self.flagged

    def action_toggle_flag(self) -> None:
        """Flag or unflag the shown message (mutt's F), as the index does."""
        if self.flag_writing:
            self.notify("The flag is still being written.", timeout=3)
            return
        folder, ref = self._source()
        self.flag_writing = True
        self.write_flag(folder, ref, not self.flagged)

    @work(thread=True, exclusive=True, group="flag", exit_on_error=False)
    def write_flag(self, folder: str, ref: MessageRef, on: bool) -> None:
        flag = frozenset({Flag.FLAGGED})
        add, remove = (flag, frozenset()) if on else (frozenset(), flag)
        refs = self.session.call(lambda b: b.set_flags(folder, [ref], add=add, remove=remove))
        envelopes = self.session.call(lambda b: b.fetch_envelopes(folder, refs))
        self.post_message(MessageFlagged(folder, ref, list(envelopes)))

    @on(MessageFlagged)
    def _on_message_flagged(self, message: MessageFlagged) -> None:
        from mailtui.ui.compose_actions import tell_index
        from mailtui.ui.messages import FlagsChanged

        self.flag_writing = False
        tell_index(self.app, FlagsChanged(message.folder, message.envelopes, [message.old.key]))
        if not message.envelopes or message.folder != self.folder:
            return
        env = message.envelopes[0]
        if message.old.key in (self.ref.key, env.ref.key) or (
            self.envelope is not None and env.message_id and env.message_id == self.envelope.message_id
        ):
            self.ref, self.envelope = env.ref, env
            self._show_flag()
            self.notify("Flagged." if self.flagged else "Flag removed.", timeout=3)

    def action_toggle_headers(self) -> None:
        self.mode = "weeded" if self.mode == "full" or self.showing_verdicts else "full"
        self.showing_verdicts = False
        self._show()

    def action_raw_source(self) -> None:
        self.mode = "weeded" if self.mode == "raw" and not self.showing_verdicts else "raw"
        self.showing_verdicts = False
        self._show()

    def action_verify(self) -> None:
        """Show the verdicts of this message (computed once, in a thread worker); again: the message."""
        if self.view is None:
            self.notify("The message is still loading.", markup=False)
            return
        self.showing_verdicts = not self.showing_verdicts
        if self.showing_verdicts and self.verdicts is None:
            self.run_verdicts(self.folder, self.ref, None if self.is_preview else self.view.raw)
        self._show()

    @work(thread=True, exclusive=True, group="verify", exit_on_error=False)
    def run_verdicts(self, folder: str, ref: MessageRef, raw: bytes | None) -> None:
        # A preview lacks the attachments the body hash covers: verify the whole message.
        whole = raw if raw is not None else self.session.call(lambda b: b.fetch_raw(folder, ref))
        if get_current_worker().is_cancelled:
            return
        text = compute_verdicts(self.session.config, whole)
        if not get_current_worker().is_cancelled:
            self.post_message(VerdictsComputed(folder, ref, text))

    @on(VerdictsComputed)
    def _on_verdicts_computed(self, message: VerdictsComputed) -> None:
        if (message.folder, message.ref) != (self.folder, self.ref):
            return
        self.verdicts = message.text
        if self.showing_verdicts:
            self._show()

    def action_reply(self) -> None:
        """Reply to the sender: Re: subject, quoted body, In-Reply-To and References."""
        from mailtui.ui.compose_actions import open_reply

        if self.view is not None:
            open_reply(self.app, self.view, group=False, source=self._source())

    def action_group_reply(self) -> None:
        """Reply to the sender and every recipient but me."""
        from mailtui.ui.compose_actions import open_reply

        if self.view is not None:
            open_reply(self.app, self.view, group=True, source=self._source())

    def action_edit_as_new(self) -> None:
        """Compose a new message from this one (how a message in the Drafts folder is continued)."""
        from mailtui.ui.compose_actions import open_edit_as_new

        if self.view is not None:
            open_edit_as_new(self.app, self.view)

    def action_forward(self) -> None:
        """Forward inline."""
        self._forward(as_attachment=False)

    def action_forward_attached(self) -> None:
        """Forward as a message/rfc822 attachment, byte for byte."""
        self._forward(as_attachment=True)

    def _forward(self, *, as_attachment: bool) -> None:
        from mailtui.ui.compose_actions import open_forward

        if self.view is None:
            return
        if self.is_preview:
            # A large IMAP message shown as a preview: forward the whole message, attachments included.
            self.notify("Fetching the whole message to forward it…", markup=False)
            self.fetch_whole_and_forward(as_attachment, self._source())
            return
        open_forward(self.app, self.view, self.view.raw, as_attachment=as_attachment, source=self._source())

    @work(thread=True, exclusive=True, group="forward", exit_on_error=False)
    def fetch_whole_and_forward(self, as_attachment: bool, source: tuple[str, MessageRef]) -> None:
        from mailtui.core.message.view import parse_message

        raw = self.session.call(lambda b: b.fetch_raw(self.folder, self.ref))
        view = parse_message(raw)
        self.app.call_from_thread(self._open_forward, view, as_attachment, source)

    def _open_forward(self, view: MessageView, as_attachment: bool, source: tuple[str, MessageRef]) -> None:
        from mailtui.ui.compose_actions import open_forward

        open_forward(self.app, view, view.raw, as_attachment=as_attachment, source=source)

    def action_inspect_headers(self) -> None:
        """The header inspector on this message: Received hops, auth results, MIME tree."""
        from mailtui.ui.diagnostics_actions import open_diagnostics

        open_diagnostics(self.app, "headers", raw_message=self.view.raw if self.view else None)

    def action_pipe_message(self) -> None:
        """Pipe the message (decoded or raw) to a command, its output in a pager (mutt's |)."""
        from mailtui.ui.screens.pager.pipe import pipe_message

        pipe_message(self)

    def action_attachments(self) -> None:
        from mailtui.ui.screens.pager.attachments import AttachmentsDialog

        if self.view is None:
            return
        if not self.view.attachments:
            self.notify("This message has no attachments.")
            return
        folder, ref, session = self.folder, self.ref, self.session

        def fetch_part(part: str) -> bytes:
            # Only placeholders of a preview ask for this (the backend implements parts then).
            return session.call(lambda b: b.fetch_part(folder, ref, part))

        self.app.push_screen(AttachmentsDialog(self.view, fetch_part=fetch_part))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from mailtui.ui.errors import show_error

            if event.worker.group == "flag":
                self.flag_writing = False
                show_error(self, event.worker.error)
                return
            if event.worker.group == "verify":
                self.pager.show_plain("The message could not be verified.")
                self.showing_verdicts = False
            else:
                self.load_failed = True
                self.pager.show_plain("The message could not be loaded.")
            show_error(self, event.worker.error)
