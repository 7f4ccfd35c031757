"""mailtui.sending.smtp.send_message against real aiosmtpd relays on 127.0.0.1 (tests/sending/relay.py)."""

from __future__ import annotations

import base64
import email
import socket
from email import policy
from email.message import EmailMessage

import pytest

from mailtui.core.compose import (
    ComposeError,
    Draft,
    build_message,
    envelope_recipients,
    envelope_sender,
    preset_draft,
)
from mailtui.core.errors import SendError
from mailtui.core.transcript import Direction, Transcript
from mailtui.sending.smtp import RelayError, SendResult, parse_queue_id, send_message
from tests.certs import free_port, make_certificate
from tests.sending.relay import PASSWORD, TOKEN, USER, Relay


async def _send(
    relay: Relay, draft: Draft, transcript: Transcript | None = None, **overrides: object
) -> SendResult:
    transcript = transcript if transcript is not None else Transcript()
    password = overrides.pop("password", PASSWORD)
    return await send_message(
        relay.config(**overrides),
        build_message(draft, message_id_domain="mailtui.test"),
        sender=envelope_sender(draft),
        recipients=envelope_recipients(draft),
        password=password,  # type: ignore[arg-type]
        transcript=transcript,
    )


def _password_forms() -> list[str]:
    raw = PASSWORD.encode()
    return [
        PASSWORD,
        base64.b64encode(raw).decode(),
        base64.b64encode(b"\0" + USER.encode() + b"\0" + raw).decode(),
        base64.b64encode(USER.encode() + b"\0" + USER.encode() + b"\0" + raw).decode(),
    ]


def _texts(transcript: Transcript) -> list[str]:
    return [line.text for line in transcript.lines()]


async def test_starttls_auth_delivers_and_reads_back(relay_factory):
    relay = relay_factory("starttls")
    draft = preset_draft("utf8", "Me <me@example.org>", "you@example.net")
    transcript = Transcript()
    seen_caps: list[dict[str, str]] = []
    result = await send_message(
        relay.config(),
        build_message(draft, message_id_domain="mailtui.test"),
        sender="me@example.org",
        recipients=["you@example.net"],
        password=PASSWORD,
        transcript=transcript,
        on_capabilities=seen_caps.append,
    )
    assert result.accepted == ["you@example.net"] and result.refused == {}
    assert result.reply_code == 250 and result.queue_id == "12BDBE6FEE9"
    assert result.tls is not None and result.tls.startswith("TLSv1.")
    assert "AUTH" in result.capabilities and "STARTTLS" not in result.capabilities
    assert seen_caps == [result.capabilities]

    [got] = relay.handler.delivered
    assert got.mail_from == "me@example.org" and got.rcpt_tos == ["you@example.net"]
    parsed = email.message_from_bytes(got.data, policy=policy.default)
    assert parsed["Subject"] == draft.subject
    assert parsed.get_content().replace("\r\n", "\n") == draft.body
    assert parsed.get_content_charset() == "utf-8"
    assert parsed["Message-ID"].endswith("@mailtui.test>") and parsed["Date"]

    texts = _texts(transcript)
    assert texts.index("STARTTLS") < texts.index("AUTH PLAIN ********") < texts.index("DATA")
    assert any(t.startswith("354 ") for t in texts)
    assert texts[texts.index("DATA") + 2] == f"<{len(got.data)} bytes of message>"
    assert any(t.startswith("250 2.0.0 Ok: queued as") for t in texts)
    info = [line.text for line in transcript.lines() if line.direction is Direction.INFO]
    assert any(t.startswith("TLS established: TLSv1.") for t in info)
    assert {line.connection for line in transcript.lines()} == {transcript.lines()[0].connection}
    assert transcript.lines()[0].connection.endswith(f"127.0.0.1:{relay.port}")


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
async def test_transcript_never_contains_the_password(relay_factory, mechanism):
    exclude = ("LOGIN", "XOAUTH2") if mechanism == "PLAIN" else ("PLAIN", "XOAUTH2")
    relay = relay_factory("starttls", exclude_auth=exclude)
    transcript = Transcript()
    await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"), transcript)
    assert relay.handler.logins == [(mechanism, USER.encode())]
    whole = transcript.format()
    assert f"AUTH {mechanism} ********" in whole
    for form in _password_forms():
        assert form not in whole
    if mechanism == "LOGIN":
        texts = _texts(transcript)
        # the bare line answering "334 UGFzc3dvcmQ6" (Password:) is hidden entirely
        assert texts[texts.index("AUTH LOGIN ********") + 2] == "********"


