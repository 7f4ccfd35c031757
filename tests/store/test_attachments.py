"""Saving attachments: inside the folder, never overwriting, never through symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailtui.store.attachments import AttachmentSaveError, save_attachment


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def test_saves_with_the_safe_name(tmp_path: Path) -> None:
    path = save_attachment(tmp_path / "dl", "report.pdf", b"%PDF")
    assert path == (tmp_path / "dl" / "report.pdf").resolve()
    assert path.read_bytes() == b"%PDF"
    assert (path.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..\\..\\evil", "/abs/evil", ".bashrc", "..", "", "a/../../b"]
)
def test_never_writes_outside_the_folder(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "dl"
    path = save_attachment(folder, name, b"x")
    assert path.parent == folder.resolve()
    assert files_under(tmp_path) == {path}
    assert not path.name.startswith(".")


def test_never_overwrites(tmp_path: Path) -> None:
    first = save_attachment(tmp_path, "log.txt", b"1")
    second = save_attachment(tmp_path, "log.txt", b"2")
    third = save_attachment(tmp_path, "log.txt", b"3")
    assert [p.name for p in (first, second, third)] == ["log.txt", "log (1).txt", "log (2).txt"]
    assert [p.read_bytes() for p in (first, second, third)] == [b"1", b"2", b"3"]
    noext = [save_attachment(tmp_path, "README", b"r").name for _ in range(2)]
    assert noext == ["README", "README (1)"]


def test_does_not_write_through_a_planted_symlink(tmp_path: Path) -> None:
    folder = tmp_path / "dl"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_bytes(b"precious")
    (folder / "notes.txt").symlink_to(victim)
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere")
    path = save_attachment(folder, "notes.txt", b"attack")
    assert victim.read_bytes() == b"precious"
    assert path.name == "notes (1).txt" and path.read_bytes() == b"attack"
    save_attachment(folder, "dangling.txt", b"attack")
    assert not (tmp_path / "nowhere").exists()


def test_symlinked_folder_is_resolved(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    path = save_attachment(link, "a.txt", b"a")
    assert path == real.resolve() / "a.txt" and path.read_bytes() == b"a"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_folder_is_an_admin_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(AttachmentSaveError, match="Cannot create"):
            save_attachment(folder, "a.txt", b"a")
    finally:
        folder.chmod(0o700)


def test_folder_that_is_a_file_is_an_admin_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(AttachmentSaveError, match="Cannot use folder"):
        save_attachment(blocker, "a.txt", b"a")
