"""The demo SMTP relay: a real aiosmtpd on a free loopback port, driven by smtplib and aiosmtplib."""

from __future__ import annotations

import email
import email.policy
import re
import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
import pytest

from mailtui.demo.relay import DemoRelay, DemoRelayError, enhance_reply

SIZE_LIMIT = 20_000


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[DemoRelay]:
    with DemoRelay(tmp_path / "Maildir", size_limit=SIZE_LIMIT, slow_delay=0.05) as r:
        yield r


@pytest.fixture
def client(relay: DemoRelay) -> Iterator[smtplib.SMTP]:
    with smtplib.SMTP("127.0.0.1", relay.port, timeout=10) as s:
        s.ehlo("client.example")
        yield s


def _delivered(relay: DemoRelay) -> list[Path]:
    new = relay.maildir / "new"
    return sorted(new.iterdir()) if new.exists() else []


def _message(subject: str = "Grüße 测试 [bold]", to: str = "bob@demo.test") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Demo Admin <admin@demo.test>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = "<test.1@demo.test>"
    msg.set_content("Hallo Bob,\n\nder Relay funktioniert. 你好！\n")
    return msg


def test_greeting_and_ehlo(relay: DemoRelay) -> None:
    with smtplib.SMTP(timeout=10) as s:
        code, banner = s.connect("127.0.0.1", relay.port)
        assert code == 220 and banner.startswith(b"demo-relay.test ESMTP")
        code, _ = s.ehlo("client.example")
        assert code == 250
        assert s.esmtp_features["size"] == str(SIZE_LIMIT)
        for ext in ("8bitmime", "smtputf8", "enhancedstatuscodes"):
            assert s.has_extn(ext), ext
        assert s.noop() == (250, b"2.0.0 Ok")


def test_accepted_mail_is_delivered_to_new(relay: DemoRelay, client: smtplib.SMTP) -> None:
    msg = _message()
    assert client.mail("admin@demo.test")[0] == 250
    assert client.rcpt("bob@demo.test") == (250, b"2.1.5 Ok")
    code, reply = client.data(msg.as_bytes(policy=email.policy.SMTP))
    assert code == 250
    match = re.fullmatch(rb"2\.0\.0 Ok: queued as ([0-9A-F]{10,11})", reply)
    assert match, reply
    (path,) = _delivered(relay)
    data = path.read_bytes()
    assert b"\r\n" not in data  # stored with LF line ends
    assert re.fullmatch(r"\d+\.M\d+P\d+Q\d+\.demo-relay\.test,S=(\d+)", path.name)
    assert path.name.endswith(f",S={len(data)}")
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert str(parsed["subject"]) == "Grüße 测试 [bold]"
    assert parsed.get_content() == "Hallo Bob,\n\nder Relay funktioniert. 你好！\n"
    assert parsed["return-path"] == "<admin@demo.test>"
    received = " ".join(str(parsed["received"]).split())
    assert received.startswith("from client.example ([127.0.0.1]) by demo-relay.test with ESMTP id ")
    assert match.group(1).decode() in received
    assert parsed["received"].startswith("from") and data.startswith(
        b"Return-Path: <admin@demo.test>\nReceived: "
    )
    assert not any((relay.maildir / "tmp").iterdir())


@pytest.mark.parametrize(
    ("rcpt", "code", "text"),
    [
        ("greylist@demo.test", 451, "4.7.1 <greylist@demo.test>: Recipient address rejected: Greylisted"),
        ("nouser@demo.test", 550, "5.1.1 <nouser@demo.test>: Recipient address rejected: User unknown"),
        ("relay@elsewhere.example", 554, "5.7.1 <relay@elsewhere.example>: Relay access denied"),
        ("someone@gmail.example", 554, "5.7.1 <someone@gmail.example>: Relay access denied"),
        ("full@demo.test", 552, "5.2.2 "),
        ("slow@demo.test", 250, "2.1.5 Ok"),
        ("Anyone@DEMO.TEST", 250, "2.1.5 Ok"),
    ],
)
def test_special_recipients(client: smtplib.SMTP, rcpt: str, code: int, text: str) -> None:
    client.mail("admin@demo.test")
    got_code, got_text = client.rcpt(rcpt)
    assert (got_code, got_text.decode()[: len(text)]) == (code, text)


