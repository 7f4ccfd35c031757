"""Messages that workers post to the UI: past-tense dataclasses, never widget access.

A worker runs blocking backend calls on a thread and reports with one of these; the
screen that owns the data handles it on the event loop. Results carry the folder (and a
generation number where a newer request can overtake an older one) so stale answers are
dropped instead of drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from mailtui.backends.base import MailBackend
from mailtui.core.errors import MailtuiError
from mailtui.core.models import Envelope, Folder, MessageRef
from mailtui.core.transcript import TranscriptLine

if TYPE_CHECKING:
    from mailtui.config import AccountConfig
    from mailtui.core.message.view import MessageView
    from mailtui.session.search_scan import FirstMatch
    from mailtui.session.services import AccountService


@dataclass
class BackendOpened(Message):
    """The account's mailbox is open."""

    backend: MailBackend


@dataclass
class FoldersListed(Message):
    """The folder list, with counts where the backend has them."""

    folders: list[Folder]


@dataclass
class RefsListed(Message):
    """Every message of `folder`, newest first (no headers yet)."""

    folder: str
    refs: Sequence[MessageRef]  # the backend's own sequence (a compact one for big folders)
    generation: int
    keep_key: str | None = None  # keep the cursor on this message if it is still there


@dataclass
class EnvelopesLoaded(Message):
    """Envelopes for a window of `folder`; `requested` are the keys asked for (some may be gone)."""

    folder: str
    envelopes: list[Envelope]
    requested: frozenset[str] = field(default_factory=frozenset)


@dataclass
class SearchProgressed(Message):
    """Refs of `folder` whose from/subject contain `query`, so far; `finished` at the end."""

    folder: str
    query: str
    matches: list[MessageRef]
    finished: bool
    first: FirstMatch | None = None  # the first match after the cursor, found before the rest


@dataclass
class FlagsChanged(Message):
    """Flags were written: `old` keys now have the refs in `new` and these envelopes."""

    folder: str
    envelopes: list[Envelope]
    old_keys: list[str]


@dataclass
class MessagesRemoved(Message):
    """Messages left `folder` (deleted, moved, expunged); `note` says what happened."""

    folder: str
    keys: frozenset[str]
    note: str


@dataclass
class FolderChanged(Message):
    """The backend reported a change in `folder` (new mail, flags, expunge)."""

    folder: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, FolderChanged) and message.folder == self.folder


@dataclass
class ActionFailed(Message):
    """A backend call failed; shown as a notification with the error's title."""

    error: MailtuiError


@dataclass
class MessageLoaded(Message):
    """One message fetched and parsed for the pager."""

    folder: str
    ref: MessageRef
    view: MessageView
    preview: bool = False  # a large IMAP message without its attachments (backends/imap_parts)


@dataclass
class TranscriptLineAdded(Message):
    """A line was added to a transcript (posted from whichever thread appended it)."""

    line: TranscriptLine


@dataclass
class AttachmentSaved(Message):
    """An attachment was written to `path`."""

    path: Path


@dataclass
class ServiceStarted(Message):
    """A service beside the app (the demo relay) runs; `account` is as it left it."""

    service: AccountService
    account: AccountConfig


@dataclass
class ServiceFailed(Message):
    """A service beside the app could not start; the app works on without it."""

    service: AccountService
    error: BaseException
