"""IMAP folder listing: LIST with special-use flags (RFC 6154) and MESSAGES/UNSEEN counts.

With LIST-STATUS (RFC 5819) the counts come in the same round trip as the list:
`LIST "" "*" RETURN (SPECIAL-USE STATUS (MESSAGES UNSEEN))`. imapclient has no call for
that, so it goes through imaplib underneath (imapclient's `_imap`, pinned version); any
trouble there falls back to LIST plus one STATUS per folder, which costs a round trip per
folder (seconds for 200 folders over a slow link).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from imapclient import IMAPClient
from imapclient.imap_utf7 import decode as decode_utf7
from imapclient.response_parser import parse_response

from mailtui.core.models import Folder, SpecialUse

_SPECIAL = {use.value.lower(): use for use in SpecialUse if use is not SpecialUse.INBOX}
_SKIP = frozenset({"\\noselect", "\\nonexistent"})


def list_folders(c: IMAPClient, capabilities: frozenset[str], subscribed_only: bool) -> list[Folder]:
    """Selectable folders, INBOX first then by name, with counts where the server gives them."""
    listed: list[tuple[Any, Any, Any]] | None = None
    counts: dict[str, tuple[int, int]] = {}
    if "LIST-STATUS" in capabilities and "LIST-EXTENDED" in capabilities:
        try:
            listed, counts = _list_status(c)
        except (IMAPClient.Error, ValueError, TypeError) as exc:
            if isinstance(exc, IMAPClient.AbortError):
                raise
            listed = None  # a server that advertises it but chokes: do it the slow way
    if listed is None:
        listed = c.list_folders()
    subscribed = {_text(name) for _, _, name in c.list_sub_folders()} if subscribed_only else None
    folders: list[Folder] = []
    for raw_flags, delimiter, raw_name in listed:
        name = _text(raw_name)
        flags = {_text(f).lower() for f in raw_flags}
        if flags & _SKIP:
            continue
        is_inbox = name.upper() == "INBOX"
        if subscribed is not None and not is_inbox and name not in subscribed:
            continue
        special = SpecialUse.INBOX if is_inbox else next((_SPECIAL[f] for f in flags if f in _SPECIAL), None)
        total, unread = counts.get(name) or _status(c, name)
        folders.append(
            Folder(
                name="INBOX" if is_inbox else name,
                delimiter=_text(delimiter) if delimiter else "/",
                special_use=special,
                total=total,
                unread=unread,
            )
        )
    folders.sort(key=lambda f: (f.special_use is not SpecialUse.INBOX, f.name.casefold()))
    return folders


class FolderCache:
    """The folder list of one backend, listed once and reused until a folder is created."""

    def __init__(self, list_now: Callable[[], list[Folder]]) -> None:
        self._list_now = list_now
        self._folders: list[Folder] | None = None

    def get(self) -> list[Folder]:
        """The folders, listed now if they are not known."""
        if self._folders is None:
            self._folders = self._list_now()
        return self._folders

    def set(self, folders: list[Folder]) -> None:
        """Folders just listed by the backend itself."""
        self._folders = folders

    def forget(self) -> None:
        """A folder was created: list again next time."""
        self._folders = None


def find_trash(folders: list[Folder], wanted: str) -> str | None:
    """The trash folder: special-use \\Trash, else `wanted` by name, else a folder ending in it.

    The last rule finds "INBOX.Trash" for "Trash" on servers that keep everything under
    INBOX (Courier, Cyrus) and announce no special-use.
    """
    for f in folders:
        if f.special_use is SpecialUse.TRASH:
            return f.name
    for f in folders:
        if f.name == wanted:
            return f.name
    for f in folders:
        if f.name.rsplit(f.delimiter, 1)[-1].casefold() == wanted.casefold():
            return f.name
    return None


def create_in_personal_namespace(c: IMAPClient, name: str, has_namespace: bool) -> str:
    """CREATE `name` under the personal namespace prefix (e.g. "INBOX."); returns the full name."""
    prefix = ""
    if has_namespace:
        personal = c.namespace().personal or ()
        prefix = _text(personal[0][0]) if personal and personal[0] else ""
    full = name if name.startswith(prefix) else prefix + name
    c.create_folder(full)
    return full


def _list_status(c: IMAPClient) -> tuple[list[tuple[Any, Any, Any]], dict[str, tuple[int, int]]]:
    imap = c._imap  # imapclient has no LIST ... RETURN (STATUS)
    typ, dat = imap._simple_command("LIST", '""', '"*"', "RETURN", "(SPECIAL-USE STATUS (MESSAGES UNSEEN))")
    if typ != "OK":
        raise IMAPClient.Error(f"LIST RETURN STATUS failed: {dat!r}")
    _, list_data = imap._untagged_response(typ, dat, "LIST")
    _, status_data = imap._untagged_response(typ, dat, "STATUS")
    listed = c._proc_folder_list(list_data)  # same parsing as list_folders()
    counts: dict[str, tuple[int, int]] = {}
    items = parse_response([item for item in status_data if item not in (b"", None)])
    for raw_name, values in zip(items[::2], items[1::2], strict=False):
        name = str(raw_name) if isinstance(raw_name, int) else decode_utf7(raw_name)
        pairs = dict(zip(values[::2], values[1::2], strict=False))
        if b"MESSAGES" in pairs and b"UNSEEN" in pairs:
            counts[name] = (int(pairs[b"MESSAGES"]), int(pairs[b"UNSEEN"]))
    return listed, counts


def _status(c: IMAPClient, name: str) -> tuple[int | None, int | None]:
    try:
        status = c.folder_status(name, [b"MESSAGES", b"UNSEEN"])
        return int(status[b"MESSAGES"]), int(status[b"UNSEEN"])
    except (KeyError, ValueError, IMAPClient.Error) as exc:
        if isinstance(exc, IMAPClient.AbortError):
            raise
        return None, None  # a folder the server will not count: shown without numbers


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
