"""The IMAP backend against a real Dovecot: folders, refs, envelopes, flags, moves, IDLE, reconnect."""

from __future__ import annotations

import base64
import dataclasses
import threading

import pytest

from mailtui.backends.imap.backend import ImapBackend
from mailtui.config import AccountConfig
from mailtui.core.errors import FolderNotFoundError, MessageNotFoundError
from mailtui.core.models import Flag, MessageRef, SpecialUse, TLSState
from mailtui.core.transcript import Direction, Transcript, TranscriptLine
from tests.backends.dovecot_server import DovecotServer
from tests.backends.imap_helpers import (
    ImapUser,
    make_message,
)

pytestmark = pytest.mark.dovecot


def _subjects(backend: ImapBackend, folder: str, refs: list[MessageRef]) -> list[str]:
    return [env.subject for env in backend.fetch_envelopes(folder, refs)]


def test_list_folders_with_special_use_and_counts(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1), make_message(2)])
    user.server.seed(user.name, [make_message(3)], flags="S")
    user.server.seed(user.name, [make_message(4)], folder="Archive/2024")
    backend = user.open()
    try:
        folders = {f.name: f for f in backend.list_folders()}
    finally:
        backend.close()
    assert list(folders)[0] == "INBOX"
    assert folders["INBOX"].special_use is SpecialUse.INBOX
    assert (folders["INBOX"].total, folders["INBOX"].unread) == (3, 2)
    uses = {name: f.special_use for name, f in folders.items()}
    assert uses["Sent"] is SpecialUse.SENT
    assert uses["Drafts"] is SpecialUse.DRAFTS
    assert uses["Trash"] is SpecialUse.TRASH
    assert uses["Junk"] is SpecialUse.JUNK
    assert uses["Archive"] is SpecialUse.ARCHIVE
    assert folders["Archive/2024"].delimiter == "/"
    assert (folders["Archive/2024"].total, folders["Archive/2024"].unread) == (1, 1)


def test_list_folders_same_with_and_without_list_status(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1)])
    with user.client() as other:
        other.create_folder("Café & Co")
        other.append("Café & Co", make_message(2))
    backend = user.open()
    try:
        assert "LIST-STATUS" in backend.capabilities.names  # Dovecot: one round trip
        fast = backend.list_folders()
        backend._conn.server_capabilities -= {"LIST-STATUS"}  # LIST + one STATUS per folder
        slow = backend.list_folders()
        refs = backend.list_refs("Café & Co")  # the modified UTF-7 name works both ways
    finally:
        backend.close()
    assert fast == slow
    counts = {f.name: (f.total, f.unread) for f in fast}
    assert counts["Café & Co"] == (1, 1) and counts["INBOX"] == (1, 1) and counts["Sent"] == (0, 0)
    assert len(refs) == 1


def test_subscribed_only_hides_unsubscribed_folders(user: ImapUser) -> None:
    with user.client() as other:
        other.create_folder("Hidden")
    everything = user.open()
    only_subscribed = user.open(account=AccountConfig(name="t", subscribed_only=True))
    try:
        assert "Hidden" in {f.name for f in everything.list_folders()}
        names = {f.name for f in only_subscribed.list_folders()}
    finally:
        everything.close()
        only_subscribed.close()
    assert "Hidden" not in names
    assert {"INBOX", "Sent", "Trash"} <= names


def test_list_refs_newest_arrival_first(user: ImapUser) -> None:
    # Date headers deliberately out of order: the index follows arrival (UIDs), as Maildir does.
    user.server.seed(user.name, [make_message(n, days=d) for n, d in ((1, 5), (2, 1), (3, 9))])
    backend = user.open()
    try:
        before = backend.list_refs("INBOX")
        user.server.deliver(user.name, make_message(4, days=0))
        refs = backend.list_refs("INBOX")  # same session: must see the delivery
        assert _subjects(backend, "INBOX", refs) == ["Message 4", "Message 3", "Message 2", "Message 1"]
    finally:
        backend.close()
    assert refs[1:] == before
    assert all(ref.key.isdigit() for ref in refs)


