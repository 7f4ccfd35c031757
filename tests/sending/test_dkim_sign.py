"""DKIM signing on send: the account's dkim_* settings (the --dkim-* flags override them) sign
what compose and `mailtui send` send, through send_or_queue. Checked on what the aiosmtpd relay
received, with the project's own verifier against the loopback DNS responder of the verdict tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.config import AccountConfig, Config, PasswordSource, UIConfig
from mailtui.core.compose import Draft, build_message
from mailtui.core.transcript import Transcript
from mailtui.diagnostics.verdicts.dkim import verify_dkim
from mailtui.diagnostics.verdicts.resolver import VerdictDns
from mailtui.sending.dispatch import send_or_queue
from mailtui.sending.dkim_sign import DkimSigning, DkimSigningError, dkim_signing
from mailtui.sending.outbox import Outbox
from tests.diagnostics.dns_server import DnsServer
from tests.diagnostics.test_verdicts import KEY, ZONE
from tests.sending.relay import PASSWORD, Relay

# KEY is published at s1._domainkey.example.test (and esp.test); "gone" is not published.
FROM = "Alice <alice@example.test>"


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer(ZONE)
    yield server
    server.close()


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "dkim.pem"
    path.write_bytes(KEY.pem)
    path.chmod(0o600)
    return path


def verdict(raw: bytes, dns: DnsServer):  # type: ignore[no-untyped-def]
    [one] = verify_dkim(raw, VerdictDns(dns.address, timeout=5))
    return one


def account(relay: Relay, maildir: Path, **dkim: object) -> AccountConfig:
    for sub in ("cur", "new", "tmp"):
        (maildir / ".Sent" / sub).mkdir(parents=True, exist_ok=True)
    smtp = relay.config(password=PasswordSource(env="UNUSED", keyring=False))
    return AccountConfig(name="test", from_address=FROM, maildir=str(maildir), smtp=smtp, **dkim)  # type: ignore[arg-type]


def test_flags_override_the_account_one_by_one() -> None:
    acc = AccountConfig(name="a", dkim_key="/k.pem", dkim_selector="s1", dkim_domain="example.test")
    assert dkim_signing(acc) == DkimSigning("/k.pem", "s1", "example.test")
    assert dkim_signing(acc, selector="s2") == DkimSigning("/k.pem", "s2", "example.test")
    assert dkim_signing(acc, key_file="/other.pem", domain="esp.test") == DkimSigning(
        "/other.pem", "s1", "esp.test"
    )
    assert dkim_signing(AccountConfig(name="a")) is None  # no key: nothing is signed
    assert dkim_signing(None) is None
    assert dkim_signing(None, key_file="/k.pem", selector="s1") == DkimSigning("/k.pem", "s1", "")


async def test_account_settings_sign_what_the_relay_and_sent_copy_get(
    relay_factory, tmp_path: Path, dns: DnsServer, key_file: Path
) -> None:
    relay = relay_factory("starttls")
    acc = account(relay, tmp_path / "Mail", dkim_key=str(key_file), dkim_selector="s1")
    draft = Draft(FROM, "bob@receiver.test", subject="signed on send", body="hello, signed\n")
    outcome = await send_or_queue(
        acc, acc.smtp, build_message(draft, message_id_domain="example.test"),  # type: ignore[arg-type]
        sender="alice@example.test", recipients=["bob@receiver.test"], transcript=Transcript(),
        password=PASSWORD, dkim=dkim_signing(acc),
    )  # fmt: skip
    assert outcome.status == "sent" and outcome.notes == []
    [got] = relay.handler.delivered
    assert got.data.startswith(b"DKIM-Signature: ")
    v = verdict(got.data, dns)
    assert (v.result, v.domain, v.selector) == ("pass", "example.test", "s1"), v.reason  # d= from the sender
    tampered = verdict(got.data.replace(b"hello, signed", b"hello, changed"), dns)
    assert tampered.result == "fail" and tampered.reason.startswith("body hash mismatch")
    [copy] = list((tmp_path / "Mail" / ".Sent" / "cur").iterdir())
    assert verdict(copy.read_bytes(), dns).result == "pass"  # the Sent copy is the signed message


async def test_key_others_can_read_signs_with_a_note(
    relay_factory, tmp_path: Path, dns: DnsServer, key_file: Path
) -> None:
    relay = relay_factory("starttls")
    key_file.chmod(0o644)
    acc = account(relay, tmp_path / "Mail")
    outcome = await send_or_queue(
        acc, acc.smtp, build_message(Draft(FROM, "bob@receiver.test", subject="s", body="b\n"), message_id_domain="example.test"),  # type: ignore[arg-type]
        sender="alice@example.test", recipients=["bob@receiver.test"], transcript=Transcript(),
        password=PASSWORD, dkim=DkimSigning(str(key_file), "s1", "example.test"),
    )  # fmt: skip
    assert outcome.status == "sent"
    assert any(f"the DKIM key {key_file} is mode 0644" in n and "chmod 600" in n for n in outcome.notes)
    assert verdict(relay.handler.delivered[0].data, dns).result == "pass"


async def test_unusable_key_sends_and_queues_nothing(relay_factory, tmp_path: Path) -> None:
    relay = relay_factory("starttls")
    acc = account(relay, tmp_path / "Mail")
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key\n")
    for signing, words in (
        (DkimSigning(str(bad), "s1"), "not a PEM RSA private key"),
        (DkimSigning(str(tmp_path / "missing.pem"), "s1"), "cannot read the DKIM key"),
        (DkimSigning(str(bad), ""), "needs a selector"),
    ):
        with pytest.raises(DkimSigningError, match=words):
            await send_or_queue(
                acc, acc.smtp, build_message(Draft(FROM, "bob@receiver.test", subject="s", body="b\n"), message_id_domain="example.test"),  # type: ignore[arg-type]
                sender="alice@example.test", recipients=["bob@receiver.test"], transcript=Transcript(),
                password=PASSWORD, dkim=signing,
            )  # fmt: skip
    assert relay.handler.delivered == [] and Outbox().list() == []


def run_send(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "mailtui", "--config", str(config), "send", "-s", "cli signed", *args,
         "bob@receiver.test"],
        input=b"signed from the CLI\n", capture_output=True, timeout=60, start_new_session=True,
        env={**os.environ, "MAILTUI_TEST_DKIM_PASSWORD": PASSWORD},
    )  # fmt: skip
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def cli_config(tmp_path: Path, relay: Relay, key_file: Path) -> Path:
    maildir = tmp_path / "Mail"
    for folder in (maildir, maildir / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[account]]\nname = "test"\nfrom = "{FROM}"\nmaildir = "{maildir}"\n'
        f'dkim_key = "{key_file}"\ndkim_selector = "s1"\n'
        f'[account.smtp]\nhost = "127.0.0.1"\nport = {relay.port}\ntls = "starttls"\nuser = "alice"\n'
        f'ca_file = "{relay.cert.cert}"\npassword_env = "MAILTUI_TEST_DKIM_PASSWORD"\nkeyring = false\n'
    )
    path.chmod(0o600)
    return path


def test_mailtui_send_signs_with_the_account_and_flags_override(
    relay_factory, tmp_path: Path, dns: DnsServer, key_file: Path
) -> None:
    relay = relay_factory("starttls")
    config = cli_config(tmp_path, relay, key_file)
    done = run_send(config)
    assert done.returncode == 0, done.stderr
    v = verdict(relay.handler.delivered[-1].data, dns)
    assert (v.result, v.domain, v.selector) == ("pass", "example.test", "s1"), v.reason
    # --dkim-selector in place of the account's: signed as gone, which is not published.
    done = run_send(config, "--dkim-selector", "gone")
    assert done.returncode == 0, done.stderr
    v = verdict(relay.handler.delivered[-1].data, dns)
    assert v.selector == "gone" and v.result == "permerror" and "key not found" in v.reason
    # --dkim-domain: d=esp.test, whose s1 key is the same one.
    done = run_send(config, "--dkim-domain", "esp.test")
    assert done.returncode == 0, done.stderr
    v = verdict(relay.handler.delivered[-1].data, dns)
    assert (v.result, v.domain) == ("pass", "esp.test")


async def test_compose_signs_with_the_account_settings(
    tmp_path: Path, dns: DnsServer, key_file: Path
) -> None:
    """The compose screen sends through the same path: the account's key signs what it sends."""
    from mailtui.config import ServerConfig
    from mailtui.demo.relay import DemoRelay
    from mailtui.ui.app import MailApp
    from tests.ui.conftest import make_maildir, settle, wait_until
    from tests.ui.test_compose_send import fill

    with DemoRelay(tmp_path / "delivered") as relay:
        smtp = ServerConfig(
            kind="smtp", account="test", host="127.0.0.1", port=relay.port, tls="none", auth=False
        )
        acc = AccountConfig(
            name="test", from_address=FROM, maildir=str(make_maildir(tmp_path / "Mail")), smtp=smtp,
            dkim_key=str(key_file), dkim_selector="s1",
        )  # fmt: skip
        app = MailApp(Config(accounts=(acc,), ui=UIConfig(theme="textual-dark")), acc)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            screen = await fill(
                pilot, "bob@demo.test", "signed from compose"
            )  # the demo relay takes demo.test
            screen.body.text = "composed and signed\n"
            await pilot.press("ctrl+s")
            folder = relay.maildir / "new"
            await wait_until(pilot, lambda: folder.is_dir() and any(folder.iterdir()), what="the delivery")
        [path] = list(folder.iterdir())
        raw = path.read_bytes()
    assert b"composed and signed" in raw
    v = verdict(raw, dns)
    assert (v.result, v.domain, v.selector) == ("pass", "example.test", "s1"), v.reason
