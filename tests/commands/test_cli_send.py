"""`mailtui send`, `mailtui sendmail` and `mailtui queue` as real subprocesses against aiosmtpd.

The relay runs in this process (aiosmtpd's own thread); the CLI runs in a subprocess with
the XDG dirs of the autouse fixture (passed through the environment), so the outbox and
the local Sent copy it writes are the ones `mailtui.paths.data_dir()` sees here.
"""

from __future__ import annotations

import base64
import email
import os
import random
import subprocess
import sys
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailtui.backends import open_backend
from mailtui.core.errors import (
    EX_CONFIG,
    EX_DATAERR,
    EX_NOINPUT,
    EX_NOPERM,
    EX_NOUSER,
    EX_TEMPFAIL,
    EX_UNAVAILABLE,
)
from mailtui.paths import data_dir
from mailtui.sending.outbox import Outbox
from tests.certs import free_port
from tests.sending.relay import PASSWORD, USER, Relay

PASSWORD_ENV = "MAILTUI_TEST_CLI_PASSWORD"
QUEUED_AS = "sent: 250 2.0.0 Ok: queued as 12BDBE6FEE9"


def run(
    *args: str, stdin: bytes = b"", password: str = PASSWORD, **env: str
) -> subprocess.CompletedProcess[str]:
    # A new session has no controlling terminal: nothing can prompt, stdin is the pipe.
    full_env = {**os.environ, PASSWORD_ENV: password, **env}
    done = subprocess.run(
        [sys.executable, "-m", "mailtui", *args],
        input=stdin, capture_output=True, timeout=60, start_new_session=True, env=full_env,
    )  # fmt: skip
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def maildir(tmp_path: Path) -> Path:
    root = tmp_path / "Mail"
    for folder in (root, root / ".Sent"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    return root


def write_config(tmp_path: Path, relay: Relay, *, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[account]]\nname = "test"\nfrom = "me@example.org"\nrealname = "Mail Tester"\n'
        f'maildir = "{maildir(tmp_path)}"\n'
        f'[account.smtp]\nhost = "127.0.0.1"\nport = {relay.port}\ntls = "starttls"\nuser = "{USER}"\n'
        f'ca_file = "{relay.cert.cert}"\npassword_env = "{PASSWORD_ENV}"\nkeyring = false\ntimeout = 20\n{extra}'
    )
    path.chmod(0o600)
    return path


def delivered(relay: Relay) -> EmailMessage:
    [got] = relay.handler.delivered
    # The wire form has CRLF line ends; parse it as a local file would be.
    return email.message_from_bytes(got.data.replace(b"\r\n", b"\n"), policy=policy.default)  # type: ignore[return-value]


def password_forms() -> list[str]:
    raw = PASSWORD.encode()
    return [
        PASSWORD,
        base64.b64encode(raw).decode(),
        base64.b64encode(b"\0" + USER.encode() + b"\0" + raw).decode(),
    ]


# -- mailtui send ---------------------------------------------------------------------------------


