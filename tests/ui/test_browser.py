"""Pilot tests of the browser screen on a real temp Maildir (MaildirBackend via open_account)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mailtui.core.models import Flag
from mailtui.ui.messages import EnvelopesLoaded
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.help import HelpScreen
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import (
    BASE_TIME,
    make_app,
    notifications,
    screen_text,
    settle,
    wait_until,
    write_message,
)


def files(folder: Path) -> list[str]:
    return sorted(p.name for sub in ("cur", "new") for p in (folder / sub).iterdir())


def file_flags(folder: Path, stamp: int) -> str:
    """The Maildir flag letters of the message delivered at `stamp`."""
    [name] = [n for n in files(folder) if n.startswith(f"{stamp}.")]
    return name.split(":2,")[1] if ":2," in name else ""


async def test_index_shows_decoded_subjects_newest_first(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        assert "测试邮件" in lines[0] and "张三" in lines[0]
        assert lines[0].startswith("N ")  # unread, in new/
        assert "Certificate expires soon" in lines[4]
        status = str(app.screen.query_one(StatusBar).status_text())
        assert "2 unread / 5" in status and "LOCAL" in status and "INBOX" in status


async def test_markup_in_subject_is_shown_literally(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "[/PATCH] broken [bold]markup[/bold]" in screen_text(app)
        await pilot.press("j", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Subject: [/PATCH] broken [bold]markup[/bold]" in text
        assert "A patch with [red]brackets[/red]." in text


async def test_open_shows_message_marks_seen_and_q_goes_back(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Subject: 测试邮件" in text
        assert "你好，这是一封测试邮件。" in text  # base64 body decoded
        assert "S" in file_flags(maildir, BASE_TIME + 50)  # seen on disk
        await pilot.press("h")
        await settle(pilot)
        assert "Content-Transfer-Encoding: base64" in screen_text(app)
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert "5rWL6K+V6YKu5Lu2" in screen_text(app)  # the raw, still-encoded subject
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert screen_text(app).splitlines()[0].startswith("   ")  # no longer N


async def test_delete_moves_file_to_trash_and_removes_row(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "d")
        await settle(pilot)
        assert len(files(maildir)) == 4
        assert [n for n in files(maildir / ".Trash") if n.startswith(f"{BASE_TIME + 40}.")]
        assert "[/PATCH]" not in screen_text(app)
        assert app.screen.query_one(MessageIndex).row_count == 4


async def test_delete_mode_mark_and_undelete(maildir: Path) -> None:
    from dataclasses import replace

    app = make_app(maildir)
    app.session.account = replace(app.session.account, delete_mode="mark")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await wait_until(pilot, lambda: "T" in file_flags(maildir, BASE_TIME + 50), 30, "the T flag on disk")
        await wait_until(pilot, lambda: screen_text(app).splitlines()[0][1] == "D", 30, "D in the index")
        await pilot.press("k", "u")
        await wait_until(pilot, lambda: "T" not in file_flags(maildir, BASE_TIME + 50), 30, "T removed")


async def test_flag_and_new_toggle_on_disk(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "F")  # "Backup finished", seen, not flagged
        await wait_until(pilot, lambda: file_flags(maildir, BASE_TIME + 20) == "FS", 30, "FS on disk")
        await pilot.press("N")
        await wait_until(pilot, lambda: file_flags(maildir, BASE_TIME + 20) == "F", 30, "F on disk")
        index = app.screen.query_one(MessageIndex)

        def flags_shown() -> bool:
            env = index.current_envelope
            return env is not None and Flag.SEEN not in env.flags and Flag.FLAGGED in env.flags

        await wait_until(pilot, flags_shown, 30, "flagged, unseen in the index")
        await pilot.press("F", "N")
        await wait_until(pilot, lambda: file_flags(maildir, BASE_TIME + 20) == "S", 30, "S on disk")


async def test_rebinding_from_config_keys(maildir: Path) -> None:
    app = make_app(maildir, keys={"toggle-flag": "x"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "F")
        await settle(pilot)
        assert file_flags(maildir, BASE_TIME + 20) == "S"  # F is no longer bound
        await pilot.press("x")
        await settle(pilot)
        assert file_flags(maildir, BASE_TIME + 20) == "FS"


async def test_help_lists_every_binding(maildir: Path) -> None:
    app = make_app(maildir, keys={"toggle-flag": "x"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.help_text().plain
        for binding in [*BrowserScreen.BINDINGS, *MessageIndex.BINDINGS]:
            assert (binding.tooltip or binding.description) in text  # type: ignore[union-attr]
            assert binding.id in text  # type: ignore[union-attr]
        assert "x              Flag" in text  # the rebound key is what help shows
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)


async def test_search_moves_to_the_match_and_keeps_every_row(maildir: Path) -> None:
    """mutt's /: the cursor goes to the match below it; the index still shows the folder."""
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        index = app.screen.query_one(MessageIndex)
        status = app.screen.query_one(StatusBar)
        assert "Backup finished" not in index.row_text(index.cursor)
        await pilot.press("slash", *"backup", "enter")
        await wait_until(pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="the match")
        assert index.row_count == 5
        await wait_until(pilot, lambda: "(search 'backup': 1 match)" in str(status.status_text()))
        await pilot.press("escape")
        await wait_until(pilot, lambda: "search" not in str(status.status_text()), what="Esc")
        assert index.row_count == 5 and "Backup finished" in index.row_text(index.cursor)


