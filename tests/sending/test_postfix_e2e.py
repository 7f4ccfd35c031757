"""End to end through a real Postfix on loopback: `mailtui send`/`sendmail` -> Postfix -> Maildir -> mailtui.

One private Postfix per module (tests/postfix_server.py). Each test uses its own subject
and mailbox so the tests do not depend on each other's mail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.backends import open_backend
from mailtui.core.errors import EX_NOUSER
from mailtui.core.message.view import MessageView, parse_message
from tests.postfix_server import DOMAIN, PostfixServer, start_or_skip

pytestmark = pytest.mark.postfix


@pytest.fixture(scope="module")
def postfix() -> Iterator[PostfixServer]:
    server = start_or_skip()
    try:
        yield server
    finally:
        server.stop()


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "mailtui", *args],
        input=stdin, capture_output=True, timeout=60, start_new_session=True, env=dict(os.environ),
    )  # fmt: skip
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(), done.stderr.decode())


def send(postfix: PostfixServer, *args: str, stdin: bytes = b"hello through postfix\n"):
    return run("send", "--server", f"127.0.0.1:{postfix.port}", "--tls", "none", *args, stdin=stdin)


def wait_for_view(postfix: PostfixServer, user: str, predicate, timeout: float = 20.0) -> MessageView:
    """The first message in `user`'s Maildir whose parsed view satisfies `predicate`."""
    deadline = time.monotonic() + timeout
    while True:
        new = postfix.maildir(user) / "new"
        for path in sorted(new.iterdir()) if new.is_dir() else []:
            view = parse_message(path.read_bytes())
            if predicate(view):
                return view
        if time.monotonic() > deadline:
            raise AssertionError(f"no matching message for {user}:\n{postfix.maillog()}")
        time.sleep(0.05)


def test_send_arrives_and_reads_back_through_the_maildir_backend(postfix):
    subject = f"e2e delivery {uuid.uuid4().hex[:8]}"
    done = send(postfix, "--from", f"admin@{DOMAIN}", "-s", subject, f"alice@{DOMAIN}")
    assert done.returncode == 0, done.stderr
    match = re.fullmatch(r"sent: 250 2\.0\.0 Ok: queued as ([0-9A-F]{6,})", done.stdout.strip())
    assert match, done.stdout
    queue_id = match.group(1)
    line = postfix.wait_for_log(rf"postfix-mailtui-test/virtual\[\d+\]: {queue_id}: to=<alice@{DOMAIN}>.*")
    assert "status=sent (delivered to maildir)" in line.group(0)

    wait_for_view(postfix, "alice", lambda v: v.subject == subject)
    backend = open_backend(str(postfix.maildir("alice")))
    folder = backend.default_folder
    envelopes = backend.fetch_envelopes(folder, backend.list_refs(folder))
    [env] = [e for e in envelopes if e.subject == subject]
    assert f"admin@{DOMAIN}" in env.sender
    raw = backend.fetch_raw(folder, env.ref)
    assert b"hello through postfix" in raw
    assert re.search(
        rb"Received: from .*\r?\n\s+by mail\.test\.example \(Postfix\) with ESMTP id " + queue_id.encode(),
        raw,
    )


def test_bounce_gives_a_real_dsn_that_parse_message_decodes(postfix):
    subject = f"e2e bounce {uuid.uuid4().hex[:8]}"
    done = send(postfix, "--from", f"admin@{DOMAIN}", "-s", subject, f"bounce@{DOMAIN}")
    assert done.returncode == 0, done.stderr  # accepted at RCPT: the failure comes later, as a DSN
    queue_id = done.stdout.strip().rsplit(" ", 1)[-1]
    postfix.wait_for_log(
        rf"{queue_id}: to=<bounce@{DOMAIN}>, relay=testbounce, .*dsn=5\.1\.1, status=bounced"
    )

    view = wait_for_view(
        postfix, "admin", lambda v: v.subject.startswith("Undelivered") and subject in v.body
    )
    assert "MAILER-DAEMON@" + DOMAIN in view.sender
    types = [p.content_type for p in view.parts]
    assert types[0] == "multipart/report" and "message/delivery-status" in types
    assert "Status: 5.1.1" in view.body
    assert f"Final-Recipient: rfc822; bounce@{DOMAIN}" in view.body
    assert "acceptance-test bounce" in view.body


def test_unknown_user_is_refused_at_rcpt_with_exit_67(postfix):
    done = send(postfix, "--from", f"admin@{DOMAIN}", "-s", "to nobody", f"nobody@{DOMAIN}", "--transcript")
    assert done.returncode == EX_NOUSER, done.stderr
    assert f"550 5.1.1 <nobody@{DOMAIN}>: Recipient address rejected: User unknown" in done.stderr
    postfix.wait_for_log(rf"NOQUEUE: reject: RCPT from .*: 550 5\.1\.1 <nobody@{DOMAIN}>")


def test_sendmail_pipe_through_a_configured_account(postfix, tmp_path: Path):
    maildir = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[account]]\nname = "cron"\nfrom = "admin@{DOMAIN}"\nmaildir = "{maildir}"\nsave_sent = true\n'
        f'[account.smtp]\nhost = "127.0.0.1"\nport = {postfix.port}\ntls = "none"\nauth = false\n'
    )
    subject = f"e2e cron {uuid.uuid4().hex[:8]}"
    message = f"To: postmaster@{DOMAIN}\nBcc: alice@{DOMAIN}\nSubject: {subject}\n\nbackup done\n".encode()
    done = run("--config", str(config), "sendmail", "-t", "-oi", stdin=message)
    assert done.returncode == 0, done.stderr
    # postmaster is an alias of admin; the Bcc recipient gets it too, without a Bcc header.
    for user in ("admin", "alice"):
        view = wait_for_view(postfix, user, lambda v: v.subject == subject)
        names = {name.lower() for name, _ in view.headers}
        assert "bcc" not in names and {"date", "message-id"} <= names
    [sent] = list((maildir / ".Sent" / "cur").iterdir())  # save_sent = true: sendmail mode keeps one too
    assert subject.encode() in sent.read_bytes()
