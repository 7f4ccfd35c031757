"""Postponed drafts kept in the account's IMAP Drafts folder too, as mutt's postponed folder (beside the Sent copy of dispatch.py).

A postponed draft is always written locally first (store/drafts.py: crash recovery, the
drafts list, attachments); for an account with IMAP it is also appended to the server's
Drafts folder flagged \\Draft \\Seen (imap/drafts.py picks the folder), so another client
sees it. Postponing it again replaces that copy; sending, queueing or discarding it removes
it. An account without IMAP, or a server without a Drafts folder, keeps the draft locally
only (None). Each call opens a connection of its own and closes it, like the Sent copy.

The calls run on worker threads, and a quick postpone, resume and send gives one draft two
at once: its server-copy work is serialised by a lock per draft id, and each request takes
a number when it is made (`next_ticket`, on the UI thread), so a request that starts late
never undoes a newer one that already ran (a store after the removal of a sent draft).
"""

from __future__ import annotations

import dataclasses
import itertools
import socket
import threading
from collections.abc import Callable
from email.header import Header
from typing import TYPE_CHECKING, TypeVar

from mailtui.core.compose import ComposeError, Draft, build_message, envelope_sender, message_bytes

if TYPE_CHECKING:
    from mailtui.backends.imap.backend import ImapBackend
    from mailtui.config.model import AccountConfig
    from mailtui.core.transcript import Transcript


T = TypeVar("T")

_tickets = itertools.count(1)
_guard = threading.Lock()
# Per (account, draft id): the copy of one draft on one server. A draft resumed from one
# account and postponed from another has two, worked on independently (a removal there must
# not make the store here look older than it).
_locks: dict[tuple[str, str], threading.Lock] = {}  # while some work on it runs or waits
_users: dict[tuple[str, str], int] = {}
_done: dict[tuple[str, str], int] = {}  # the newest ticket whose work ran


def next_ticket() -> int:
    """A number for a request about a draft's server copy, taken when the request is made."""
    return next(_tickets)


def _serialised(draft_id: tuple[str, str], ticket: int | None, skipped: T, work: Callable[[], T]) -> T:
    """Run `work` alone for `draft_id` (account, id); `skipped` when a newer ticket already ran."""
    with _guard:
        lock = _locks.setdefault(draft_id, threading.Lock())
        _users[draft_id] = _users.get(draft_id, 0) + 1
    try:
        with lock:
            if ticket is not None and ticket < _done.get(draft_id, 0):
                return skipped
            result = work()
            if ticket is not None:
                _done[draft_id] = ticket
            return result
    finally:
        with _guard:
            _users[draft_id] -= 1
            if not _users[draft_id]:
                del _users[draft_id], _locks[draft_id]


def _backend(account: AccountConfig, transcript: Transcript | None) -> ImapBackend:
    from mailtui.backends.imap.backend import ImapBackend as Imap

    return Imap.from_account(account, transcript)  # an account with `imap`: the callers check


def draft_bytes(draft: Draft, draft_id: str) -> bytes:
    """The draft as the message stored in Drafts, with the Message-ID that names it.

    A draft is often unfinished: address fields that are not addresses yet (`bob@`) are
    kept as typed (RFC 2047-encoded text), and Bcc is kept too (the copy is the user's own).
    """
    from mailtui.backends.imap.drafts import DRAFT_DOMAIN, draft_message_id

    kept = [(n, v) for n, v in draft.extra_headers if n.lower() != "message-id"]
    copy = dataclasses.replace(draft, extra_headers=(*kept, ("Message-ID", draft_message_id(draft_id))))
    try:
        domain = envelope_sender(draft).rpartition("@")[2]
    except ComposeError:
        domain = ""
    domain = domain or socket.getfqdn() or DRAFT_DOMAIN
    fields = {"From": draft.from_addr, "To": draft.to, "Cc": draft.cc}
    try:
        raw = message_bytes(build_message(copy, message_id_domain=domain))
        as_typed = {"Bcc": draft.bcc}
    except ComposeError:  # an address not finished: every address field as typed
        nobody = f"draft@{DRAFT_DOMAIN}"  # From and a Bcc (never a header) build_message needs
        bare = dataclasses.replace(copy, from_addr=nobody, to="", cc="", bcc=nobody)
        raw = message_bytes(build_message(bare, message_id_domain=domain))
        head, blank, rest = raw.partition(b"\r\n\r\n" if b"\r\n\r\n" in raw else b"\n\n")
        lines = head.splitlines(keepends=True)  # the placeholder From: only, never the body's
        lines = [line for line in lines if not line.lower().startswith(b"from:")]
        raw = b"".join(lines) + blank + rest
        as_typed = {**fields, "Bcc": draft.bcc}
    sep = b"\r\n" if b"\r\n" in raw else b"\n"
    head = b"".join(
        f"{name}: {_as_typed(value, sep.decode())}".encode("ascii") + sep
        for name, value in as_typed.items()
        if value.strip()
    )
    return head + raw


def _as_typed(value: str, linesep: str) -> str:
    """A field as typed: ASCII as it is (addresses stay readable), else RFC 2047 words."""
    value = " ".join(value.split())  # no CR/LF
    return value if value.isascii() else Header(value, "utf-8").encode(linesep=linesep)


def store_postponed(
    account: AccountConfig,
    draft: Draft,
    draft_id: str,
    transcript: Transcript | None = None,
    *,
    ticket: int | None = None,
) -> str | None:
    """Store (or replace) the draft in the account's IMAP Drafts folder; "account:folder" or
    None (no IMAP, no Drafts folder, or a newer request than `ticket` already ran)."""
    if account.imap is None:
        return None
    from mailtui.backends.imap.drafts import drafts_folder, store_copy

    raw = draft_bytes(draft, draft_id)  # a draft that cannot be a message raises before connecting

    def work() -> str | None:
        backend = _backend(account, transcript)
        try:
            folder = drafts_folder(backend, account.drafts_folder)
            if folder is None:
                return None
            store_copy(backend, folder, raw, draft_id)
            return f"{account.name}:{folder}"
        finally:
            backend.close()

    return _serialised((account.name, draft_id), ticket, None, work)


def forget_postponed(
    account: AccountConfig, draft_id: str, transcript: Transcript | None = None, *, ticket: int | None = None
) -> int:
    """Remove the draft's copy from the account's IMAP Drafts folder; how many were removed."""
    if account.imap is None:
        return 0
    from mailtui.backends.imap.drafts import drafts_folder, remove_copies

    def work() -> int:
        backend = _backend(account, transcript)
        try:
            folder = drafts_folder(backend, account.drafts_folder)
            return 0 if folder is None else remove_copies(backend, folder, draft_id)
        finally:
            backend.close()

    return _serialised((account.name, draft_id), ticket, 0, work)