async def test_new_mail_appears_while_running(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j")  # the cursor must stay on the same message
        data = (
            b"From: late@example.org\nSubject: Fresh delivery\nDate: Wed, 15 Nov 2023 00:00:00 +0000\n\nhi\n"
        )
        write_message(maildir, "new", BASE_TIME + 100, 99, "", data)
        index = app.screen.query_one(MessageIndex)
        await wait_until(
            pilot,
            lambda: index.row_count == 6 and "Fresh delivery" in screen_text(app),
            60,
            "the new delivery",
        )
        assert "Fresh delivery" in screen_text(app).splitlines()[0]
        assert "[/PATCH]" in index.row_text(index.cursor)


async def test_only_the_visible_window_is_fetched(tmp_path: Path) -> None:
    from tests.ui.conftest import make_maildir

    root = make_maildir(tmp_path / "Big")
    for i in range(3000):
        data = f"From: bulk{i}@example.org\nSubject: bulk {i}\nDate: Mon, 6 Nov 2023 00:00:00 +0000\n\nx\n"
        write_message(root, "cur", BASE_TIME - 10_000 + i, 1000 + i, "S", data.encode())
    seen: list[EnvelopesLoaded] = []
    app = make_app(root)
    async with app.run_test(size=(80, 24), message_hook=lambda m: seen.append(m)) as pilot:
        await settle(pilot)
        loaded = sum(len(m.envelopes) for m in seen if isinstance(m, EnvelopesLoaded))
        index = app.screen.query_one(MessageIndex)
        assert index.row_count == 3005
        assert 0 < loaded <= 100  # a window of rows plus a page, never the whole folder
        await pilot.press("G")
        await settle(pilot)
        assert "bulk 0" in screen_text(app)
        assert sum(len(m.envelopes) for m in seen if isinstance(m, EnvelopesLoaded)) <= 200


async def test_backend_error_is_a_notification(tmp_path: Path) -> None:
    app = make_app(tmp_path / "missing")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def said() -> bool:
            return any(
                n.title == "No such mailbox" and "does not exist" in n.message for n in notifications(app)
            )

        await wait_until(pilot, said, what="the error notification")
        assert "NOT CONNECTED" in str(app.screen.query_one(StatusBar).status_text())


async def test_move_to_folder_with_picker(maildir: Path) -> None:
    from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog

    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "s")  # "Backup finished"
        await settle(pilot)
        assert isinstance(app.screen, FolderPickerDialog)
        assert app.screen.names[0] != "INBOX"  # the current folder is not offered
        archive = app.screen.names.index("Archive")
        await pilot.press(*["down"] * archive, "enter")
        await settle(pilot)
        assert [n for n in files(maildir / ".Archive") if n.startswith(f"{BASE_TIME + 20}.")]
        assert "Backup finished" not in screen_text(app)