def test_fetch_envelopes_decodes_and_keeps_order(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1, "=?utf-8?q?h=C3=A9llo_w=C3=B6rld?=")], flags="FS")
    user.server.seed(user.name, [make_message(2, "plain")])
    backend = user.open()
    try:
        newest_first = backend.list_refs("INBOX")
        oldest_first = list(reversed(newest_first))
        gone = MessageRef("999999")
        envelopes = backend.fetch_envelopes("INBOX", [oldest_first[0], gone, oldest_first[1]])
    finally:
        backend.close()
    assert [e.ref for e in envelopes] == oldest_first  # order kept, the missing ref skipped
    first, second = envelopes
    assert first.subject == "héllo wörld"
    assert first.sender_address == "sender1@example.org"
    assert first.flags == frozenset({Flag.FLAGGED, Flag.SEEN})
    assert first.size == len(make_message(1, "=?utf-8?q?h=C3=A9llo_w=C3=B6rld?="))
    assert first.message_id == "<msg1@example.org>"
    assert second.subject == "plain" and second.is_unread


def test_fetch_raw_returns_bytes_and_does_not_mark_seen(user: ImapUser) -> None:
    raw = make_message(7, body="exact bytes")
    user.server.seed(user.name, [raw])
    backend = user.open()
    try:
        (ref,) = backend.list_refs("INBOX")
        assert backend.fetch_raw("INBOX", ref) == raw.replace(b"\r\n", b"\n")  # LF, like a Maildir file
        with pytest.raises(MessageNotFoundError):
            backend.fetch_raw("INBOX", MessageRef("424242"))
    finally:
        backend.close()
    with user.client() as other:
        other.select_folder("INBOX", readonly=True)
        flags = other.get_flags([int(ref.key)])[int(ref.key)]
    assert b"\\Seen" not in flags


def test_unknown_folder_is_folder_not_found(user: ImapUser) -> None:
    backend = user.open()
    try:
        with pytest.raises(FolderNotFoundError) as info:
            backend.list_refs("No/Such/Folder")
    finally:
        backend.close()
    assert "No/Such/Folder" in str(info.value)


def test_set_flags_seen_by_another_client(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1), make_message(2)], flags="S")
    backend = user.open()
    try:
        refs = backend.list_refs("INBOX")
        backend.set_flags("INBOX", refs[:1], add=frozenset({Flag.FLAGGED}), remove=frozenset({Flag.SEEN}))
    finally:
        backend.close()
    with user.client() as other:
        other.select_folder("INBOX", readonly=True)
        flags = other.get_flags([int(r.key) for r in refs])
    assert set(flags[int(refs[0].key)]) == {b"\\Flagged"}
    assert set(flags[int(refs[1].key)]) == {b"\\Seen"}


@pytest.mark.parametrize("with_move", [True, False], ids=["MOVE", "COPY+EXPUNGE"])
def test_move_seen_by_another_client(user: ImapUser, with_move: bool) -> None:
    user.server.seed(user.name, [make_message(1), make_message(2, "to move")])
    backend = user.open()
    if not with_move:
        backend._conn.server_capabilities -= {"MOVE"}
    try:
        refs = backend.list_refs("INBOX")
        moving = [r for r, s in zip(refs, _subjects(backend, "INBOX", refs), strict=True) if s == "to move"]
        backend.move("INBOX", moving, "Archive")
        assert len(backend.list_refs("INBOX")) == 1
    finally:
        backend.close()
    with user.client() as other:
        assert other.select_folder("INBOX")[b"EXISTS"] == 1
        other.select_folder("Archive")
        (uid,) = other.search(["ALL"])
        header = other.fetch([uid], ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])[uid]
    assert b"to move" in next(v for k, v in header.items() if k.startswith(b"BODY["))


def test_delete_moves_to_trash_then_expunges_there(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1), make_message(2)])
    backend = user.open()
    try:
        refs = backend.list_refs("INBOX")
        backend.delete("INBOX", refs[:1])
        assert len(backend.list_refs("INBOX")) == 1
        trash_refs = backend.list_refs("Trash")
        assert len(trash_refs) == 1
        backend.delete("Trash", trash_refs)
        assert backend.list_refs("Trash") == []
    finally:
        backend.close()
    with user.client() as other:
        assert other.select_folder("Trash")[b"EXISTS"] == 0
        assert other.select_folder("INBOX")[b"EXISTS"] == 1


