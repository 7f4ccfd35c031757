"""The IMAP header cache on a real Dovecot: later sessions, CONDSTORE flag sync, UIDVALIDITY, prefetch."""

from __future__ import annotations

import threading

import pytest

from mailtui.backends.imap.backend import ImapBackend
from mailtui.core.errors import BackendError
from mailtui.core.models import Flag, MessageRef
from mailtui.core.transcript import Direction, Transcript
from tests.backends.imap_helpers import (
    ImapUser,
    make_message,
)

pytestmark = pytest.mark.dovecot


def _subjects(backend: ImapBackend, folder: str, refs: list[MessageRef]) -> list[str]:
    return [env.subject for env in backend.fetch_envelopes(folder, refs)]


def _fetch_commands(transcript: Transcript) -> list[str]:
    return [
        line.text
        for line in transcript.lines()
        if line.direction is Direction.SENT and " FETCH " in line.text
    ]


def test_header_cache_serves_a_later_session_with_fresh_flags(user: ImapUser) -> None:
    user.server.seed(
        user.name, [make_message(n, "=?utf-8?q?caf=C3=A9?=" if n == 1 else None) for n in range(3)]
    )
    first = user.open()
    try:
        refs = first.list_refs("INBOX")
        before = first.fetch_envelopes("INBOX", refs)
    finally:
        first.close()
    with user.client() as other:
        other.select_folder("INBOX")
        other.add_flags([int(refs[0].key)], [b"\\Flagged"])
    transcript = Transcript()
    second = user.open(transcript=transcript)
    try:
        after = second.fetch_envelopes("INBOX", second.list_refs("INBOX"))
    finally:
        second.close()
    fetches = _fetch_commands(transcript)
    assert fetches and all("BODY.PEEK" not in text and "(FLAGS)" in text for text in fetches), fetches
    assert [(e.subject, e.sender, e.size, e.date) for e in after] == [
        (e.subject, e.sender, e.size, e.date) for e in before
    ]
    assert "café" in {e.subject for e in after}
    assert after[0].flags == frozenset({Flag.FLAGGED}) and before[0].flags == frozenset()


def test_without_cache_headers_are_fetched_each_time(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1)])
    transcript = Transcript()
    backend = user.open(transcript=transcript, cache=False)
    try:
        refs = backend.list_refs("INBOX")
        backend.fetch_envelopes("INBOX", refs)
        backend.fetch_envelopes("INBOX", refs)
    finally:
        backend.close()
    assert sum("BODY.PEEK" in text for text in _fetch_commands(transcript)) == 2


def test_recreated_folder_refuses_old_uids_then_reloads(user: ImapUser) -> None:
    with user.client() as other:
        other.create_folder("Box")
        other.append("Box", make_message(1, "old message"))
    backend = user.open()
    try:
        old_refs = backend.list_refs("Box")
        assert _subjects(backend, "Box", old_refs) == ["old message"]
        cache = backend._cache
        assert cache is not None
        old_validity = backend._conn.uidvalidity["Box"]
        assert set(cache.get("Box", old_validity, [1])) == {1}
        backend.list_refs("INBOX")  # the folder is not selected while it is replaced
        with user.client() as other:
            other.delete_folder("Box")
            other.create_folder("Box")
            other.append("Box", make_message(2, "new message"))
        with pytest.raises(BackendError) as info:
            backend.set_flags("Box", old_refs, add=frozenset({Flag.SEEN}))
        assert "UIDVALIDITY" in str(info.value) and "reload" in str(info.value)
        new_refs = backend.list_refs("Box")
        assert new_refs == old_refs  # same UID 1, but another message: the cache must not mix them up
        new_validity = backend._conn.uidvalidity["Box"]
        assert new_validity != old_validity
        # The reset: nothing is kept under the old UIDVALIDITY (headers, flags, modseq).
        assert cache.get("Box", old_validity, [1]) == {} and cache.get_flags("Box", old_validity, [1]) == {}
        assert cache.modseq("Box", old_validity) is None
        assert _subjects(backend, "Box", new_refs) == ["new message"]
        assert set(cache.get("Box", new_validity, [1])) == {1}
    finally:
        backend.close()
    with user.client() as other:
        other.select_folder("Box", readonly=True)
        assert b"\\Seen" not in other.get_flags([1])[1]  # the refused STORE did not happen


def test_big_folder_list_refs_and_first_window(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(n, days=n % 1000, body="x") for n in range(2000)], folder="Big")
    backend = user.open()
    try:
        refs = backend.list_refs("Big")
        assert len(refs) == 2000 and len({r.key for r in refs}) == 2000
        window = backend.fetch_envelopes("Big", refs[:50])
        everything = backend.fetch_envelopes("Big", refs)  # more than one 1000-UID chunk
    finally:
        backend.close()
    assert [e.ref for e in window] == refs[:50]
    assert [e.subject for e in window] == [f"Message {n}" for n in range(1999, 1949, -1)]
    assert len(everything) == 2000
    assert {e.subject for e in everything} == {f"Message {n}" for n in range(2000)}