async def test_search_reads_headers_not_loaded_yet(tmp_path: Path) -> None:
    from tests.ui.conftest import make_maildir

    root = make_maildir(tmp_path / "Big")
    for i in range(600):
        data = f"From: bulk{i}@example.org\nSubject: bulk {i}\nDate: Mon, 6 Nov 2023 00:00:00 +0000\n\nx\n"
        write_message(root, "cur", BASE_TIME - 10_000 + i, 1000 + i, "S", data.encode())
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        index = app.screen.query_one(MessageIndex)
        assert index.envelope(index.refs[-1].key) is None  # the oldest is not loaded
        await pilot.press("l", *"bulk 1", "enter")
        await settle(pilot)
        # bulk 1, 10-19, 100-199: 111 matches, most of them far below the first screen
        await wait_until(pilot, lambda: index.row_count == 111, what="the limit")
        assert "bulk 199 " in index.row_text(0)
        await pilot.press("end")  # rows off screen are read when shown
        await wait_until(pilot, lambda: "bulk 1 " in index.row_text(110), what="the last match")
        await pilot.press("slash", *"~s ^bulk 5$", "enter")  # a search looks among the limited only
        await wait_until(pilot, lambda: any("No message matches" in n.message for n in notifications(app)))
        assert index.row_count == 111
        await pilot.press(
            "l", "ctrl+u", "enter", "slash", "ctrl+u", *"~s ^bulk 5$", "enter"
        )  # far below, not loaded
        await wait_until(pilot, lambda: "bulk 5 " in index.row_text(index.cursor), 30, "the far match")
        assert index.cursor > 500 and index.row_count == 605


