"""The one suite every backend passes (Maildir, mbox; IMAP on Dovecot joins via conftest)."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from mailtui.backends.base import MailBackend
from mailtui.core.errors import BackendError
from mailtui.core.message.envelope import envelope_from_headers, read_header_block
from mailtui.core.models import Flag, MessageRef

from .conftest import make_message


def _subjects(backend: MailBackend, folder: str) -> list[str]:
    refs = backend.list_refs(folder)
    return [e.subject for e in backend.fetch_envelopes(folder, refs)]


def test_is_a_mail_backend(make_backend) -> None:
    b = make_backend([make_message(0)]).backend()
    assert isinstance(b, MailBackend)
    assert b.capabilities.description


def test_list_folders_has_default_with_counts(make_backend) -> None:
    h = make_backend([make_message(i) for i in range(3)])
    b = h.backend()
    folders = {f.name: f for f in b.list_folders()}
    assert b.default_folder in folders
    assert folders[b.default_folder].total == 3
    assert folders[b.default_folder].unread == 3
    for name in h.folder_names:
        assert name in folders


def test_list_refs_newest_first(make_backend) -> None:
    b = make_backend([make_message(i) for i in range(5)]).backend()
    refs = b.list_refs(b.default_folder)
    assert len(refs) == 5
    assert len({r.key for r in refs}) == 5
    assert _subjects(b, b.default_folder) == [f"Message {i} café" for i in range(4, -1, -1)]


def test_fetch_envelopes_decodes_and_keeps_order(make_backend) -> None:
    raw = make_message(1, subject="Grüße aus Köln", sender='"Doe, Jane" <jane@example.org>')
    b = make_backend([make_message(0), raw]).backend()
    refs = b.list_refs(b.default_folder)
    envs = b.fetch_envelopes(b.default_folder, list(reversed(refs)))
    assert [e.ref.key for e in envs] == [r.key for r in reversed(refs)]
    newest = envs[1]
    assert newest.subject == "Grüße aus Köln"
    assert newest.sender_address == "jane@example.org"
    assert "Doe, Jane" in newest.sender
    assert newest.message_id == "<msg1@example.org>"
    assert newest.size > 0
    assert newest.is_unread


def test_fetch_raw_is_byte_identical(make_backend) -> None:
    raws = [make_message(i) for i in range(3)]
    b = make_backend(raws).backend()
    refs = b.list_refs(b.default_folder)
    assert [b.fetch_raw(b.default_folder, r) for r in refs] == list(reversed(raws))


def test_set_and_clear_flags_persist(make_backend) -> None:
    h = make_backend([make_message(i) for i in range(3)])
    b = h.backend()
    folder = b.default_folder
    target = b.list_refs(folder)[1]
    new_refs = b.set_flags(folder, [target], add=frozenset({Flag.SEEN, Flag.FLAGGED}))
    assert len(new_refs) == 1

    def flags_by_subject(backend: MailBackend) -> dict[str, frozenset[Flag]]:
        refs = backend.list_refs(folder)
        return {e.subject: e.flags for e in backend.fetch_envelopes(folder, refs)}

    for backend in (b, h.backend()):
        flags = flags_by_subject(backend)
        assert flags["Message 1 café"] == frozenset({Flag.SEEN, Flag.FLAGGED})
        assert flags["Message 0 café"] == frozenset()
        assert flags["Message 2 café"] == frozenset()
    assert {f.name: f.unread for f in b.list_folders()}[folder] == 2

    b.set_flags(folder, new_refs, remove=frozenset({Flag.FLAGGED}))
    assert flags_by_subject(h.backend())["Message 1 café"] == frozenset({Flag.SEEN})


def test_set_flags_keeps_raw_of_other_messages(make_backend) -> None:
    raws = [make_message(i) for i in range(3)]
    b = make_backend(raws).backend()
    folder = b.default_folder
    b.set_flags(folder, [b.list_refs(folder)[1]], add=frozenset({Flag.ANSWERED}))
    refs = b.list_refs(folder)
    assert b.fetch_raw(folder, refs[0]) == raws[2]
    assert b.fetch_raw(folder, refs[2]) == raws[0]


def test_delete_removes_from_folder(make_backend) -> None:
    h = make_backend([make_message(i) for i in range(3)])
    b = h.backend()
    folder = b.default_folder
    b.delete(folder, [b.list_refs(folder)[1]])
    assert _subjects(h.backend(), folder) == ["Message 2 café", "Message 0 café"]


def test_move_to_other_folder(make_backend) -> None:
    h = make_backend([make_message(i) for i in range(2)])
    b = h.backend()
    if not b.capabilities.can_move or not h.folder_names:
        pytest.skip(f"{h.kind} has no second folder to move to")
    folder, dest = b.default_folder, h.folder_names[0]
    ref = b.list_refs(folder)[0]
    b.set_flags(folder, [ref], add=frozenset({Flag.FLAGGED}))
    b.move(folder, [ref], dest)
    assert _subjects(b, folder) == ["Message 0 café"]
    fresh = h.backend()
    envs = fresh.fetch_envelopes(dest, fresh.list_refs(dest))
    assert [(e.subject, Flag.FLAGGED in e.flags) for e in envs] == [("Message 1 café", True)]


def test_move_to_unknown_folder_fails(make_backend) -> None:
    b = make_backend([make_message(0)]).backend()
    with pytest.raises(BackendError):
        b.move(b.default_folder, b.list_refs(b.default_folder), "No Such Folder")
    assert len(b.list_refs(b.default_folder)) == 1


def test_append_with_and_without_flags(make_backend) -> None:
    h = make_backend([make_message(0)])
    b = h.backend()
    folder = b.default_folder
    b.append(folder, make_message(5, subject="appended plain"))
    b.append(folder, make_message(6, subject="appended seen"), flags=frozenset({Flag.SEEN}))
    fresh = h.backend()
    envs = {e.subject: e.flags for e in fresh.fetch_envelopes(folder, fresh.list_refs(folder))}
    assert envs == {
        "Message 0 café": frozenset(),
        "appended plain": frozenset(),
        "appended seen": {Flag.SEEN},
    }


def test_wait_for_changes_sees_outside_delivery(make_backend) -> None:
    h = make_backend([make_message(0)])
    b = h.backend()
    folder = b.default_folder
    b.list_refs(folder)
    assert b.wait_for_changes(folder, 0.3) is False
    started = threading.Event()

    def deliver() -> None:
        started.wait()
        h.deliver(make_message(9, subject="from outside"))

    t = threading.Thread(target=deliver)
    t.start()
    started.set()
    try:
        assert b.wait_for_changes(folder, 30) is True
    finally:
        t.join()
    assert _subjects(b, folder)[0] == "from outside"


def test_unknown_folder_is_backend_error(make_backend) -> None:
    b = make_backend([make_message(0)]).backend()
    with pytest.raises(BackendError):
        b.list_refs("No Such Folder")


def test_stale_ref_fetch_raw_fails_cleanly(make_backend) -> None:
    b = make_backend([make_message(0)]).backend()
    with pytest.raises(BackendError):
        b.fetch_raw(b.default_folder, MessageRef("no-such-key-1", 0.0))
    assert b.fetch_envelopes(b.default_folder, [MessageRef("no-such-key-2", 0.0)]) == []


DATA = sorted((Path(__file__).parent.parent / "data").glob("*.eml"))


@pytest.mark.skipif(not DATA, reason="tests/data/*.eml not present")
def test_every_sample_message_lists_and_reads(make_backend) -> None:
    raws = [p.read_bytes() for p in DATA]
    h = make_backend(raws)
    b = h.backend()
    folder = b.default_folder
    refs = b.list_refs(folder)
    assert len(refs) == len(raws)
    envs = b.fetch_envelopes(folder, refs)
    assert [e.ref for e in envs] == refs
    for env, raw, path in zip(envs, reversed(raws), reversed(DATA), strict=True):
        if b"\0" in raw and not getattr(h, "keeps_nul", True):
            continue  # IMAP forbids NUL; Dovecot serves it as 0x80
        # The backend hands the envelope builder the same header block the file has.
        expected = envelope_from_headers(read_header_block(io.BytesIO(raw)), env.ref, env.size, env.flags)
        assert (env.subject, env.sender, env.date) == (expected.subject, expected.sender, expected.date), (
            path.name
        )
        stored = b.fetch_raw(folder, env.ref)
        # mbox cannot store a message without a final newline (or an empty one) unchanged.
        if raw.endswith(b"\n") or h.stores_any_bytes:
            want = raw.replace(b"\r\n", b"\n") if getattr(h, "lf_line_ends", False) else raw
            assert stored == want, path.name
