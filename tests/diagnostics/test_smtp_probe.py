"""The SMTP probe against real aiosmtpd relays on loopback (STARTTLS+AUTH, implicit TLS, plain)."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from mailtui.config import ServerConfig
from mailtui.core.errors import EX_NOPERM, EX_PROTOCOL, EX_UNAVAILABLE, EX_USAGE
from mailtui.diagnostics.probe_session import ProbeError
from mailtui.diagnostics.smtp_probe import STAGES, SmtpCapabilities, SmtpProbeSession
from mailtui.diagnostics.tls_info import explain_verify_error
from tests.certs import free_port, make_self_signed
from tests.sending.relay import PASSWORD, USER, RecordingHandler, Relay

SENDER = "probe@example.org"
RECIPIENT = "bob@example.net"


def session(
    relay: Relay, quit_after: str = "auth", password: str | None = PASSWORD, **overrides
) -> SmtpProbeSession:
    return SmtpProbeSession(
        relay.config(**overrides), password, sender=SENDER, recipient=RECIPIENT, quit_after=quit_after
    )


async def test_capabilities_before_and_after_starttls(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    result = await session(relay).run_to()
    assert result.ok and result.reached_stage == "auth" and result.exit_code == 0
    before, after = result.capabilities_before_tls, result.capabilities_after_tls
    assert before is not None and after is not None
    assert before.starttls and before.auth == ()  # aiosmtpd offers AUTH only after TLS
    assert "PLAIN" in after.auth and "LOGIN" in after.auth and not after.starttls
    assert before.size == 2**25 and after.eightbitmime
    assert result.banner is not None and result.banner.code == 220
    assert [s.stage for s in result.steps] == ["connect", "ehlo", "tls", "auth"]
    auth = result.steps[-1]
    assert auth.replies[0].code == 235 and "success" in auth.replies[0].explanation.lower()
    assert all(r.explanation.startswith(str(r.code)) for s in result.steps for r in s.replies)
    assert relay.handler.delivered == []


async def test_certificate_fields_when_verified_with_ca_file(relay_factory: Callable[..., Relay]) -> None:
    result = await session(relay_factory("starttls"), "tls").run_to()
    tls = result.tls
    assert tls is not None and tls.verified and tls.failure is None
    assert tls.version and tls.version.startswith("TLS") and tls.cipher
    cert = tls.certificate
    assert cert is not None
    assert cert.subject_cn == "localhost" and cert.self_signed
    assert "IP:127.0.0.1" in cert.sans and "DNS:localhost" in cert.sans
    assert 28 <= cert.days_left <= 30


async def test_untrusted_certificate_is_explained_and_still_shown(
    relay_factory: Callable[..., Relay],
) -> None:
    relay = relay_factory("starttls")
    result = await session(relay, "auth", ca_file=None).run_to()  # system CAs: the relay is self-signed
    assert not result.ok and result.exit_code == EX_PROTOCOL
    assert result.reached_stage == "ehlo" and result.steps[-1].stage == "tls"
    assert result.tls is not None and not result.tls.verified
    assert result.tls.failure is not None and result.tls.failure.kind == "self-signed"
    assert "self-signed" in result.error
    assert result.tls.certificate is not None and result.tls.certificate.subject_cn == "localhost"


async def test_no_verify_connects_and_says_what_verification_would_say(
    relay_factory: Callable[..., Relay],
) -> None:
    result = await session(relay_factory("starttls"), "auth", ca_file=None, tls_verify=False).run_to()
    assert result.ok
    tls = result.tls
    assert tls is not None and not tls.verify_enabled and not tls.verified
    assert tls.failure is not None and tls.failure.kind == "self-signed"
    assert tls.certificate is not None and "IP:127.0.0.1" in tls.certificate.sans


async def test_implicit_tls(relay_factory: Callable[..., Relay]) -> None:
    result = await session(relay_factory("ssl"), "auth").run_to()
    assert result.ok
    assert result.capabilities_before_tls is None
    assert result.capabilities_after_tls is not None and "PLAIN" in result.capabilities_after_tls.auth
    assert result.tls is not None and result.tls.verified
    assert [s.status for s in result.steps] == ["ok", "ok", "skipped", "ok"]


@pytest.mark.parametrize("stage", STAGES)
async def test_quit_after_delivers_only_at_data(relay_factory: Callable[..., Relay], stage: str) -> None:
    relay = relay_factory("starttls")
    result = await session(relay, stage).run_to()
    assert result.ok and result.reached_stage == stage, result.error
    assert len(relay.handler.delivered) == (1 if stage == "data" else 0)
    assert result.delivered == (stage == "data")
    assert result.transcript[-2].endswith("> QUIT") and result.transcript[-1].endswith("< 221 Bye")
    if stage == "data":
        delivered = relay.handler.delivered[0]
        assert delivered.mail_from == SENDER and delivered.rcpt_tos == [RECIPIENT]
        assert b"Subject: mailtui probe" in delivered.data


async def test_step_mode_advances_one_stage_per_call(relay_factory: Callable[..., Relay]) -> None:
    probe = session(relay_factory("starttls"), "rcpt")
    seen = []
    while not probe.done:
        expected = probe.next_stage
        step = await probe.step()
        assert step.stage == expected
        seen.append(step.stage)
        assert [s.stage for s in probe.result().steps] == seen
    assert seen == ["connect", "ehlo", "tls", "auth", "mail", "rcpt"]
    assert probe.result().ok and probe.client is None  # closed after the last stage
    with pytest.raises(ProbeError):
        await probe.step()


async def test_auth_failure_exit_77_and_no_password_in_transcript(
    relay_factory: Callable[..., Relay],
) -> None:
    wrong = "wrong-password-123"
    result = await session(relay_factory("starttls"), "data", password=wrong).run_to()
    assert not result.ok and result.exit_code == EX_NOPERM
    assert result.steps[-1].stage == "auth" and result.reached_stage == "tls"
    assert result.steps[-1].replies[0].code == 535
    text = "\n".join(result.transcript)
    assert "AUTH PLAIN" in text
    for secret in (wrong, base64.b64encode(f"\0{USER}\0{wrong}".encode()).decode()):
        assert secret not in text


async def test_transcript_has_no_password_after_login(relay_factory: Callable[..., Relay]) -> None:
    result = await session(relay_factory("starttls"), "auth").run_to()
    text = "\n".join(result.transcript)
    assert "235" in text and PASSWORD not in text
    assert base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode() not in text


async def test_plaintext_auth_refused_without_permission(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("plain")
    result = await session(relay, "auth").run_to()
    assert not result.ok and result.exit_code == EX_USAGE and "unencrypted" in result.error
    assert result.capabilities_after_tls is None and result.tls is None
    allowed = await session(relay, "auth", allow_plaintext_auth=True).run_to()
    assert allowed.ok, allowed.error


async def test_connection_refused_is_unavailable(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("plain")
    result = await session(relay, "ehlo", port=free_port(), user=None).run_to()
    assert not result.ok and result.exit_code == EX_UNAVAILABLE and result.reached_stage is None


async def test_rcpt_refused_is_explained(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["bob@"] = "550 5.1.1 user unknown"
    result = await session(relay, "data").run_to()
    # 67 (EX_NOUSER) for an unknown user, as `mailtui send` exits for the same reply.
    assert not result.ok and result.exit_code == 67 and result.reached_stage == "mail"
    reply = result.steps[-1].replies[0]
    assert reply.code == 550 and "mailbox" in reply.explanation.lower()
    assert relay.handler.delivered == []


async def test_rcpt_refused_by_policy_is_unavailable(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["bob@"] = "554 5.7.1 Relay access denied"
    result = await session(relay, "rcpt").run_to()
    assert not result.ok and result.exit_code == EX_UNAVAILABLE


def test_stage_needs_addresses(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    with pytest.raises(ProbeError):
        SmtpProbeSession(relay.config(), PASSWORD, quit_after="rcpt", sender=SENDER)


def test_capability_parsing() -> None:
    caps = SmtpCapabilities.from_extensions(
        {
            "size": "10240000",
            "pipelining": "",
            "auth": "login plain",
            "chunking": "",
            "dsn": "",
            "enhancedstatuscodes": "",
        }
    )
    assert caps.size == 10240000 and caps.pipelining and caps.chunking and caps.dsn
    assert caps.auth == ("LOGIN", "PLAIN") and not caps.smtputf8 and not caps.starttls
    assert replace(caps, size=None).size is None


async def test_wrong_tls_mode_for_the_port(relay_factory: Callable[..., Relay]) -> None:
    result = await session(
        relay_factory("starttls"), "ehlo", tls="ssl"
    ).run_to()  # STARTTLS port, implicit TLS
    assert not result.ok and result.exit_code == EX_PROTOCOL and result.reached_stage is None
    assert "--tls ssl" in result.error


async def test_server_text_is_cleaned_of_escape_sequences(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["bob@"] = "550 5.7.1 \x1b[2J\x1b]0;owned\x07 go away"
    result = await session(relay, "rcpt").run_to()
    reply = result.steps[-1].replies[0]
    assert reply.code == 550 and "go away" in reply.text
    assert not any("\x1b" in text or "\x07" in text for text in (reply.text, reply.explanation, result.error))


async def test_hostname_mismatch_is_explained(tmp_path: Path) -> None:
    cert = make_self_signed(tmp_path, common_name="other.test")  # SAN: DNS:other.test, IP:127.0.0.1
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert.cert, cert.key)
    port = free_port()
    controller = Controller(RecordingHandler(), hostname="127.0.0.1", port=port, tls_context=ctx)
    controller.start()
    try:
        server = ServerConfig(kind="smtp", account="", host="localhost", port=port, tls="starttls",
                              ca_file=str(cert.cert), timeout=10.0)  # fmt: skip
        result = await SmtpProbeSession(server, quit_after="tls").run_to()
    finally:
        controller.stop()
    assert not result.ok and result.exit_code == EX_PROTOCOL
    assert result.tls is not None and result.tls.failure is not None
    assert result.tls.failure.kind == "hostname-mismatch"
    assert result.tls.certificate is not None and result.tls.certificate.subject_cn == "other.test"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (10, "expired"),
        (9, "not-yet-valid"),
        (18, "self-signed"),
        (20, "unknown-ca"),
        (62, "hostname-mismatch"),
        (7, "other"),
    ],
)
def test_verify_error_kinds(code: int, kind: str) -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_code, error.verify_message = code, "openssl says"
    failure = explain_verify_error(error)
    assert failure.kind == kind and failure.code == code and failure.detail == "openssl says"
