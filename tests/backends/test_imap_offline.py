"""IMAP reconnects and the offline queue against a real Dovecot: kicks, cut links, a stopped server.

"Reconnect, nothing lost": flag changes, moves and deletes made while the server is
unreachable are queued in order (on disk), applied after reconnecting (or by the next
session), and seen by an independent second client.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mailtui.backends.imap.backend import ImapBackend
from mailtui.backends.imap.opening import open_url
from mailtui.core.errors import ConnectionLostError
from mailtui.core.models import Flag, MessageRef
from mailtui.core.transcript import Direction, Transcript
from tests.backends.imap_helpers import (
    ImapUser,
    TcpProxy,
    make_message,
)

pytestmark = pytest.mark.dovecot


def test_reconnects_after_server_kick(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1), make_message(2)])
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    try:
        refs = backend.list_refs("INBOX")
        user.server.kick(user.name)
        assert backend.list_refs("INBOX") == refs
        assert [e.subject for e in backend.fetch_envelopes("INBOX", refs)] == ["Message 2", "Message 1"]
    finally:
        backend.close()
    notes = [line.text for line in transcript.lines() if line.direction is Direction.INFO]
    assert any("reconnecting" in text for text in notes), notes
    assert sum(1 for line in transcript.lines() if " LOGIN " in line.text) == 2


@pytest.fixture
def proxy(user: ImapUser, monkeypatch: pytest.MonkeyPatch) -> Iterator[TcpProxy]:
    """A relay to the user's imaps port that the test can cut like a dead link."""
    from mailtui.backends.imap import connection as imap_connection

    monkeypatch.setattr(imap_connection, "BACKOFF", 0.01)  # the retries, without the waiting
    relay = TcpProxy(user.server.imaps_port)
    yield relay
    relay.close()


def _via(proxy: TcpProxy, user: ImapUser, transcript: Transcript | None = None) -> ImapBackend:
    url = f"imaps://{user.name}@127.0.0.1:{proxy.port}/"
    return open_url(url, password=user.password, ca_file=user.server.ca_file, transcript=transcript)


def test_server_gone_for_good_is_connection_lost(user: ImapUser, proxy: TcpProxy) -> None:
    user.server.seed(user.name, [make_message(1)])
    backend = _via(proxy, user)
    try:
        refs = backend.list_refs("INBOX")
        proxy.cut()
        with pytest.raises(ConnectionLostError) as info:
            backend.fetch_envelopes("INBOX", refs)
        assert "could not reconnect after 3 attempts" in str(info.value)
        proxy.restore()
        assert [e.subject for e in backend.fetch_envelopes("INBOX", refs)] == ["Message 1"]
    finally:
        backend.close()


def test_flag_changes_while_offline_are_applied_after_reconnect(user: ImapUser, proxy: TcpProxy) -> None:
    user.server.seed(user.name, [make_message(1), make_message(2)])
    transcript = Transcript()
    backend = _via(proxy, user, transcript)
    try:
        refs = backend.list_refs("INBOX")
        proxy.cut()
        assert backend.set_flags("INBOX", refs[:1], add=frozenset({Flag.SEEN})) == refs[:1]
        backend.set_flags("INBOX", refs[1:], add=frozenset({Flag.FLAGGED}))
        assert backend.pending_changes == 2
        with pytest.raises(ConnectionLostError):
            backend.list_refs("INBOX")  # still offline: the queue stays
        assert backend.pending_changes == 2
        proxy.restore()
        flags = {e.ref: e.flags for e in backend.fetch_envelopes("INBOX", refs)}
        assert backend.pending_changes == 0
    finally:
        backend.close()
    assert flags == {refs[0]: frozenset({Flag.SEEN}), refs[1]: frozenset({Flag.FLAGGED})}
    with user.client() as other:
        other.select_folder("INBOX", readonly=True)
        seen = other.get_flags([int(r.key) for r in refs])
    assert b"\\Seen" in seen[int(refs[0].key)] and b"\\Flagged" in seen[int(refs[1].key)]
    assert any("queued" in line.text for line in transcript.lines() if line.direction is Direction.INFO)


def _flags_seen_by_another_client(
    user: ImapUser, folder: str, refs: list[MessageRef]
) -> dict[str, set[bytes]]:
    with user.client() as other:
        other.select_folder(folder, readonly=True)
        flags = other.get_flags([int(r.key) for r in refs])
    return {str(uid): set(value) - {b"\\Recent"} for uid, value in flags.items()}


def _subjects_seen_by_another_client(user: ImapUser, folder: str) -> list[str]:
    with user.client() as other:
        other.select_folder(folder, readonly=True)
        uids = other.search(["ALL"])
        data = other.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"]) if uids else {}
    return sorted(
        bytes(entry[b"BODY[HEADER.FIELDS (SUBJECT)]"]).decode().strip().removeprefix("Subject: ")
        for entry in data.values()
    )


def _notes(transcript: Transcript) -> list[str]:
    return [line.text for line in transcript.lines() if line.direction is Direction.INFO]


def test_flag_change_after_a_kick_reconnects_and_applies(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1), make_message(2)])
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    try:
        refs = backend.list_refs("INBOX")
        user.server.kick(user.name)  # the server says BYE and drops the session
        backend.set_flags("INBOX", refs[:1], add=frozenset({Flag.FLAGGED}))
        assert backend.pending_changes == 0  # applied at once after reconnecting, not queued
        assert backend.connection_state == "connected"
    finally:
        backend.close()
    assert _flags_seen_by_another_client(user, "INBOX", refs) == {
        refs[0].key: {b"\\Flagged"},
        refs[1].key: set(),
    }
    assert any("reconnecting" in text for text in _notes(transcript))


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    from mailtui.backends.imap import connection as imap_connection

    monkeypatch.setattr(imap_connection, "BACKOFF", 0.01)  # the retries, without the waiting


