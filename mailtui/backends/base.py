"""The one mailbox interface every backend implements (Maildir, mbox, IMAP).

Small and synchronous: the UI calls it from worker threads, never from the event loop.
Every method returns `core.models` values and raises only `BackendError` subclasses.
A backend instance is used from one thread at a time (the UI serialises calls per
backend); `wait_for_changes` may run on its own thread and must not share a connection
with the other calls.

Folder names are the backend's own (`INBOX`, `Sent`, `Archive/2024`); `""` is never a name.
Refs come newest first from `list_refs`, so the first screen needs only the first refs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, runtime_checkable

from mailtui.core.models import Capabilities, Envelope, Flag, Folder, MessageRef


@runtime_checkable
class MailBackend(Protocol):
    """A source of folders and messages."""

    @property
    def capabilities(self) -> Capabilities:
        """What the backend can do and how it is connected (status bar)."""
        ...

    @property
    def default_folder(self) -> str:
        """The folder to open first (INBOX, or the only folder of an mbox)."""
        ...

    def list_folders(self) -> list[Folder]:
        """All folders with total/unread counts where cheap to get."""
        ...

    def list_refs(self, folder: str) -> list[MessageRef]:
        """Every message of `folder`, newest first, without reading message contents."""
        ...

    def fetch_envelopes(self, folder: str, refs: Sequence[MessageRef]) -> list[Envelope]:
        """Envelopes for `refs` (a window), in the same order; refs gone meanwhile are skipped."""
        ...

    def fetch_raw(self, folder: str, ref: MessageRef) -> bytes:
        """The whole message as bytes (does not mark it seen)."""
        ...

    def set_flags(
        self,
        folder: str,
        refs: Iterable[MessageRef],
        add: frozenset[Flag] = frozenset(),
        remove: frozenset[Flag] = frozenset(),
    ) -> list[MessageRef]:
        """Add and remove flags; returns the refs as they are afterwards (keys may change)."""
        ...

    def move(self, folder: str, refs: Iterable[MessageRef], destination: str) -> None:
        """Move messages to another folder of the same backend."""
        ...

    def delete(self, folder: str, refs: Iterable[MessageRef]) -> None:
        """Delete: to the Trash folder, or mark deleted and expunge, per backend and config."""
        ...

    def append(self, folder: str, raw: bytes, flags: frozenset[Flag] = frozenset()) -> None:
        """Store a message (Sent, Drafts)."""
        ...

    def wait_for_changes(self, folder: str, timeout: float) -> bool:
        """Block up to `timeout` seconds; True as soon as `folder` changed (new mail, flags, expunge)."""
        ...

    def close(self) -> None:
        """Release files and connections."""
        ...
