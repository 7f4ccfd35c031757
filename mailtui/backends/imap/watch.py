"""`wait_for_changes` for IMAP: IDLE (RFC 2177) on a second connection, NOOP polling without it.

The watcher keeps its own connection selected (EXAMINE) on the folder between calls, so
changes that happen while nobody waits are queued by the server and reported by the NOOP
at the start of the next wait: "changed" means "since the previous wait returned".
IDLE is re-issued every `idle_renew` seconds, 25 minutes by default (servers may drop an
IDLE after 30; RFC 2177 asks for less than 29). A BYE, or an
`idle_check` that returns nothing long before its timeout (a dead socket, library-facts
§2), is treated as a dropped connection: the connection reconnects, re-selects, and a
different EXISTS/UIDNEXT than before counts as a change.

The first IDLE of each wait lasts only `SETTLE` seconds, then DONE and a NOOP: a message
that arrives between the SELECT (or NOOP) and the server's IDLE taking effect is not
reported by Dovecot 2.3 until its `mailbox_idle_check_interval` (30 s) — seen in the suite
under load, a delivery 2 ms after EXAMINE went unnoticed — and the NOOP reports it at once.
"""

from __future__ import annotations

import time
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError

from mailtui.backends.imap.connection import ImapConnection
from mailtui.core.errors import BackendError

IDLE_RENEW = 25 * 60.0  # seconds; RFC 2177 asks to re-issue IDLE at least every 29 minutes
POLL_INTERVAL = 15.0  # seconds between NOOPs when the server has no IDLE
SETTLE = 1.0  # seconds of the first IDLE of a wait, before a NOOP catches what it missed
EARLY = 0.5  # an idle_check returning [] this much before its timeout means the socket died
_CHANGES = frozenset({b"EXISTS", b"EXPUNGE", b"FETCH", b"VANISHED"})


def has_changes(responses: list[Any]) -> bool:
    """True when untagged responses report new, expunged or re-flagged messages.

    Raises IMAPClientAbortError on BYE, so that the connection reconnects.
    """
    for resp in responses:
        if not isinstance(resp, tuple) or len(resp) < 2:
            continue
        if resp[0] == b"BYE":
            raise IMAPClientAbortError("the server said BYE: " + repr(resp[1:]))
        if resp[1] in _CHANGES:
            return True
    return False


class ChangeWatcher:
    """Blocks until a folder changes, on a connection of its own."""

    def __init__(self, conn: ImapConnection, idle_renew: float = IDLE_RENEW) -> None:
        self.conn = conn
        self.idle_renew = idle_renew  # seconds between DONE and a fresh IDLE
        self._folder: str | None = None
        self._snapshot: tuple[object, ...] | None = None

    def wait(self, folder: str, timeout: float) -> bool:
        """True as soon as `folder` changed, False after `timeout` seconds (or when closed)."""
        deadline = time.monotonic() + max(0.0, timeout)
        try:
            return self.conn.run(
                lambda c: self._wait(c, folder, deadline), action=f"to watch {folder} for changes"
            )
        except BackendError:
            if self.conn.closed:
                return False
            raise

    def close(self) -> None:
        """Wake a blocked `wait` (it returns False) and log out."""
        self.conn.interrupt()
        self.conn.close()

    # -- internals ---------------------------------------------------------------
    def _wait(self, c: IMAPClient, folder: str, deadline: float) -> bool:
        if self._sync(c, folder):
            return True
        if "IDLE" in self.conn.server_capabilities:
            return self._idle(c, deadline)
        return self._poll(c, deadline)

    def _sync(self, c: IMAPClient, folder: str) -> bool:
        """Select `folder` if needed (comparing with what was seen before), else flush pending news."""
        if self.conn.selected != folder:
            self.conn.select(c, folder, readonly=True)
            info = self.conn.select_info
            snapshot = tuple(info.get(k) for k in (b"UIDVALIDITY", b"EXISTS", b"UIDNEXT", b"HIGHESTMODSEQ"))
            changed = self._folder == folder and self._snapshot is not None and snapshot != self._snapshot
            self._folder, self._snapshot = folder, snapshot
            return changed
        return has_changes(c.noop()[1])

    def _idle(self, c: IMAPClient, deadline: float) -> bool:
        settling = True  # the first IDLE is short, then a NOOP (the module's docstring)
        while not self.conn.closed:
            if deadline - time.monotonic() <= 0:
                return False
            c.idle()
            renew_at = time.monotonic() + (min(SETTLE, self.idle_renew) if settling else self.idle_renew)
            check, settling = settling, False
            changed = dead = ending = False
            try:
                while not self.conn.closed:
                    wait = min(deadline, renew_at) - time.monotonic()
                    if wait <= 0:
                        break
                    started = time.monotonic()
                    responses = c.idle_check(timeout=wait)
                    if has_changes(responses):  # raises on BYE: no DONE then (below)
                        changed = True
                        break
                    if not responses and time.monotonic() - started < wait - EARLY:
                        dead = True  # probe below: idle_done()/noop() raise if the socket is gone
                        break
            except (IMAPClientAbortError, OSError):
                # BYE or a socket error: the link is going away. Sending DONE and waiting for
                # its tagged reply could block for the whole socket timeout; the caller
                # (ImapConnection.run) reconnects at once instead.
                ending = True
                raise
            finally:
                if not ending and not self.conn.closed:
                    _, more = c.idle_done()
                    changed = has_changes(more) or changed
            if changed:
                return True
            if (dead or check) and has_changes(c.noop()[1]):
                return True
        return False

    def _poll(self, c: IMAPClient, deadline: float) -> bool:
        while not self.conn.closed:
            wait = deadline - time.monotonic()
            if wait <= 0:
                return False
            if self.conn.closed_event.wait(min(POLL_INTERVAL, wait)):
                return False
            if has_changes(c.noop()[1]):
                return True
        return False
