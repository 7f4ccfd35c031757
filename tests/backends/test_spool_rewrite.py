"""An mbox rewrite is old content or new, never half of each; a real MDA's deliveries are kept.

A child process is killed (SIGKILL) at each step of a rewrite; the next open must find the
old content or the new one, plus what was delivered meanwhile. Deliveries come from Debian's
dovecot-lda (`/usr/lib/dovecot/dovecot-lda`), run as the spool's owner with group mail
privileges, as an MTA runs it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mailtui.backends.mbox import spool
from mailtui.backends.mbox.backend import MboxBackend
from mailtui.core.models import Flag
from tests.fixtures.unprivileged import PYTHON, Unprivileged, VarMail

from .conftest import MboxHarness, make_message

LDA = "/usr/lib/dovecot/dovecot-lda"

CRASH = r"""
import os, signal, sys
from mailtui.backends.mbox import spool
from mailtui.backends.mbox.backend import MboxBackend
from mailtui.core.models import Flag
path, op, point = sys.argv[1:4]
name = path.rsplit("/", 1)[1]
def die(*_):
    os.kill(os.getpid(), signal.SIGKILL)
truncate, write_at = spool._truncate, spool._write_at
if point == "before-truncate":
    spool._truncate = die
elif point == "after-truncate":
    spool._truncate = lambda fd, size: (truncate(fd, size), die())
elif point.startswith("write-"):
    cut = int(point[6:])
    spool._write_at = lambda fd, offset, data: (write_at(fd, offset, data[:cut]), die())
elif point == "before-journal-drop":
    spool._drop_journal = die
b = MboxBackend(path)
refs = b.list_refs(name)
if op == "delete":
    b.delete(name, [refs[-1]])  # the first message of the file: everything after it moves
elif op == "flag":
    b.set_flags(name, [refs[-1]], add=frozenset({Flag.SEEN, Flag.FLAGGED}))
else:
    b.append(name, b"Subject: appended\n\nbody\n")
