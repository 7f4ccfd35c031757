"""mbox specifics: Status/X-Status flags, safe rewrites, keys after a rewrite, moves and appends."""

from __future__ import annotations

import mailbox
import threading
from pathlib import Path

import pytest

from mailtui.backends.mbox import format as fmt
from mailtui.backends.mbox.backend import MboxBackend
from mailtui.core.errors import BackendError, FolderNotFoundError, MessageNotFoundError
from mailtui.core.models import Flag

from .conftest import MboxHarness, make_message


def write_mbox(path: Path, raws: list[bytes]) -> Path:
    MboxHarness(path, raws)
    return path


def entries(path: Path) -> list[bytes]:
    """Each message of the file, From_ line included, exactly as on disk."""
    box = mailbox.mbox(path, create=False)
    try:
        return [box.get_bytes(k, from_=True) for k in box.keys()]
    finally:
        box.close()


@pytest.fixture
def mbox_path(tmp_path: Path) -> Path:
    return write_mbox(tmp_path / "inbox.mbox", [make_message(i) for i in range(4)])


def test_one_folder_named_after_file(mbox_path: Path) -> None:
    b = MboxBackend(mbox_path)
    assert b.default_folder == "inbox.mbox"
    (folder,) = b.list_folders()
    assert (folder.name, folder.total, folder.unread) == ("inbox.mbox", 4, 4)
    with pytest.raises(FolderNotFoundError):
        b.list_refs("INBOX")


def test_refs_reverse_file_order_with_from_line_time(mbox_path: Path) -> None:
    refs = MboxBackend(mbox_path).list_refs("inbox.mbox")
    assert [r.timestamp for r in refs] == [1_700_000_000.0 + 60 * i for i in (3, 2, 1, 0)]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"From a@b Tue Nov 14 22:13:20 2023\n", 1_700_000_000.0),
        (b"From a@b  Tue Nov 14 22:13:20 +0000 2023\n", 1_700_000_000.0),
        (b"From MAILER-DAEMON Tue Nov 14 22:13 2023\n", 1_699_999_980.0),
        (b"From a@b sometime\n", 0.0),
    ],
)
def test_from_line_time(line: bytes, expected: float) -> None:
    assert fmt.from_line_time(line) == expected


def test_status_headers_read_as_flags(tmp_path: Path) -> None:
    raw = make_message(0).replace(b"Subject:", b"Status: RO\nX-Status: AF\nSubject:", 1)
    b = MboxBackend(write_mbox(tmp_path / "m", [raw]))
    (env,) = b.fetch_envelopes("m", b.list_refs("m"))
    assert env.flags == {Flag.SEEN, Flag.ANSWERED, Flag.FLAGGED}


def test_flag_rewrite_touches_only_status_lines(mbox_path: Path) -> None:
    before = entries(mbox_path)
    b = MboxBackend(mbox_path)
    target = b.list_refs("inbox.mbox")[2]  # message 1
    (new_ref,) = b.set_flags("inbox.mbox", [target], add=frozenset({Flag.SEEN, Flag.FLAGGED}))
    after = entries(mbox_path)
    assert len(after) == 4
    assert [after[i] for i in (0, 2, 3)] == [before[i] for i in (0, 2, 3)]
    assert after[1] == before[1].replace(b"\n\n", b"\nStatus: R\nX-Status: F\n\n", 1)
    # The returned ref is the new key, usable right away.
    assert new_ref in b.list_refs("inbox.mbox")
    assert b.fetch_envelopes("inbox.mbox", [new_ref])[0].flags == {Flag.SEEN, Flag.FLAGGED}
    b.set_flags("inbox.mbox", [new_ref], remove=frozenset({Flag.SEEN, Flag.FLAGGED}))
    assert entries(mbox_path) == before


