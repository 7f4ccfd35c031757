"""One real Postfix log per session: the private Postfix (tests/postfix_server.py) handles a
delivered, a two-recipient, a bounced, an unknown-user, a relay-denied, a greylisted (451 from a
loopback aiosmtpd), a closed-port and a content-filtered (re-injected) message; the log is copied
once every message reached its final line, so every test reads the same bytes.
"""

from __future__ import annotations

import shutil
import smtplib
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.certs import free_port
from tests.postfix_server import DOMAIN, PostfixServer, start_or_skip


class _GreylistHandler:
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802
        return f"451 4.7.1 <{address}>: Recipient address rejected: Greylisted, try again later"


@dataclass
class _FilterHandler:
    """A content filter: accepts, re-injects into Postfix for admin@, answers with Postfix's reply."""

    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with smtplib.SMTP("127.0.0.1", self.port, local_hostname="filter.test.example", timeout=30) as smtp:
            smtp.mail(envelope.mail_from)
            smtp.rcpt(f"admin@{DOMAIN}")
            code, text = smtp.data(envelope.content)
        return f"{code} {text.decode()}"


@dataclass
class PostfixLog:
    """The private Postfix (still running), the copied log, and what was sent."""

    server: PostfixServer
    log: Path
    queue_ids: dict[str, str] = field(default_factory=dict)  # case -> queue id from the 250 reply
    message_ids: dict[str, str] = field(default_factory=dict)  # case -> Message-ID (no brackets)
    relay_port: int = 0

    def text(self) -> str:
        return self.log.read_text()


def _send(port: int, case: str, rcpts: list[str], message_ids: dict[str, str]) -> str | None:
    mid = f"{case}.{time.time_ns()}@client.test.example"
    message_ids[case] = mid
    body = f"From: admin@{DOMAIN}\r\nSubject: {case}\r\nMessage-ID: <{mid}>\r\n\r\n{case} body\r\n"
    with smtplib.SMTP("127.0.0.1", port, local_hostname="client.test.example", timeout=30) as smtp:
        smtp.ehlo()
        smtp.mail(f"admin@{DOMAIN}")
        accepted = [r for r in rcpts if smtp.rcpt(r)[0] == 250]
        if not accepted:
            smtp.rset()
            return None
        _, reply = smtp.data(body.encode())
    return reply.decode().rsplit(" ", 1)[-1]


def _closed_port() -> int:
    port = free_port()
    with socket.socket() as sock:  # nothing listens there: Postfix gets "Connection refused"
        assert sock.connect_ex(("127.0.0.1", port)) != 0
    return port


@pytest.fixture(scope="session")
def postfix_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PostfixLog]:
    greylist = Controller(_GreylistHandler(), hostname="127.0.0.1", port=free_port())
    filter_handler = _FilterHandler()
    content_filter = Controller(filter_handler, hostname="127.0.0.1", port=free_port())
    greylist.start()
    content_filter.start()
    routes = {
        "greylist": f"smtp:[127.0.0.1]:{greylist.port}",
        "closed": f"smtp:[127.0.0.1]:{_closed_port()}",
        "filtered": f"smtp:[127.0.0.1]:{content_filter.port}",
    }
    server: PostfixServer | None = None
    try:
        server = start_or_skip(transports=routes)
        filter_handler.port = server.port
        done = PostfixLog(
            server, tmp_path_factory.mktemp("postfix-log") / "maillog", relay_port=greylist.port
        )
        cases = {
            "delivered": [f"admin@{DOMAIN}"],
            "two": [f"admin@{DOMAIN}", f"alice@{DOMAIN}"],
            "bounced": [f"bounce@{DOMAIN}"],
            "unknown": [f"nobody@{DOMAIN}"],
            "relay": ["someone@elsewhere.example"],
            "greylist": [f"greylist@{DOMAIN}"],
            "closed": [f"closed@{DOMAIN}"],
            "filtered": [f"filtered@{DOMAIN}"],
        }
        for case, rcpts in cases.items():
            queue_id = _send(server.port, case, rcpts, done.message_ids)
            if queue_id:
                done.queue_ids[case] = queue_id
        q = done.queue_ids
        dsn = server.wait_for_log(rf"{q['bounced']}: sender non-delivery notification: (\w+)").group(1)
        server.wait_for_log(rf"{dsn}: removed")
        server.wait_for_log(rf"{q['greylist']}: to=<greylist@.*status=deferred")
        server.wait_for_log(rf"{q['closed']}: to=<closed@.*status=deferred")
        new = server.wait_for_log(rf"{q['filtered']}: to=<filtered@.*status=sent .*queued as (\w+)").group(1)
        server.wait_for_log(rf"{new}: removed")
        for case in ("delivered", "two", "bounced", "filtered"):
            server.wait_for_log(rf"{q[case]}: removed")
        server.wait_for_log(r"NOQUEUE: reject: .*someone@elsewhere\.example")
        shutil.copyfile(server.maillog_path, done.log)
        yield done
    finally:
        if server is not None:
            server.stop()
        greylist.stop()
        content_filter.stop()
