"""The changing half of the IMAP backend: flags, moves, deletes, and their offline queue.

`ImapBackend` (backend.py) owns one `ImapChanges` and hands its changes to it. Every change
is a `QueuedChange` applied by `_apply`: when the server is unreachable (ConnectionLostError
after the connection's retries with backoff) it is queued instead (offline.py), persisted,
and replayed in order before the next operation that reaches the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from imapclient import IMAPClient

from mailtui.backends.imap.fetch import chunks
from mailtui.backends.imap.folders import create_in_personal_namespace, find_trash
from mailtui.backends.imap.offline import OfflineQueue, QueuedChange
from mailtui.core.errors import BackendError, ConnectionLostError
from mailtui.core.models import Flag, MessageRef

if TYPE_CHECKING:
    from mailtui.backends.imap.connection import ImapConnection
    from mailtui.backends.imap.folders import FolderCache
    from mailtui.backends.imap.settings import ImapSettings
    from mailtui.config import AccountConfig


class ImapChanges:
    """set_flags / move / delete / expunge of one IMAP backend, with its offline queue.

    It shares the backend's connection, folder list and the UIDVALIDITY under which the
    backend handed out refs (`listed_validity`, read only here); `is_closed` tells it that
    the backend was closed, so a change then fails instead of being queued.
    """

    def __init__(
        self,
        conn: ImapConnection,
        queue: OfflineQueue,
        settings: ImapSettings,
        account: AccountConfig | None,
        folders: FolderCache,
        listed_validity: Mapping[str, int],
        is_closed: Callable[[], bool],
    ) -> None:
        self.settings = settings
        self._conn = conn
        self._queue = queue
        self._account = account
        self._folders = folders
        self._listed_validity = listed_validity
        self._is_closed = is_closed

    # -- the changes -----------------------------------------------------------------
    def set_flags(
        self,
        folder: str,
        refs: Iterable[MessageRef],
        add: frozenset[Flag] = frozenset(),
        remove: frozenset[Flag] = frozenset(),
    ) -> list[MessageRef]:
        refs = list(refs)
        uids = uids_of(refs)
        if uids and (add or remove):
            self._change(QueuedChange("flags", folder, self._validity_for(folder), tuple(uids), add, remove))
        return refs  # UIDs do not change when flags do

    def move(self, folder: str, refs: Iterable[MessageRef], destination: str) -> None:
        uids = uids_of(refs)
        if uids and destination != folder:
            change = QueuedChange(
                "move", folder, self._validity_for(folder), tuple(uids), destination=destination
            )
            self._change(change)

    def delete(self, folder: str, refs: Iterable[MessageRef]) -> None:
        """Trash mode: move to the \\Trash folder, or expunge when already there. Mark mode: \\Deleted."""
        refs = list(refs)
        uids = uids_of(refs)
        if not uids:
            return
        if self._account is not None and self._account.delete_mode == "mark":
            self.set_flags(folder, refs, add=frozenset({Flag.DELETED}))
            return
        self._change(QueuedChange("delete", folder, self._validity_for(folder), tuple(uids)))

    def expunge(self, folder: str) -> int:
        """Remove every message flagged \\Deleted from `folder`; returns how many."""
        self.flush()
        result = self._conn.run(lambda c: c.expunge(), folder=folder, action=f"to expunge {folder}")
        return len(result[1]) if isinstance(result, tuple) and len(result) > 1 else 0

    # -- the queue, for the UI -------------------------------------------------------
    @property
    def pending_changes(self) -> int:
        """Changes (flags, moves, deletes) queued while offline, applied after reconnecting."""
        return len(self._queue)

    @property
    def dropped_changes(self) -> list[str]:
        """Queued changes that could not be applied (folder re-created, refused), described."""
        return list(self._queue.dropped)

    def flush_pending(self) -> int:
        """Try to apply the queued changes now; how many were applied (0 while still offline)."""
        if not len(self._queue) or self._is_closed():
            return 0
        try:
            return self.flush()
        except ConnectionLostError:
            return 0

    def flush(self) -> int:
        """Replay the queue in order; ConnectionLostError (still offline) propagates."""
        if not len(self._queue):
            return 0
        return self._queue.replay(lambda change: self._apply(change, queued=True))

    def _change(self, change: QueuedChange) -> None:
        """Apply `change` after the queued ones, or queue it when the server is unreachable."""
        try:
            self.flush()
            self._apply(change, queued=False)
        except ConnectionLostError:
            if self._is_closed():
                raise
            self._queue.add(change)
            kept = "" if self._queue.persistent else " (in memory only: lost if mailtui exits)"
            self._conn.info(
                f"server unreachable: {change.describe()} is queued{kept} and will be applied "
                "after reconnecting"
            )

    def _apply(self, change: QueuedChange, *, queued: bool) -> None:
        """Carry out one change. A replayed change the server refuses is dropped, with a note."""
        try:
            if change.kind == "delete":
                trash = self._trash_folder()
                if change.folder != trash:
                    change = QueuedChange(
                        "move",
                        change.folder,
                        change.uidvalidity,
                        change.uids,
                        destination=trash,
                        id=change.id,
                    )
            self._conn.run(
                lambda c: self._store(c, change, queued),
                folder=change.folder,
                action=f"to apply {change.describe()}",
            )
        except ConnectionLostError:
            raise
        except BackendError as exc:
            if not queued:
                raise
            self._queue.dropped.append(change.describe())
            self._conn.info(f"dropped {change.describe()}, queued while offline: {exc}")

    def _store(self, c: IMAPClient, change: QueuedChange, queued: bool) -> None:
        """The commands of one change, on the selected folder (under the connection lock)."""
        now = self._conn.uidvalidity.get(change.folder)
        if change.uidvalidity is not None and now is not None and now != change.uidvalidity:
            raise BackendError(
                f"the folder {change.folder} on {self.settings.label} was re-created or re-indexed by the "
                f"server (UIDVALIDITY {change.uidvalidity} -> {now}), so the messages on screen no longer "
                "match the server's. Nothing was changed; reload the folder.",
                title="Folder changed on the server",
            )
        for chunk in chunks(list(change.uids)):
            if change.kind == "flags":
                if change.add:
                    c.add_flags(chunk, [f.value for f in change.add], silent=True)
                if change.remove:
                    c.remove_flags(chunk, [f.value for f in change.remove], silent=True)
            elif change.kind == "move":
                if "MOVE" in self._conn.server_capabilities:
                    c.move(chunk, change.destination)
                else:
                    c.copy(chunk, change.destination)
                    self._expunge(c, chunk)
            else:  # a delete inside the trash folder
                self._expunge(c, chunk)

    def _validity_for(self, folder: str) -> int | None:
        """The UIDVALIDITY under which the caller got its refs (list_refs), else the current one."""
        return self._listed_validity.get(folder, self._conn.uidvalidity.get(folder))

    def _expunge(self, c: IMAPClient, uids: list[int]) -> None:
        """\\Deleted + expunge of just these UIDs (UIDPLUS), else of the whole folder."""
        c.add_flags(uids, [Flag.DELETED.value], silent=True)
        if "UIDPLUS" in self._conn.server_capabilities:
            c.uid_expunge(uids)
        else:
            c.expunge()

    def _trash_folder(self) -> str:
        """The \\Trash special-use folder, else the account's trash_folder (created if missing)."""
        caps = self._conn.server_capabilities
        wanted = self._account.trash_folder if self._account is not None else "Trash"
        found = find_trash(self._folders.get(), wanted)
        if found is not None:
            return found
        name = self._conn.run(
            lambda c: create_in_personal_namespace(c, wanted, "NAMESPACE" in caps),
            action=f"to create the trash folder {wanted}",
        )
        self._folders.forget()
        return name


def uids_of(refs: Iterable[MessageRef]) -> list[int]:
    """UIDs of refs; keys that are not UIDs (from another backend) are ignored."""
    return [int(ref.key) for ref in refs if ref.key.isdigit() and int(ref.key) > 0]