def test_changes_while_dovecot_is_down_are_applied_after_restart(user: ImapUser, quick_retries: None) -> None:
    user.server.seed(user.name, [make_message(n) for n in (1, 2, 3)])
    transcript = Transcript()
    states: list[str] = []
    backend = user.open(transcript=transcript)
    # The status bar's view while the backend retries: read when each failed attempt is noted.
    transcript.subscribe(
        lambda line: states.append(backend.connection_state) if "attempt" in line.text else None
    )
    try:
        refs = backend.list_refs("INBOX")  # Message 3, 2, 1
        assert backend.connection_state == "connected"
        user.server.halt()  # the master is stopped by PID: every session drops, the port refuses
        try:
            assert backend.set_flags("INBOX", refs[:1], add=frozenset({Flag.FLAGGED})) == refs[:1]
            backend.move("INBOX", refs[1:2], "Archive")
            assert backend.pending_changes == 2
            assert backend.connection_state == "offline: 2 changes queued"
            with pytest.raises(ConnectionLostError):
                backend.list_refs("INBOX")  # reads cannot be queued; the changes stay queued
            assert backend.pending_changes == 2
        finally:
            user.server.start()  # same config, same ports
        after = backend.list_refs("INBOX")  # the next call applies the queue first, in order
        assert backend.pending_changes == 0 and backend.connection_state == "connected"
    finally:
        backend.close()
    assert after == [refs[0], refs[2]]
    assert _flags_seen_by_another_client(user, "INBOX", after) == {
        refs[0].key: {b"\\Flagged"},
        refs[2].key: set(),
    }
    assert _subjects_seen_by_another_client(user, "Archive") == ["Message 2"]
    assert "reconnecting (attempt 1)" in states and "reconnecting (attempt 2)" in states, states
    notes = _notes(transcript)
    assert any("the move of 1 message(s) from INBOX to Archive is queued" in text for text in notes), notes


def test_changes_queued_when_the_app_exits_are_applied_by_the_next_session(
    user: ImapUser, quick_retries: None
) -> None:
    user.server.seed(user.name, [make_message(n) for n in (1, 2, 3)])
    first = user.open()
    try:
        refs = first.list_refs("INBOX")  # Message 3, 2, 1
        user.server.halt()
        try:
            first.set_flags("INBOX", refs[:1], add=frozenset({Flag.SEEN}))
            first.delete("INBOX", refs[1:2])  # to Trash: the folder list is not known yet either
            first.set_flags("INBOX", refs[:1], remove=frozenset({Flag.SEEN}), add=frozenset({Flag.ANSWERED}))
            assert first.pending_changes == 3
        finally:
            first.close()  # mailtui exits with three changes queued
            user.server.start()
    finally:
        first.close()
    transcript = Transcript()
    second = user.open(transcript=transcript)  # connects: applies the queue from the file
    try:
        assert second.pending_changes == 0
        remaining = second.list_refs("INBOX")
    finally:
        second.close()
    assert remaining == [refs[0], refs[2]]
    # In order: \\Seen added, then removed again together with \\Answered added.
    assert _flags_seen_by_another_client(user, "INBOX", remaining) == {
        refs[0].key: {b"\\Answered"},
        refs[2].key: set(),
    }
    assert _subjects_seen_by_another_client(user, "Trash") == ["Message 2"]
    assert any("earlier session" in text for text in _notes(transcript)), _notes(transcript)
    third = user.open()
    try:
        assert third.pending_changes == 0  # applied changes are gone from the file
    finally:
        third.close()


def test_the_watch_loop_applies_the_queue_once_the_server_is_back(
    user: ImapUser, quick_retries: None
) -> None:
    user.server.seed(user.name, [make_message(1)])
    backend = user.open()
    try:
        refs = backend.list_refs("INBOX")
        user.server.halt()
        try:
            backend.set_flags("INBOX", refs, add=frozenset({Flag.FLAGGED}))
            assert backend.connection_state == "offline: 1 change queued"
        finally:
            user.server.start()
        # No other call: the UI's watch loop (wait_for_changes every few seconds) flushes it.
        backend.wait_for_changes("INBOX", 0.1)
        assert backend.pending_changes == 0 and backend.connection_state == "connected"
        assert _flags_seen_by_another_client(user, "INBOX", refs) == {refs[0].key: {b"\\Flagged"}}
    finally:
        backend.close()


def test_a_queued_change_for_a_recreated_folder_is_dropped_not_misapplied(
    user: ImapUser, quick_retries: None
) -> None:
    with user.client() as other:
        other.create_folder("Box")
        other.append("Box", make_message(1, "old message"))
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    try:
        refs = backend.list_refs("Box")
        backend.list_refs("INBOX")
        user.server.halt()
        try:
            backend.set_flags("Box", refs, add=frozenset({Flag.SEEN}))
            assert backend.pending_changes == 1
        finally:
            user.server.start()
        with user.client() as other:  # meanwhile UID 1 of Box became another message
            other.delete_folder("Box")
            other.create_folder("Box")
            other.append("Box", make_message(2, "new message"))
        backend.list_refs("INBOX")  # replays the queue: the change is refused, not applied
        assert backend.pending_changes == 0
        assert backend.dropped_changes == ["the flag change on 1 message(s) in Box"]
    finally:
        backend.close()
    assert _flags_seen_by_another_client(user, "Box", refs) == {"1": set()}
    assert any(
        "dropped the flag change on 1 message(s) in Box, queued while offline" in text
        for text in _notes(transcript)
    ), _notes(transcript)