async def test_unknown_key_id_in_config_is_reported(maildir: Path) -> None:
    app = make_app(maildir, keys={"no-such-binding": "z", "quit": "Q"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("no-such-binding" in n.message for n in notifications(app))
        await pilot.press("Q")
        await pilot.pause()
        assert not app.is_running


async def test_status_bar_warns_on_unverified_tls() -> None:
    from textual.app import App

    from mailtui.core.models import Capabilities, TLSState
    from mailtui.ui.themes import variable_defaults

    class StatusApp(App[None]):
        def get_theme_variable_defaults(self) -> dict[str, str]:
            return variable_defaults(self.current_theme.to_color_system().generate())

        def compose(self):
            yield StatusBar(id="status")

    app = StatusApp()
    async with app.run_test(size=(80, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.account, bar.folder = "work", "INBOX"
        bar.capabilities = Capabilities(tls=TLSState.UNVERIFIED)
        await pilot.pause()
        assert bar.has_class("-warning")
        assert "WARNING: TLS NOT VERIFIED" in str(bar.status_text())
        bar.capabilities = Capabilities(tls=TLSState.VERIFIED)
        await pilot.pause()
        assert not bar.has_class("-warning") and "TLS" in str(bar.status_text())


async def test_untrusted_text_in_errors_and_folder_names_is_literal(tmp_path: Path) -> None:
    from tests.ui.conftest import make_maildir

    root = make_maildir(tmp_path / "Mail")
    for sub in ("cur", "new", "tmp"):
        (root / ".[bold]x[i]" / sub).mkdir(parents=True)  # no "/" in a dir name
    app = make_app(root)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert "[bold]x[i]" in screen_text(app)  # the folder pane at 120 columns
    missing = make_app(tmp_path / "[/PATCH] gone")
    async with missing.run_test(size=(80, 24), notifications=True) as pilot:
        # The toast wraps the path where its length puts the line end (pytest's tmp dir name
        # differs per run and worker), so the text is read with the wrapping taken out.
        def toast() -> str:
            return re.sub(r"[\s▌]", "", screen_text(missing))

        await wait_until(pilot, lambda: "[/PATCH]gone" in toast(), what="the error toast")
        assert "[/PATCH]gonedoesnotexist" in toast()  # drawn literally, not taken as markup


async def test_quit_in_mark_mode_offers_to_purge(maildir: Path) -> None:
    from dataclasses import replace

    from mailtui.ui.screens.confirm import ConfirmDialog

    app = make_app(maildir)
    app.session.account = replace(app.session.account, delete_mode="mark")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d", "q")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Purge 1 message(s)" in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert not app.is_running
    assert not [n for n in files(maildir) if n.startswith(f"{BASE_TIME + 50}.")]
    assert len(files(maildir)) == 4


def write_spool(path: Path) -> Path:
    """An mbox spool with the fixture's messages, oldest first (no Trash folder)."""
    import time

    from tests.ui.conftest import MESSAGES

    entries = [
        b"From root@example.org "
        + time.asctime(time.gmtime(BASE_TIME + offset)).encode()
        + b"\n"
        + data
        + b"\n\n"
        for offset, _sub, _flags, data in reversed(MESSAGES)
    ]
    path.write_bytes(b"".join(entries))
    return path


def spool_count(path: Path) -> int:
    return sum(1 for line in path.read_bytes().splitlines() if line.startswith(b"From "))


async def test_spool_d_marks_u_unmarks_and_purge_says_how_many(tmp_path: Path) -> None:
    from mailtui.ui.screens.confirm import ConfirmDialog

    spool = write_spool(tmp_path / "admin")
    app = make_app(spool)  # delete = "trash" (the default), but a spool has no Trash

    def first_row_marked() -> bool:
        return screen_text(app).splitlines()[0][1] == "D"

    def asks(text: str) -> Callable[[], bool]:
        return lambda: isinstance(app.screen, ConfirmDialog) and text in screen_text(app)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await wait_until(pilot, first_row_marked, what="the D mark")
        await settle(pilot)
        assert spool_count(spool) == 5  # marked, not removed
        await pilot.press("k", "u")
        await wait_until(pilot, lambda: not first_row_marked(), what="the mark gone")
        await settle(pilot)
        assert b"X-Status: D" not in spool.read_bytes()
        await pilot.press("d", "d", "dollar_sign")  # two marked, purged before their writes land
        await wait_until(pilot, asks("Purge 2 message(s)"), what="the purge question")
        await pilot.press("y")
        index = app.screen.query_one(MessageIndex)
        await wait_until(pilot, lambda: index.row_count == 3, what="the purged rows gone")
        await settle(pilot)
        assert spool_count(spool) == 3
        await pilot.press("d", "q")
        await wait_until(pilot, asks("Purge 1 message(s)"), what="the purge question at quit")
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.is_running, what="the app to quit")
    assert spool_count(spool) == 2


async def test_trash_mode_u_right_after_d_moves_the_message_back(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "d")  # "[/PATCH] ..." to Trash
        await settle(pilot)
        assert len(files(maildir)) == 4
        await pilot.press("u")
        await settle(pilot)
        assert len(files(maildir)) == 5
        assert not files(maildir / ".Trash")
        await wait_until(pilot, lambda: "[/PATCH]" in screen_text(app), what="the row back")
        assert app.screen.query_one(MessageIndex).row_count == 5


async def test_read_only_spool_says_so_once_and_keeps_flags_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mailtui.backends.mbox.backend as mbox_backend

    spool = write_spool(tmp_path / "admin")
    before = spool.read_bytes()
    # As root every file is writable: stand in for a user without write permission.
    monkeypatch.setattr(mbox_backend, "_writable", lambda path: False)
    app = make_app(spool)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        status = str(app.screen.query_one(StatusBar).status_text())
        assert "READ-ONLY" in status
        await pilot.press("N", "F", "d", "enter")
        await settle(pilot)
        await pilot.press("q", "k")  # out of the pager, back to the first row
        await settle(pilot)
        assert not app.screen.query("Toast")  # no error for each keystroke
        env = app.screen.query_one(MessageIndex).current_envelope
        assert env is not None and {Flag.FLAGGED, Flag.DELETED} <= env.flags
    assert spool.read_bytes() == before
