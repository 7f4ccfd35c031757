"""Returning a message that stayed queued too long: a delivery status notification (RFC 3464).

After `queue_lifetime` (default 5 days, as Postfix's maximal_queue_lifetime) a message still
failing is given up: the sender gets a multipart/report like an MTA's bounce, in the
account's own mailbox (its INBOX) or, without an account, in the local spool ($MAIL or
/var/mail/$USER), and the message leaves the queue.
"""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from datetime import datetime
from email.utils import format_datetime, localtime, make_msgid
from pathlib import Path

from mailtui.config import AccountConfig
from mailtui.core.message.header_block import split_message
from mailtui.sending.outbox import QueuedMessage

__all__ = ["build_bounce", "deliver_bounce", "local_spool"]


def _age(seconds: float) -> str:
    days, rest = divmod(int(seconds), 86400)
    return (
        f"{days} day(s) {rest // 3600} hour(s)"
        if days
        else f"{rest // 3600} hour(s) {rest % 3600 // 60} minute(s)"
    )


def build_bounce(item: QueuedMessage, raw: bytes, *, now: float, host: str | None = None) -> bytes:
    """The DSN for `item` (its headers attached), addressed to its sender; LF line ends."""
    reporting = host or socket.getfqdn() or "localhost"
    boundary = f"=_mailtui-dsn-{uuid.uuid4().hex}"
    rcpts = ", ".join(item.recipients)
    last = " ".join((item.last_error or "delivery time expired").split())
    head = (
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting}>\nTo: {' '.join(item.sender.split())}\n"
        f"Subject: Undelivered Mail Returned to Sender\nDate: {format_datetime(localtime())}\n"
        f"Message-ID: {make_msgid(domain=reporting)}\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/report; report-type="delivery-status";\n boundary="{boundary}"'
    )
    explanation = (
        f"mailtui could not deliver your message to {rcpts}.\n\n"
        f"It was queued for {_age(now - item.created)} (queue_lifetime) and tried {item.attempts} time(s);\n"
        f"the relay kept refusing it or could not be reached. It was removed from the outbox.\n\n"
        f"Subject: {item.subject}\nLast error: {last}\n"
    )
    status = f"Reporting-MTA: dns; {reporting}\nArrival-Date: {format_datetime(datetime.fromtimestamp(item.created).astimezone())}\n"
    status += "".join(
        f"\nFinal-Recipient: rfc822; {r}\nAction: failed\nStatus: 4.4.7\nDiagnostic-Code: X-mailtui; {last}\n"
        for r in item.recipients
    )
    original, _ = split_message(raw)
    headers = head.encode("utf-8")
    parts = [
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + explanation.encode(),
        b"Content-Type: message/delivery-status\n\n" + status.encode(),
        b"Content-Type: text/rfc822-headers\n\n" + original.replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n",
    ]
    sep = f"--{boundary}".encode()
    body = b"".join(sep + b"\n" + part + b"\n" for part in parts) + sep + b"--\n"
    return headers + b"\n\n" + body


def local_spool() -> Path:
    """$MAIL, else /var/mail/<user>."""
    return Path(os.environ.get("MAIL") or f"/var/mail/{getpass.getuser()}")


def deliver_bounce(account: AccountConfig | None, dsn: bytes) -> str:
    """Put the DSN in the account's INBOX, else the local spool; where it went. Raises on failure."""
    from mailtui.backends import open_account
    from mailtui.core.transcript import Transcript
    from mailtui.sending.dead_letter import append_mbox

    if account is not None and (account.imap is not None or account.maildir):
        backend = open_account(account, Transcript())
        try:
            backend.append("INBOX", dsn if account.imap is None else dsn.replace(b"\n", b"\r\n"), frozenset())
        finally:
            backend.close()
        return f"{account.name}:INBOX"
    spool = local_spool()
    append_mbox(spool, dsn, "MAILER-DAEMON")
    return str(spool)
