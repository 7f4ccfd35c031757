"""Issue 16: advice names what the user actually used - flags for a relay given on the command
line (`send --server`), the password's real source after a refused login."""

from __future__ import annotations

import pytest

from mailtui.config import PasswordSource
from mailtui.core.compose import preset_draft
from mailtui.sending.smtp import RelayError
from tests.sending.test_smtp import _send


async def send_with(relay, *, password: str, password_source: PasswordSource | None = None, **overrides: object):  # type: ignore[no-untyped-def]
    """`_send` with the relay's ServerConfig given another password source."""
    if password_source is not None:
        overrides["password"] = password_source
        from dataclasses import replace

        from mailtui.core.compose import build_message, envelope_recipients, envelope_sender
        from mailtui.core.transcript import Transcript
        from mailtui.sending.smtp import send_message

        draft = preset_draft("plain", "me@example.org", "you@example.net")
        return await send_message(
            replace(relay.config(), **overrides), build_message(draft, message_id_domain="mailtui.test"),
            sender=envelope_sender(draft), recipients=envelope_recipients(draft), password=password,
            transcript=Transcript(),
        )  # fmt: skip
    return await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"), password=password, **overrides)


@pytest.mark.parametrize(
    ("overrides", "said", "not_said"),
    [
        ({"account": "adhoc"}, "$MAILTUI_PASSWORD, or the one typed at the prompt", "keyring"),
        ({"source": PasswordSource(env="WORK_SMTP_PW")}, "$WORK_SMTP_PW (password_env in [account.smtp]", "keyring"),
        ({"source": PasswordSource(command="pass show smtp")}, "what password_command prints", "keyring"),
        ({}, "the keyring entry (service mailtui, user test/smtp; mailtui passwd test sets it)", "MAILTUI_PASSWORD"),
    ],
)
async def test_a_refused_login_names_where_the_password_came_from(
    relay_factory, overrides: dict[str, object], said: str, not_said: str
) -> None:
    relay = relay_factory("starttls")
    if "source" in overrides:  # the ServerConfig's password source (`password` is the value tried)
        overrides = {"password_source": overrides["source"]}
    with pytest.raises(RelayError) as err:
        await send_with(relay, password="wrong", **overrides)
    assert err.value.title == "Login refused"
    assert said in err.value.message and not_said not in err.value.message


async def test_a_command_line_relay_is_told_to_use_flags(relay_factory) -> None:
    relay = relay_factory("plain")
    draft = preset_draft("plain", "me@example.org", "you@example.net")
    with pytest.raises(RelayError) as plain:
        await _send(relay, draft, account="adhoc")
    assert "--allow-plaintext-auth" in plain.value.message and "allow_plaintext_auth = true" not in plain.value.message
    with pytest.raises(RelayError) as configured:
        await _send(relay, draft)
    assert 'allow_plaintext_auth = true in [account.smtp] of account "test"' in configured.value.message


async def test_an_untrusted_certificate_on_the_command_line_names_ca_file_the_flag(relay_factory) -> None:
    relay = relay_factory("starttls")
    draft = preset_draft("plain", "me@example.org", "you@example.net")
    with pytest.raises(RelayError) as err:
        await _send(relay, draft, account="adhoc", ca_file=None)
    assert err.value.title == "TLS certificate not trusted"
    assert "--ca-file /path/to/its-certificate.pem" in err.value.message and "ca_file =" not in err.value.message
