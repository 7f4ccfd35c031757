"""The one mailbox interface every backend implements (Maildir, mbox, IMAP).

Small and synchronous: the UI calls it from worker threads, never from the event loop.
Every method returns `core.models` values and raises only `BackendError` subclasses.
A backend instance is used from one thread at a time (the UI serialises calls per
backend); `wait_for_changes` may run on its own thread and must not share a connection
with the other calls.

Folder names are the backend's own (`INBOX`, `Sent`, `Archive/2024`); `""` is never a name.
Refs come newest first from `list_refs`, so the first screen needs only the first refs.

What a backend may not support is declared, as Harlequin's adapters do: an `IMPLEMENTS_*`
class flag says whether the optional operation below it is there, and the default of an
operation a backend lacks raises `UnsupportedError`. Callers test the flag, never probe
for a method.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar, Literal, Protocol, Self, runtime_checkable

from mailtui.core.errors import UnsupportedError
from mailtui.core.models import Capabilities, Envelope, Flag, Folder, MessageRef
from mailtui.core.patterns.nodes import Node

# The size over which a message is opened as a preview (text parts now, attachments on
# demand) by backends that implement previews.
PREVIEW_LIMIT = 2_000_000

# What `index_columns` can answer per message (`core.index.columns.index_values` gives the
# same values from an Envelope): date the sort date (float), size (int), sender_key and
# subject_key the sort keys of `core.index.sorting`, message_id and in_reply_to (str),
# references (a tuple of ids).
IndexColumn = Literal["date", "size", "sender_key", "subject_key", "message_id", "in_reply_to", "references"]
# What `index_search` looks for: a header field for the needle, or a whole pattern tree
# (`core.patterns`) that the index answers in one query (`nodes.index_answerable`).
SearchField = Literal["any", "from", "to", "subject"] | Node


@runtime_checkable
class CompactRefs(Protocol):
    """A compact `list_refs` result (Maildir's RefList, IMAP's UidRefList): one key per message.

    Its keys come without a MessageRef built for each, and its class builds a listing back
    from keys, so the UI reorders and filters big folders as strings: `type(refs)(keys)`;
    `take(positions)` does it by positions in this listing, keeping what the backend knows
    of each ref (a Maildir file hint), which is cheaper for it to use.
    """

    def __init__(self, keys: list[str]) -> None: ...
    def keys(self) -> list[str]: ...
    def take(self, positions: Sequence[int]) -> Self: ...


class MailBackend(ABC):
    """A source of folders and messages."""

    #: `expunge(folder)`: remove the messages marked deleted (else the UI deletes them one by one).
    IMPLEMENTS_EXPUNGE: ClassVar[bool] = False
    #: `prefetch_envelopes(...)`: fill a header cache in the background (IMAP on a connection
    #: of its own, Maildir in a child process).
    IMPLEMENTS_PREFETCH: ClassVar[bool] = False
    #: `search_body(folder, needle)`: the server searches bodies (else the UI scans them);
    #: `search_pattern(folder, node)`: and answers what it can of a pattern (IMAP SEARCH).
    IMPLEMENTS_SERVER_SEARCH: ClassVar[bool] = False
    #: `fetch_preview` and `fetch_part`: large messages without their attachments first.
    IMPLEMENTS_PARTS: ClassVar[bool] = False
    #: `index_columns`, `index_search`, `unread_keys`, `stored_order`, `store_order`: sort,
    #: thread and search answered by the backend's index (the header cache) without building
    #: an Envelope per message.
    IMPLEMENTS_INDEX: ClassVar[bool] = False
    #: `index_columns`, `unread_keys`, `stored_order`, `store_order` without `index_search`:
    #: an index for ordering only, so pattern searches still go to the server (IMAP SEARCH).
    IMPLEMENTS_ORDER_INDEX: ClassVar[bool] = False
    #: `server_order(folder, refs, mode)`: the server sorts or threads (IMAP SORT) for the
    #: modes where its answer is exactly `core.index`'s.
    IMPLEMENTS_SERVER_ORDER: ClassVar[bool] = False

    # -- required -------------------------------------------------------------------
    @property
    @abstractmethod
    def capabilities(self) -> Capabilities:
        """What the backend can do and how it is connected (status bar)."""

    @property
    @abstractmethod
    def default_folder(self) -> str:
        """The folder to open first (INBOX, or the only folder of an mbox)."""

    @abstractmethod
    def list_folders(self) -> list[Folder]:
        """All folders with total/unread counts where cheap to get."""

    @abstractmethod
    def list_refs(self, folder: str) -> Sequence[MessageRef]:
        """Every message of `folder`, newest first, without reading message contents."""

    @abstractmethod
    def fetch_envelopes(self, folder: str, refs: Sequence[MessageRef]) -> list[Envelope]:
        """Envelopes for `refs` (a window), in the same order; refs gone meanwhile are skipped."""

    @abstractmethod
    def fetch_raw(self, folder: str, ref: MessageRef) -> bytes:
        """The whole message as bytes (does not mark it seen)."""

    @abstractmethod
    def set_flags(
        self,
        folder: str,
        refs: Iterable[MessageRef],
        add: frozenset[Flag] = frozenset(),
        remove: frozenset[Flag] = frozenset(),
    ) -> list[MessageRef]:
        """Add and remove flags; returns the refs as they are afterwards (keys may change)."""

    @abstractmethod
    def move(self, folder: str, refs: Iterable[MessageRef], destination: str) -> None:
        """Move messages to another folder of the same backend."""

    @abstractmethod
    def delete(self, folder: str, refs: Iterable[MessageRef]) -> None:
        """Delete: to the Trash folder, or mark deleted and expunge, per backend and config."""

    @abstractmethod
    def append(self, folder: str, raw: bytes, flags: frozenset[Flag] = frozenset()) -> None:
        """Store a message (Sent, Drafts)."""

    @abstractmethod
    def wait_for_changes(self, folder: str, timeout: float) -> bool:
        """Block up to `timeout` seconds; True as soon as `folder` changed (new mail, flags, expunge)."""

    @abstractmethod
    def close(self) -> None:
        """Release files and connections."""

    # -- with a default every backend can live with -------------------------------------
    def take_notices(self) -> list[str]:
        """Notices for the UI (a header cache rebuilt or turned off), each given once."""
        return []

    @property
    def connection_state(self) -> str:
        """For the status bar: "connected", or how a network backend is reconnecting."""
        return "connected"

    @property
    def dropped_changes(self) -> list[str]:
        """Changes queued while offline that could not be applied, described (never silently)."""
        return []

    # -- optional: see the IMPLEMENTS_* flags ------------------------------------------
    def expunge(self, folder: str) -> int:
        """Remove every message marked deleted from `folder`; returns how many."""
        raise self._unsupported("expunging a folder")

    def prefetch_envelopes(
        self,
        folder: str,
        refs: Sequence[MessageRef],
        batch: int = 500,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Fill the header cache for `refs` in the background; returns how many were fetched."""
        raise self._unsupported("prefetching headers")

    def search_body(self, folder: str, needle: str) -> set[str]:
        """Keys of the messages whose body contains `needle`, searched by the server."""
        raise self._unsupported("searching bodies on the server")

    def search_pattern(self, folder: str, node: Node) -> set[str] | None:
        """Keys of the messages matching `node` as `core.patterns.evaluate` would match them,
        searched by the server; None when the server cannot answer this pattern exactly."""
        raise self._unsupported("searching on the server")

    def fetch_preview(self, folder: str, ref: MessageRef, limit: int = PREVIEW_LIMIT) -> bytes | None:
        """A message over `limit` bytes with its attachments left out (None: not that large)."""
        raise self._unsupported("previews of large messages")

    def fetch_part(self, folder: str, ref: MessageRef, part: str) -> bytes:
        """The decoded payload of one MIME part ("2", "1.3") left out of a preview."""
        raise self._unsupported("fetching one part of a message")

    def server_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str
    ) -> tuple[list[str], dict[str, int]] | None:
        """The keys of `refs` in the order `mode` with thread depths, as `core.index.columns.
        order_from_rows` would give them, computed by the server; None when the server
        cannot answer this mode exactly (then the caller orders them itself)."""
        raise self._unsupported("ordering on the server")

    def index_columns(
        self, folder: str, refs: Sequence[MessageRef], columns: Sequence[IndexColumn]
    ) -> dict[str, tuple[object, ...]]:
        """key -> the values of `columns` (see `IndexColumn`) for the indexed ones of `refs`.

        A message not indexed yet is absent: the caller reads its envelope with
        `fetch_envelopes` (which indexes it) and takes its values from the Envelope.
        """
        raise self._unsupported("answering from an index")

    def index_search(
        self, folder: str, refs: Sequence[MessageRef], field: SearchField, needle: str
    ) -> tuple[set[str], set[str]]:
        """(keys matching, keys indexed) among `refs`: lower-cased `needle` in the field's
        text, lower-cased; or, for a pattern tree, the messages `core.patterns.evaluate`
        matches (exactly: the session relies on it)."""
        raise self._unsupported("searching an index")

    def unread_keys(self, folder: str, refs: Sequence[MessageRef]) -> set[str]:
        """Keys of the unread messages among `refs`, from what is already known (no reads)."""
        raise self._unsupported("unread keys from an index")

    def stored_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str
    ) -> tuple[Sequence[MessageRef], dict[str, int]] | None:
        """`refs` in the order `mode` (a compact list stays one) with thread depths, as
        stored for exactly this listing by `store_order`; None when the listing changed
        or none is stored."""
        raise self._unsupported("stored orders")

    def store_order(
        self, folder: str, refs: Sequence[MessageRef], mode: str, keys: list[str], depths: dict[str, int]
    ) -> None:
        """Keep the order `mode` of the listing `refs` (every key of it once) for next time."""
        raise self._unsupported("stored orders")

    def _unsupported(self, what: str) -> UnsupportedError:
        return UnsupportedError(
            f"{self.capabilities.description or type(self).__name__}: {what} is not supported"
        )
