"""mailtui.sending.dispatch against real aiosmtpd relays on 127.0.0.1 and real temp Maildirs."""

from __future__ import annotations

import email
from dataclasses import replace
from email import policy
from pathlib import Path

import pytest

from mailtui.backends import open_backend
from mailtui.config import AccountConfig, Config, PasswordSource
from mailtui.core.compose import Draft, build_message
from mailtui.core.errors import EX_DATAERR, EX_NOPERM, EX_NOUSER, EX_TEMPFAIL, EX_UNAVAILABLE
from mailtui.core.models import Flag
from mailtui.core.transcript import Transcript
from mailtui.paths import data_dir
from mailtui.sending.dispatch import (
    adhoc_label,
    adhoc_server,
    exit_code_for,
    flush_outbox,
    resolve_secrets,
    send_or_queue,
    server_from_label,
)
from mailtui.sending.outbox import Outbox
from mailtui.sending.smtp import RelayError
from tests.sending.relay import PASSWORD, USER, Relay

PASSWORD_ENV = "MAILTUI_TEST_SENDING_PASSWORD"


def make_maildir(root: Path, *folders: str) -> Path:
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
        for folder in folders:
            (root / f".{folder}" / sub).mkdir(parents=True, exist_ok=True)
    return root


def account_for(relay: Relay, maildir: Path) -> AccountConfig:
    smtp = relay.config(password=PasswordSource(env=PASSWORD_ENV, keyring=False))
    return AccountConfig(name="test", from_address="Me <me@example.org>", maildir=str(maildir), smtp=smtp)


def message(subject: str = "orchestrated", bcc: str = "") -> tuple[bytes | object, str, list[str]]:
    draft = Draft("Me <me@example.org>", "you@example.net", bcc=bcc, subject=subject, body="hello\n")
    recipients = ["you@example.net"] + ([bcc] if bcc else [])
    return build_message(draft, message_id_domain="example.org"), "me@example.org", recipients


