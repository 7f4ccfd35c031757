"""Value types shared by every layer: folders, message references, envelopes, flags.

Kept small and immutable. An index row is one `MessageRef` plus, once fetched, one
`Envelope`: no parsed `email.message.Message` is ever kept per row.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Flag(enum.Enum):
    """Message flags, named after IMAP system flags (and the `$Forwarded` keyword of RFC 5788,
    as mutt, neomutt and aerc set it); Maildir letters in `maildir_letter` (P: passed)."""

    SEEN = "\\Seen"
    ANSWERED = "\\Answered"
    FLAGGED = "\\Flagged"
    DELETED = "\\Deleted"
    DRAFT = "\\Draft"
    FORWARDED = "$Forwarded"

    @property
    def maildir_letter(self) -> str:
        return _MAILDIR_LETTERS[self]

    @classmethod
    def from_maildir_info(cls, info: str) -> frozenset[Flag]:
        """Flags from the part of a Maildir name after ':2,' (unknown letters ignored)."""
        return frozenset(flag for flag, letter in _MAILDIR_LETTERS.items() if letter in info)


_MAILDIR_LETTERS = {
    Flag.DRAFT: "D",
    Flag.FLAGGED: "F",
    Flag.FORWARDED: "P",
    Flag.ANSWERED: "R",
    Flag.SEEN: "S",
    Flag.DELETED: "T",
}


class SpecialUse(enum.Enum):
    """RFC 6154 special-use roles (plus INBOX)."""

    INBOX = "\\Inbox"
    SENT = "\\Sent"
    DRAFTS = "\\Drafts"
    TRASH = "\\Trash"
    JUNK = "\\Junk"
    ARCHIVE = "\\Archive"


@dataclass(frozen=True, slots=True)
class Folder:
    """A mailbox folder. `name` is the backend's identity for it (IMAP name, Maildir++ name)."""

    name: str
    display_name: str = ""
    delimiter: str = "/"
    special_use: SpecialUse | None = None
    total: int | None = None
    unread: int | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.name


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Cheap identity of one message in one folder.

    `key` is stable while the message stays in the folder: the Maildir unique name (without
    the ':2,' flag suffix), the mbox key, or the IMAP UID as a string. `timestamp` is the
    best date known without reading the message (Maildir delivery time, IMAP INTERNALDATE),
    used to order the index newest first before any header is read. `hint` is where the
    backend saw the message when it listed the folder (Maildir: `cur/<file name>`), a
    shortcut for finding it again; it is not part of the identity (not compared).
    """

    key: str
    timestamp: float = 0.0
    hint: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Envelope:
    """What an index row shows, decoded to str. Built from compat32 header parsing."""

    ref: MessageRef
    date: float | None = None  # POSIX timestamp from the Date header, None if unparsable
    sender: str = ""  # display form of From: "Name <addr>" or "addr"
    sender_address: str = ""
    to: str = ""
    cc: str = ""
    subject: str = ""
    size: int = 0
    flags: frozenset[Flag] = frozenset()
    message_id: str = ""
    in_reply_to: str = ""
    references: tuple[str, ...] = ()
    has_attachments: bool = False

    @property
    def is_unread(self) -> bool:
        return Flag.SEEN not in self.flags

    @property
    def sort_date(self) -> float:
        return self.date if self.date is not None else self.ref.timestamp


class TLSState(enum.Enum):
    """How a connection is protected, for the status bar."""

    LOCAL = "local"  # no network: Maildir, mbox
    VERIFIED = "tls"  # TLS with a verified certificate
    UNVERIFIED = "tls-unverified"  # TLS, verification turned off by config
    PLAINTEXT = "plaintext"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a backend or server can do; the UI enables features from this."""

    names: frozenset[str] = frozenset()  # raw server capability names, upper case
    can_move: bool = True
    can_idle: bool = False
    can_search_body: bool = True
    can_append: bool = True
    tls: TLSState = TLSState.LOCAL
    description: str = ""  # e.g. "Maildir /home/a/Mail" or "IMAP alice@host:993 (TLS)"
    has_trash: bool = True  # False (an mbox): delete marks, purge removes (mutt's model)
    read_only: bool = False  # the mailbox cannot be written: changes stay in memory
    note: str = ""  # one line for the status bar about the mailbox's state ("read-only: ...")
