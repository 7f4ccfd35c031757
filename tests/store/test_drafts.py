"""Drafts on disk (store/drafts.py): atomic saves, listing with unreadable files kept, safe ids."""

from __future__ import annotations

import pytest

from mailtui.core.compose import AttachmentSpec, Draft, preset_draft
from mailtui.paths import data_dir
from mailtui.store.drafts import Drafts, DraftsError
from mailtui.store.files import StoreError
from tests.fixtures.clock import Clock


def test_default_location_is_under_the_data_dir():
    assert Drafts().root == data_dir() / "drafts"


def test_draft_round_trip(tmp_path):
    drafts = Drafts(tmp_path / "drafts")
    att = AttachmentSpec("/tmp/x.bin", "x.bin", "application/octet-stream", bytes(range(256)) * 3)
    draft = Draft(
        "Me <me@example.org>", "you@example.net", cc="c@example.net", bcc="b@example.net",
        subject="测试邮件 Grüße", body="line 1\nline 2 ✓\n", attachments=(att,),
        in_reply_to="<a@x>", references=("<r@x>", "<a@x>"), extra_headers=(("X-Test", "1"),),
    )  # fmt: skip
    path = drafts.save("d1", draft)
    assert path.parent == tmp_path / "drafts"
    assert drafts.load("d1") == draft
    assert [p.name for p in (tmp_path / "drafts").iterdir()] == ["d1.json"]  # no temp file left


def test_drafts_list_recover_and_remove(tmp_path):
    clock = Clock()
    drafts = Drafts(tmp_path / "drafts", clock=clock)
    drafts.save("old", preset_draft("plain", "me@example.org", "a@example.net"))
    clock.now += 10
    drafts.save("new", preset_draft("utf8", "me@example.org", "b@example.net"))
    (tmp_path / "drafts" / "broken.json").write_text("{not json")
    listed = drafts.list()
    good = [d for d in listed if not d.error]
    assert [d.draft_id for d in good] == ["new", "old"]
    assert [d.draft_id for d in listed if d.error] == ["broken"]
    assert good[0].to == "b@example.net" and good[0].subject.startswith("测试邮件")
    with pytest.raises(DraftsError):
        drafts.load("broken")
    drafts.save("new", preset_draft("gtube", "me@example.org", "c@example.net"))  # autosave overwrites
    assert drafts.load("new").to == "c@example.net"
    drafts.remove("new")
    with pytest.raises(DraftsError):
        drafts.load("new")
    with pytest.raises(DraftsError):
        drafts.save("../escape", preset_draft("plain", "me@example.org", "a@example.net"))


def test_drafts_and_outbox_errors_are_store_errors():
    from mailtui.sending.outbox import OutboxError

    assert issubclass(DraftsError, StoreError) and issubclass(OutboxError, StoreError)


def test_save_on_a_full_disk_raises_and_keeps_the_old_version(tmp_path):
    from tests.store.full_disk import fill_up, tiny_tmpfs

    with tiny_tmpfs(tmp_path / "drafts") as root:
        drafts = Drafts(root)
        drafts.save("d1", Draft("me@example.org", "a@example.net", body="first version"))
        fill_up(root)
        with pytest.raises(DraftsError, match="No space left on device"):
            drafts.save("d1", Draft("me@example.org", "a@example.net", body="second version " * 500))
        assert drafts.load("d1").body == "first version"
        assert sorted(p.name for p in root.iterdir()) == ["d1.json", "filler"]  # no temp file left


def test_enospc_at_fsync_is_an_error_not_a_save(tmp_path, monkeypatch):
    """Without root: the write is refused at fsync (as NFS or a full thin pool do)."""
    import errno
    import os

    import mailtui.store.files as files

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    drafts = Drafts(tmp_path / "drafts")
    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(DraftsError, match="No space left on device"):
        drafts.save("d1", Draft("me@example.org", "a@example.net", body="text"))
    assert list((tmp_path / "drafts").iterdir()) == []


def test_save_copy_elsewhere_is_readable_text_and_never_overwrites(tmp_path):
    from mailtui.store.drafts import save_copy

    att = AttachmentSpec("/srv/x.bin", "x.bin", "application/octet-stream", b"\0\1")
    draft = Draft("Me <me@example.org>", "you@example.net", cc="c@example.net", subject="Grüße",
                  body="line 1\nline 2 ✓\n", attachments=(att,))  # fmt: skip
    path = save_copy(draft, tmp_path / "rescued.txt")
    text = path.read_text("utf-8")
    assert text.startswith("From: Me <me@example.org>\nTo: you@example.net\nCc: c@example.net\n")
    assert "Subject: Grüße\n" in text and text.endswith("\n\nline 1\nline 2 ✓\n")
    with pytest.raises(DraftsError, match="already exists"):
        save_copy(draft, path)
    into_dir = save_copy(draft, tmp_path)  # a directory: a fresh name inside it
    assert into_dir.parent == tmp_path and into_dir.read_text("utf-8") == text
    with pytest.raises(DraftsError, match="cannot write"):
        save_copy(draft, tmp_path / "missing" / "x.txt")


def test_the_account_a_draft_was_postponed_from_is_kept_beside_it(tmp_path) -> None:
    drafts = Drafts(tmp_path / "drafts")
    drafts.save("d1", Draft(from_addr="me@example.org", to="ops@example.net"))
    assert drafts.account_of("d1") is None  # a draft kept before the note existed: the current account
    drafts.set_account("d1", "home")
    assert drafts.account_of("d1") == "home"
    assert [d.draft_id for d in drafts.list()] == ["d1"]  # the note is not a draft
    drafts.remove("d1")
    assert drafts.account_of("d1") is None and not any((tmp_path / "drafts").iterdir())