"""

POINTS = ["before-truncate", "after-truncate", "write-1", "write-300", "before-journal-drop"]


def seed(path: Path, count: int) -> bytes:
    data = b"".join(MboxHarness._entry(make_message(i), 1_700_000_000 + 60 * i) for i in range(count))
    path.write_bytes(data)
    return data


def apply(path: Path, op: str) -> None:
    b = MboxBackend(path)
    refs = b.list_refs(path.name)
    if op == "delete":
        b.delete(path.name, [refs[-1]])
    elif op == "flag":
        b.set_flags(path.name, [refs[-1]], add=frozenset({Flag.SEEN, Flag.FLAGGED}))
    else:
        b.append(path.name, b"Subject: appended\n\nbody\n")


@pytest.mark.parametrize("delivered", [False, True], ids=["alone", "mail-delivered-after-crash"])
@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("op", ["delete", "flag", "append"])
def test_interrupted_rewrite_leaves_old_or_new(tmp_path: Path, op: str, point: str, delivered: bool) -> None:
    box = tmp_path / "box"
    old = seed(box, 4)
    twin = tmp_path / "twin"
    twin.write_bytes(old)
    apply(twin, op)
    new = twin.read_bytes()
    assert new != old
    done = subprocess.run(
        [sys.executable, "-c", CRASH, str(box), op, point], capture_output=True, text=True, check=False
    )
    assert done.returncode == -signal.SIGKILL, done.stderr
    late = b""
    if delivered:
        # An MDA that broke the dead process's lock as stale appends at the end.
        late = MboxHarness._entry(make_message(9, subject="delivered after the crash"), 1_700_009_000)
        with open(box, "ab") as f:
            f.write(late)
    b = MboxBackend(box)  # replays the journal
    assert box.read_bytes() in (old + late, new + late)
    assert not spool.journal_path(box).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["box", "twin"]  # the dead one's dotlock gone
    subjects = [e.subject for e in b.fetch_envelopes("box", b.list_refs("box"))]
    if delivered:
        assert subjects[0] == "delivered after the crash"


def test_interrupted_replay_is_replayed_again(tmp_path: Path) -> None:
    box = tmp_path / "box"
    old = seed(box, 3)
    crash = [sys.executable, "-c", CRASH, str(box), "delete", "write-1"]
    assert subprocess.run(crash, capture_output=True, check=False).returncode == -signal.SIGKILL
    replay = CRASH.replace("b = MboxBackend(path)", "b = MboxBackend(path); sys.exit(0)")
    killed = subprocess.run(
        [sys.executable, "-c", replay, str(box), "flag", "write-2"], capture_output=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL  # died replaying the first journal
    MboxBackend(box)
    assert box.read_bytes() == old


def lda_config(var_mail: VarMail) -> Path:
    conf = var_mail.home / "lda.conf"
    conf.write_text(
        f"mail_location = mbox:{var_mail.home}/mail:INBOX={var_mail.spool}\n"
        f"log_path = {var_mail.home}/lda.log\n"
        "mail_privileged_group = mail\n"
        "mbox_write_locks = dotlock fcntl\n"
        "ssl = no\n"
    )
    conf.chmod(0o644)
    return conf


def lda(unprivileged: Unprivileged, var_mail: VarMail, subject: str) -> subprocess.Popen[bytes]:
    if not os.access(LDA, os.X_OK):
        pytest.skip(f"{LDA} (Debian's dovecot-lda) is not installed")
    conf = lda_config(var_mail)
    # As an MTA runs it: the recipient's uid, with group mail to create the dotlock.
    proc = subprocess.Popen(
        unprivileged.command([LDA, "-c", str(conf), "-f", "sender@example.org"], groups="mail"),
        env=unprivileged.env(var_mail.home),
        cwd=var_mail.home,
        stdin=subprocess.PIPE,
    )
    assert proc.stdin is not None
    proc.stdin.write(f"From: sender@example.org\nSubject: {subject}\n\nvia dovecot-lda\n".encode())
    proc.stdin.close()
    return proc


def delivered(proc: subprocess.Popen[bytes], var_mail: VarMail) -> None:
    assert proc.wait(timeout=60) == 0, (var_mail.home / "lda.log").read_text(errors="replace")


HOLD_OPEN = r"""
import json, sys
from mailtui.backends.mbox.backend import MboxBackend
from mailtui.core.models import Flag
path, name = sys.argv[1], sys.argv[1].rsplit("/", 1)[1]
b = MboxBackend(path)
refs = b.list_refs(name)
print("listed", flush=True)
sys.stdin.readline()  # the MDA delivers now
b.set_flags(name, [refs[0]], add=frozenset({Flag.SEEN}))
b.delete(name, [b.list_refs(name)[-1]])
print(json.dumps([e.subject for e in b.fetch_envelopes(name, b.list_refs(name))]))
"""


def test_lda_delivery_while_unprivileged_user_has_the_spool_open(
    unprivileged: Unprivileged, var_mail: VarMail
) -> None:
    import json

    seed(var_mail.spool, 3)
    child = subprocess.Popen(
        unprivileged.command([PYTHON, "-c", HOLD_OPEN, str(var_mail.spool)]),
        env=unprivileged.env(var_mail.home),
        cwd=var_mail.home,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    assert child.stdout.readline() == "listed\n"
    delivered(lda(unprivileged, var_mail, "while open"), var_mail)
    child.stdin.write("go\n")
    child.stdin.close()
    rows = json.loads(child.stdout.readline())
    assert child.wait(timeout=60) == 0
    assert rows == ["while open", "Message 2 café", "Message 1 café"]
    assert var_mail.spool.read_bytes().count(b"Subject: while open") == 1


def test_lda_delivery_during_a_rewrite_waits_and_is_kept(
    unprivileged: Unprivileged, var_mail: VarMail, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(var_mail.spool, 3)
    b = MboxBackend(var_mail.spool)
    name = var_mail.spool.name
    refs = b.list_refs(name)
    started: list[subprocess.Popen[bytes]] = []
    write_at = spool._write_at

    def slow_write(fd: int, offset: int, data: bytes) -> None:
        write_at(fd, offset, data[:100])
        started.append(lda(unprivileged, var_mail, "during the rewrite"))  # must wait for our locks
        write_at(fd, offset + 100, data[100:])

    monkeypatch.setattr(spool, "_write_at", slow_write)
    b.delete(name, [refs[-1]])
    monkeypatch.undo()
    delivered(started[0], var_mail)
    subjects = [e.subject for e in b.fetch_envelopes(name, b.list_refs(name))]
    assert subjects == ["during the rewrite", "Message 2 café", "Message 1 café"]
    st = os.stat(var_mail.spool)
    assert (st.st_uid, oct(st.st_mode & 0o7777)) == (unprivileged.uid, "0o660")