def test_reopening_a_cached_folder_syncs_flags_with_changedsince(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(n) for n in range(5)], flags="S")
    first = user.open()
    try:
        refs = first.list_refs("INBOX")
        before = {e.ref: e.flags for e in first.fetch_envelopes("INBOX", refs)}
    finally:
        first.close()
    assert set(before.values()) == {frozenset({Flag.SEEN})}
    changed = refs[2]
    with user.client() as other:
        other.select_folder("INBOX")
        other.add_flags([int(changed.key)], [b"\\Flagged"])
    transcript = Transcript()
    second = user.open(transcript=transcript)
    try:
        assert "CONDSTORE" in second.capabilities.names
        after = {e.ref: e.flags for e in second.fetch_envelopes("INBOX", second.list_refs("INBOX"))}
        sent_then = len(transcript.lines())
        with user.client() as other:  # and within the session: the next window sees a change
            other.select_folder("INBOX")
            other.remove_flags([int(refs[0].key)], [b"\\Seen"])
        later = {e.ref: e.flags for e in second.fetch_envelopes("INBOX", refs[:1])}
    finally:
        second.close()
    assert after == {**before, changed: frozenset({Flag.SEEN, Flag.FLAGGED})}  # exactly that flag
    assert later == {refs[0]: frozenset()}
    first_session = transcript.lines()[:sent_then]
    fetches = [
        line.text for line in first_session if line.direction is Direction.SENT and " FETCH " in line.text
    ]
    # One FETCH, for what changed since the cached HIGHESTMODSEQ: no headers, no FLAGS of every UID.
    assert len(fetches) == 1 and "CHANGEDSINCE" in fetches[0] and "1:*" in fetches[0], fetches
    answers = [
        line.text
        for line in first_session
        if line.direction is Direction.RECEIVED and " FETCH (" in line.text
    ]
    assert len(answers) == 1 and f"UID {changed.key}" in answers[0], answers


def test_prefetch_fills_the_cache_while_the_first_window_is_served(user: ImapUser) -> None:
    total = 10_000
    user.server.seed(
        user.name, [make_message(n, days=n % 1000, body="x") for n in range(total)], folder="Huge"
    )
    transcript = Transcript(maxlen=1_000_000)  # every fetched message is a line: keep them all
    backend = user.open(transcript=transcript)
    asked: list[int] = []
    paused, resume = threading.Event(), threading.Event()

    def should_stop() -> bool:
        asked.append(1)
        if len(asked) == 2:  # one batch is in; hold the rest until the window is on screen
            paused.set()
            resume.wait(60)
        return False

    result: list[int] = []
    try:
        refs = backend.list_refs("Huge")
        prefetch = threading.Thread(
            target=lambda: result.append(
                backend.prefetch_envelopes("Huge", refs, batch=500, should_stop=should_stop)
            )
        )
        prefetch.start()
        try:
            assert paused.wait(60)
            window = backend.fetch_envelopes("Huge", refs[:50])  # the first rows, prefetch still running
            assert prefetch.is_alive() and not result
        finally:
            resume.set()
        prefetch.join(120)
        assert not prefetch.is_alive() and result == [total]
        cache = backend._cache
        assert cache is not None
        validity = backend._conn.uidvalidity["Huge"]
        assert len(cache.get("Huge", validity, [int(r.key) for r in refs])) == total
        mark = len(transcript.lines())
        everything = backend.fetch_envelopes("Huge", refs)
    finally:
        backend.close()
    assert [e.subject for e in window] == [f"Message {n}" for n in range(total - 1, total - 51, -1)]
    assert len(asked) == total // 500  # asked before each batch
    assert len(everything) == total and {e.subject for e in everything} == {
        f"Message {n}" for n in range(total)
    }
    lines = transcript.lines()
    prefetched = [
        line.text
        for line in lines
        if "(prefetch)" in line.connection and line.direction is Direction.SENT and " FETCH " in line.text
    ]
    assert len(prefetched) == total // 500 and all("BODY.PEEK" in text for text in prefetched)
    assert not any("BODY.PEEK" in line.text for line in lines[mark:])  # the whole folder from the cache


def test_prefetch_stops_when_asked(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(n) for n in range(30)])
    backend = user.open()
    try:
        refs = backend.list_refs("INBOX")
        calls: list[int] = []
        fetched = backend.prefetch_envelopes(
            "INBOX", refs, batch=10, should_stop=lambda: len(calls.append(1) or calls) > 2
        )
        cache = backend._cache
        assert cache is not None
        cached = cache.get("INBOX", backend._conn.uidvalidity["INBOX"], [int(r.key) for r in refs])
    finally:
        backend.close()
    assert fetched == 20 and sorted(cached) == sorted(int(r.key) for r in refs[:20])


def test_closing_the_backend_cancels_a_prefetch(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(n) for n in range(30)])
    backend = user.open()
    refs = backend.list_refs("INBOX")
    calls: list[int] = []

    def should_stop() -> bool:
        calls.append(1)
        if len(calls) == 2:
            backend.close()  # as the app does on quit, while the prefetch runs
        return False

    try:
        fetched = backend.prefetch_envelopes("INBOX", refs, batch=10, should_stop=should_stop)
    finally:
        backend.close()
    assert fetched == 10 and len(calls) == 2
    assert backend.prefetch_envelopes("INBOX", refs) == 0  # closed: nothing more
