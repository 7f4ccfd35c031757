"""The IMAP backend: MailBackend over imapclient, one connection for calls, one for IDLE.

Refs are UIDs (as str); `list_refs` is one UID SEARCH ALL (ESEARCH when offered; held as an
array, imap_uids.py), highest UID (newest arrival) first, like Maildir delivery order.
`fetch_envelopes` fetches just the header fields an
index row needs, 1000 UIDs per command, with header blocks kept in a sqlite cache keyed by
UIDVALIDITY (cache.py, imap_fetch.py) and flags always fresh. Refs handed out under one
UIDVALIDITY are refused under another (the folder was re-created: acting on them would touch
other messages). With CONDSTORE the cache keeps flags too, synced by one CHANGEDSINCE fetch
(imap_sync.py). Flag changes, moves and deletes are in imap_changes.py: made while the
server is unreachable they are queued on disk and replayed in order after reconnecting
(imap_offline.py). Connection handling (TLS, login, reconnect, trace) is in
imap_connection.py; `wait_for_changes` runs on a second connection (imap_watch.py) and
`prefetch_envelopes` on a third, because they run concurrently with the other calls.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from imapclient import IMAPClient

from mailtui.backends.base import PREVIEW_LIMIT, MailBackend
from mailtui.backends.imap import parts as imap_parts
from mailtui.backends.imap.changes import ImapChanges
from mailtui.backends.imap.changes import uids_of as _uids
from mailtui.backends.imap.connection import ImapConnection
from mailtui.backends.imap.fetch import fetch_rows
from mailtui.backends.imap.folders import FolderCache, list_folders
from mailtui.backends.imap.header_cache import HeaderCache, open_header_cache
from mailtui.backends.imap.offline import OfflineQueue, default_queue_path
from mailtui.backends.imap.order import OrderIndex
from mailtui.backends.imap.prefetch import Prefetcher
from mailtui.backends.imap.search_query import criteria as search_criteria
from mailtui.backends.imap.settings import ImapSettings, settings_from_server
from mailtui.backends.imap.sync import sync_flags
from mailtui.backends.imap.uids import UidRefList, all_uids
from mailtui.backends.imap.watch import IDLE_RENEW, ChangeWatcher
from mailtui.config import AccountConfig
from mailtui.core.errors import BackendError, ConfigError, MessageNotFoundError
from mailtui.core.message.envelope import envelope_from_headers
from mailtui.core.models import Capabilities, Envelope, Flag, Folder, MessageRef
from mailtui.core.patterns.nodes import Node
from mailtui.core.transcript import Transcript

T = TypeVar("T")
_H = TypeVar("_H")  # a helper on its own connection (watcher, prefetcher)


class ImapBackend(OrderIndex, MailBackend):
    """A MailBackend on an IMAP server (see module docstring); sort and threads in order.py."""

    IMPLEMENTS_EXPUNGE = True
    IMPLEMENTS_PREFETCH = True
    IMPLEMENTS_SERVER_SEARCH = True
    IMPLEMENTS_PARTS = True
    IMPLEMENTS_SERVER_ORDER = True
    IMPLEMENTS_ORDER_INDEX = True

    def __init__(
        self,
        settings: ImapSettings,
        password: str,
        *,
        transcript: Transcript | None = None,
        account: AccountConfig | None = None,
        default_folder: str = "INBOX",
        auth: str = "login",
        cache: HeaderCache | None = None,
        refresh_secret: Callable[[], str] | None = None,
        queue_path: Path | None = None,
        idle_renew: float = IDLE_RENEW,
    ) -> None:
        self.settings = settings
        self._password = password
        self._auth = auth
        self._transcript = transcript
        self._account = account
        self._default_folder = default_folder
        self._refresh_secret = refresh_secret
        self._conn = ImapConnection(settings, password, transcript, auth=auth, refresh_secret=refresh_secret)
        self._cache = cache
        self._pruned: set[tuple[str, int]] = set()  # (folder, UIDVALIDITY) pruned this session
        self._listed_validity: dict[str, int] = {}  # UIDVALIDITY when list_refs handed out refs
        # Changes made while the server was unreachable; on disk when queue_path is given.
        self._queue = OfflineQueue(queue_path)
        if self._queue.loaded:
            self._conn.info(
                f"{self._queue.loaded} change(s) queued while offline in an earlier session "
                "will be applied once connected"
            )
        self.idle_renew = idle_renew  # seconds between IDLE re-issues (RFC 2177: < 29 minutes)
        self._watch_lock = threading.Lock()
        self._closed = False
        self._watcher: ChangeWatcher | None = None
        self._prefetcher: Prefetcher | None = None
        subscribed_only = account is not None and account.subscribed_only
        self._folders = FolderCache(
            lambda: self._conn.run(
                lambda c: list_folders(c, self._conn.server_capabilities, subscribed_only),
                action="to list the folders",
            )
        )
        self.changes = ImapChanges(
            self._conn,
            self._queue,
            settings,
            account,
            self._folders,
            self._listed_validity,
            lambda: self._closed,
        )

    # -- construction --------------------------------------------------------------
    @classmethod
    def from_account(
        cls, account: AccountConfig, transcript: Transcript | None = None, *, connect: bool = True
    ) -> ImapBackend:
        """The backend for `account.imap`, password from `mailtui.credentials`; connects now."""
        from mailtui import credentials

        server = account.imap
        if server is None:
            raise ConfigError(f"account {account.name!r} has no [imap] server configured")
        settings = settings_from_server(server)
        refresh: Callable[[], str] | None = None
        if server.oauth2_token_command:
            # "oauth2": OAUTHBEARER when the server offers it, else XOAUTH2 (connection.py)
            auth: str = "oauth2" if server.oauth2_mechanism == "auto" else server.oauth2_mechanism
            secret = credentials.get_oauth2_token(server)
            refresh = lambda: credentials.get_oauth2_token(server)  # noqa: E731 - a fresh token per login
        else:
            secret, auth = credentials.get_password(server), "login"
        backend = cls(
            settings,
            secret,
            transcript=transcript,
            account=account,
            auth=auth,
            cache=open_header_cache(settings.label),
            refresh_secret=refresh,
            queue_path=default_queue_path(settings.label),
        )
        if connect:
            backend.connect_or_close()
        return backend

    def connect(self) -> None:
        """Connect and log in now, so that TLS and login errors show up at once.

        Changes queued while offline (in this session or, from the queue file, an earlier
        one) are applied right after.
        """
        self._conn.connect()
        self.flush_pending()

    def connect_or_close(self) -> None:
        """`connect()`, releasing the cache and sockets when it fails."""
        try:
            self.connect()
        except BaseException:
            self.close()
            raise

    # -- MailBackend ---------------------------------------------------------------
    def take_notices(self) -> list[str]:
        """Notices for the UI (the header cache was rebuilt or is off), each given once."""
        notice = self._cache.take_notice() if self._cache is not None else None
        return [notice] if notice else []

    @property
    def capabilities(self) -> Capabilities:
        names = self._conn.server_capabilities
        s = self.settings
        return Capabilities(
            names=names,
            can_move=True,  # MOVE, or COPY + \Deleted + EXPUNGE
            can_idle="IDLE" in names,
            can_search_body=True,
            can_append=True,
            tls=s.tls_state,
            description=f"IMAP {s.label} ({s.tls_description})",
        )

    @property
    def default_folder(self) -> str:
        return self._default_folder

    def list_folders(self) -> list[Folder]:
        subscribed_only = self._account is not None and self._account.subscribed_only
        folders = self._run(
            lambda c: list_folders(c, self._conn.server_capabilities, subscribed_only),
            action="to list the folders",
        )
        self._folders.set(folders)
        return folders

    def list_refs(self, folder: str) -> UidRefList:
        """UIDs, highest first: newest arrival first, like Maildir delivery times.

        Not SORT (REVERSE ARRIVAL): Dovecot breaks its many same-second ties oldest first.
        Not SORT (REVERSE DATE): the Date header is the sender's claim; the UI sorts by it
        once envelopes are loaded, if asked to.
        """

        def op(c: IMAPClient) -> UidRefList:
            if not self._conn.just_selected:
                # Dovecot updates a selected folder's view only between commands: without
                # this NOOP, mail delivered since the last command would be missing.
                c.noop()
            refs = UidRefList(all_uids(c))
            validity = self._conn.uidvalidity.get(folder)
            if validity is not None:
                self._listed_validity[folder] = validity
                self._prune_cache(folder, validity)
            return refs

        return self._run(op, folder=folder, readonly=True, action=f"to list the messages of {folder}")

    def fetch_envelopes(self, folder: str, refs: Sequence[MessageRef]) -> list[Envelope]:
        uids = _uids(refs)
        if not uids:
            return []

        def op(c: IMAPClient) -> dict[int, Any]:
            validity = self._check_validity(folder)
            synced = sync_flags(c, self._conn, self._cache, folder, validity)
            return fetch_rows(
                c, uids, cache=self._cache, folder=folder, uidvalidity=validity, cached_flags=synced
            )

        rows = self._run(op, folder=folder, readonly=True, action=f"to fetch headers in {folder}")
        envelopes = []
        for ref in refs:
            found = rows.get(int(ref.key)) if ref.key.isdigit() else None
            if found is None:
                continue  # expunged meanwhile: skipped, as the interface says
            flags, row = found
            envelopes.append(envelope_from_headers(row.header, ref, row.size, flags))
        return envelopes

    def search_body(self, folder: str, needle: str) -> set[str]:
        """Keys of the messages whose body contains `needle` (UID SEARCH BODY: the server
        decodes and searches, nothing is downloaded; `~b` in the index)."""

        def op(c: IMAPClient) -> list[int]:
            return list(c.search(["BODY", needle], charset="UTF-8"))

        uids = self._run(op, folder=folder, readonly=True, action=f"to search the bodies in {folder}")
        return {str(uid) for uid in uids}

    def search_pattern(self, folder: str, node: Node) -> set[str] | None:
        """Keys matching `node` by one UID SEARCH, None when SEARCH cannot say it (imap/search_query.py)."""
        found = search_criteria(node)
        if found is None:
            return None
        uids = self._run(
            lambda c: c.search(found, charset="UTF-8"),
            folder=folder,
            readonly=True,
            action=f"to search {folder}",
        )
        return {str(uid) for uid in uids}

    def fetch_raw(self, folder: str, ref: MessageRef) -> bytes:
        """The whole message (BODY.PEEK[]: not marked seen), with LF line ends."""
        uids = _uids([ref])

        def op(c: IMAPClient) -> dict[int, Any]:
            self._check_validity(folder)
            return c.fetch(uids, ["BODY.PEEK[]"]) if uids else {}

        data = self._run(op, folder=folder, readonly=True, action=f"to fetch message {ref.key} in {folder}")
        entry = data.get(uids[0]) if uids else None
        if not entry or b"BODY[]" not in entry:
            raise MessageNotFoundError(
                f"message UID {ref.key} is no longer in {folder} on {self.settings.label} "
                "(deleted or moved by another client); reload the folder."
            )
        # IMAP sends CRLF line ends; return LF like a Maildir or mbox file, so that every
        # backend gives the same bytes for the same message (APPEND turns LF back into CRLF).
        return bytes(entry[b"BODY[]"]).replace(b"\r\n", b"\n")

    def fetch_preview(self, folder: str, ref: MessageRef, limit: int = PREVIEW_LIMIT) -> bytes | None:
        """For a message over `limit` bytes: its text parts, attachments as placeholders (parts.py).

        None when the message is not that large (use `fetch_raw`). LF line ends, never sets \\Seen.
        """
        uids = _uids([ref])
        binary = "BINARY" in self._conn.server_capabilities

        def op(c: IMAPClient) -> bytes | None:
            self._check_validity(folder)
            return imap_parts.fetch_preview(c, uids[0], limit, binary=binary) if uids else None

        preview = self._run(
            op, folder=folder, readonly=True, action=f"to fetch message {ref.key} in {folder}"
        )
        return None if preview is None else preview.replace(b"\r\n", b"\n")

    def fetch_part(self, folder: str, ref: MessageRef, part: str) -> bytes:
        """The decoded payload of IMAP part `part` ("2", "1.3") of a message (BODY.PEEK: not marked seen)."""
        uids = _uids([ref])

        def op(c: IMAPClient) -> dict[int, Any]:
            self._check_validity(folder)
            return c.fetch(uids, ["BODYSTRUCTURE", f"BODY.PEEK[{part}]"]) if uids else {}

        data = self._run(
            op, folder=folder, readonly=True, action=f"to fetch part {part} of message {ref.key}"
        )
        entry = data.get(uids[0]) if uids else None
        body = entry.get(f"BODY[{part}]".encode()) if entry else None
        leaf = imap_parts.find(imap_parts.parse_structure(entry[b"BODYSTRUCTURE"]), part) if entry else None
        if entry is None or body is None or leaf is None:
            raise MessageNotFoundError(
                f"part {part} of message UID {ref.key} is not in {folder} on {self.settings.label} "
                "(deleted or moved by another client); reload the folder."
            )
        return imap_parts.decode_part(bytes(body), leaf)

    def append(self, folder: str, raw: bytes, flags: frozenset[Flag] = frozenset()) -> None:
        self._run(
            lambda c: c.append(folder, raw, flags=[f.value for f in flags]),
            action=f"to store a message in {folder}",
        )

    def wait_for_changes(self, folder: str, timeout: float) -> bool:
        watcher = self._side_helper("_watcher", "idle", ChangeWatcher)
        if watcher is None:
            return False
        watcher.idle_renew = self.idle_renew
        changed = watcher.wait(folder, timeout)
        # The server answered: a good moment to apply changes queued while it did not (the
        # UI calls this every few seconds, so this is the reconnect loop of the queue).
        self.flush_pending()
        return changed

    def prefetch_envelopes(
        self,
        folder: str,
        refs: Sequence[MessageRef],
        batch: int = 500,
        should_stop: Callable[[], bool] | None = None,
    ) -> int:
        """Fill the header cache for `refs`, in order, `batch` at a time, on a connection of its own.

        For the rows off screen: call it from a background thread after the first window
        is shown; the UI's calls are never blocked by it. `should_stop()` is asked before
        each batch (cancel by returning True); closing the backend stops it too. Returns
        how many headers were fetched (0 without a header cache).
        """
        cache = self._cache
        if cache is None or not refs:
            return 0
        prefetcher = self._side_helper("_prefetcher", "prefetch", lambda conn: Prefetcher(conn, cache))
        if prefetcher is None:
            return 0
        expected = self._listed_validity.get(folder)
        uids = refs.uids() if isinstance(refs, UidRefList) else _uids(refs)
        if expected is not None:
            # Off the first screen's path: with 100k cached rows this takes a while.
            self._prune_cache(folder, expected, uids)
        try:
            return prefetcher.run(folder, uids, expected, batch, should_stop)
        except BackendError:
            if self._closed:
                return 0  # closed meanwhile: a cancel, not an error
            raise

    def _side_helper(self, attr: str, label: str, make: Callable[[ImapConnection], _H]) -> _H | None:
        """The watcher or prefetcher (`attr`) on a connection of its own, made on first use;
        None once the backend is closed."""
        with self._watch_lock:
            if self._closed:
                return None
            needed = getattr(self, attr) is None
        # A token command may take a while: not under the lock that close() needs.
        secret = self._refresh_secret() if needed and self._refresh_secret is not None else self._password
        with self._watch_lock:
            if self._closed:
                return None
            if getattr(self, attr) is None:
                conn = ImapConnection(
                    self.settings,
                    secret,
                    self._transcript,
                    label,
                    auth=self._auth,
                    refresh_secret=self._refresh_secret,
                )
                setattr(self, attr, make(conn))
            return getattr(self, attr)

    def close(self) -> None:
        with self._watch_lock:
            self._closed = True
            watcher, self._watcher = self._watcher, None
            prefetcher, self._prefetcher = self._prefetcher, None
        if watcher is not None:
            watcher.close()
        if prefetcher is not None:
            prefetcher.close()
        self._conn.close()
        self._queue.close()
        if self._cache is not None:
            self._cache.close()

    # -- changes: flags, moves, deletes (ImapChanges, with the offline queue) ---------------
    def set_flags(
        self,
        folder: str,
        refs: Iterable[MessageRef],
        add: frozenset[Flag] = frozenset(),
        remove: frozenset[Flag] = frozenset(),
    ) -> list[MessageRef]:
        return self.changes.set_flags(folder, refs, add, remove)

    def move(self, folder: str, refs: Iterable[MessageRef], destination: str) -> None:
        self.changes.move(folder, refs, destination)

    def delete(self, folder: str, refs: Iterable[MessageRef]) -> None:
        """Trash mode: move to the \\Trash folder, or expunge when already there. Mark mode: \\Deleted."""
        self.changes.delete(folder, refs)

    def expunge(self, folder: str) -> int:
        return self.changes.expunge(folder)

    def flush_pending(self) -> int:
        """Try to apply the changes queued while offline now; how many were applied."""
        return self.changes.flush_pending()

    @property
    def pending_changes(self) -> int:
        """Changes (flags, moves, deletes) queued while offline, applied after reconnecting."""
        return self.changes.pending_changes

    @property
    def dropped_changes(self) -> list[str]:
        return self.changes.dropped_changes

    @property
    def connection_state(self) -> str:
        """For the status bar: "connected", "reconnecting (attempt 2)", "offline: 3 changes queued"."""
        if self._closed:
            return "closed"
        # The new-mail watcher's connection counts too: it is the one talking to the server
        # while the user only reads, so it is the first to notice an outage.
        watcher = self._watcher
        conns = [self._conn] + ([watcher.conn] if watcher is not None else [])
        attempt = max(conn.reconnect_attempt for conn in conns)
        if attempt:
            return f"reconnecting (attempt {attempt})"
        n = self.changes.pending_changes
        queued = f"{n} change{'' if n == 1 else 's'} queued"
        if any(conn.offline for conn in conns):
            return f"offline: {queued}"
        return f"connected, {queued}" if n else "connected"

    def _check_validity(self, folder: str) -> int | None:
        """The folder's UIDVALIDITY; BackendError when it changed since list_refs gave out UIDs.

        Acting on old UIDs under a new UIDVALIDITY would touch other messages (the folder
        was deleted and re-created, or the server rebuilt its index): refuse, ask to reload.
        """
        now = self._conn.uidvalidity.get(folder)
        seen = self._listed_validity.get(folder)
        if now is not None and seen is not None and now != seen:
            raise BackendError(
                f"the folder {folder} on {self.settings.label} was re-created or re-indexed by the "
                f"server (UIDVALIDITY {seen} -> {now}), so the messages on screen no longer match "
                "the server's. Nothing was changed; reload the folder.",
                title="Folder changed on the server",
            )
        return now

    # -- helpers -----------------------------------------------------------------
    def run_in(self, folder: str, fn: Callable[[IMAPClient], T], *, action: str) -> T:
        """`fn(client)` with `folder` selected read-write (imap/drafts.py)."""
        return self._run(fn, folder=folder, action=action)

    def _run(self, fn: Callable[[IMAPClient], T], **kw: Any) -> T:
        """`ImapConnection.run`, after replaying the changes queued while offline."""
        self.changes.flush()
        return self._conn.run(fn, **kw)

    def _prune_cache(self, folder: str, validity: int, uids: Sequence[int] | None = None) -> None:
        """Forget cached headers of old UIDVALIDITYs (each listing) and of expunged UIDs (given
        `uids`; once per folder and session, from the prefetch: it reads every cached UID)."""
        if self._cache is None:
            return
        if uids is None:
            self._cache.prune(folder, validity)
        elif (folder, validity) not in self._pruned:
            self._pruned.add((folder, validity))
            self._cache.prune(folder, validity, uids)