def test_rejected_recipients_are_not_delivered(relay: DemoRelay, client: smtplib.SMTP) -> None:
    refused = client.sendmail(
        "admin@demo.test", ["nouser@demo.test", "slow@demo.test", "greylist@demo.test"], _message().as_bytes()
    )
    assert {k: v[0] for k, v in refused.items()} == {"nouser@demo.test": 550, "greylist@demo.test": 451}
    assert len(_delivered(relay)) == 1
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        client.sendmail("admin@demo.test", ["full@demo.test"], _message().as_bytes())
    assert len(_delivered(relay)) == 1


def test_size_limit(relay: DemoRelay, client: smtplib.SMTP) -> None:
    big = b"Subject: big\r\n\r\n" + (b"x" * 70 + b"\r\n") * (SIZE_LIMIT // 70 + 10)
    # Declared too big in MAIL FROM (smtplib adds SIZE= itself).
    with pytest.raises(smtplib.SMTPSenderRefused) as exc:
        client.sendmail("admin@demo.test", ["bob@demo.test"], big)
    assert exc.value.smtp_code == 552 and exc.value.smtp_error.startswith(b"5.3.4 ")
    client.rset()
    # Not declared: caught while reading DATA.
    client.mail("admin@demo.test")
    client.rcpt("bob@demo.test")
    code, reply = client.data(big)
    assert code == 552 and reply.startswith(b"5.3.4 ")
    assert _delivered(relay) == []


def test_smtputf8_address(relay: DemoRelay, client: smtplib.SMTP) -> None:
    msg = _message(to="jürgen@demo.test")
    assert client.send_message(msg) == {}
    (path,) = _delivered(relay)
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert "with UTF8SMTP id" in str(parsed["received"])
    assert str(parsed["to"]) == "jürgen@demo.test"


async def test_aiosmtplib_reports_partial_refusal(relay: DemoRelay) -> None:
    errors, reply = await aiosmtplib.send(
        _message(),
        hostname="127.0.0.1",
        port=relay.port,
        start_tls=False,
        recipients=["bob@demo.test", "nouser@demo.test"],
        timeout=10,
    )
    assert errors["nouser@demo.test"].code == 550
    assert re.fullmatch(r"2\.0\.0 Ok: queued as [0-9A-F]{10,11}", reply)
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as exc:
        await aiosmtplib.send(
            _message(),
            hostname="127.0.0.1",
            port=relay.port,
            start_tls=False,
            recipients=["greylist@demo.test"],
            timeout=10,
        )
    assert exc.value.recipients[0].code == 451


def test_stop_frees_the_port(tmp_path: Path) -> None:
    relay = DemoRelay(tmp_path / "Maildir")
    port = relay.start()
    assert port > 0 and relay.port == port
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    relay.stop()
    with socket.socket() as sock:
        # SO_REUSEADDR lets us past the client's TIME_WAIT, but not past a live listener.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen()


def test_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(DemoRelayError, match=f"127.0.0.1:{port}"):
            DemoRelay(tmp_path / "Maildir", port=port).start()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("250 OK", "250 2.0.0 Ok"),
        ("221 Bye", "221 2.0.0 Bye"),
        ("503 Error: need RCPT command", "503 5.5.1 Error: need RCPT command"),
        ("501 Syntax: MAIL FROM: <address>", "501 5.5.4 Syntax: MAIL FROM: <address>"),
        ("550 5.1.1 already enhanced", "550 5.1.1 already enhanced"),
        ("354 End data with <CR><LF>.<CR><LF>", "354 End data with <CR><LF>.<CR><LF>"),
        ("250 HELP", "250 HELP"),
    ],
)
def test_enhance_reply(raw: str, expected: str) -> None:
    assert enhance_reply(raw) == expected