async def test_binary_attachment_is_byte_identical(relay_factory):
    relay = relay_factory("ssl")
    draft = preset_draft("attachment", "me@example.org", "you@example.net", size=70_001)
    await _send(relay, draft)
    [got] = relay.handler.delivered
    parsed = email.message_from_bytes(got.data, policy=policy.default)
    [att] = list(parsed.iter_attachments())
    assert att["Content-Transfer-Encoding"] == "base64"
    assert att.get_filename() == "mailtui-test-70001.bin"
    assert att.get_payload(decode=True) == draft.attachments[0].data


async def test_bcc_in_envelope_not_in_headers(relay_factory):
    relay = relay_factory("starttls")
    draft = Draft(
        "me@example.org", "to@example.net", cc="cc@example.net", bcc="hidden@example.net", body="x\n"
    )
    await _send(relay, draft)
    [got] = relay.handler.delivered
    assert got.rcpt_tos == ["to@example.net", "cc@example.net", "hidden@example.net"]
    assert b"hidden@example.net" not in got.data
    assert b"bcc" not in got.data.lower()


async def test_header_injection_refused_before_connecting(relay_factory):
    relay = relay_factory("starttls")
    with pytest.raises(ComposeError):
        build_message(
            Draft("me@example.org", "you@example.net", subject="hi\r\nBcc: victim@example.com"),
            message_id_domain="x",
        )
    transcript = Transcript()
    msg = build_message(Draft("me@example.org", "you@example.net"), message_id_domain="x")
    with pytest.raises(RelayError) as err:
        await send_message(
            relay.config(), msg, sender="me@example.org",
            recipients=["you@example.net>\r\nRCPT TO:<victim@example.com"],
            password=PASSWORD, transcript=transcript,
        )  # fmt: skip
    assert err.value.temporary is False
    assert transcript.lines() == []  # no connection was even opened
    assert relay.handler.delivered == []


async def test_plaintext_auth_refused_by_default(relay_factory):
    relay = relay_factory("plain")
    transcript = Transcript()
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"), transcript)
    assert err.value.temporary is False
    assert "allow_plaintext_auth" in str(err.value) and "unencrypted" in str(err.value)
    assert transcript.lines() == [] and relay.handler.logins == []


async def test_plaintext_auth_allowed_when_configured(relay_factory):
    relay = relay_factory("plain")
    transcript = Transcript()
    result = await _send(
        relay,
        preset_draft("plain", "me@example.org", "you@example.net"),
        transcript,
        allow_plaintext_auth=True,
    )
    assert result.tls is None and relay.handler.logins == [("PLAIN", USER.encode())]
    assert len(relay.handler.delivered) == 1
    for form in _password_forms():
        assert form not in transcript.format()


async def test_plain_relay_without_auth(relay_factory):
    relay = relay_factory("plain", auth=False)
    result = await _send(relay, preset_draft("gtube", "me@example.org", "you@example.net"), auth=False)
    assert result.tls is None
    assert (
        b"XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
        in relay.handler.delivered[0].data
    )


@pytest.mark.parametrize("mode", ["starttls", "ssl"])
async def test_self_signed_certificate_without_ca_file(relay_factory, mode):
    relay = relay_factory(mode)
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"), ca_file=None)
    message = str(err.value)
    assert "self-signed" in message and "ca_file" in message
    assert err.value.temporary is False
    assert relay.handler.delivered == [] and relay.handler.logins == []


@pytest.mark.parametrize(
    ("name", "cert_args", "expected"),
    [
        # Trusted (ca_file is the certificate), but for another host than 127.0.0.1.
        ("other-host", {"dns": ("mail.example.org",), "ips": ()}, "does not match"),
        ("expired", {"valid_from_days": -30, "valid_to_days": -1}, "has expired"),
        ("not-yet-valid", {"valid_from_days": 2, "valid_to_days": 30}, "not valid yet"),
    ],
)
async def test_certificate_failures_are_explained_and_nothing_is_sent(
    relay_factory, tmp_path, name, cert_args, expected
):
    cert = make_certificate(tmp_path, name, **cert_args)
    relay = relay_factory("starttls", cert=cert)
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"))
    message = str(err.value)
    assert expected in message, message
    assert err.value.temporary is False
    assert relay.handler.delivered == [] and relay.handler.logins == []


async def test_tls_verify_off_is_noted(relay_factory):
    relay = relay_factory("starttls")
    transcript = Transcript()
    await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"), transcript,
                ca_file=None, tls_verify=False)  # fmt: skip
    assert any("NOT verified" in t for t in _texts(transcript))
    assert len(relay.handler.delivered) == 1


