"""Cheap flag sync with CONDSTORE (RFC 7162): cached flags plus one CHANGEDSINCE fetch.

Without CONDSTORE every index window costs a `UID FETCH <uids> (FLAGS)`. With it, the
header cache also keeps each message's flags and the folder's HIGHESTMODSEQ they are
current as of; bringing them up to date is one `UID FETCH 1:* (FLAGS) (CHANGEDSINCE n)`,
which returns only the messages whose flags changed (or that arrived) since: usually
nothing. Expunges are not reported this way; `list_refs` (UID SEARCH) and the cache's
prune take care of those.

Invariant: when the cache holds a modseq M for a folder, every cached flag set is at least
as new as M. The first sync of a folder forgets its cached flags and takes M from the
SELECT's HIGHESTMODSEQ, which was sent before any flags are fetched afterwards.
"""

from __future__ import annotations

from typing import Any

from imapclient import IMAPClient
from imapclient.response_parser import parse_fetch_response

from mailtui.backends.imap.connection import ImapConnection
from mailtui.backends.imap.fetch import flags_text, parse_flags
from mailtui.backends.imap.header_cache import HeaderCache
from mailtui.core.models import Flag


def sync_flags(
    c: IMAPClient, conn: ImapConnection, cache: HeaderCache | None, folder: str, uidvalidity: int | None
) -> bool:
    """Bring the cached flags of the selected `folder` up to date; False when not possible.

    True means the flags in the cache for this folder are current and may be served
    instead of fetching FLAGS (flags of UIDs not in the cache still have to be fetched).
    """
    if cache is None or not cache.enabled or uidvalidity is None:
        return False
    if "CONDSTORE" not in conn.server_capabilities:
        return False
    stored = cache.modseq(folder, uidvalidity)
    if stored is None:
        highest = conn.select_info.get(b"HIGHESTMODSEQ")
        if not isinstance(highest, int) or highest <= 0:
            return False  # the server keeps no mod-sequences for this folder (NOMODSEQ)
        cache.set_modseq(folder, uidvalidity, highest, reset=True)
        return cache.enabled
    changed = changed_since(c, stored)
    if changed:
        cache.put_flags(folder, uidvalidity, {uid: flags_text(flags) for uid, (flags, _) in changed.items()})
        cache.set_modseq(folder, uidvalidity, max([stored, *(m for _, m in changed.values())]))
    return cache.enabled


def changed_since(c: IMAPClient, modseq: int) -> dict[int, tuple[frozenset[Flag], int]]:
    """`UID FETCH 1:* (FLAGS) (CHANGEDSINCE modseq)`: {uid: (flags, modseq)} of changed messages.

    Sent through imaplib underneath: imapclient 4.1's `fetch("1:*")` drops every answer
    (it filters responses by the message set, which it cannot expand; library-facts §2).
    """
    imap = c._imap
    tag = imap._command("UID", "FETCH", "1:*", "(FLAGS)", f"(CHANGEDSINCE {int(modseq)})")
    typ, data = imap._command_complete("FETCH", tag)
    c._checkok("fetch", typ, data)
    typ, data = imap._untagged_response(typ, data, "FETCH")
    found: dict[int, tuple[frozenset[Flag], int]] = {}
    for uid, entry in parse_fetch_response(data, False, True).items():
        if isinstance(uid, int) and b"FLAGS" in entry:
            found[uid] = (parse_flags(entry[b"FLAGS"]), _modseq(entry))
    return found


def _modseq(entry: dict[bytes, Any]) -> int:
    value = entry.get(b"MODSEQ")
    if isinstance(value, tuple | list) and value:
        value = value[0]
    return int(value) if isinstance(value, int) else 0
