"""The compose screen: write a message (or a test mail), attach files, send, watch the SMTP talk.

Addresses are checked as typed (`AddressField`); the body is a TextArea, or $EDITOR via
`App.suspend()`. Send runs `sending.send_or_queue` in an async worker while the panel
below shows the live conversation; before it, an empty Subject or a body that promises an
attachment with none attached asks first (`send_guard`, the `[compose]` keys). Sent: the
screen closes with the relay's queue id, and the sidebar counts the Sent copy.
Temporarily refused: the message is queued in the outbox and the screen closes. Refused
for good: the screen stays, with the reply explained. The draft is autosaved every few
seconds and on leaving, so nothing is lost (see `store/drafts.py` for crash recovery). Only a
draft whose bytes reached the disk is called saved (`DraftKeeper`); when it cannot be
written, Esc asks instead: keep editing, save to another path, or discard.

The screen is dismissed with "sent", "queued", "postponed" or "discarded".
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, TextArea
from textual.worker import Worker, WorkerState

from mailtui.config import table_of
from mailtui.core.compose import (
    ComposeError,
    Draft,
    bcc_header,
    build_message,
    envelope_recipients,
    envelope_sender,
    message_bytes,
    needs_smtputf8,
    preset_draft,
)
from mailtui.core.errors import MailtuiError
from mailtui.core.sanitize import clean_line
from mailtui.store.drafts import Drafts, new_draft_id
from mailtui.ui.screens.compose.draft_actions import ComposeDrafts
from mailtui.ui.screens.compose.draft_keeper import DraftKeeper
from mailtui.ui.screens.compose.send_guard import Guard, SendAnywayDialog, send_questions
from mailtui.ui.screens.compose.send_result import offer_follow
from mailtui.ui.screens.compose.send_transcript import SendTranscript, failure_text
from mailtui.ui.screens.compose.workers import (
    AUTOSAVE_SECONDS,
    AttachmentRead,
    EditorRunner,
    PasswordNeeded,
    SendFailed,
    SendFinished,
    SendJob,
    TranscriptLineAdded,
    default_editor_runner,
    from_line,
    new_draft,
)
from mailtui.ui.widgets.compose.address_field import AddressField
from mailtui.ui.widgets.compose.attachment_list import AttachmentList, PathSuggester
from mailtui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from email.message import EmailMessage

    from textual.app import ComposeResult

    from mailtui.config import AccountConfig
    from mailtui.session.session import Session


Built = tuple["EmailMessage", str, tuple[str, ...]]  # message, envelope sender, recipients


class ComposeScreen(ComposeDrafts):
    """Compose and send one message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "send", "Send", id="compose-send", priority=True),
        Binding("ctrl+t", "attach", "Attach", id="compose-attach", priority=True),
        Binding(
            "ctrl+o",
            "edit_body",
            "Editor",
            id="compose-editor",
            priority=True,
            tooltip="Edit the body in $VISUAL/$EDITOR",
        ),
        Binding("f2", "preview", "Preview", id="compose-preview", priority=True),
        Binding("f3", "presets", "Tests", id="compose-presets", priority=True, tooltip="Test-mail presets"),
        Binding("f4", "dsn", "DSN", id="compose-dsn", priority=True, show=False, tooltip="Delivery reports"),
        Binding("escape", "postpone", "Later", id="compose-postpone", tooltip="Postpone (keep as a draft)"),
        Binding(
            "f8", "discard", "Discard", id="compose-discard", priority=True, tooltip="Discard (press twice)"
        ),
    ]

    DEFAULT_CSS = """
    ComposeScreen {
        #compose-head { height: auto; padding: 0 1; background: $boost; }
        .compose-row { height: 1; }
        .compose-row > Label { width: 9; color: $text-muted; }
        .compose-row > Input, .compose-row > Select { width: 1fr; }
        #compose-attach-row { display: none; }
        #compose-attach-row.-shown { display: block; }
        #compose-body { height: 1fr; border: none; padding: 0 1; }
    }
    """

    def __init__(
        self,
        session: Session,
        draft: Draft | None = None,
        *,
        draft_id: str | None = None,
        editor_runner: EditorRunner | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.accounts = self._sending_accounts()
        self.account_name = self.accounts[0].name
        self.initial = draft if draft is not None else new_draft(self.account)
        self.dsn_notify: str | None = None  # F4; None: the account's dsn_notify
        self.draft_id = draft_id or new_draft_id()
        self.resumed = draft_id is not None
        self.editor_runner: EditorRunner = editor_runner or default_editor_runner
        self.drafts = Drafts()
        self.keeper = DraftKeeper(self.drafts, self.draft_id, self.initial, resumed=self.resumed)
        self._autosaving = False
        self.sending = False
        self._finished = False
        self._discard_armed = False
        self._marked = False
        self._unmounting = False
        self._latest: Draft | None = None
        self.last_error: MailtuiError | None = None

    @property
    def account(self) -> AccountConfig:
        """The account to send through, read fresh (the demo relay's port arrives after start)."""
        if self.account_name == self.session.account.name:
            return self.session.account
        return next(a for a in self.accounts if a.name == self.account_name)

    def _sending_accounts(self) -> list[AccountConfig]:
        # The session's account first: under --demo it carries the relay's real port.
        current = self.session.account
        others = [a for a in self.session.config.accounts if a.name != current.name and a.smtp is not None]
        return [current, *others]

    # -- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        d = self.initial
        with Vertical(id="compose-head"):
            if len(self.accounts) > 1:
                with Horizontal(classes="compose-row"):
                    yield Label("Account:")
                    yield Select(
                        [(f"{a.name}  {from_line(a)}", a.name) for a in self.accounts],
                        value=self.account.name, allow_blank=False, compact=True, id="compose-account",
                    )  # fmt: skip
            yield AddressField("From", d.from_addr, single=True, id="compose-from")
            resolve = self._resolve_local
            yield AddressField(
                "To", d.to, placeholder="user@example.org, Name <other@example.org>, root",
                resolve=resolve, id="compose-to",
            )  # fmt: skip
            yield AddressField("Cc", d.cc, resolve=resolve, id="compose-cc")
            yield AddressField("Bcc", d.bcc, resolve=resolve, id="compose-bcc")
            with Horizontal(classes="compose-row"):
                yield Label("Subject:")
                yield Input(d.subject, compact=True, id="compose-subject", select_on_focus=False)
            yield AttachmentList(id="compose-attachments")
            with Horizontal(classes="compose-row", id="compose-attach-row"):
                yield Label("Attach:")
                yield Input(
                    placeholder="path of the file (→ completes, Enter attaches, Esc closes)",
                    suggester=PathSuggester(), compact=True, id="compose-attach-path",
                )  # fmt: skip
        yield TextArea(d.body, id="compose-body", soft_wrap=True)
        yield SendTranscript(lang=self.session.config.ui.language, id="compose-transcript")
        yield KeyBar(show_command_palette=False)  # room for every compose key at 80 columns

    def on_mount(self) -> None:
        self.query_one(AttachmentList).set_specs(self.initial.attachments)
        if self.initial.to.strip():
            self.body.focus()
            self.body.move_cursor((0, 0))
        else:
            self.field("to").input.focus()
        if self.resumed:
            self._mark_open()
        self.set_interval(AUTOSAVE_SECONDS, self.autosave)

    def field(self, name: str) -> AddressField:
        return self.query_one(f"#compose-{name}", AddressField)

    @property
    def panel(self) -> SendTranscript:
        return self.query_one(SendTranscript)

    def current_draft(self) -> Draft:
        """The draft as the fields show it now."""
        return dataclasses.replace(
            self.initial,
            from_addr=self.field("from").value,
            to=self.field("to").value,
            cc=self.field("cc").value,
            bcc=self.field("bcc").value,
            subject=self.query_one("#compose-subject", Input).value,
            body=self.body.text,
            attachments=tuple(self.query_one(AttachmentList).specs),
        )

    def load_draft(self, draft: Draft) -> None:
        """Put `draft` into the fields (used by the presets)."""
        self.field("from").value = draft.from_addr
        self.field("to").value = draft.to
        self.field("cc").value = draft.cc
        self.field("bcc").value = draft.bcc
        self.query_one("#compose-subject", Input).value = draft.subject
        self.body.text = draft.body
        self.query_one(AttachmentList).set_specs(draft.attachments)

    @on(Select.Changed, "#compose-account")
    def _account_changed(self, event: Select.Changed) -> None:
        chosen = next((a for a in self.accounts if a.name == event.value), None)
        if chosen is not None and chosen.name != self.account_name:
            self.account_name = chosen.name
            self.field("from").value = from_line(chosen)

    # -- attachments, editor, presets, preview ---------------------------------------------------------
    def action_attach(self) -> None:
        self.query_one("#compose-attach-row").add_class("-shown")
        self.query_one("#compose-attach-path", Input).focus()

    @on(Input.Submitted, "#compose-attach-path")
    def _attach_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.read_file(Path(event.value.strip()))

    @on(AttachmentRead)
    def _attachment_read(self, message: AttachmentRead) -> None:
        self.query_one(AttachmentList).add(message.spec)
        self.query_one("#compose-attach-path", Input).value = ""
        self.query_one("#compose-attach-row").remove_class("-shown")
        self.body.focus()
        self.notify(
            f"Attached {clean_line(message.spec.filename)} ({len(message.spec.data):,} bytes)", markup=False
        )

    def action_edit_body(self) -> None:
        with tempfile.NamedTemporaryFile(
            "w", suffix=".txt", prefix="mailtui-", delete=False, encoding="utf-8"
        ) as fh:
            text = self.body.text
            # A text file ends with a newline: editors (and scripts that append) expect one.
            fh.write(text if not text or text.endswith("\n") else text + "\n")
            path = Path(fh.name)
        try:
            self.editor_runner(self.app, path)
            self.body.text = path.read_text("utf-8", errors="replace")
        except SuspendNotSupported:
            self.notify(
                "This terminal cannot hand over to an editor; edit the body here.", severity="warning"
            )
        except OSError as exc:
            self.notify(f"The editor could not be run: {exc}", title="Editor", severity="error", markup=False)
        finally:
            path.unlink(missing_ok=True)
        self.body.focus()

    DSN_CHOICES: ClassVar[tuple[str | None, ...]] = (None, "success,failure,delay", "failure,delay", "never")

    def action_dsn(self) -> None:
        """F4: which delivery status notifications to ask the relay for (RFC 3461)."""
        choices = self.DSN_CHOICES
        self.dsn_notify = choices[(choices.index(self.dsn_notify) + 1) % len(choices)]
        default = self.account.dsn_notify or "the relay's default"
        said = self.dsn_notify or f"the account's ({default})"
        self.notify(f"Delivery reports: {said}. F4 changes it.", title="DSN", markup=False)

    def action_presets(self) -> None:
        from mailtui.ui.screens.compose.drafts import PresetDialog

        def chosen(choice: tuple[str, int] | None) -> None:
            if choice is None:
                return
            name, size = choice
            current = self.current_draft()
            try:
                preset = preset_draft(name, current.from_addr, current.to, size=size)
            except ComposeError as exc:
                self.notify(exc.message, title=exc.title, severity="error", markup=False)
                return
            self.load_draft(dataclasses.replace(preset, cc=current.cc, bcc=current.bcc))

        self.app.push_screen(PresetDialog(), chosen)

    def _resolve_local(self, name: str) -> list[str]:
        """A bare local name's addresses: the account's aliases file, else @ its domain (as
        `mailtui sendmail`); [] when the account has neither (then the name is refused)."""
        from mailtui.core.errors import ConfigError
        from mailtui.sending.aliases import read_aliases, resolve_local

        account = self.account
        try:
            aliases = read_aliases(account.aliases) if account.aliases else {}
        except ConfigError:
            aliases = {}
        domain = account.local_domain
        return resolve_local([name], aliases, domain) if (domain or aliases) else []

    def _build(self) -> tuple[Draft, Built] | None:
        """Check the fields and build the message; notifies and returns None when it cannot."""
        bad = [f for f in (self.field(n) for n in ("from", "to", "cc", "bcc")) if f.check()]
        if bad:
            self.notify(
                f"Fix the marked address in {bad[0].label}: {'; '.join(bad[0].errors)}",
                title="Not sent", severity="error", markup=False,
            )  # fmt: skip
            bad[0].input.focus()
            return None
        to, cc, bcc = (self.field(n).resolved_value for n in ("to", "cc", "bcc"))
        draft = dataclasses.replace(self.current_draft(), to=to, cc=cc, bcc=bcc)  # as sent: root resolved
        try:
            sender = envelope_sender(draft)
            message = build_message(draft, message_id_domain=sender.rpartition("@")[2] or "localhost")
        except ComposeError as exc:
            self.notify(exc.message, title=exc.title, severity="error", markup=False)
            return None
        return draft, (message, sender, tuple(envelope_recipients(draft)))

    def action_preview(self) -> None:
        from mailtui.ui.screens.compose.send_transcript import MimePreviewDialog, mime_tree

        built = self._build()
        if built is None:
            return
        draft, (message, sender, recipients) = built
        utf8 = needs_smtputf8(message, sender, list(recipients))
        wire = message_bytes(message, smtputf8=utf8)
        server = self.account.smtp
        summary = [
            f"MAIL FROM: {sender}",
            f"RCPT TO:   {', '.join(recipients)}",
            f"Subject:   {draft.subject}",
            f"Size:      {len(wire):,} bytes on the wire" + (", needs SMTPUTF8" if utf8 else ""),
            f"Relay:     {server.host}:{server.port} (tls {server.tls})"
            if server
            else "Relay:     none configured",
        ]
        self.app.push_screen(MimePreviewDialog(summary, mime_tree(message)))

    # -- sending -----------------------------------------------------------------------------------------
    def action_send(self) -> None:
        if self.sending:
            self.notify("Already sending; wait for the relay's answer.", severity="warning")
            return
        built = self._build()
        if built is None:
            return
        server = self.account.smtp
        if server is None:
            self.notify(
                f"Account {self.account.name!r} has no relay to send through: add {table_of(self.account.name, 'smtp')}.",
                title="Not sent", severity="error", markup=False,
            )  # fmt: skip
            return
        from mailtui.sending.smtp import DsnRequest

        dsn = DsnRequest(self.dsn_notify, self.account.dsn_ret) if self.dsn_notify else None
        job = SendJob(self.account, server, *built[1], sent_headers=bcc_header(built[0]), dsn=dsn)
        if job.server.port == 0:
            self.notify("The relay has not started yet; try again in a moment.", severity="warning")
            return
        self._ask_then_send(send_questions(built[0], self.session.config.compose), job)

    def _ask_then_send(self, questions: list[tuple[Guard, str]], job: SendJob) -> None:
        """Ask each question (no subject, a promised attachment); all yes: send. A no goes back
        to the draft as it was, at the field to fix."""
        if not questions:
            self._start_send(job)
            return
        (guard, question), rest = questions[0], questions[1:]

        def answered(send: bool | None) -> None:
            if send:
                self._ask_then_send(rest, job)
                return
            if guard == "subject":
                self.query_one("#compose-subject", Input).focus()
            else:
                self.body.focus()
            hint = "ctrl+t attaches a file" if guard == "attachment" else "write a subject"
            self.notify(f"Not sent: {hint}, then ctrl+s.", timeout=4)

        self.app.push_screen(SendAnywayDialog(question), answered)

    def _start_send(self, job: SendJob) -> None:
        if self.sending:
            return
        self.save_now()  # safe on disk before the first byte goes out (a failure is said below)
        self.sending = True
        self.last_error = None
        self.panel.start(f"Sending to {', '.join(job.recipients)} via {job.server.host}:{job.server.port}")
        self.send(job, None)

    @on(TranscriptLineAdded)
    def _transcript_line(self, message: TranscriptLineAdded) -> None:
        self.panel.add_line(message.line)

    @on(PasswordNeeded)
    def _password_needed(self, message: PasswordNeeded) -> None:
        from mailtui.ui.screens.compose.send_transcript import PasswordDialog

        server = message.job.server

        def entered(password: str | None) -> None:
            if password:
                self.send(message.job, password)
            else:
                self.sending = False
                self.panel.add_outcome("Cancelled: no password given; nothing was sent.", "failed")

        self.app.push_screen(
            PasswordDialog(f"Password for {server.user}@{server.host}:{server.port}", message.reason), entered
        )

    @on(SendFinished)
    def _send_finished(self, message: SendFinished) -> None:
        self.sending = False
        outcome = message.outcome
        notes = [clean_line(n) for n in outcome.notes]
        if outcome.status == "sent" and outcome.result is not None:
            lines = [f"Sent: {outcome.result.reply_code} {clean_line(outcome.result.reply)}"]
            if outcome.queue_id:
                lines.append(f"Relay queue id: {clean_line(outcome.queue_id)}")
            lines.append(
                f"Sent copy: {outcome.sent_copy}" if outcome.sent_copy else "No Sent copy was stored."
            )
            self.panel.add_outcome("\n".join(lines + notes), "ok")
            self.app.last_send = tuple(self.panel.texts)  # type: ignore[attr-defined]  # L shows it
            refused = getattr(outcome.result, "refused", None)
            title = "Sent, but some recipients were refused" if refused else "Message sent"
            why_not = offer_follow(self.app, message.server, outcome, lines + notes)
            self.notify("\n".join([*lines, *notes, *why_not, "L shows the SMTP conversation."]), title=title,
                        severity="warning" if refused else "information", timeout=10, markup=False)  # fmt: skip
            if outcome.sent_copy:
                from mailtui.ui.compose_actions import recount_folders

                recount_folders(self.app)  # the sidebar's Sent count
            self._close("sent")
        else:
            # The notes already name the outbox id and how to retry: say the rest once.
            text = "Not sent now; the message is safe in the outbox and will be retried (ctrl+o retries now)."
            self.panel.add_outcome("\n".join([text, *notes]), "later")
            self.app.last_send = tuple(self.panel.texts)  # type: ignore[attr-defined]
            self.notify("\n".join([text, *notes]), title="Queued in the outbox", severity="warning",
                        timeout=10, markup=False)  # fmt: skip
            self._close("queued")

    @on(SendFailed)
    def _send_failed(self, message: SendFailed) -> None:
        self.sending = False
        self.last_error = message.error
        self.panel.add_outcome(failure_text(message.error, self.session.config.ui.language), "failed")
        if self.save_now():
            kept = "stays here (also saved as a draft)"
        else:
            why = (
                self.keeper.error.message if self.keeper.error is not None else "the drafts directory failed"
            )
            kept = f"stays here; it was NOT saved as a draft either ({why}); Esc offers another path"
        self.notify(
            f"The message was NOT sent and {kept}. See the explanation below.",
            title=message.error.title, severity="error", timeout=10, markup=False,
        )  # fmt: skip

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.error is None:
            return
        from mailtui.ui.errors import show_error

        if event.worker.group == "send":
            self.sending = False
            self.panel.add_outcome(f"NOT SENT: {event.worker.error}", "failed")
        show_error(self, event.worker.error)
