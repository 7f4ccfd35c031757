"""Chinese for sending: send, sendmail, the queue, dispatch and the outbox."""

from __future__ import annotations

CATALOG: dict[str, str] = {}
