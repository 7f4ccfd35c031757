"""The offline change queue on its own: order, persistence across sessions, failing safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.backends.imap.offline import OfflineQueue, QueuedChange, default_queue_path
from mailtui.core.models import Flag

CHANGES = [
    QueuedChange("flags", "INBOX", 7, (1, 2), add=frozenset({Flag.SEEN, Flag.FLAGGED})),
    QueuedChange("move", "INBOX", 7, (3,), destination="Archive/2024"),
    QueuedChange("delete", "Café", None, (4, 5, 6)),
    QueuedChange("flags", "INBOX", 7, (1,), remove=frozenset({Flag.SEEN})),
]


def _plain(change: QueuedChange) -> QueuedChange:
    return QueuedChange(
        change.kind,
        change.folder,
        change.uidvalidity,
        change.uids,
        change.add,
        change.remove,
        change.destination,
    )


def test_changes_survive_a_restart_in_order_and_applied_ones_are_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    first = OfflineQueue(path)
    assert first.persistent and first.loaded == 0
    for change in CHANGES:
        first.add(change)
    first.close()
    second = OfflineQueue(path)
    assert second.loaded == len(second) == 4
    applied: list[QueuedChange] = []

    def apply(change: QueuedChange) -> None:
        if len(applied) == 2:
            raise ConnectionError("offline again")
        applied.append(change)

    with pytest.raises(ConnectionError):
        second.replay(apply)
    assert [_plain(c) for c in applied] == CHANGES[:2]
    second.close()
    third = OfflineQueue(path)
    rest: list[QueuedChange] = []
    assert third.replay(rest.append) == 2
    assert [_plain(c) for c in rest] == CHANGES[2:]
    third.close()
    assert len(OfflineQueue(path)) == 0


def test_an_unusable_file_keeps_the_queue_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    path.write_bytes(b"not a database" * 100)
    queue = OfflineQueue(path)
    assert not queue.persistent
    queue.add(CHANGES[0])
    assert len(queue) == 1
    done: list[QueuedChange] = []
    assert queue.replay(done.append) == 1 and done == [CHANGES[0]]


def test_default_path_is_in_the_xdg_data_dir(isolated_xdg: Path) -> None:
    path = default_queue_path("alice@imap.example.org:993")
    assert path == isolated_xdg / "data" / "mailtui" / "imap-queue" / "alice@imap.example.org_993.sqlite3"
