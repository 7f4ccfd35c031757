"""All UIDs of a folder: ESEARCH on a real Dovecot, the plain SEARCH fallback, and UidRefList."""

from __future__ import annotations

import pytest

from mailtui.backends.imap.uids import UidRefList, all_uids, parse_esearch_all
from mailtui.core.models import MessageRef
from mailtui.core.transcript import Direction, Transcript
from tests.backends.imap_helpers import (
    ImapUser,
    make_message,
)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ([b'(TAG "A5") UID ALL 1:3,7,9:10'], [10, 9, 7, 3, 2, 1]),
        ([b'(TAG "A5") UID ALL 12:10,2'], [12, 11, 10, 2]),  # a range may be written high:low
        ([b'(TAG "A5") UID ALL 5,2,5'], [5, 2]),  # out of order and repeated: sorted, once
        ([b'(TAG "A5") UID'], []),  # no ALL item: nothing matched
        ([None], None),  # no ESEARCH answer at all: the caller falls back to SEARCH
    ],
)
def test_parse_esearch_all(answer: list[object], expected: list[int] | None) -> None:
    found = parse_esearch_all(answer)
    assert (list(found) if found is not None else None) == expected


@pytest.mark.dovecot
def test_all_uids_by_esearch_and_by_search_agree(user: ImapUser, monkeypatch: pytest.MonkeyPatch) -> None:
    user.server.seed(user.name, [make_message(n) for n in range(6)])
    with user.client() as c:
        c.select_folder("INBOX")
        c.delete_messages([2, 4])
        c.expunge()
        assert c.has_capability("ESEARCH")
        by_esearch = list(all_uids(c))
        monkeypatch.setattr(c, "has_capability", lambda name: False)
        by_search = list(all_uids(c))
    assert by_esearch == by_search == [6, 5, 3, 1]


@pytest.mark.dovecot
def test_list_refs_asks_with_esearch_and_hands_out_a_compact_list(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(n, f"subject {n}") for n in range(4)])
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    try:
        refs = backend.list_refs("INBOX")
        assert isinstance(refs, UidRefList) and [r.key for r in refs] == ["4", "3", "2", "1"]
        sent = [line.text for line in transcript.lines() if line.direction is Direction.SENT]
        assert any("SEARCH RETURN (ALL) ALL" in text for text in sent), sent
        subjects = [e.subject for e in backend.fetch_envelopes("INBOX", refs[:2])]
        assert subjects == ["subject 3", "subject 2"]
    finally:
        backend.close()


def test_uid_ref_list_behaves_like_a_list_of_refs() -> None:
    refs = UidRefList([30, 20, 10])
    assert len(refs) == 3 and refs[0] == MessageRef("30") and refs[-1] == MessageRef("10")
    assert refs.keys() == ["30", "20", "10"]
    assert isinstance(refs[1:], UidRefList) and refs[1:].keys() == ["20", "10"]
    # The UI rebuilds filtered or reordered lists from keys with type(refs)(keys).
    assert type(refs)(["10", "30"]) == [MessageRef("10"), MessageRef("30")]
    assert refs == [MessageRef("30"), MessageRef("20"), MessageRef("10")] and refs != UidRefList([30])
