"""Nothing lost: `mailtui send` journals to the outbox first; a broken or unwritable queue is handled.

Real subprocesses (killed with SIGKILL), a real aiosmtpd relay held in DATA, real read-only
and full tmpfs mounts (skipped with the reason where mounting is not permitted).
"""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys

from mailtui.core.errors import EX_IOERR
from mailtui.paths import data_dir
from mailtui.sending.outbox import Outbox
from tests.commands.test_cli_send import PASSWORD_ENV, run
from tests.sending.relay import PASSWORD
from tests.store.full_disk import fill_up, tmpfs


def message_id(raw: bytes) -> str:
    return str(email.message_from_bytes(raw)["Message-ID"])


# -- a crash at any point: sent later or sent, never neither -------------------------------------


def test_sigkill_while_the_relay_is_slow_keeps_the_message_and_flush_sends_it_once(tmp_path, relay, config):
    (tmp_path / "big.bin").write_bytes(os.urandom(1_000_000))
    relay.handler.hold_data()
    env = {**os.environ, PASSWORD_ENV: PASSWORD}
    child = subprocess.Popen(
        [sys.executable, "-m", "mailtui", "--config", str(config), "send", "-s", "killed mid-send",
         "-a", str(tmp_path / "big.bin"), "you@example.net"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        assert child.stdin is not None
        child.stdin.write(b"the body\n")
        child.stdin.close()
        assert relay.handler.data_arrived.wait(60), "the relay never got the message"
        # The whole message is at the relay, its reply not yet sent: the sender dies now.
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        relay.handler.release()
        if child.poll() is None:
            child.kill()
        child.wait(30)
        for pipe in (child.stdout, child.stderr):
            if pipe is not None:
                pipe.close()
    assert child.returncode == -signal.SIGKILL and relay.handler.delivered == []

    outbox = Outbox(data_dir() / "outbox")
    [item] = outbox.list()
    assert item.subject == "killed mid-send" and item.recipients == ("you@example.net",)
    assert item.interrupted
    kept_id = message_id(outbox.raw(item.id))
    listed = run("--config", str(config), "queue", "list")
    assert listed.returncode == 0 and "interrupted" in listed.stdout, listed.stdout

    flushed = run("--config", str(config), "queue", "flush")  # due at once: no --force needed
    assert flushed.returncode == 0, flushed.stdout + flushed.stderr
    [got] = relay.handler.delivered
    assert message_id(got.data) == kept_id
    assert outbox.list() == []
    assert (
        run("--config", str(config), "queue", "flush").returncode == 0 and len(relay.handler.delivered) == 1
    )


def test_a_sent_message_leaves_nothing_in_the_outbox(relay, config):
    done = run("--config", str(config), "send", "-s", "ok", "you@example.net", stdin=b"x\n")
    assert done.returncode == 0, done.stderr
    root = data_dir() / "outbox"
    assert Outbox(root).list() == []
    assert [p for sub in ("new", "meta", "tmp") for p in (root / sub).iterdir()] == []


# -- a queue that cannot be written ----------------------------------------------------------------


def test_read_only_outbox_and_451_writes_dead_letter_and_exits_74(tmp_path, relay, config):
    relay.handler.data_reply = "451 4.3.0 try again later"
    outbox = data_dir() / "outbox"
    dead = tmp_path / "dead.letter"
    with tmpfs(outbox, "size=64k,ro"):
        done = run("--config", str(config), "send", "-s", "nowhere to queue", "you@example.net",
                   stdin=b"keep me\n", MAILTUI_DEAD_LETTER=str(dead))  # fmt: skip
    assert done.returncode == EX_IOERR, done.stderr
    assert "Traceback" not in done.stderr
    assert str(outbox) in done.stderr and str(dead) in done.stderr
    kept = dead.read_bytes()
    assert b"Subject: nowhere to queue" in kept and b"keep me" in kept and kept.startswith(b"From ")


def test_read_only_outbox_still_sends_when_the_relay_accepts(tmp_path, relay, config):
    with tmpfs(data_dir() / "outbox", "size=64k,ro"):
        done = run("--config", str(config), "send", "-s", "sent anyway", "you@example.net", stdin=b"x\n")
    assert done.returncode == 0, done.stderr
    assert str(data_dir() / "outbox") in done.stderr  # the warning names it
    assert len(relay.handler.delivered) == 1


def test_full_disk_outbox_and_451_from_sendmail_writes_dead_letter(tmp_path, relay, config):
    relay.handler.data_reply = "451 4.3.0 try again later"
    outbox = data_dir() / "outbox"
    dead = tmp_path / "dead.letter"
    with tmpfs(outbox, "size=16k"):
        Outbox(outbox)  # its folders exist; then nothing more fits
        fill_up(outbox)
        done = run("--config", str(config), "sendmail", "ops@example.net",
                   stdin=b"Subject: disk full\n\n" + b"filler line\n" * 2000, MAILTUI_DEAD_LETTER=str(dead))  # fmt: skip
    assert done.returncode == EX_IOERR, done.stderr
    assert str(outbox) in done.stderr and str(dead) in done.stderr
    assert b"Subject: disk full" in dead.read_bytes()


# -- a corrupt entry ---------------------------------------------------------------------------


def _queue_two(outbox: Outbox) -> tuple[str, str]:
    good = outbox.enqueue(
        b"Subject: good\r\n\r\nbody\r\n", "me@example.org", ["you@example.net"], "test", "451"
    )
    bad = outbox.enqueue(
        b"Subject: bad\r\n\r\nbody\r\n", "me@example.org", ["you@example.net"], "test", "451"
    )
    (outbox.root / "meta" / f"{bad}.json").write_bytes(b'{"version": 1, "recipients": [tru')
    return good, bad


def test_a_corrupt_sidecar_is_quarantined_and_the_rest_flows(relay, config):
    outbox = Outbox(data_dir() / "outbox")
    good, bad = _queue_two(outbox)
    listed = run("--config", str(config), "queue", "list")
    assert listed.returncode == 0, listed.stderr
    assert good in listed.stdout and bad in listed.stderr and "quarantine" in listed.stderr
    flushed = run("--config", str(config), "queue", "flush", "--force")
    assert flushed.returncode == 0, flushed.stdout + flushed.stderr
    [got] = relay.handler.delivered
    assert b"Subject: good" in got.data
    # The broken entry is kept for a look (not deleted), and `queue drop` removes it.
    dropped = run("queue", "drop", bad)
    assert dropped.returncode == 0, dropped.stderr
    assert not any(bad in p.name for p in outbox.root.rglob("*"))


def test_queue_drop_removes_an_entry_without_its_message(relay, config):
    outbox = Outbox(data_dir() / "outbox")
    ident = outbox.enqueue(b"Subject: x\r\n\r\nb\r\n", "me@example.org", ["you@example.net"], "test", "451")
    (outbox.root / "new" / ident).unlink()  # only the sidecar is left
    dropped = run("queue", "drop", ident)
    assert dropped.returncode == 0, dropped.stderr
    assert not (outbox.root / "meta" / f"{ident}.json").exists()