async def send(relay: Relay, account: AccountConfig | None, **kw: object):
    msg, sender, rcpts = message(**{k: kw.pop(k) for k in ("subject", "bcc") if k in kw})  # type: ignore[arg-type]
    server = account.smtp if account is not None and account.smtp else relay.config()
    return await send_or_queue(
        account, server, msg, sender=sender, recipients=rcpts, transcript=Transcript(),  # type: ignore[arg-type]
        password=PASSWORD, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


async def test_sent_copy_lands_in_the_accounts_sent_folder(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    maildir = make_maildir(tmp_path / "Mail", "Sent")
    outcome = await send(relay, account_for(relay, maildir), subject="keep a copy", bcc="hidden@example.org")
    assert outcome.status == "sent" and outcome.queue_id == "12BDBE6FEE9"
    assert outcome.result is not None and outcome.result.accepted == ["you@example.net", "hidden@example.org"]
    assert outcome.sent_copy == "test:Sent" and outcome.notes == []
    backend = open_backend(str(maildir))
    [ref] = backend.list_refs("Sent")
    [env] = backend.fetch_envelopes("Sent", [ref])
    assert env.subject == "keep a copy" and Flag.SEEN in env.flags
    raw = backend.fetch_raw("Sent", [ref][0])
    assert b"\r\n" not in raw  # stored with local line ends
    [got] = relay.handler.delivered
    assert b"Bcc" not in got.data and sorted(got.rcpt_tos) == ["hidden@example.org", "you@example.net"]


async def test_missing_sent_folder_is_created(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    maildir = make_maildir(tmp_path / "Mail")
    outcome = await send(relay, account_for(relay, maildir))
    assert outcome.sent_copy == "test:Sent"
    assert len(list((maildir / ".Sent" / "cur").iterdir())) == 1


async def test_unusable_account_mailbox_falls_back_to_local_sent(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    outcome = await send(relay, account_for(relay, tmp_path / "does-not-exist"))
    assert outcome.status == "sent"
    local = data_dir() / "sent"
    assert outcome.sent_copy == str(local)
    assert any("local Maildir" in note for note in outcome.notes)
    [path] = list((local / "cur").iterdir())
    assert email.message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"] == "orchestrated"


async def test_temporary_failure_is_queued(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["you@"] = "451 4.7.1 greylisted, try later"
    box = Outbox(tmp_path / "outbox")
    outcome = await send(relay, account_for(relay, make_maildir(tmp_path / "Mail", "Sent")), outbox=box)
    assert outcome.status == "queued" and outcome.result is None and outcome.sent_copy == ""
    [item] = box.list()
    assert item.id == outcome.queue_id and item.recipients == ("you@example.net",) and item.account == "test"
    assert "451" in item.last_error and item.attempts == 1
    assert relay.handler.delivered == []


async def test_no_queue_raises_the_temporary_error(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["you@"] = "451 4.7.1 greylisted, try later"
    box = Outbox(tmp_path / "outbox")
    with pytest.raises(RelayError) as info:
        await send(relay, None, outbox=box, queue=False)
    assert info.value.temporary and exit_code_for(info.value) == EX_TEMPFAIL
    assert box.list() == []


async def test_permanent_failure_raises_and_queues_nothing(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["you@"] = "550 5.1.1 <you@example.net>: user unknown"
    box = Outbox(tmp_path / "outbox")
    with pytest.raises(RelayError) as info:
        await send(relay, account_for(relay, make_maildir(tmp_path / "Mail", "Sent")), outbox=box)
    assert not info.value.temporary and exit_code_for(info.value) == EX_NOUSER
    assert box.list() == [] and list((tmp_path / "Mail" / ".Sent" / "cur").iterdir()) == []


async def test_partly_refused_recipients_are_queued_alone(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    relay.handler.rcpt_replies["grey@"] = "451 4.7.1 greylisted, try later"
    box = Outbox(tmp_path / "outbox")
    outcome = await send(relay, None, outbox=box, bcc="grey@example.org", store_sent=False)
    assert outcome.status == "sent" and outcome.sent_copy == ""
    [item] = box.list()
    assert item.recipients == ("grey@example.org",)
    assert any("grey@example.org" in note and "451" in note for note in outcome.notes)
    [got] = relay.handler.delivered
    assert got.rcpt_tos == ["you@example.net"]


async def test_flush_delivers_queued_mail_once_the_relay_accepts(relay_factory, tmp_path, monkeypatch):
    relay = relay_factory("starttls")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    account = account_for(relay, make_maildir(tmp_path / "Mail", "Sent"))
    box = Outbox(tmp_path / "outbox")
    relay.handler.rcpt_replies["you@"] = "451 4.3.0 try again later"
    queued = await send(relay, account, outbox=box, subject="queued then flushed")
    assert queued.status == "queued"

    config = Config(accounts=(account,))
    not_due = await flush_outbox(config, force=False, transcript=Transcript(), outbox=box)
    assert not_due.sent == [] and not_due.skipped == [queued.queue_id]

    relay.handler.rcpt_replies.clear()
    notes: list[str] = []
    transcript = Transcript()
    report = await flush_outbox(config, force=True, transcript=transcript, outbox=box, on_note=notes.append)
    assert report.sent == [queued.queue_id] and report.failed == {} and box.list() == []
    assert notes == [f"sent {queued.queue_id}: 250 2.0.0 Ok: queued as 12BDBE6FEE9"]
    [got] = relay.handler.delivered
    assert email.message_from_bytes(got.data, policy=policy.default)["Subject"] == "queued then flushed"
    assert len(list((tmp_path / "Mail" / ".Sent" / "cur").iterdir())) == 1
    assert PASSWORD not in transcript.format() and "AUTH PLAIN ********" in transcript.format()


async def test_flush_records_a_failure_and_keeps_the_message(relay_factory, tmp_path, monkeypatch):
    relay = relay_factory("starttls")
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password")
    account = account_for(relay, make_maildir(tmp_path / "Mail", "Sent"))
    box = Outbox(tmp_path / "outbox")
    ident = box.enqueue(b"Subject: x\r\n\r\nbody\r\n", "me@example.org", ["you@example.net"], "test")
    report = await flush_outbox(Config(accounts=(account,)), force=True, transcript=Transcript(), outbox=box)
    assert list(report.failed) == [ident] and "535" in report.failed[ident]
    [item] = box.list()
    assert item.attempts == 1 and item.next_attempt is None  # permanent: held until forced


async def test_adhoc_relay_is_queued_and_flushed_without_config(relay_factory, tmp_path, monkeypatch):
    relay = relay_factory("plain", auth=False)
    server = adhoc_server("127.0.0.1", relay.port, tls="none")
    box = Outbox(tmp_path / "outbox")
    relay.handler.rcpt_replies["you@"] = "421 4.3.2 shutting down"
    msg, sender, rcpts = message()
    outcome = await send_or_queue(
        None, server, msg, sender=sender, recipients=rcpts, transcript=Transcript(), password=None,  # type: ignore[arg-type]
        outbox=box,
    )  # fmt: skip
    assert outcome.status == "queued"
    [item] = box.list()
    assert server_from_label(item.account) == server
    relay.handler.rcpt_replies.clear()
    report = await flush_outbox(Config(), force=True, transcript=Transcript(), outbox=box)
    assert report.sent == [item.id] and len(relay.handler.delivered) == 1


def test_adhoc_label_round_trip():
    server = adhoc_server(
        "relay.example.com", 2525, tls="starttls", user="al ice@corp", ca_file="/tmp/ca b.pem", tls_verify=False,
        allow_plaintext_auth=True,
    )  # fmt: skip
    assert server.auth and server.port == 2525
    assert server_from_label(adhoc_label(server)) == server
    assert adhoc_server("h", tls="ssl").port == 465 and not adhoc_server("h").auth


def test_resolve_secrets(monkeypatch, relay_factory):
    relay = relay_factory("plain", auth=False)
    assert resolve_secrets(relay.config(auth=False), prompt=False) == (None, None)
    monkeypatch.setenv(PASSWORD_ENV, "from-env")
    configured = relay.config(password=PasswordSource(env=PASSWORD_ENV, keyring=False))
    assert resolve_secrets(configured, prompt=False) == ("from-env", None)
    monkeypatch.setenv("MAILTUI_PASSWORD", "adhoc-secret")
    assert resolve_secrets(adhoc_server("h", user=USER), prompt=False) == ("adhoc-secret", None)
    token = replace(configured, oauth2_token_command="printf 'tok-123\\nrest'")
    assert resolve_secrets(token, prompt=False) == (None, "tok-123")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (RelayError("x", temporary=True, code=451, reply="4.7.1 greylisted"), EX_TEMPFAIL),
        (RelayError("x", temporary=False, code=550, reply="5.1.1 <a@b>: user unknown"), EX_NOUSER),
        (
            RelayError("x", temporary=False, code=550, reply="Recipient address rejected: User unknown"),
            EX_NOUSER,
        ),
        (
            RelayError("x", temporary=False, code=535, reply="5.7.8 Authentication credentials invalid"),
            EX_NOPERM,
        ),
        (RelayError("x", temporary=False, code=530, reply="5.7.0 Authentication required"), EX_NOPERM),
        (RelayError("x", temporary=False, code=554, reply="5.7.1 Relay access denied"), EX_UNAVAILABLE),
        (RelayError("x", temporary=False, code=553, reply="5.1.3 bad address syntax"), EX_DATAERR),
        (
            RelayError("bad recipient address 'x': missing '@'", temporary=False, exit_code=EX_DATAERR),
            EX_DATAERR,
        ),
    ],
)
def test_exit_codes_follow_the_reply(error: RelayError, code: int):
    assert exit_code_for(error) == code


async def test_connection_dropped_during_data_is_queued(relay_factory, tmp_path):
    relay = relay_factory("starttls")
    relay.handler.drop_in_data = True
    box = Outbox(tmp_path / "outbox")
    outcome = await send(relay, None, outbox=box)
    assert outcome.status == "queued"
    [item] = box.list()
    assert "Connection lost" in outcome.notes[0] and item.attempts == 1


@pytest.mark.parametrize(
    ("code", "reply", "expected"),
    [
        (451, "4.7.1 greylisted", 75),
        (550, "5.1.1 <bob@x>: Recipient address rejected: User unknown", 67),
        (550, "mailbox unavailable: user unknown", 67),
        (535, "5.7.8 Authentication credentials invalid", 77),
        (553, "5.1.7 sender address rejected: malformed", 65),
        (554, "5.7.1 Relay access denied", 69),
    ],
)
def test_one_reply_table_for_send_and_probe(code: int, reply: str, expected: int) -> None:
    import aiosmtplib

    from mailtui.config import ServerConfig
    from mailtui.core.exit_codes import exit_code_for_reply
    from mailtui.diagnostics.smtp_probe import _classify

    assert exit_code_for_reply(code, reply) == expected
    server = ServerConfig(kind="smtp", account="x", host="h", port=25, tls="none")
    stage = "rcpt" if code != 535 else "auth"
    assert _classify(aiosmtplib.SMTPResponseException(code, reply), stage, server)[1] == expected


async def test_a_message_failing_past_its_queue_lifetime_is_returned_to_the_sender(
    relay_factory, tmp_path, monkeypatch
):
    from tests.fixtures.clock import Clock

    relay = relay_factory("starttls")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    relay.handler.rcpt_replies["you@"] = "451 4.7.1 greylisted for ever"
    account = replace(account_for(relay, make_maildir(tmp_path / "Mail", "Sent")), queue_lifetime=3 * 86400.0)
    clock = Clock()
    box = Outbox(tmp_path / "outbox", clock=clock)
    queued = await send(relay, account, outbox=box, subject="never delivered")
    assert queued.status == "queued"
    config = Config(accounts=(account,))

    clock.now += 2 * 86400  # within its lifetime: retried, still queued
    report = await flush_outbox(config, force=True, transcript=Transcript(), outbox=box)
    assert list(report.failed) == [queued.queue_id] and len(box.list()) == 1

    clock.now += 86400 + 1  # past it: a DSN in the INBOX, and out of the queue
    report = await flush_outbox(config, force=True, transcript=Transcript(), outbox=box)
    assert box.list() == [] and report.failed == {} and relay.handler.delivered == []
    assert any("queue_lifetime" in n and "test:INBOX" in n for n in report.notices)
    [dsn_file] = list((tmp_path / "Mail" / "new").iterdir())
    dsn = email.message_from_bytes(dsn_file.read_bytes(), policy=policy.default)
    assert dsn.get_content_type() == "multipart/report" and dsn["To"] == "me@example.org"
    parts = {p.get_content_type(): p for p in dsn.iter_parts()}  # type: ignore[attr-defined]
    status = parts["message/delivery-status"].as_string()
    assert "Final-Recipient: rfc822; you@example.net" in status and "Action: failed" in status
    assert "greylisted for ever" in status
    assert b"Subject: never delivered" in parts["text/rfc822-headers"].get_payload(decode=True)