async def test_starttls_required_but_not_offered(relay_factory):
    relay = relay_factory("plain", auth=False)
    with pytest.raises(RelayError) as err:
        await _send(
            relay, preset_draft("plain", "me@example.org", "you@example.net"), tls="starttls", auth=False
        )
    assert "STARTTLS" in str(err.value) and err.value.temporary is False
    assert relay.handler.delivered == []


async def test_wrong_password_is_permanent_and_tried_once(relay_factory):
    relay = relay_factory("starttls")
    transcript = Transcript()
    with pytest.raises(RelayError) as err:
        await _send(
            relay,
            preset_draft("plain", "me@example.org", "you@example.net"),
            transcript,
            password="wrong-pw-1",
        )
    assert err.value.code == 535 and err.value.enhanced == "5.7.8" and err.value.temporary is False
    assert err.value.exit_code == 77 and err.value.title == "Login refused"
    assert len(relay.handler.logins) == 1  # no silent retry with another mechanism
    assert "wrong-pw-1" not in transcript.format()


async def test_greylisted_recipient_is_temporary(relay_factory):
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["grey@"] = "451 4.7.1 greylisted, try later"
    with pytest.raises(SendError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "grey@example.net"))
    assert isinstance(err.value, RelayError)
    assert err.value.temporary is True and err.value.code == 451 and err.value.enhanced == "4.7.1"
    assert err.value.exit_code == 75  # EX_TEMPFAIL: retry later
    assert err.value.refused == {"grey@example.net": (451, "4.7.1 greylisted, try later")}


async def test_unknown_user_is_permanent(relay_factory):
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["unknown@"] = "550 5.1.1 user unknown"
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "unknown@example.net"))
    assert err.value.temporary is False and err.value.code == 550 and err.value.enhanced == "5.1.1"
    assert "unknown@example.net" in str(err.value)
    assert "Meaning:" in str(err.value)  # the plain-words explanation from core.codes


async def test_partial_refusal_is_reported_per_recipient(relay_factory):
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["unknown@"] = "550 5.1.1 user unknown"
    draft = Draft("me@example.org", "ok@example.net, unknown@example.net", body="hi\n")
    result = await _send(relay, draft)
    assert result.accepted == ["ok@example.net"]
    assert result.refused == {"unknown@example.net": (550, "5.1.1 user unknown")}
    assert relay.handler.delivered[0].rcpt_tos == ["ok@example.net"]


@pytest.mark.parametrize(
    ("reply", "code", "enhanced", "temporary"),
    [("552 5.3.4 message too big", 552, "5.3.4", False), ("451 4.3.0 try again later", 451, "4.3.0", True)],
)
async def test_data_reply_errors(relay_factory, reply, code, enhanced, temporary):
    relay = relay_factory("ssl")
    relay.handler.data_reply = reply
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"))
    assert (err.value.code, err.value.enhanced, err.value.temporary) == (code, enhanced, temporary)


async def test_sender_refused(relay_factory):
    relay = relay_factory("starttls")
    relay.handler.mail_reply = "553 5.7.1 sender rejected"
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"))
    assert err.value.code == 553 and err.value.enhanced == "5.7.1" and not err.value.temporary
    assert "me@example.org" in str(err.value)


async def test_connection_dropped_during_data_is_temporary(relay_factory):
    relay = relay_factory("starttls")
    relay.handler.drop_in_data = True
    transcript = Transcript()
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"), transcript)
    assert err.value.temporary is True
    assert "DATA" in _texts(transcript)


async def test_connection_refused_is_temporary(relay_factory):
    relay = relay_factory("plain", auth=False)
    with pytest.raises(RelayError) as err:
        await _send(
            relay, preset_draft("plain", "me@example.org", "you@example.net"), port=free_port(), auth=False
        )
    assert err.value.temporary is True and "connect" in str(err.value)


async def test_size_limit_refused_before_data(relay_factory):
    relay = relay_factory("starttls", size_limit=10_000)
    transcript = Transcript()
    with pytest.raises(RelayError) as err:
        await _send(
            relay, preset_draft("attachment", "me@example.org", "you@example.net", size=20_000), transcript
        )
    message = str(err.value)
    assert "10,000" in message and "bytes" in message and err.value.temporary is False
    texts = _texts(transcript)
    assert "DATA" not in texts and not any(t.startswith("MAIL FROM") for t in texts)
    assert relay.handler.delivered == []