@pytest.mark.parametrize(("configured", "used"), [("trash", "Trash"), ("Bin", "Bin")])
def test_delete_without_special_use_finds_or_creates_the_trash(
    user: ImapUser, configured: str, used: str
) -> None:
    user.server.seed(user.name, [make_message(1)])
    backend = user.open(account=AccountConfig(name="t", trash_folder=configured))
    try:
        # As on a server without RFC 6154: no folder is marked \Trash.
        backend._folders.set(
            [
                dataclasses.replace(f, special_use=None) if f.special_use is SpecialUse.TRASH else f
                for f in backend.list_folders()
            ]
        )
        backend.delete("INBOX", backend.list_refs("INBOX"))
    finally:
        backend.close()
    with user.client() as other:
        assert other.select_folder(used)[b"EXISTS"] == 1
        assert other.select_folder("INBOX")[b"EXISTS"] == 0


def test_delete_in_mark_mode_only_flags(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1)])
    backend = user.open(account=AccountConfig(name="t", delete_mode="mark"))
    try:
        refs = backend.list_refs("INBOX")
        backend.delete("INBOX", refs)
    finally:
        backend.close()
    with user.client() as other:
        other.select_folder("INBOX", readonly=True)
        flags = other.get_flags([int(refs[0].key)])[int(refs[0].key)]
    assert b"\\Deleted" in flags


def test_append_with_flags_seen_by_another_client(user: ImapUser) -> None:
    backend = user.open()
    try:
        backend.append("Sent", make_message(5, "sent copy"), flags=frozenset({Flag.SEEN}))
    finally:
        backend.close()
    with user.client() as other:
        other.select_folder("Sent", readonly=True)
        (uid,) = other.search(["ALL"])
        data = other.fetch([uid], ["FLAGS", "BODY.PEEK[]"])[uid]
    assert set(data[b"FLAGS"]) - {b"\\Recent"} == {b"\\Seen"}
    assert data[b"BODY[]"] == make_message(5, "sent copy")


def _wait_in_thread(backend: ImapBackend, folder: str, timeout: float) -> tuple[threading.Thread, list[bool]]:
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(backend.wait_for_changes(folder, timeout)))
    thread.start()
    return thread, result


def _idling(transcript: Transcript) -> threading.Event:
    """Set once the watcher's connection shows the server's `+ idling` continuation."""
    event = threading.Event()
    for line in transcript.lines():
        if "(idle)" in line.connection and line.text.startswith("+"):
            event.set()
    transcript.subscribe(
        lambda line: event.set() if "(idle)" in line.connection and line.text.startswith("+") else None
    )
    return event


def test_wait_for_changes_wakes_on_append_from_another_client(user: ImapUser) -> None:
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    try:
        assert backend.capabilities.can_idle
        idling = _idling(transcript)
        thread, result = _wait_in_thread(backend, "INBOX", 60)
        assert idling.wait(10), transcript.format()
        user.server.deliver(user.name, make_message(1))
        thread.join(5)  # IDLE reports the new message within 5 s (the wait itself allows 60)
        assert not thread.is_alive() and result == [True]
        # A change while nobody waits is reported by the next wait at once.
        user.server.deliver(user.name, make_message(2))
        assert backend.wait_for_changes("INBOX", 30) is True
        # Nothing new: the wait times out.
        assert backend.wait_for_changes("INBOX", 1) is False
    finally:
        backend.close()
    assert any(line.text.endswith("IDLE") for line in transcript.lines() if line.direction is Direction.SENT)


def test_idle_is_reissued_at_the_renew_interval_and_mail_still_arrives(user: ImapUser) -> None:
    transcript = Transcript()
    backend = user.open(transcript=transcript, idle_renew=0.2)  # stands for 25 minutes
    assert backend.idle_renew == 0.2
    idles: list[str] = []
    reissued = threading.Event()

    def watch(line: TranscriptLine) -> None:
        if "(idle)" in line.connection and line.direction is Direction.SENT:
            idles.append(line.text)
            if sum(text.endswith(" IDLE") for text in idles) >= 3:
                reissued.set()  # IDLE, DONE, IDLE, DONE, IDLE: re-issued twice

    transcript.subscribe(watch)
    try:
        thread, result = _wait_in_thread(backend, "INBOX", 120)
        assert reissued.wait(30), transcript.format()
        user.server.deliver(user.name, make_message(1))
        thread.join(30)
        assert not thread.is_alive() and result == [True]
        refs = backend.list_refs("INBOX")
        assert [e.subject for e in backend.fetch_envelopes("INBOX", refs)] == ["Message 1"]
    finally:
        backend.close()
    sent = [line.text for line in transcript.lines() if "(idle)" in line.connection]
    commands = ["IDLE" if t.endswith(" IDLE") else t for t in sent if t.endswith(" IDLE") or t == "DONE"]
    assert commands[:5] == ["IDLE", "DONE", "IDLE", "DONE", "IDLE"], sent
    # Every IDLE was ended by a DONE before the next command (no command during IDLE).
    assert commands.count("DONE") == commands.count("IDLE")


