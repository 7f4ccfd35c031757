"""Sort and threads over IMAP on the suite's Dovecot: the server's answer, the header-cache
index's and the plain envelope path's are one list for every mode.

The folder is made to catch where they could part: equal sizes and dates (ties), Re:/Fwd:/
AW:/[list] prefixes, names against bare addresses and names that sort differently upper-
and lower-cased, missing and broken Dates, broken, duplicate and absent Message-IDs,
replies to missing parents and a References loop. What went to the server is read from
the wire transcript.
"""

from __future__ import annotations

import pytest

from mailtui.core.index.columns import index_values, order_columns, order_from_rows
from mailtui.core.transcript import Direction, Transcript
from tests.backends.imap_helpers import new_user
from tests.backends.orders import reference_order

MODES = [
    "date:desc",
    "date:asc",
    "from:asc",
    "from:desc",
    "subject:asc",
    "subject:desc",
    "size:asc",
    "size:desc",
    "threads",
]
D = "Date: Wed, 13 Mar 2024 10:00:00 +0000"


def message(headers: str, body: str = "x") -> bytes:
    return (headers.strip().replace("\n", "\r\n") + "\r\n\r\n" + body + "\r\n").encode()


MESSAGES = [
    message(f"From: Alice <alice@example.org>\nSubject: hello\n{D}\nMessage-ID: <a@x>"),
    message(f"From: bob@example.org\nSubject: Re: hello\n{D}\nMessage-ID: <b@x>\nIn-Reply-To: <a@x>"),
    message(
        'From: "Zed" <aaa@example.org>\nSubject: [list] Re: Fwd: hello\n'
        "Date: Thu, 14 Mar 2024 10:00:00 +0000\nMessage-ID: <c@x>\nReferences: <a@x> <b@x>"
    ),
    message("From: a_b <zzz@example.org>\nSubject: AW: hello\nMessage-ID: <d@x>\nIn-Reply-To: <gone@x>"),
    message(
        "From: az <y@example.org>\nSubject: hello (fwd)\nDate: Tue, 12 Mar 2024 10:00:00 +0000\n"
        "Message-ID: <d@x>"
    ),
    message(
        "From: =?utf-8?q?=C3=89mile?= <e@example.org>\nSubject: =?utf-8?q?=C3=A9t=C3=A9?=\n"
        "Date: garbage\nMessage-ID: <e@x>\nReferences: <f@x>"
    ),
    message(f"From: <x@example.org>\nSubject: Re: [list] x\n{D}\nMessage-ID: <f@x>\nReferences: <e@x>"),
    message(f"Subject: \n{D}\nMessage-ID: broken"),
    message(
        "From: Bob <bob@example.org>\nSubject: re:re: hello\nDate: Wed, 13 Mar 2024 11:00:00 +0100\n"
        "References: <gone@x> <a@x>"
    ),
    # Three of one size and date, one of them a reply to a reply that is not in the folder.
    message(f"From: Tie <t@example.org>\nSubject: tie 1\n{D}\nMessage-ID: <t1@x>", "same"),
    message(f"From: Tie <t@example.org>\nSubject: tie 2\n{D}\nMessage-ID: <t2@x>", "same"),
    message(f"From: Tie <t@example.org>\nSubject: tie 3\n{D}\nMessage-ID: <t3@x>", "same"),
    message(f"From: TIE <t@example.org>\nSubject: Fwd: tie\n{D}\nIn-Reply-To: <t9@x>", "size"),
]


@pytest.fixture
def opened(dovecot):  # type: ignore[no-untyped-def]
    user = new_user(dovecot)
    dovecot.seed(user.name, MESSAGES[:6], flags="S")
    dovecot.seed(user.name, MESSAGES[6:])
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    refs = backend.list_refs("INBOX")
    envelopes = backend.fetch_envelopes("INBOX", refs)  # every header block is cached now
    yield backend, transcript, refs, envelopes
    backend.close()


def sent_since(transcript: Transcript, before: int) -> list[str]:
    return [line.text for line in transcript.lines()[before:] if line.direction is Direction.SENT]


def test_the_server_the_index_and_the_envelopes_give_one_order(opened) -> None:  # type: ignore[no-untyped-def]
    backend, transcript, refs, envelopes = opened
    assert len(envelopes) == len(MESSAGES)
    keys = refs.keys()
    answered = set()
    for mode in MODES:
        expected = reference_order(envelopes, mode)
        before = len(transcript.lines())
        rows = backend.index_columns("INBOX", refs, order_columns(mode))
        assert sent_since(transcript, before) == []  # the cache answers, nothing is fetched
        assert set(rows) == set(keys)
        assert rows == {e.ref.key: index_values(e, order_columns(mode)) for e in envelopes}, mode
        assert order_from_rows(keys, rows, mode) == expected, mode
        server = backend.server_order("INBOX", refs, mode)
        if server is not None:
            answered.add(mode)
            assert server == expected, mode
    assert answered == {"size:asc", "size:desc"}


def test_sizes_are_sorted_by_one_sort_command(opened) -> None:  # type: ignore[no-untyped-def]
    backend, transcript, refs, _envelopes = opened
    for mode, command in (("size:asc", "SORT (REVERSE SIZE)"), ("size:desc", "SORT (SIZE)")):
        before = len(transcript.lines())
        assert backend.server_order("INBOX", refs, mode) is not None
        sent = sent_since(transcript, before)
        assert any(command in line for line in sent), sent
        assert not any("FETCH" in line for line in sent), sent


