"""What one session learned, for the diagnostic bundle: the last inspected headers, DNS checks.

Textual-free: the diagnostics screen records a message when the header inspector (H) shows
it, and the DNS tab each report it formats; the bundle reads both later, even after the
screen that learned them was closed.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

from mailtui.session.session import Session

# Enough for a support ticket; older checks are dropped first.
MAX_DNS_REPORTS = 10


@dataclass
class Learned:
    """The session's findings; written on the event loop, read by the bundle's worker."""

    last_inspected_headers: bytes | None = None
    dns_reports: list[tuple[str, str]] = field(default_factory=list)  # (domain, formatted report)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def inspected(self, raw: bytes) -> None:
        """The header inspector showed `raw` (the whole message; the bundle keeps its headers)."""
        with self._lock:
            self.last_inspected_headers = raw

    def dns_checked(self, domain: str, report: str) -> None:
        """A DNS check of `domain` ended with `report` (the text the DNS tab showed)."""
        with self._lock:
            self.dns_reports.append((domain, report))
            del self.dns_reports[:-MAX_DNS_REPORTS]

    def snapshot(self) -> tuple[bytes | None, list[tuple[str, str]]]:
        """The last inspected message and the DNS reports, as of now."""
        with self._lock:
            return self.last_inspected_headers, list(self.dns_reports)


_LEARNED: weakref.WeakKeyDictionary[Session, Learned] = weakref.WeakKeyDictionary()


def learned_for(session: Session) -> Learned:
    """The findings of `session` (created empty on first use)."""
    found = _LEARNED.get(session)
    if found is None:
        found = _LEARNED[session] = Learned()
    return found
