"""A postponed draft in the account's IMAP Drafts folder: stored, replaced and removed by its id.

The folder is the configured `drafts_folder` when the server has one of that name, else the
one it marks \\Drafts (RFC 6154); with neither, None (the draft stays local only). Each copy
has the Message-ID `<DRAFT_ID@draft.mailtui.invalid>`, so storing it again first removes the
earlier copy (UID SEARCH HEADER Message-ID NOT DELETED, \\Deleted, UID EXPUNGE with
UIDPLUS) and sending or discarding the draft removes it. Other messages in the folder are
never touched: without UIDPLUS the copies are only flagged \\Deleted, not expunged (so the
search skips them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailtui.core.models import Flag, SpecialUse

if TYPE_CHECKING:
    from imapclient import IMAPClient

    from mailtui.backends.imap.backend import ImapBackend

DRAFT_DOMAIN = "draft.mailtui.invalid"


def draft_message_id(draft_id: str) -> str:
    return f"<{draft_id}@{DRAFT_DOMAIN}>"


def drafts_folder(backend: ImapBackend, configured: str) -> str | None:
    """The configured folder when it exists, else the server's \\Drafts, else None."""
    folders = backend.list_folders()
    if any(f.name == configured for f in folders):
        return configured
    return next((f.name for f in folders if f.special_use == SpecialUse.DRAFTS), None)


def remove_copies(backend: ImapBackend, folder: str, draft_id: str) -> int:
    """Remove the stored copies of `draft_id` from `folder`; how many there were."""

    def op(c: IMAPClient) -> int:
        # Without UIDPLUS the copies replaced before stay, flagged \Deleted: not this draft's now.
        uids = c.search(["HEADER", "Message-ID", draft_message_id(draft_id), "NOT", "DELETED"])
        if not uids:
            return 0
        c.add_flags(uids, [Flag.DELETED.value], silent=True)
        if c.has_capability("UIDPLUS"):
            c.uid_expunge(uids)
        return len(uids)

    return backend.run_in(folder, op, action=f"to replace the draft in {folder}")


def store_copy(backend: ImapBackend, folder: str, raw: bytes, draft_id: str) -> None:
    """Put `raw` (the draft as a message) in `folder`, in place of its earlier copy."""
    remove_copies(backend, folder, draft_id)
    backend.append(folder, raw, frozenset({Flag.DRAFT, Flag.SEEN}))