def test_a_listing_older_than_the_folder_keeps_its_messages_only(opened, dovecot) -> None:  # type: ignore[no-untyped-def]
    backend, _transcript, refs, _envelopes = opened
    dovecot.deliver(backend.settings.user, message(f"From: New <n@example.org>\nSubject: new\n{D}"))
    keys, depths = backend.server_order("INBOX", refs, "size:desc")
    assert sorted(keys) == sorted(refs.keys()) and depths == {}
    assert backend.server_order("INBOX", refs[1:3][::-1], "size:desc") is None  # not the listing order


def test_unread_keys_and_stored_orders(opened) -> None:  # type: ignore[no-untyped-def]
    backend, _transcript, refs, envelopes = opened
    assert backend.unread_keys("INBOX", refs) == {e.ref.key for e in envelopes if e.is_unread}
    assert backend.stored_order("INBOX", refs, "threads") is None
    keys, depths = reference_order(envelopes, "threads")
    backend.store_order("INBOX", refs, "threads", keys, depths)
    ordered, stored_depths = backend.stored_order("INBOX", refs, "threads")
    assert [r.key for r in ordered] == keys and stored_depths == depths
    assert backend.stored_order("INBOX", refs[1:], "threads") is None  # another listing


def test_messages_not_cached_are_left_to_the_caller(dovecot) -> None:  # type: ignore[no-untyped-def]
    user = new_user(dovecot)
    dovecot.seed(user.name, MESSAGES[:4])
    backend = user.open()
    try:
        refs = backend.list_refs("INBOX")
        backend.fetch_envelopes("INBOX", refs[:2])
        assert set(backend.index_columns("INBOX", refs, ["subject_key"])) == set(refs.keys()[:2])
    finally:
        backend.close()


def test_offline_the_header_cache_still_sorts(dovecot, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from mailtui.backends.imap import connection as imap_connection
    from mailtui.backends.imap.opening import open_url
    from tests.backends.imap_helpers import TcpProxy

    monkeypatch.setattr(imap_connection, "BACKOFF", 0.01)  # the retries, without the waiting
    user = new_user(dovecot)
    dovecot.seed(user.name, MESSAGES[:6], flags="S")
    dovecot.seed(user.name, MESSAGES[6:])
    proxy = TcpProxy(dovecot.imaps_port)
    url = f"imaps://{user.name}@127.0.0.1:{proxy.port}/"
    backend = open_url(url, password=user.password, ca_file=dovecot.ca_file)
    try:
        refs = backend.list_refs("INBOX")
        envelopes = backend.fetch_envelopes("INBOX", refs)
        proxy.cut()
        assert backend.server_order("INBOX", refs, "size:asc") is None  # the index answers instead
        rows = backend.index_columns("INBOX", refs, order_columns("size:asc"))
        assert order_from_rows(refs.keys(), rows, "size:asc") == reference_order(envelopes, "size:asc")
        assert backend.unread_keys("INBOX", refs) == {e.ref.key for e in envelopes if e.is_unread}
    finally:
        backend.close()
        proxy.close()


def test_stored_keys_of_the_wrong_type_are_damage_not_a_crash(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from mailtui.backends.imap.header_cache import HeaderCache

    path = tmp_path / "c.sqlite3"
    cache = HeaderCache(path)
    try:
        cache.put_keys(
            "INBOX", 7, [(1, None, "alice", "hello", "<a@x>", "", ""), (2, 1.5, "b", "", "", "", "")]
        )
        cache.put_keys("INBOX", 8, [(1, 2.0, "old", "", "", "", "")])  # another UIDVALIDITY
        assert cache.key_rows("INBOX", 7, ["date", "sender_key"]) == {1: (None, "alice"), 2: (1.5, "b")}
        db = sqlite3.connect(path)
        with db:
            db.execute("UPDATE keys SET date = 'soon' WHERE uid = 2")  # as a damaged file might hold
        db.close()
        assert cache.key_rows("INBOX", 7, ["date"]) == {}
        assert cache.take_notice() is not None  # rebuilt, and the UI is told
        assert cache.key_rows("INBOX", 7, ["sender_key"]) == {}  # the keys are made again from headers
    finally:
        cache.close()


def test_the_prefetch_makes_the_keys_so_a_sort_parses_nothing(
    dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from mailtui.backends.imap import order

    user = new_user(dovecot)
    dovecot.seed(user.name, MESSAGES)
    backend = user.open()
    try:
        refs = backend.list_refs("INBOX")
        assert backend.prefetch_envelopes("INBOX", refs, batch=5) == len(MESSAGES)

        def no_parsing(uid: int, size: int, header: bytes) -> tuple[object, ...]:
            raise AssertionError(f"UID {uid} parsed again")

        monkeypatch.setattr(order, "key_row", no_parsing)
        envelopes = backend.fetch_envelopes("INBOX", refs)
        rows = backend.index_columns("INBOX", refs, order_columns("threads"))
        assert order_from_rows(refs.keys(), rows, "threads") == reference_order(envelopes, "threads")
    finally:
        backend.close()
