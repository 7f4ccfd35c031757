"""Exim's queue: `exim -bp` and `exim -Mvh`/`-Mvb` parsed from fixtures in the exact format Exim 4.96
prints (queue.c, spool_out.c; ids and messages of the shared main log), and the command lines
`EximQueue` runs, on a stand-in `exim` that records its arguments (no Exim is installed here)."""

from __future__ import annotations

import email
import json
import os
import shlex
import stat
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from mailtui.server.errors import LogAccessError, ServerError
from mailtui.server.exim_spool import parse_spool_body, parse_spool_header
from mailtui.server.queue import EximQueue, by_domain, parse_exim_bp

DATA = Path(__file__).parent / "data"
BP = (DATA / "exim-4.96-bp.txt").read_text()
MVH_BOUNCE = (DATA / "exim-4.96-Mvh-1xYUIz-0006uT-0P.txt").read_text()
MVH_ORIG = (DATA / "exim-4.96-Mvh-1xYUIz-0006uJ-0A.txt").read_text()
NOW = 1796156310  # 2026-12-01 20:18:30 UTC


def test_exim_bp_every_line_form() -> None:
    entries = {e.queue_id: e for e in parse_exim_bp(BP, NOW)}
    assert list(entries) == [
        "1xYUIz-0006uT-0P", "1xYUIz-0006vV-2f", "1xYUIz-0006uJ-0A", "1xXx4a-000AbC-7Q", "1xWz1b-0003Qr-1k",
    ]  # fmt: skip
    bounce = entries["1xYUIz-0006uT-0P"]
    assert (bounce.queue_name, bounce.sender, bounce.size, bounce.arrival_time) == ("frozen", "", 2150, NOW)
    assert [r.address for r in bounce.recipients] == ["labadmin@example.org"]
    mid = entries["1xYUIz-0006uJ-0A"]
    assert (mid.queue_name, mid.sender, mid.size) == ("queued", "labadmin@example.org", 898)
    assert [r.address for r in mid.recipients] == ["dev@example.org"]  # D and +D are delivered
    untrusted = entries["1xXx4a-000AbC-7Q"]
    assert untrusted.sender == "tester@example.org" and untrusted.size == 14 * 1024
    assert untrusted.arrival_time == NOW - 26 * 3600
    broken = entries["1xWz1b-0003Qr-1k"]  # size blank (no data file), a spool read error line
    assert (broken.size, broken.recipients, broken.arrival_time) == (0, (), NOW - 4 * 86400)
    assert ("example.org", 3) in by_domain(list(entries.values()))


def test_exim_mvh_of_a_frozen_bounce() -> None:
    h = parse_spool_header(MVH_BOUNCE)
    assert (h.queue_id, h.login, h.uid, h.sender, h.received_time) == (
        "1xYUIz-0006uT-0P", "Debian-exim", 101, "", 1796156305,
    )  # fmt: skip
    assert h.frozen and h.flags["received_protocol"] == "local" and h.recipients == ("labadmin@example.org",)
    msg = email.message_from_string(h.headers + "\n", policy=policy.default)
    assert msg["Subject"] == "Mail delivery failed: returning message to sender"
    assert msg["X-Failed-Recipients"] == "dev@example.org"
    assert "id 1xYUIz-0006uT-0P" in msg["Received"]


def test_exim_mvh_mid_delivery_with_dsn_acl_and_a_rewritten_header() -> None:
    h = parse_spool_header(MVH_ORIG)
    assert h.sender == "labadmin@example.org" and not h.frozen
    assert h.recipients == ("dev@example.org", "admin@local.test", "bob@local.test")  # DSN data cut
    assert h.delivered == ("admin@local.test", "bob@local.test", "alice@local.test")
    assert h.pending == ("dev@example.org",)
    assert h.flags["aclm"] == "checked: ok" and h.flags["auth_id"] == "alice"  # after the ACL value
    msg = email.message_from_string(h.headers + "\n", policy=policy.default)
    assert msg.get_all("From") == ["Lab Admin <labadmin@example.org>"]  # the "*" one is left out
    assert msg["Subject"] == "Prüfung queue fixture" and msg["X-Note"] == "café (8-bit, counted in bytes)"
    assert msg["Message-ID"] == "<20261201201824.26486-1-dev@example.org>"


def test_not_a_spool_file_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not an Exim spool header"):
        parse_spool_header("Permission denied\n")
    assert parse_spool_body("1xYUIz-0006uT-0P-D\nbody\n") == "body\n"