def test_wait_for_changes_without_idle_polls(user: ImapUser, monkeypatch: pytest.MonkeyPatch) -> None:
    from mailtui.backends.imap import watch as imap_watch

    monkeypatch.setattr(imap_watch, "POLL_INTERVAL", 0.2)
    backend = user.open()
    try:
        assert backend.wait_for_changes("INBOX", 0.5) is False  # connects the watcher, baseline
        backend._watcher.conn.server_capabilities -= {"IDLE"}  # type: ignore[union-attr]
        thread, result = _wait_in_thread(backend, "INBOX", 60)
        user.server.deliver(user.name, make_message(1))
        thread.join(10)
        assert not thread.is_alive() and result == [True]
    finally:
        backend.close()


def test_wait_for_changes_survives_a_kick(user: ImapUser) -> None:
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    try:
        idling = _idling(transcript)
        thread, result = _wait_in_thread(backend, "INBOX", 60)
        assert idling.wait(10)
        user.server.kick(user.name)  # BYE to both connections
        user.server.deliver(user.name, make_message(1))
        thread.join(30)
        # A delivery just after the re-EXAMINE is reported by Dovecot only after its 30 s
        # mailbox_idle_check_interval: the watcher's short first IDLE + NOOP catches it
        # (failed 2 runs of 28 beside two CPU burners before, none of 50 after).
        assert not thread.is_alive() and result == [True], transcript.format() + user.server.log()[-3000:]
        assert len(backend.list_refs("INBOX")) == 1  # the main connection recovers too
    finally:
        backend.close()
    idle_notes = [line.text for line in transcript.lines() if "(idle)" in line.connection]
    assert any("reconnecting" in text for text in idle_notes), idle_notes


def test_close_wakes_a_blocked_wait(user: ImapUser) -> None:
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    idling = _idling(transcript)
    thread, result = _wait_in_thread(backend, "INBOX", 120)
    assert idling.wait(10)
    backend.close()
    thread.join(10)
    assert not thread.is_alive() and result == [False]


@pytest.mark.parametrize("password", ["s3cret-ascii", "pässwörd-ünïcode"], ids=["LOGIN", "AUTH-PLAIN"])
def test_transcript_has_the_dialogue_but_no_password(dovecot: DovecotServer, password: str) -> None:
    name = f"secret{len(password)}"
    dovecot.add_user(name, password)
    dovecot.seed(name, [make_message(1)])
    member = ImapUser(name, password, dovecot)
    transcript = Transcript()
    backend = member.open(transcript=transcript)
    try:
        refs = backend.list_refs("INBOX")
        backend.fetch_envelopes("INBOX", refs)
        backend.set_flags("INBOX", refs, add=frozenset({Flag.SEEN}))
    finally:
        backend.close()
    text = transcript.format()
    raw = password.encode()
    forms = [
        password,
        base64.b64encode(raw).decode(),
        base64.b64encode(b"\0" + name.encode() + b"\0" + raw).decode(),
        base64.b64encode(name.encode() + b"\0" + name.encode() + b"\0" + raw).decode(),
    ]
    for form in forms:
        assert form not in text
    lines = transcript.lines()
    assert {line.protocol for line in lines} == {"imap"}
    assert all(
        line.connection.startswith("imap#") and f"{name}@127.0.0.1:" in line.connection for line in lines
    )
    sent = [line.text for line in lines if line.direction is Direction.SENT]
    assert any(t.endswith((" LOGIN ********", " AUTHENTICATE ********")) for t in sent), sent
    assert any(" SELECT " in t or " EXAMINE " in t for t in sent)
    assert any("FETCH" in t for t in sent)
    assert any(line.text.startswith("* OK") for line in lines if line.direction is Direction.RECEIVED)


def test_capabilities_describe_the_connection(user: ImapUser) -> None:
    backend = user.open()
    try:
        caps = backend.capabilities
    finally:
        backend.close()
    assert caps.tls is TLSState.VERIFIED
    assert {"IMAP4REV1", "IDLE", "MOVE"} <= caps.names
    assert caps.description == f"IMAP {user.name}@127.0.0.1:{user.server.imaps_port} (TLS verified)"
