"""`mailtui send --follow` against the suite's aiosmtpd relay on loopback (it answers `queued as
12BDBE6FEE9`): the log named with --log appears only after the send and is followed to the
bounce; a relay that is not on this host, or a reply without a queue id, is not followed."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from mailtui.config.model import ServerConfig
from mailtui.core.errors import EX_UNAVAILABLE
from mailtui.sending.dispatch import SendOutcome
from mailtui.sending.smtp import SendResult
from tests.commands.test_cli_send import PASSWORD_ENV
from tests.sending.relay import PASSWORD

# The real log of a Postfix bounce (shared data), with the relay's queue id for the original one.
SHARED = Path("/work/shared/data/logs/postfix-3.7-maillog-bounce.txt")
LINES = SHARED.read_text().replace("AD29921253C", "12BDBE6FEE9").splitlines(keepends=True)


def test_send_follow_waits_for_the_log_and_follows_to_the_bounce(tmp_path: Path, relay, config) -> None:
    log = tmp_path / "log" / "maillog"
    env = {**os.environ, PASSWORD_ENV: PASSWORD}
    child = subprocess.Popen(
        [sys.executable, "-m", "mailtui", "--config", str(config), "send", "-s", "follow me", "--follow",
         "--log", str(log), "--follow-timeout", "60", "you@example.net"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        start_new_session=True,
    )  # fmt: skip
    try:
        assert child.stdin is not None and child.stderr is not None
        child.stdin.write("body\n")
        child.stdin.close()
        child.stdin = None  # communicate() below must not flush it
        said = []
        while not any(line.startswith("following 12BDBE6FEE9 in") for line in said):
            line = child.stderr.readline()
            assert line, f"mailtui ended before following: {''.join(said)}"
            said.append(line)
        assert f"mailtui: {log} does not exist (yet): waiting for it\n" in said
        log.parent.mkdir()
        log.write_text("".join(LINES))  # the MTA starts logging after the send
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == EX_UNAVAILABLE, out + err
    assert out.startswith("sent: 250 2.0.0 Ok: queued as 12BDBE6FEE9\n")
    assert "12BDBE6FEE9      to <bounce@test.example>: bounced (dsn 5.1.1) via testbounce" in out
    assert out.splitlines()[-1].startswith("12BDBE6FEE9 -> B5B98212540: bounced (final status reached")


def outcome(queue_id: str | None) -> SendOutcome:
    reply = f"2.0.0 Ok: queued as {queue_id}" if queue_id else "2.0.0 Ok"
    return SendOutcome("sent", SendResult(["you@example.net"], {}, 250, reply, queue_id, None), queue_id)


def follow_args(tmp_path: Path) -> argparse.Namespace:
    return argparse.Namespace(
        log=[str(tmp_path / "never")], json=False, follow_timeout=0.1, deferred_timeout=0.1
    )


def test_a_relay_elsewhere_or_a_reply_without_id_is_not_followed(tmp_path: Path, capsys) -> None:
    from mailtui.commands.send import follow_after_send

    far = ServerConfig("smtp", "", "192.0.2.1", 25)  # TEST-NET-1: not an address of this host
    assert follow_after_send(follow_args(tmp_path), far, outcome("12BDBE6FEE9"), 0) == 0
    assert "not following: the relay 192.0.2.1 is not on this host" in capsys.readouterr().err
    near = ServerConfig("smtp", "", "127.0.0.1", 25)
    assert follow_after_send(follow_args(tmp_path), near, outcome(None), 0) == 0
    assert "not following: the relay's reply named no queue id" in capsys.readouterr().err
    queued = SendOutcome("queued", None, "outbox-1")
    assert follow_after_send(follow_args(tmp_path), near, queued, 75) == 75
    assert "queued locally" in capsys.readouterr().err
