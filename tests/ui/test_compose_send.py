"""Sending from the compose screen against real relays: the demo relay (aiosmtpd) on loopback
delivering into a temp Maildir, and an aiosmtpd STARTTLS+AUTH relay for the password prompt."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.message import Message
from textual.widgets import Input

from mailtui.config import AccountConfig, Config, ServerConfig, UIConfig
from mailtui.demo.relay import DemoRelay
from mailtui.paths import data_dir
from mailtui.sending.outbox import Outbox
from mailtui.store.drafts import Drafts
from mailtui.ui.app import MailApp
from mailtui.ui.compose_actions import open_compose
from mailtui.ui.messages import TranscriptLineAdded
from mailtui.ui.screens.compose.compose import ComposeScreen
from mailtui.ui.screens.compose.send_transcript import PasswordDialog
from mailtui.ui.widgets.compose.address_field import AddressField
from tests.sending.relay import PASSWORD, USER
from tests.store.full_disk import fill_up, tiny_tmpfs
from tests.ui.conftest import make_maildir, notifications, screen_text, settle

BINARY = bytes(range(256)) * 40 + b"\x00\r\n\r\n.\r\n\x1b[31m end"  # NULs, CRLF, a lone dot, ESC


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[DemoRelay]:
    with DemoRelay(tmp_path / "delivered", size_limit=200_000) as running:
        yield running


def account_for(maildir: Path, smtp: ServerConfig) -> AccountConfig:
    return AccountConfig(
        name="test", from_address="admin@demo.test", realname="Test Admin", signature="Ops team\next. 4711",
        maildir=str(maildir), smtp=smtp,
    )  # fmt: skip


def make_send_app(tmp_path: Path, port: int, **smtp: object) -> MailApp:
    maildir = make_maildir(tmp_path / "Mail")
    server = ServerConfig(kind="smtp", account="test", host="127.0.0.1", port=port, tls="none", auth=False)
    account = account_for(maildir, ServerConfig(**{**server.__dict__, **smtp}))  # type: ignore[arg-type]
    return MailApp(Config(accounts=(account,), ui=UIConfig(theme="textual-dark")), account)


def delivered(relay: DemoRelay) -> list[email.message.EmailMessage]:
    folder = relay.maildir / "new"
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]  # type: ignore[misc]


async def fill(pilot: object, to: str, subject: str) -> ComposeScreen:
    app = pilot.app  # type: ignore[attr-defined]
    open_compose(app)
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ComposeScreen)
    await pilot.press(*to)  # type: ignore[attr-defined]  # focus starts in To
    screen.query_one("#compose-subject", Input).value = subject
    return screen


async def test_send_with_binary_attachment_arrives_and_closes(tmp_path: Path, relay: DemoRelay) -> None:
    attachment = tmp_path / "dump.bin"
    attachment.write_bytes(BINARY)
    seen: list[Message] = []
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(pilot)
        screen = await fill(pilot, "bob@demo.test", "Grüße: disk report")
        screen.query_one("#compose-bcc", AddressField).value = "audit@demo.test"
        screen.body.text = "Body line ünïcode\n" + screen.body.text
        await pilot.press("ctrl+t")
        screen.query_one("#compose-attach-path", Input).value = str(attachment)
        await pilot.press("enter")
        await settle(pilot)
        assert "dump.bin  application/octet-stream" in screen_text(app)
        panel = screen.panel
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)  # closed after the relay accepted it
        shown = "\n".join(panel.texts)
        assert "C: RCPT TO:<bob@demo.test>" in shown
        assert "queued as" in shown and "Sent copy:" in shown
        assert any(isinstance(m, TranscriptLineAdded) and "queued as" in m.line.text for m in seen)
        assert any("Message sent" == (n.title or "") for n in notifications(app))
    (msg,) = delivered(relay)
    assert msg["Subject"] == "Grüße: disk report"
    assert msg["To"] == "bob@demo.test"
    parts = list(msg.iter_attachments())
    assert [p.get_filename() for p in parts] == ["dump.bin"]
    assert parts[0].get_content() == BINARY  # byte-identical
    body = msg.get_body(("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Body line ünïcode\n") and text.endswith("\n-- \nOps team\next. 4711\n")
    assert Drafts().list() == []  # sent: the draft is gone
    sent = list((tmp_path / "Mail" / ".Sent" / "cur").iterdir()) + list(
        (tmp_path / "Mail" / ".Sent" / "new").iterdir()
    )
    assert len(sent) == 1
    copy = sent[0].read_bytes()
    assert b"Bcc: audit@demo.test" in copy  # the Sent copy says who else got it
    assert msg["Bcc"] is None  # the copy that went over the wire does not


async def test_bad_address_is_marked_and_not_sent(tmp_path: Path, relay: DemoRelay) -> None:
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await fill(pilot, "bob@demo.test, alice@@x", "hello")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        to = screen.field("to")
        assert to.has_class("-invalid")
        assert "'alice@@x': invalid characters before '@'" in screen_text(app)
        assert screen.panel.texts == []  # no connection was made
        # fixing it clears the mark
        to.value = "bob@demo.test"
        assert not to.has_class("-invalid")
    assert delivered(relay) == []


async def test_greylisted_recipient_is_queued_in_outbox(tmp_path: Path, relay: DemoRelay) -> None:
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await fill(pilot, "greylist@demo.test", "try later")
        panel = screen.panel
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
        assert "safe in the outbox" in panel.texts[-1]
        assert any("451 4.7.1" in t for t in panel.texts)
    (queued,) = Outbox().list()
    assert queued.recipients == ("greylist@demo.test",) and queued.subject == "try later"
    assert Drafts().list() == []  # the outbox holds it now
    assert delivered(relay) == []


async def test_451_on_a_full_disk_does_not_claim_a_draft(tmp_path: Path, relay: DemoRelay) -> None:
    # The data dir (drafts and outbox) is full: the 451 cannot be queued and no draft is written.
    with tiny_tmpfs(data_dir()) as data:
        app = make_send_app(tmp_path, relay.port)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            fill_up(data)  # before typing: the autosave timer may run at any moment
            screen = await fill(pilot, "greylist@demo.test", "try later")
            screen.body.text = "keep me\n" + screen.body.text
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is screen  # not sent, not queued: it stays
            assert any("451 4.7.1" in t for t in screen.panel.texts)
            said = [f"{n.title}: {n.message}" for n in notifications(app)] + [screen_text(app)]
            assert not any("also saved as a draft" in s for s in said), said
            assert any("NOT saved as a draft" in s for s in said), said
            assert screen.body.text.startswith("keep me\n")
            assert Drafts().list() == [] and Outbox().list() == []
    assert delivered(relay) == []


async def test_unknown_user_stays_in_compose_with_explanation(tmp_path: Path, relay: DemoRelay) -> None:
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await fill(pilot, "nouser@demo.test", "who?")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # stays, nothing lost
        failure = screen.panel.texts[-1]
        assert failure.startswith("NOT SENT (Recipients refused)")
        assert "nouser@demo.test: 550 5.1.1 permanent error: Bad destination mailbox address" in failure
        assert "Enhanced status 5.1.1: Bad destination mailbox address" in failure
        assert "550 5.1.1" in screen_text(app)
        (draft,) = Drafts().list()
        assert draft.subject == "who?" and draft.to == "nouser@demo.test"
        assert Outbox().list() == []


async def test_message_over_relay_size_is_refused_before_sending(tmp_path: Path, relay: DemoRelay) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(b"\x01" * 300_000)  # the relay announces SIZE 200000
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await fill(pilot, "bob@demo.test", "too big")
        screen.read_file(big)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        shown = "\n".join(screen.panel.texts)
        assert "NOT SENT (Message too big)" in shown and "EHLO SIZE" in shown
        assert "C: MAIL FROM" not in shown  # refused before MAIL, nothing was transferred
    assert delivered(relay) == []


async def test_password_is_asked_masked_and_not_logged(
    tmp_path: Path,
    relay_factory,  # noqa: F811 (the fixture imported above)
) -> None:
    smtp_relay = relay_factory("starttls")
    config = smtp_relay.config()
    app = make_send_app(
        tmp_path, config.port, tls="starttls", auth=True, user=USER, ca_file=config.ca_file, timeout=10.0
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await fill(pilot, "carol@example.org", "with login")
        panel = screen.panel
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PasswordDialog)
        password_input = app.screen.query_one(Input)
        assert password_input.password  # masked
        password_input.value = PASSWORD
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
        shown = "\n".join(panel.texts)
        assert "S: 235" in shown and PASSWORD not in shown
        assert PASSWORD not in app.session.transcript.format()
    assert [d.rcpt_tos for d in smtp_relay.handler.delivered] == [["carol@example.org"]]


async def test_outbox_flush_delivers_queued_message(tmp_path: Path, relay: DemoRelay) -> None:
    from mailtui.ui.compose_actions import flush_outbox_now

    raw = b"From: admin@demo.test\r\nTo: bob@demo.test\r\nSubject: was queued\r\n\r\nbody\r\n"
    Outbox().enqueue(raw, "admin@demo.test", ["bob@demo.test"], "test", error="451 4.7.1 try later")
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        flush_outbox_now(app)
        await settle(pilot)
        assert any(
            n.title == "Outbox retried" and "1 sent, 0 still in the outbox" in n.message
            for n in notifications(app)
        )
    assert Outbox().list() == []
    assert [m["Subject"] for m in delivered(relay)] == ["was queued"]


async def test_several_accounts_offer_a_choice_of_sender(tmp_path: Path, relay: DemoRelay) -> None:
    from textual.widgets import Select

    maildir = make_maildir(tmp_path / "Mail")
    server = ServerConfig(
        kind="smtp", account="test", host="127.0.0.1", port=relay.port, tls="none", auth=False
    )
    first = account_for(maildir, server)
    second = AccountConfig(
        name="ops", from_address="ops@demo.test", realname="Ops, Night Shift", maildir=str(maildir),
        smtp=ServerConfig(**{**server.__dict__, "account": "ops"}),
    )  # fmt: skip
    app = MailApp(Config(accounts=(first, second), ui=UIConfig(theme="textual-dark")), first)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await fill(pilot, "bob@demo.test", "from the other account")
        screen.query_one("#compose-account", Select).value = "ops"
        await settle(pilot)
        assert screen.field("from").value == '"Ops, Night Shift" <ops@demo.test>'
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
    (msg,) = delivered(relay)
    assert msg["From"].addresses[0].addr_spec == "ops@demo.test"
    assert msg["Return-Path"] == "<ops@demo.test>"
