"""Writing a spool back keeps its owner, group and mode, in place, on Debian's /var/mail layout.

Run as root on a spool of another user, and as a real unprivileged user (`unprivileged`) in a
`2775 root:mail` directory where that user cannot create files (so no dotlock, no temp file).
"""

from __future__ import annotations

import grp
import json
import os
import stat
from pathlib import Path

import pytest

from mailtui.backends.mbox.backend import MboxBackend
from mailtui.core.models import Flag
from tests.fixtures.unprivileged import Unprivileged, VarMail

from .conftest import MboxHarness, make_message


def identity(path: Path) -> tuple[int, int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode))


def seed(path: Path, count: int) -> None:
    path.write_bytes(
        b"".join(MboxHarness._entry(make_message(i), 1_700_000_000 + 60 * i) for i in range(count))
    )


def test_root_write_back_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: the spool belongs to another user")
    spool = tmp_path / "nobody"
    seed(spool, 3)
    os.chown(spool, 65534, grp.getgrnam("mail").gr_gid)
    spool.chmod(0o660)
    before = identity(spool)
    b = MboxBackend(spool)
    refs = b.list_refs("nobody")
    b.set_flags("nobody", refs[:1], add=frozenset({Flag.SEEN}))  # what opening a message does
    assert identity(spool) == before  # same inode: written in place, owner and mode kept
    b.delete("nobody", b.list_refs("nobody")[1:2])
    assert identity(spool) == before
    envs = b.fetch_envelopes("nobody", b.list_refs("nobody"))
    assert [(e.subject, Flag.SEEN in e.flags) for e in envs] == [
        ("Message 2 café", True),
        ("Message 0 café", False),
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nobody"]  # no lock or temp file left


# Run as the unprivileged user: flag one message, delete another, report what it saw.
AS_USER = r"""
import json, sys
from mailtui.backends.mbox.backend import MboxBackend
from mailtui.core.errors import BackendError
from mailtui.core.models import Flag
path, name = sys.argv[1], sys.argv[1].rsplit("/", 1)[1]
out = {}
try:
    b = MboxBackend(path)
    refs = b.list_refs(name)
    b.set_flags(name, refs[:1], add=frozenset({Flag.SEEN}))
    b.delete(name, b.list_refs(name)[1:2])
    envs = b.fetch_envelopes(name, b.list_refs(name))
    out["rows"] = [[e.subject, "S" if Flag.SEEN in e.flags else ""] for e in envs]
    out["read_only"] = getattr(b.capabilities, "read_only", None)
    out["notices"] = b.take_notices() + b.take_notices()
except BackendError as exc:
    out["error"] = f"BackendError: {exc}"
print(json.dumps(out))
"""


def run_as_user(unprivileged: Unprivileged, var_mail: VarMail, code: str = AS_USER) -> dict[str, object]:
    done = unprivileged.python(code, str(var_mail.spool), home=var_mail.home)
    assert done.returncode == 0, done.stderr  # a raw PermissionError is a traceback here
    return json.loads(done.stdout)


def test_unprivileged_user_writes_back_in_a_setgid_mail_directory(
    unprivileged: Unprivileged, var_mail: VarMail
) -> None:
    seed(var_mail.spool, 3)
    before = identity(var_mail.spool)
    out = run_as_user(unprivileged, var_mail)
    assert "error" not in out, out["error"]
    assert out["rows"] == [["Message 2 café", "S"], ["Message 0 café", ""]]
    entries = var_mail.spool.read_bytes().count(b"\nFrom ") + 1
    assert entries == 2  # nothing duplicated, nothing else lost
    assert identity(var_mail.spool) == before
    assert sorted(p.name for p in var_mail.mail.iterdir()) == [unprivileged.name]
    # The missing dotlock is said once, as mutt says it, not per write.
    notes = out["notices"]
    assert isinstance(notes, list) and len(notes) == 1 and "dotlock" in notes[0]
    assert out["read_only"] is False


READ_ONLY = r"""
import json, sys
from mailtui.backends.mbox.backend import MboxBackend
from mailtui.core.models import Flag
path, name = sys.argv[1], sys.argv[1].rsplit("/", 1)[1]
b = MboxBackend(path)
refs = b.list_refs(name)
caps = b.capabilities
new = b.set_flags(name, refs[:1], add=frozenset({Flag.SEEN}))
new = b.set_flags(name, new, add=frozenset({Flag.FLAGGED}))
envs = b.fetch_envelopes(name, b.list_refs(name))
print(json.dumps({
    "read_only": caps.read_only, "note": caps.note, "notices": b.take_notices(),
    "flags": [sorted(f.name for f in e.flags) for e in envs],
    "unread": b.list_folders()[0].unread,
}))
"""


def test_spool_readable_not_writable_opens_read_only(unprivileged: Unprivileged, var_mail: VarMail) -> None:
    seed(var_mail.spool, 2)
    os.chown(var_mail.spool, 0, grp.getgrnam("mail").gr_gid)
    var_mail.spool.chmod(0o644)  # the user may read it, not write it
    before = var_mail.spool.read_bytes()
    out = run_as_user(unprivileged, var_mail, READ_ONLY)
    assert out["read_only"] is True
    assert "READ-ONLY" in str(out["note"])
    assert out["notices"] == []  # the status bar says it; no error for each change
    assert out["flags"] == [["FLAGGED", "SEEN"], []]  # kept in memory for this session
    assert out["unread"] == 1
    assert var_mail.spool.read_bytes() == before