async def test_smtputf8_address_needs_smtputf8(relay_factory):
    relay = relay_factory("starttls", smtputf8=False)
    draft = Draft("me@example.org", "jürgen@bücher.example", body="x\n")
    with pytest.raises(RelayError) as err:
        await _send(relay, draft)
    assert "SMTPUTF8" in str(err.value) and err.value.temporary is False
    assert relay.handler.delivered == []


async def test_smtputf8_address_sent_when_offered(relay_factory):
    relay = relay_factory("starttls", smtputf8=True)
    draft = Draft("me@example.org", "Jürgen <jürgen@bücher.example>", subject="Grüße", body="x\n")
    await _send(relay, draft)
    [got] = relay.handler.delivered
    assert got.rcpt_tos == ["jürgen@bücher.example"]
    assert "jürgen@bücher.example".encode() in got.data  # raw UTF-8 header, as RFC 6532 wants


async def test_oauth2_token_uses_xoauth2(relay_factory):
    relay = relay_factory("starttls")
    transcript = Transcript()
    draft = preset_draft("plain", "me@example.org", "you@example.net")
    result = await send_message(
        relay.config(), build_message(draft, message_id_domain="x"), sender="me@example.org",
        recipients=["you@example.net"], password=None, transcript=transcript, oauth2_token=TOKEN,
    )  # fmt: skip
    assert result.accepted == ["you@example.net"]
    assert relay.handler.logins == [("XOAUTH2", USER.encode())]
    whole = transcript.format()
    assert "AUTH XOAUTH2 ********" in whole and TOKEN not in whole
    assert base64.b64encode(f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01".encode()).decode() not in whole


async def test_oauth2_token_without_xoauth2_support(relay_factory):
    relay = relay_factory("starttls", exclude_auth=("XOAUTH2",))
    transcript = Transcript()
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "me@example.org", "you@example.net", "x"
    with pytest.raises(RelayError) as err:
        await send_message(
            relay.config(), msg, sender="me@example.org", recipients=["you@example.net"], password=None,
            transcript=transcript, oauth2_token="ya29.secret-token",
        )  # fmt: skip
    assert "XOAUTH2" in str(err.value)
    assert "ya29.secret-token" not in transcript.format()


async def test_raw_bytes_message_is_sent_unchanged(relay_factory):
    relay = relay_factory("ssl")
    raw = b"From: me@example.org\r\nTo: you@example.net\r\nSubject: raw\r\n\r\nline one\r\n.starts with a dot\r\n"
    result = await send_message(
        relay.config(), raw, sender="me@example.org", recipients=["you@example.net"],
        password=PASSWORD, transcript=Transcript(),
    )  # fmt: skip
    assert result.accepted == ["you@example.net"]
    assert relay.handler.delivered[0].data == raw


@pytest.mark.parametrize(
    ("reply", "queue_id"),
    [
        ("2.0.0 Ok: queued as 12BDBE6FEE9", "12BDBE6FEE9"),
        ("Ok: queued as 4XbZ3p1Qz9z9s", "4XbZ3p1Qz9z9s"),
        ("OK id=1tEsF0-00000000Ab-2xyz", "1tEsF0-00000000Ab-2xyz"),
        ("2.0.0 4ANB1h6x012345 Message accepted for delivery", "4ANB1h6x012345"),
        ("2.0.0 OK  1700000000 gsmtp", None),
    ],
)
def test_parse_queue_id(reply, queue_id):
    assert parse_queue_id(reply) == queue_id


async def test_server_text_is_cleaned_in_errors(relay_factory):
    relay = relay_factory("starttls")
    relay.handler.data_reply = "554 5.6.0 \x1b]0;pwned\x07content \x1b[31mrejected"
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"))
    assert "\x1b" not in str(err.value) and "\x07" not in str(err.value)
    assert err.value.title == "Message refused" and err.value.enhanced == "5.6.0"


async def test_silent_server_times_out_as_temporary(relay_factory):
    relay = relay_factory("plain", auth=False)
    with socket.socket() as silent:  # accepts connections (backlog) but never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(RelayError) as err:
            await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"),
                        port=port, auth=False, timeout=0.5)  # fmt: skip
    assert err.value.temporary is True and err.value.title == "Timed out"


async def test_unreadable_ca_file_is_a_clear_error(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    transcript = Transcript()
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"), transcript,
                    ca_file=str(tmp_path / "missing.pem"))  # fmt: skip
    assert "ca_file" in str(err.value) and "missing.pem" in str(err.value) and not err.value.temporary
    assert transcript.lines() == []