def test_unknown_status_letters_are_kept() -> None:
    # O (old) and Z (another program's) survive; a folded continuation line goes with its header.
    raw = b"From x Tue Nov 14 22:13:20 2023\nStatus: O\nX-Status: Z\n  \nSubject: s\n\nbody\nStatus: body\n"
    out = fmt.rewrite_status(raw, frozenset({Flag.SEEN, Flag.DRAFT}), frozenset())
    assert (
        out
        == b"From x Tue Nov 14 22:13:20 2023\nSubject: s\nStatus: RO\nX-Status: TZ\n\nbody\nStatus: body\n"
    )
    crlf = raw.replace(b"\n", b"\r\n")
    assert fmt.rewrite_status(crlf, frozenset(), frozenset({Flag.SEEN})) == (
        b"From x Tue Nov 14 22:13:20 2023\r\nSubject: s\r\nStatus: O\r\nX-Status: Z\r\n\r\nbody\r\nStatus: body\r\n"
    )


def test_delete_keeps_mail_appended_from_outside(tmp_path: Path) -> None:
    h = MboxHarness(tmp_path / "box", [make_message(i) for i in range(3)])
    b = MboxBackend(h.path)
    refs = b.list_refs("box")
    before = entries(h.path)
    h.deliver(make_message(7, subject="arrived meanwhile"))
    b.delete("box", [refs[1]])  # message 1
    after = entries(h.path)
    assert len(after) == 3
    assert after[:2] == [before[0], before[2]]
    envs = b.fetch_envelopes("box", b.list_refs("box"))
    assert [e.subject for e in envs] == ["arrived meanwhile", "Message 2 café", "Message 0 café"]


def test_flag_change_keeps_mail_appended_from_outside(tmp_path: Path) -> None:
    h = MboxHarness(tmp_path / "box", [make_message(0)])
    b = MboxBackend(h.path)
    refs = b.list_refs("box")
    h.deliver(make_message(1))
    b.set_flags("box", refs, add=frozenset({Flag.SEEN}))
    envs = b.fetch_envelopes("box", b.list_refs("box"))
    assert [(e.subject, e.flags) for e in envs] == [
        ("Message 1 café", frozenset()),
        ("Message 0 café", {Flag.SEEN}),
    ]


def test_stale_ref_after_rewrite_by_someone_else(mbox_path: Path) -> None:
    b = MboxBackend(mbox_path)
    refs = b.list_refs("inbox.mbox")
    other = MboxBackend(mbox_path)
    other.delete("inbox.mbox", [other.list_refs("inbox.mbox")[3]])  # the first message in the file
    # Our refs point at old offsets: nothing is read from the wrong message.
    assert b.fetch_envelopes("inbox.mbox", refs) == []
    # A change finds its message again by its From_ line, which is unique here (delivery
    # agents such as dovecot-lda rewrite headers of every message, keeping From_ lines).
    b.delete("inbox.mbox", [refs[0]])
    envs = b.fetch_envelopes("inbox.mbox", b.list_refs("inbox.mbox"))
    assert [e.subject for e in envs] == ["Message 2 café", "Message 1 café"]


def test_stale_ref_with_an_ambiguous_from_line_is_not_found(tmp_path: Path) -> None:
    box = tmp_path / "box"
    entry = MboxHarness._entry
    box.write_bytes(b"".join(entry(make_message(i), 1_700_000_000) for i in range(3)))  # one From_ line
    b = MboxBackend(box)
    refs = b.list_refs("box")
    MboxBackend(box).delete("box", [refs[2]])
    # Nothing is written to the wrong message.
    with pytest.raises(MessageNotFoundError):
        b.delete("box", [refs[0]])
    assert len(entries(box)) == 2


def test_append_under_lock_with_flags(mbox_path: Path) -> None:
    before = entries(mbox_path)
    b = MboxBackend(mbox_path)
    b.append("inbox.mbox", make_message(9, subject="sent copy"), flags=frozenset({Flag.SEEN}))
    after = entries(mbox_path)
    assert after[:4] == before
    refs = b.list_refs("inbox.mbox")
    env = b.fetch_envelopes("inbox.mbox", refs[:1])[0]
    assert (env.subject, env.flags) == ("sent copy", {Flag.SEEN})
    assert not (mbox_path.parent / (mbox_path.name + ".lock")).exists()


