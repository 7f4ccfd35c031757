"""One event model for both MTAs: what a log line says about a message, MTA-independent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Kind = Literal[
    "client",  # accepted a connection's message: client=host[ip]
    "message-id",
    "from",  # sender, size, nrcpt (Postfix qmgr; Exim <=)
    "delivery",  # one recipient's attempt: relay, delay, dsn, status, reply
    "notification",  # a bounce/delay notice was queued as new_id
    "removed",  # left the queue (Postfix removed, Exim Completed)
    "reject",  # refused during SMTP (NOQUEUE or with a queue id)
    "expired",
    "other",
]
Status = Literal["sent", "deferred", "bounced", "expired", ""]


@dataclass(frozen=True)
class MailEvent:
    """One fact from one log line; unused fields stay empty. Text fields are untrusted."""

    time: datetime
    mta: str  # "postfix" | "exim"
    kind: Kind
    queue_id: str = ""
    program: str = ""
    address: str = ""  # the recipient (delivery, reject) or sender (from)
    orig_to: str = ""
    sender: str = ""
    client: str = ""
    message_id: str = ""
    size: int | None = None
    nrcpt: int | None = None
    relay: str = ""
    delay: float | None = None
    delays: tuple[float, float, float, float] | None = None
    dsn: str = ""
    status: Status = ""
    reply: str = ""  # the remote reply or the reason, as logged
    new_id: str = ""  # re-injection ("queued as X") or notification queue id
    stage: str = ""  # reject: RCPT, MAIL, DATA, CONNECT...
    raw: str = ""
