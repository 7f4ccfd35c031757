"""OAuth2 logins to a real aiosmtpd relay: OAUTHBEARER (RFC 7628) beside XOAUTH2.

The relay speaks both mechanisms as handler hooks (`auth_OAUTHBEARER`, `auth_XOAUTH2`),
accepts one token and answers any other with the RFC 7628 JSON error challenge, recording
what the client sent back to it.
"""

from __future__ import annotations

import base64
import json
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from mailtui.config import ServerConfig
from mailtui.core.transcript import Transcript
from mailtui.sending.smtp import RelayError, send_message
from tests.certs import CertPair, free_port, make_self_signed

USER = "alice@example.com"
TOKEN = "ya29.a0-good-oauth-token-0123456789"
ERROR = {"status": "invalid_token", "scope": "https://mail.example.com/", "schemes": "bearer"}


@dataclass
class OAuthHandler:
    """Accepts TOKEN for USER over OAUTHBEARER or XOAUTH2; records each login and abort answer."""

    port: int = 0
    logins: list[tuple[str, bytes]] = field(default_factory=list)
    answers: list[bytes] = field(default_factory=list)  # the client's reply to an error challenge

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 2.0.0 Ok: queued as 0AUTH"

    async def _check(self, server: Any, mechanism: str, args: list[str], good: bytes) -> AuthResult:
        blob = base64.b64decode(args[1]) if len(args) > 1 else b""
        self.logins.append((mechanism, blob))
        if blob == good:
            return AuthResult(success=True, auth_data=USER)
        answer = await server.challenge_auth(json.dumps(ERROR))
        self.answers.append(answer if isinstance(answer, bytes) else b"<missing>")
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535 5.7.8

    async def auth_OAUTHBEARER(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802 - aiosmtpd's hook
        good = f"n,a={USER},\x01host=127.0.0.1\x01port={self.port}\x01auth=Bearer {TOKEN}\x01\x01"
        return await self._check(server, "OAUTHBEARER", args, good.encode())

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:  # noqa: N802 - aiosmtpd's hook
        good = f"user={USER}\x01auth=Bearer {TOKEN}\x01\x01".encode()
        return await self._check(server, "XOAUTH2", args, good)


@dataclass
class OAuthRelay:
    handler: OAuthHandler
    port: int
    cert: CertPair

    def config(self, **overrides: Any) -> ServerConfig:
        base = ServerConfig(
            kind="smtp", account="oauth", host="127.0.0.1", port=self.port, tls="starttls", user=USER,
            ca_file=str(self.cert.cert), timeout=10.0, oauth2_token_command="unused: the token is given",
        )  # fmt: skip
        return replace(base, **overrides)


@pytest.fixture(scope="module")
def oauth_certs(tmp_path_factory: pytest.TempPathFactory) -> CertPair:
    return make_self_signed(Path(tmp_path_factory.mktemp("oauth-certs")))


@pytest.fixture
def oauth_relay(oauth_certs: CertPair) -> Iterator[Callable[..., OAuthRelay]]:
    started: list[Controller] = []

    def start(exclude: tuple[str, ...] = ()) -> OAuthRelay:
        port = free_port()
        handler = OAuthHandler(port=port)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(oauth_certs.cert, oauth_certs.key)
        controller = Controller(
            handler, hostname="127.0.0.1", port=port, server_hostname="relay.test", tls_context=ctx,
            require_starttls=True, auth_required=True, auth_require_tls=True,
            authenticator=lambda *a: AuthResult(success=False, handled=False),
            auth_exclude_mechanism=list(exclude),
        )  # fmt: skip
        controller.start()
        started.append(controller)
        return OAuthRelay(handler, port, oauth_certs)

    yield start
    for controller in started:
        controller.stop()


async def _send(server: ServerConfig, token: str, transcript: Transcript) -> None:
    await send_message(
        server, b"Subject: hi\r\n\r\nbody\r\n", sender=USER, recipients=["bob@example.net"],
        password=None, transcript=transcript, oauth2_token=token,
    )  # fmt: skip


def _assert_token_hidden(transcript: Transcript, *extra: str) -> str:
    whole = transcript.format()
    for secret in (TOKEN, base64.b64encode(TOKEN.encode()).decode(), *extra):
        assert secret not in whole
    return whole


async def test_oauthbearer_is_preferred_when_offered(oauth_relay: Callable[..., OAuthRelay]) -> None:
    relay = oauth_relay()
    transcript = Transcript()
    await _send(relay.config(), TOKEN, transcript)
    assert [m for m, _ in relay.handler.logins] == ["OAUTHBEARER"]
    blob = relay.handler.logins[0][1]
    whole = _assert_token_hidden(transcript, base64.b64encode(blob).decode())
    assert "AUTH OAUTHBEARER ********" in whole
    assert "logged in as alice@example.com with AUTH OAUTHBEARER" in whole


async def test_xoauth2_when_only_it_is_offered(oauth_relay: Callable[..., OAuthRelay]) -> None:
    relay = oauth_relay(exclude=("OAUTHBEARER",))
    transcript = Transcript()
    await _send(relay.config(), TOKEN, transcript)
    assert [m for m, _ in relay.handler.logins] == ["XOAUTH2"]
    assert "AUTH XOAUTH2 ********" in _assert_token_hidden(transcript)


async def test_oauth2_mechanism_forces_xoauth2(oauth_relay: Callable[..., OAuthRelay]) -> None:
    relay = oauth_relay()
    await _send(relay.config(oauth2_mechanism="xoauth2"), TOKEN, Transcript())
    assert [m for m, _ in relay.handler.logins] == ["XOAUTH2"]


async def test_refused_token_answers_the_challenge_with_0x01(oauth_relay: Callable[..., OAuthRelay]) -> None:
    relay = oauth_relay()
    transcript = Transcript()
    bad = "ya29.expired-token-9876543210"
    with pytest.raises(RelayError) as err:
        await _send(relay.config(), bad, transcript)
    assert relay.handler.answers == [b"\x01"]  # RFC 7628 §3.2.3, not the token again
    text = str(err.value)
    assert "535" in text and "invalid_token" in text and ERROR["scope"] in text
    assert "oauth2_token_command" in text and bad not in text
    _assert_token_hidden(transcript, bad, base64.b64encode(relay.handler.logins[0][1]).decode())


async def test_forced_mechanism_not_offered_names_what_is(oauth_relay: Callable[..., OAuthRelay]) -> None:
    relay = oauth_relay(exclude=("OAUTHBEARER",))
    with pytest.raises(RelayError) as err:
        await _send(relay.config(oauth2_mechanism="oauthbearer"), TOKEN, Transcript())
    text = str(err.value)
    assert "not OAUTHBEARER" in text and "XOAUTH2" in text and "oauth2_mechanism" in text
    assert relay.handler.logins == []


async def test_neither_oauth_mechanism_offered(oauth_relay: Callable[..., OAuthRelay]) -> None:
    relay = oauth_relay(exclude=("OAUTHBEARER", "XOAUTH2"))
    with pytest.raises(RelayError) as err:
        await _send(relay.config(), TOKEN, Transcript())
    text = str(err.value)
    assert "offers AUTH" in text and "PLAIN" in text and "not OAUTHBEARER or XOAUTH2" in text


async def test_probe_logs_in_with_the_token(oauth_relay: Callable[..., OAuthRelay]) -> None:
    from mailtui.diagnostics.smtp_probe import SmtpProbeSession

    relay = oauth_relay()
    probe = SmtpProbeSession(relay.config(), quit_after="auth", oauth2_token=TOKEN)
    result = await probe.run_to()
    assert result.ok, result.error
    assert result.auth_mechanism == "OAUTHBEARER"
    assert [m for m, _ in relay.handler.logins] == ["OAUTHBEARER"]
    whole = "\n".join(result.transcript)
    assert "AUTH OAUTHBEARER ********" in whole and "235" in whole
    assert TOKEN not in whole and base64.b64encode(relay.handler.logins[0][1]).decode() not in whole


async def test_probe_reports_a_refused_token(oauth_relay: Callable[..., OAuthRelay]) -> None:
    from mailtui.diagnostics.smtp_probe import SmtpProbeSession

    relay = oauth_relay(exclude=("OAUTHBEARER",))
    bad = "ya29.probe-expired-token-55555"
    result = await SmtpProbeSession(relay.config(), quit_after="auth", oauth2_token=bad).run_to()
    assert not result.ok and result.reached_stage == "tls"
    assert (
        "535" in result.error and "invalid_token" in result.error and "oauth2_token_command" in result.error
    )
    assert relay.handler.answers == [b"\x01"]
    assert bad not in "\n".join(result.transcript) and bad not in result.error


def test_cli_probe_of_an_oauth_account(oauth_relay: Callable[..., OAuthRelay], tmp_path: Path) -> None:
    """`mailtui probe smtp --account`: the token comes from the account's oauth2_token_command."""
    import os
    import subprocess
    import sys

    relay = oauth_relay()
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[account]]\nname = "lab"\nfrom = "Lab <{USER}>"\nmaildir = "{tmp_path}/Maildir"\n'
        f'[account.smtp]\nhost = "127.0.0.1"\nport = {relay.port}\ntls = "starttls"\nuser = "{USER}"\n'
        f"ca_file = \"{relay.cert.cert}\"\noauth2_token_command = \"printf '%s\\\\n' '{TOKEN}'\"\n"
        "keyring = false\n"
    )
    environ = {k: v for k, v in os.environ.items() if k != "MAILTUI_PASSWORD"}
    done = subprocess.run(
        [sys.executable, "-m", "mailtui", "probe", "smtp", "--account", "lab", "--quit-after", "auth", "--json"],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env={**environ, "MAILTUI_CONFIG": str(config)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["auth_mechanism"] == "OAUTHBEARER"
    assert [m for m, _ in relay.handler.logins] == ["OAUTHBEARER"]
    assert TOKEN not in done.stdout + done.stderr