def stand_in_exim(tmp_path: Path, script: str) -> tuple[EximQueue, Path]:
    """An `exim` that logs its argv (one line per call) and runs `script` (sh) with "$@"."""
    calls = tmp_path / "calls"
    exe = tmp_path / "exim"
    exe.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n{script}\n')
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return EximQueue(str(exe), config_file="/etc/exim4/lab.conf"), calls


def test_exim_actions_build_the_command_lines(tmp_path: Path) -> None:
    ids = ["1xYUIz-0006uT-0P", "1xYUIz-0006vV-2f"]
    script = f"""
case "$3" in
  -bp) cat {shlex.quote(str(DATA / "exim-4.96-bp.txt"))} ;;
  -Mvh) cat {shlex.quote(str(DATA / "exim-4.96-Mvh-1xYUIz-0006uT-0P.txt"))} ;;
  -Mvb) printf '%s-D\\nThis message was created automatically by mail delivery software.\\n' "$4" ;;
  -Mrm) shift 3; for id; do echo "Message $id has been removed"; done ;;
  -Mf) shift 3; for id; do echo "Message $id is now frozen"; done ;;
  -Mt) shift 3; for id; do echo "Message $id is no longer frozen"; done ;;
esac"""
    queue, calls = stand_in_exim(tmp_path, script)
    assert [e.queue_id for e in queue.list(NOW)][:2] == ids
    assert queue.act("hold", ids) == 2 and queue.act("release", ids) == 2
    assert queue.act("requeue", ids[:1]) == 1 and queue.deliver(ids[1:]) == 1
    assert queue.give_up(ids[:1]) == 1 and queue.act("delete", ids) == 2
    queue.flush()
    queue.flush(ids[0])
    shown = queue.show(ids[0])
    msg = email.message_from_string(shown, policy=policy.default)
    assert msg["Message-Id"] == "<E1xYUIz-0006uT-0P@mail.local.test>"
    assert shown.split("\n\n", 1)[1] == "This message was created automatically by mail delivery software.\n"
    conf = "-C /etc/exim4/lab.conf"
    assert calls.read_text().splitlines() == [
        f"{conf} -bp",
        f"{conf} -Mf {ids[0]} {ids[1]}", f"{conf} -Mt {ids[0]} {ids[1]}",
        f"{conf} -M {ids[0]}", f"{conf} -M {ids[1]}", f"{conf} -Mg {ids[0]}",
        f"{conf} -Mrm {ids[0]} {ids[1]}",
        f"{conf} -qff", f"{conf} -M {ids[0]}",
        f"{conf} -Mvh {ids[0]}", f"{conf} -Mvb {ids[0]}",
    ]  # fmt: skip


def test_exim_refusals_are_explained(tmp_path: Path) -> None:
    # queue.c: an action on a frozen message says so and exim exits 1; a non-admin gets
    # "Permission denied" on stdout.
    script = """
case "$3" in
  -Mf) echo "Message $4 is now frozen"; echo "Message $5 is already frozen"; exit 1 ;;
  *) echo "Permission denied"; exit 1 ;;
esac"""
    queue, _ = stand_in_exim(tmp_path, script)
    with pytest.raises(
        ServerError, match=r"exim -Mf: 1 of 2 done; Message 1xYUIz-0006vV-2f is already frozen"
    ):
        queue.act("hold", ["1xYUIz-0006uT-0P", "1xYUIz-0006vV-2f"])
    with pytest.raises(LogAccessError, match="Debian-exim") as refused:
        queue.act("delete", ["1xYUIz-0006uT-0P"])
    assert refused.value.title == "Not allowed" and "exim -Mrm was refused" in refused.value.message


def test_without_exim_it_says_so(monkeypatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ServerError, match="exim is not installed"):
        EximQueue("exim").list()


def test_cli_queue_with_mta_exim(tmp_path: Path) -> None:
    script = f"""
case "$1" in
  -bp) cat {shlex.quote(str(DATA / "exim-4.96-bp.txt"))} ;;
  -Mg) exit 0 ;;
  -Mrm) shift; for id; do echo "Message $id has been removed"; done ;;
esac"""
    _, calls = stand_in_exim(tmp_path, script)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mailtui", "server", "queue", "--mta", "exim", *args],
            capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip

    listed = json.loads(cli("--json").stdout)
    assert [m["queue_name"] for m in listed["messages"]][:3] == ["frozen", "frozen", "queued"]
    done = cli("delete", "ALL", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["count"] == 5
    assert cli("giveup", "1xYUIz-0006uJ-0A").stdout == "giveup: 1 message(s)\n"
    assert calls.read_text().splitlines() == [
        "-bp", "-bp", "-Mrm " + " ".join(m["queue_id"] for m in listed["messages"]), "-Mg 1xYUIz-0006uJ-0A",
    ]  # fmt: skip
