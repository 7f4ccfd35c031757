"""Issue 16: EHLO says this host's name, never "localhost" when the host has a name; per account
`[account.smtp] ehlo`, and `mailtui send --ehlo`."""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path

import pytest

from mailtui.config.toml_lines import InvalidConfigError
from mailtui.sending.ehlo import ehlo_name
from tests.sending.test_dispatch import account_for, make_maildir, send


def test_a_localhost_fqdn_gives_the_host_name(monkeypatch: pytest.MonkeyPatch) -> None:
    # A container's /etc/hosts (this machine's own, as it happens: getfqdn() says localhost)
    monkeypatch.setattr(socket, "getfqdn", lambda name="": "localhost")
    monkeypatch.setattr(socket, "gethostname", lambda: "vm")
    assert ehlo_name() == "vm"
    assert ehlo_name("mx1.example.org") == "mx1.example.org"  # configured wins


def test_a_real_fqdn_is_used_and_a_nameless_host_says_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "getfqdn", lambda name="": "mail01.example.org")
    assert ehlo_name() == "mail01.example.org"
    monkeypatch.setattr(socket, "getfqdn", lambda name="": "localhost.localdomain")
    monkeypatch.setattr(socket, "gethostname", lambda: "localhost")
    assert ehlo_name() == "localhost"


async def test_the_relay_hears_the_hosts_name_or_the_configured_one(relay_factory, tmp_path: Path) -> None:
    relay = relay_factory("starttls")
    account = account_for(relay, make_maildir(tmp_path / "Mail", "Sent"))
    await send(relay, account)
    assert relay.handler.ehlo_names[-1] == ehlo_name() == (
        socket.getfqdn() if socket.getfqdn() != "localhost" else socket.gethostname()
    )
    assert account.smtp is not None
    named = dataclasses.replace(account, smtp=dataclasses.replace(account.smtp, ehlo="client.example.org"))
    await send(relay, named)
    assert relay.handler.ehlo_names[-1] == "client.example.org"


def test_the_config_takes_ehlo_and_refuses_a_name_that_is_not_one(tmp_path: Path) -> None:
    from mailtui.config import load_config

    config = tmp_path / "config.toml"
    base = '[[account]]\nname = "a"\nfrom = "a@example.org"\nmaildir = "/tmp"\n[account.smtp]\nhost = "relay.example.org"\nauth = false\n'
    config.write_text(base + 'ehlo = "client.example.org"\n')
    config.chmod(0o600)
    smtp = load_config(config).accounts[0].smtp
    assert smtp is not None and smtp.ehlo == "client.example.org"
    config.write_text(base + 'ehlo = "not a name!"\n')
    with pytest.raises(InvalidConfigError, match="ehlo"):
        load_config(config)