def test_move_to_another_mbox_path(tmp_path: Path, mbox_path: Path) -> None:
    other = write_mbox(tmp_path / "archive.mbox", [])
    b = MboxBackend(mbox_path)
    ref = b.list_refs("inbox.mbox")[0]
    raw = b.fetch_raw("inbox.mbox", ref)
    b.move("inbox.mbox", [ref], str(other))
    assert len(b.list_refs("inbox.mbox")) == 3
    o = MboxBackend(other)
    assert [o.fetch_raw("archive.mbox", r) for r in o.list_refs("archive.mbox")] == [raw]


def test_move_to_folder_name_fails(mbox_path: Path) -> None:
    b = MboxBackend(mbox_path)
    with pytest.raises(BackendError, match="no other folders"):
        b.move("inbox.mbox", b.list_refs("inbox.mbox"), "Archive")
    assert len(b.list_refs("inbox.mbox")) == 4


def test_wait_sees_append(mbox_path: Path) -> None:
    b = MboxBackend(mbox_path)
    b.list_refs("inbox.mbox")
    assert b.wait_for_changes("inbox.mbox", 0.3) is False
    go = threading.Event()

    def deliver() -> None:
        go.wait()
        with open(mbox_path, "ab") as f:
            f.write(b"From x Tue Nov 14 22:13:20 2023\nSubject: new\n\nhi\n\n")

    t = threading.Thread(target=deliver)
    t.start()
    go.set()
    try:
        assert b.wait_for_changes("inbox.mbox", 30) is True
    finally:
        t.join()
    assert len(b.list_refs("inbox.mbox")) == 5


def test_empty_file_is_an_empty_mbox(tmp_path: Path) -> None:
    p = tmp_path / "empty"
    p.write_bytes(b"")
    b = MboxBackend(p)
    assert b.list_refs("empty") == []
    b.append("empty", make_message(0))
    assert len(b.list_refs("empty")) == 1
    assert p.read_bytes().startswith(b"From MAILER-DAEMON ")


def test_locked_mbox_is_left_alone(mbox_path: Path) -> None:
    before = mbox_path.read_bytes()
    lock = mbox_path.parent / (mbox_path.name + ".lock")
    lock.write_bytes(b"")  # another program's dot lock
    b = MboxBackend(mbox_path, lock_timeout=0.3)
    refs = b.list_refs("inbox.mbox")
    with pytest.raises(BackendError, match="locked by another program"):
        b.delete("inbox.mbox", refs[:1])
    with pytest.raises(BackendError, match="locked"):
        b.append("inbox.mbox", make_message(9))
    assert mbox_path.read_bytes() == before
    lock.unlink()
    b.delete("inbox.mbox", refs[:1])
    assert len(b.list_refs("inbox.mbox")) == 3


def test_crlf_message_flags(tmp_path: Path) -> None:
    raw = make_message(0).replace(b"\n", b"\r\n")
    b = MboxBackend(write_mbox(tmp_path / "m", [raw, make_message(1)]))
    (ref,) = b.set_flags("m", b.list_refs("m")[1:], add=frozenset({Flag.SEEN}))
    assert b.fetch_envelopes("m", [ref])[0].flags == {Flag.SEEN}
    assert b.fetch_raw("m", ref) == raw.replace(b"\r\n\r\n", b"\r\nStatus: R\r\n\r\n", 1)


def test_a_message_grown_in_place_by_another_program_is_not_read_by_its_old_key(tmp_path: Path) -> None:
    """Another program adds a header to the last message (its start and From_ line stay):
    the old key's length no longer ends at the next From_ line or the end, so it names
    nothing (it read the message cut short, and the index kept it)."""
    path = write_mbox(tmp_path / "inbox.mbox", [make_message(i) for i in range(2)])
    b = MboxBackend(path)
    refs = b.list_refs("inbox.mbox")
    newest = refs[0]  # the last message in the file
    data = path.read_bytes()
    start = int(newest.key.split("-")[0])
    head, _, rest = data[start:].partition(b"\n")
    path.write_bytes(data[:start] + head + b"\nX-Added: by another program\n" + rest)
    assert b.fetch_envelopes("inbox.mbox", [newest]) == []
    with pytest.raises(MessageNotFoundError):
        b.fetch_raw("inbox.mbox", newest)
    again = b.list_refs("inbox.mbox")[0]
    assert b"X-Added" in b.fetch_raw("inbox.mbox", again)