def test_send_delivers_hides_bcc_and_keeps_a_sent_copy(tmp_path, relay, config):
    done = run(
        "--config", str(config), "send", "-s", "hello from the cli", "-c", "cc@example.net",
        "-b", "hidden@example.org", "you@example.net", stdin=b"first line\nsecond line\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == QUEUED_AS
    [got] = relay.handler.delivered
    assert got.mail_from == "me@example.org"
    assert got.rcpt_tos == ["you@example.net", "cc@example.net", "hidden@example.org"]
    assert b"hidden@example.org" not in got.data and b"Bcc" not in got.data
    msg = delivered(relay)
    assert msg["From"] == "Mail Tester <me@example.org>" and msg["Cc"] == "cc@example.net"
    assert msg.get_content() == "first line\nsecond line\n"
    backend = open_backend(str(tmp_path / "Mail"))
    [ref] = backend.list_refs("Sent")
    assert backend.fetch_envelopes("Sent", [ref])[0].subject == "hello from the cli"
    # The sender's own copy says who else got it (as mutt's does); the wire copy did not.
    copy = email.message_from_bytes(backend.fetch_raw("Sent", ref))
    assert copy["Bcc"] == "hidden@example.org" and copy["Cc"] == "cc@example.net"


def test_transcript_has_the_dialogue_and_no_password(relay, config):
    done = run("--config", str(config), "send", "--transcript", "-s", "t", "you@example.net", stdin=b"x\n")
    assert done.returncode == 0, done.stderr
    for expected in ("< 220 ", "> EHLO", "> STARTTLS", "AUTH PLAIN ********", "> MAIL FROM:<me@example.org>",
                     "> RCPT TO:<you@example.net>", "< 250 2.0.0 Ok: queued as 12BDBE6FEE9"):  # fmt: skip
        assert expected in done.stderr
    for form in password_forms():
        assert form not in done.stdout + done.stderr


def test_attachments_are_byte_identical(tmp_path, relay, config):
    blob = random.Random(7).randbytes(70_000) + bytes(range(256)) + b"\r\n\n\r.\r\n"
    (tmp_path / "data.bin").write_bytes(blob)
    (tmp_path / "report.pdf").write_bytes(b"%PDF-1.4\n" + blob[:999])
    done = run(
        "--config", str(config), "send", "-s", "files", "-a", str(tmp_path / "data.bin"),
        "-a", str(tmp_path / "report.pdf"), "you@example.net", stdin=b"see attached\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    parts = {p.get_filename(): p for p in delivered(relay).iter_attachments()}
    assert parts["data.bin"].get_content() == blob
    assert parts["report.pdf"].get_content_type() == "application/pdf"
    assert parts["report.pdf"].get_content() == b"%PDF-1.4\n" + blob[:999]


def test_temporary_failure_queues_and_queue_flush_delivers(relay, config):
    relay.handler.rcpt_replies["you@"] = "451 4.7.1 greylisted, try again later"
    done = run("--config", str(config), "send", "-s", "queued", "you@example.net", stdin=b"later\n")
    assert done.returncode == EX_TEMPFAIL, done.stderr
    [item] = Outbox(data_dir() / "outbox").list()
    assert done.stdout.strip() == f"queued: {item.id}"
    assert item.recipients == ("you@example.net",) and "451" in item.last_error

    listed = run("--config", str(config), "queue", "list")
    assert listed.returncode == 0 and item.id in listed.stdout and "451 4.7.1 greylisted" in listed.stdout

    not_due = run("--config", str(config), "queue", "flush")
    assert not_due.returncode == EX_TEMPFAIL and relay.handler.delivered == []

    relay.handler.rcpt_replies.clear()
    flushed = run("--config", str(config), "queue", "flush", "--force")
    assert flushed.returncode == 0, flushed.stderr
    assert f"sent {item.id}: 250 2.0.0 Ok: queued as 12BDBE6FEE9" in flushed.stdout
    assert delivered(relay)["Subject"] == "queued"
    assert run("queue", "list").stdout.strip() == "the queue is empty"


def test_queue_drop_deletes_without_sending(relay, config):
    relay.handler.rcpt_replies["you@"] = "451 4.7.1 greylisted, try again later"
    assert (
        run("--config", str(config), "send", "-s", "drop me", "you@example.net", stdin=b"x\n").returncode
        == 75
    )
    [item] = Outbox(data_dir() / "outbox").list()
    unknown = run("queue", "drop", "no-such-id")
    assert unknown.returncode == 66 and "no-such-id" in unknown.stderr
    assert run("queue", "drop", item.id).returncode == 0
    assert Outbox(data_dir() / "outbox").list() == []
    relay.handler.rcpt_replies.clear()
    assert run("--config", str(config), "queue", "flush", "--force").returncode == 0
    assert relay.handler.delivered == []


def test_no_queue_exits_75_without_queueing(relay, config):
    relay.handler.rcpt_replies["you@"] = "452 4.2.2 mailbox full"
    done = run("--config", str(config), "send", "--no-queue", "you@example.net", stdin=b"x\n")
    assert done.returncode == EX_TEMPFAIL and "452" in done.stderr
    assert Outbox(data_dir() / "outbox").list() == []


@pytest.mark.parametrize(
    ("where", "reply", "code"),
    [
        ("rcpt", "550 5.1.1 <you@example.net>: Recipient address rejected: User unknown", EX_NOUSER),
        ("data", "554 5.7.1 message content rejected as spam", EX_UNAVAILABLE),
        ("mail", "553 5.1.7 sender address rejected: malformed", EX_DATAERR),
    ],
)
def test_permanent_failures_map_to_sysexits(relay, config, where, reply, code):
    if where == "rcpt":
        relay.handler.rcpt_replies["you@"] = reply
    elif where == "data":
        relay.handler.data_reply = reply
    else:
        relay.handler.mail_reply = reply
    done = run("--config", str(config), "send", "-s", "refused", "you@example.net", stdin=b"x\n")
    assert done.returncode == code, done.stderr
    assert reply.split(" ", 1)[1][:20] in done.stderr
    assert Outbox(data_dir() / "outbox").list() == []
    [kept] = list((data_dir() / "failed" / "new").iterdir())  # nothing typed is lost
    assert b"Subject: refused" in kept.read_bytes()


def test_wrong_password_exits_77(relay, config):
    done = run("--config", str(config), "send", "you@example.net", stdin=b"x\n", password="not-the-password")
    assert done.returncode == EX_NOPERM, done.stderr
    assert "535" in done.stderr and "not-the-password" not in done.stderr


@pytest.mark.parametrize("bad", ["not-an-address", "you@example.net\r\nBcc: x@evil.example", "a@b c@d"])
def test_bad_address_exits_65(relay, config, bad):
    done = run("--config", str(config), "send", "-s", "x", bad, stdin=b"x\n")
    assert done.returncode == EX_DATAERR, done.stderr
    assert relay.handler.delivered == [] and "Traceback" not in done.stderr


def test_subject_injection_exits_65(relay, config):
    done = run(
        "--config", str(config), "send", "-s", "hi\nBcc: x@evil.example", "you@example.net", stdin=b"x"
    )
    assert done.returncode == EX_DATAERR and relay.handler.delivered == []


def test_missing_attachment_exits_66_naming_it(tmp_path, relay, config):
    missing = tmp_path / "no-such-report.pdf"
    done = run("--config", str(config), "send", "-a", str(missing), "you@example.net", stdin=b"x\n")
    assert done.returncode == EX_NOINPUT and str(missing) in done.stderr
    assert relay.handler.delivered == []


@pytest.mark.parametrize(
    "extra",
    ['port = "not a number"\n', "[account.smtp.nested]\n", "tls = 'sometimes'\n"],
    ids=["port", "table", "tls"],
)
def test_broken_config_exits_78(tmp_path, relay, extra):
    config = write_config(tmp_path, relay, extra=extra)
    done = run("--config", str(config), "send", "you@example.net", stdin=b"x\n")
    assert done.returncode == EX_CONFIG, done.stderr
    assert "Traceback" not in done.stderr and relay.handler.delivered == []


def test_account_without_smtp_exits_78(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text(f'[[account]]\nname = "r"\nfrom = "me@example.org"\nmaildir = "{maildir(tmp_path)}"\n')
    done = run("--config", str(config), "send", "you@example.net", stdin=b"x\n")
    assert done.returncode == EX_CONFIG and "[account.smtp]" in done.stderr


def test_adhoc_server_needs_no_config_and_masks_the_password(relay_factory):
    relay = relay_factory("plain")
    done = run(
        "send", "--server", f"127.0.0.1:{relay.port}", "--tls", "none", "--user", USER,
        "--allow-plaintext-auth", "--from", "probe@example.org", "--preset", "attachment", "--size", "1234",
        "--transcript", "admin@example.net", MAILTUI_PASSWORD=PASSWORD,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == QUEUED_AS
    assert relay.handler.logins and relay.handler.logins[0][1] == USER.encode()
    msg = delivered(relay)
    assert msg["Subject"] == "mailtui test message (attachment, 1234 bytes)"
    [att] = list(msg.iter_attachments())
    assert len(att.get_content()) == 1234
    assert "AUTH PLAIN ********" in done.stderr
    for form in password_forms():
        assert form not in done.stdout + done.stderr
    assert not (data_dir() / "sent").exists()  # a swaks-style test leaves no copy behind


def test_adhoc_server_refuses_plaintext_login_by_default(relay_factory):
    relay = relay_factory("plain")
    done = run(
        "send", "--server", f"127.0.0.1:{relay.port}", "--tls", "none", "--user", USER, "--preset", "plain",
        "admin@example.net", MAILTUI_PASSWORD=PASSWORD,
    )  # fmt: skip
    assert done.returncode != 0 and "unencrypted" in done.stderr and relay.handler.delivered == []


# -- mailtui sendmail -----------------------------------------------------------------------------


def test_sendmail_t_takes_recipients_and_removes_bcc(relay, config):
    message = (
        b"From: Cron <cron@example.org>\nTo: Ops <ops@example.net>\nCc: dba@example.net\n"
        b"Bcc: audit@example.org,\n  second@example.org\nSubject: nightly backup\n\nall good\n"
    )
    done = run("--config", str(config), "sendmail", "-t", "-i", stdin=message)
    assert done.returncode == 0, done.stderr
    [got] = relay.handler.delivered
    assert sorted(got.rcpt_tos) == sorted(
        ["ops@example.net", "dba@example.net", "audit@example.org", "second@example.org"]
    )
    assert b"audit@" not in got.data and b"second@" not in got.data and b"Bcc" not in got.data
    msg = delivered(relay)
    assert msg["From"] == "Cron <cron@example.org>" and msg["Subject"] == "nightly backup"
    assert msg["Date"] and msg["Message-ID"]
    assert got.mail_from == "me@example.org"  # the account's address, as msmtp does without -f


def test_sendmail_as_cron_uses_it(relay, config):
    # cron: sendmail -FCronDaemon -i -B8BITMIME -oem root; a plain pipe: printf ... | sendmail RCPT
    done = run(
        "--config", str(config), "sendmail", "-FCronDaemon", "-B8BITMIME", "-oem", "-f", "cron@example.org",
        "root@example.net", stdin=b"Subject: x\n\nbody\n.\nstill part of the message\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""  # silent on success, as sendmail
    [got] = relay.handler.delivered
    assert got.rcpt_tos == ["root@example.net"] and got.mail_from == "cron@example.org"
    msg = delivered(relay)
    assert msg["From"] == "CronDaemon <cron@example.org>" and msg["Subject"] == "x"
    assert msg.get_content() == "body\n.\nstill part of the message\n"  # read to EOF, as msmtp


def test_sendmail_oi_keeps_a_lone_dot_line(relay, config):
    done = run(
        "--config", str(config), "sendmail", "-oi", "root@example.net", stdin=b"Subject: x\n\na\n.\nb\n"
    )
    assert done.returncode == 0, done.stderr
    assert delivered(relay).get_content() == "a\n.\nb\n"


def test_sendmail_without_recipients_exits_65(relay, config):
    done = run("--config", str(config), "sendmail", stdin=b"Subject: x\n\nbody\n")
    assert done.returncode == EX_DATAERR and relay.handler.delivered == []


def test_sendmail_unknown_user_exits_67(relay, config):
    relay.handler.rcpt_replies["nobody@"] = "550 5.1.1 <nobody@example.net>: User unknown"
    done = run("--config", str(config), "sendmail", "nobody@example.net", stdin=b"Subject: x\n\nbody\n")
    assert done.returncode == EX_NOUSER, done.stderr


def test_relay_down_queues_with_exit_75(tmp_path, relay):
    config = write_config(tmp_path, relay)
    closed = free_port()  # nothing listens there
    config.write_text(config.read_text().replace(f"port = {relay.port}", f"port = {closed}"))
    done = run("--config", str(config), "send", "-s", "relay down", "you@example.net", stdin=b"x\n")
    assert done.returncode == EX_TEMPFAIL, done.stderr
    assert "could not connect" in done.stderr
    [item] = Outbox(data_dir() / "outbox").list()
    assert item.subject == "relay down" and item.account == "test"


def test_top_level_account_option_picks_the_account(tmp_path, relay):
    config = write_config(tmp_path, relay)
    text = config.read_text().replace('name = "test"', 'name = "second"')
    other = f'[[account]]\nname = "first"\nfrom = "first@example.org"\nmaildir = "{tmp_path / "Mail"}"\n'
    config.write_text(other + text)
    done = run("--config", str(config), "--account", "second", "send", "you@example.net", stdin=b"x\n")
    assert done.returncode == 0, done.stderr
    assert relay.handler.delivered[0].mail_from == "me@example.org"
    first = run("--config", str(config), "send", "--account", "first", "you@example.net", stdin=b"x\n")
    assert first.returncode == EX_CONFIG and "'first' has no [account.smtp]" in first.stderr


@pytest.mark.parametrize(
    ("data", "headers", "body"),
    [
        (b"From nobody Mon Jan  1 00:00:00 2024\nSubject: s\n\nb\n", ["Subject: s"], b"b\r\n"),
        (
            b"Subject: s\r\nTo: a@example.net\r\n\r\nline\r\n",
            ["Subject: s", "To: a@example.net"],
            b"line\r\n",
        ),
        (b"no headers here\njust text\n", [], b"no headers here\r\njust text\r\n"),
        (b"Subject: folded\n  continued\nBcc: x@example.org\n\nb", ["Subject: folded\r\n  continued"], b"b"),
    ],
    ids=["mbox-from-line", "crlf", "no-headers", "folded-and-bcc"],
)
def test_sendmail_prepares_the_message(data, headers, body):
    from mailtui.commands.sendmail import prepare_message

    raw, rcpts = prepare_message(data, sender="me@example.org", full_name="Cron Daemon")
    head, _, rest = raw.partition(b"\r\n\r\n")
    assert rest == body
    lines = head.decode().split("\r\n")
    text = head.decode()
    for header in headers:
        assert header in text
    assert "Bcc" not in text and "From nobody" not in text
    assert "From: Cron Daemon <me@example.org>" in lines
    assert any(line.startswith("Date: ") for line in lines)
    assert any(line.startswith("Message-ID: <") and line.endswith("@example.org>") for line in lines)
    assert rcpts == (["a@example.net"] if "To: a@" in text else ["x@example.org"] if b"Bcc" in data else [])


def test_dkim_key_signs_what_the_relay_receives(tmp_path, relay, config):
    """--dkim-key: the message on the wire carries a signature that verifies with the public key."""
    import dkim
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    (tmp_path / "dkim.pem").write_bytes(pem)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    done = run(
        "--config", str(config), "send", "-s", "signed", "--dkim-key", str(tmp_path / "dkim.pem"),
        "--dkim-selector", "test", "you@example.net", stdin=b"signed body\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [got] = relay.handler.delivered
    assert b"DKIM-Signature:" in got.data and b"d=example.org" in got.data and b"s=test" in got.data

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes:
        return record if name == b"test._domainkey.example.org." else b""

    assert dkim.verify(got.data, dnsfunc=dnsfunc)
    assert not dkim.verify(got.data.replace(b"signed body", b"changed body"), dnsfunc=dnsfunc)
