"""The compose screen's workers and their messages: read an attachment, send, autosave.

Workers never touch widgets (STYLE.md §3): they post the past-tense messages below, and
`ComposeScreen` handles them. Sending is an async worker on the app's loop (aiosmtplib);
transcript lines arrive through `Transcript.subscribe` and are posted as messages
(`post_message` is thread-safe, so an IMAP APPEND of the Sent copy from a thread is fine).
Also the small draft helpers shared with `compose_actions` (From line, signature).
"""

from __future__ import annotations

import asyncio
import os
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.screen import Screen

from mailtui.config import AccountConfig, ServerConfig
from mailtui.core.compose import AttachmentSpec, Draft
from mailtui.core.errors import CredentialsError, MailtuiError
from mailtui.core.transcript import TranscriptLine
from mailtui.ui.messages import TranscriptLineAdded

if TYPE_CHECKING:
    from textual.app import App

    from mailtui.sending.dispatch import SendOutcome
    from mailtui.sending.smtp import DsnRequest
    from mailtui.session.session import Session
    from mailtui.ui.screens.compose.draft_keeper import DraftKeeper

AUTOSAVE_SECONDS = 3.0
EditorRunner = Callable[["App[object]", Path], None]
_SPECIALS = set('()<>[]:;@\\,."')


# -- draft helpers ------------------------------------------------------------------------------


def format_address_display(name: str, addr: str) -> str:
    """'Name <addr>' with the name quoted when it needs it; non-ASCII kept readable (not RFC 2047)."""
    name = " ".join(name.split())
    if not name:
        return addr
    if any(ch in _SPECIALS for ch in name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{addr}>"


def from_line(account: AccountConfig) -> str:
    """The From field of a new draft for `account` ('' when the account has no from address)."""
    return format_address_display(account.realname, account.from_address) if account.from_address else ""


def with_signature(body: str, signature: str) -> str:
    """`body` with the account's signature appended after the "-- " separator line (RFC 3676)."""
    if not signature.strip():
        return body
    sig = signature.rstrip("\n")
    if f"-- \n{sig}" in body:
        return body
    return body.rstrip("\n") + "\n\n-- \n" + sig + "\n" if body.strip() else "\n\n-- \n" + sig + "\n"


def new_draft(account: AccountConfig) -> Draft:
    """An empty draft from `account`, signature included."""
    return Draft(from_addr=from_line(account), to="", body=with_signature("", account.signature))


def run_editor(path: Path) -> None:
    """Run $VISUAL / $EDITOR (vi) on `path` and wait for it (OSError when it cannot start)."""
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    subprocess.run([*shlex.split(command), str(path)], check=False)


def default_editor_runner(app: App[object], path: Path) -> None:
    """Run $VISUAL / $EDITOR (vi) on `path`, the app suspended meanwhile (like mutt).

    Raises textual.app.SuspendNotSupported where the terminal cannot be handed over.
    """
    with app.suspend():
        run_editor(path)


# -- messages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendJob:
    """Everything one send needs, fixed when the user pressed Send."""

    account: AccountConfig
    server: ServerConfig
    message: EmailMessage
    sender: str
    recipients: tuple[str, ...]
    sent_headers: bytes = b""  # Bcc, for the Sent copy only
    dsn: DsnRequest | None = None  # F4's choice; None: the account's dsn_notify/dsn_ret


@dataclass
class AttachmentRead(Message):
    """A file was read for attaching."""

    spec: AttachmentSpec


@dataclass
class PasswordNeeded(Message):
    """The relay wants a login and no password source has one: ask the user."""

    job: SendJob
    reason: str


@dataclass
class SendFinished(Message):
    """The message was accepted by the relay, or queued in the outbox (`outcome.status`)."""

    outcome: SendOutcome
    server: ServerConfig | None = None  # the relay it went to (whether its log is on this host)


@dataclass
class DraftSaved(Message):
    """An autosave finished: `written` to disk (fsynced, renamed), or skipped because a newer
    save landed first or the draft was removed."""

    generation: int
    draft: Draft
    written: bool


@dataclass
class DraftNotSaved(Message):
    """An autosave failed: the draft file was not written (a full disk, a read-only mount)."""

    generation: int
    error: MailtuiError


@dataclass
class SendFailed(Message):
    """The message was not sent and not queued (a permanent refusal, or a local problem)."""

    error: MailtuiError


# -- the workers ------------------------------------------------------------------------------------


class ComposeWorkers(Screen[object]):
    """Workers of the compose screen; subclasses handle the messages."""

    session: Session

    @work(thread=True, exclusive=True, group="attach", exit_on_error=False)
    def read_file(self, path: Path) -> None:
        from mailtui.ui.widgets.compose.attachment_list import read_attachment

        try:
            spec = read_attachment(path)
        except OSError as exc:
            raise MailtuiError(
                f"cannot attach {path}: {exc.strerror or exc}. Check the path and its permissions.",
                title="Cannot attach file",
            ) from exc
        self.post_message(AttachmentRead(spec))

    @work(thread=True, group="autosave", exit_on_error=False)
    def save_draft_in_background(self, keeper: DraftKeeper, generation: int, draft: Draft) -> None:
        try:
            written = keeper.write(generation, draft)
        except MailtuiError as exc:
            self.post_message(DraftNotSaved(generation, exc))
            return
        self.post_message(DraftSaved(generation, draft, written))

    @work(exclusive=True, group="send", exit_on_error=False)
    async def send(self, job: SendJob, password: str | None) -> None:
        from mailtui.sending.dispatch import resolve_secrets, send_or_queue
        from mailtui.sending.dkim_sign import dkim_signing

        token: str | None = None

        def listener(line: TranscriptLine) -> None:
            if line.protocol == "smtp":
                self.post_message(TranscriptLineAdded(line))

        unsubscribe = self.session.transcript.subscribe(listener)
        try:
            if password is None:
                try:
                    password, token = await asyncio.to_thread(resolve_secrets, job.server, prompt=False)
                except CredentialsError as exc:
                    if job.server.auth and job.server.user and not job.server.oauth2_token_command:
                        self.post_message(PasswordNeeded(job, exc.message))
                        return
                    raise
            outcome = await send_or_queue(
                job.account, job.server, job.message, sender=job.sender, recipients=list(job.recipients),
                transcript=self.session.transcript, password=password, oauth2_token=token,
                sent_headers=job.sent_headers, dkim=dkim_signing(job.account), dsn=job.dsn,
            )  # fmt: skip
        except MailtuiError as exc:
            self.post_message(SendFailed(exc))
        else:
            self.post_message(SendFinished(outcome, job.server))
        finally:
            unsubscribe()
