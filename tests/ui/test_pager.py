"""Pilot tests of the pager screen and the attachments dialog."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from mailtui.ui.screens.pager.attachments import AttachmentsDialog
from mailtui.ui.screens.pager.pager import PagerScreen
from tests.ui.conftest import make_app, notifications, screen_text, settle


async def test_attachments_dialog_saves_into_folder(maildir: Path, tmp_path: Path) -> None:
    target = tmp_path / "saved"
    target.mkdir()
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PagerScreen)
        assert "attachment 1: report.txt" in screen_text(app)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, AttachmentsDialog)
        app.screen.query_one("#attachment-dir", Input).value = str(target)
        await pilot.press("enter")  # on the highlighted attachment
        await settle(pilot)
        saved = target / "report.txt"
        assert saved.read_bytes() == b"disk usage report\n/var 91%\n"
        assert "saved:" in screen_text(app)  # the path follows, wrapped at 80 columns
        assert str(app.screen.query_one("#attachment-result").render()) == f"saved: {saved}"
        await pilot.press("enter")  # again: a new name, never an overwrite
        await settle(pilot)
        assert len(list(target.iterdir())) == 2
        await pilot.press("escape", "q")
        await settle(pilot)
        assert not isinstance(app.screen, (AttachmentsDialog, PagerScreen))


async def test_message_without_attachments_says_so(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PagerScreen)
        assert any("no attachments" in n.message for n in notifications(app))


async def test_d_in_pager_deletes_and_returns_to_index(maildir: Path) -> None:
    from mailtui.ui.screens.browser.browser import BrowserScreen

    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        trash = maildir / ".Trash" / "cur"
        assert len(list(trash.iterdir())) == 1
        assert "[/PATCH]" not in screen_text(app)


def test_wrap_line_counts_cells_not_characters() -> None:
    from mailtui.ui.widgets.pager import wrap_line

    assert wrap_line("abcdef", 4) == [(0, 4), (4, 6)]
    assert wrap_line("", 4) == [(0, 0)]
    assert wrap_line("测试邮件x", 5) == [(0, 2), (2, 5)]  # 4 cells, then 4 + 1


def test_wrap_line_breaks_at_spaces_not_inside_words() -> None:
    """Issue 15: `h` cut header lines in the middle of a word."""
    from mailtui.ui.widgets.pager import wrap_line

    text = "Received: from mail.example.org (mail.example.org [192.0.2.1])"
    pieces = [text[a:b] for a, b in wrap_line(text, 30)]
    assert pieces == ["Received: from", "mail.example.org", "(mail.example.org [192.0.2.1])"]
    assert all(len(p) <= 30 for p in pieces)
    assert " ".join(pieces) == text  # only the spaces at the breaks are not drawn
    assert wrap_line("a" * 25, 10) == [(0, 10), (10, 20), (20, 25)]  # no space: cut at the width
    short = "disk full on db1"
    assert [short[a:b] for a, b in wrap_line(short, 9)] == ["disk full", "on db1"]


async def test_long_lines_wrap_and_huge_bodies_open(maildir: Path) -> None:
    from tests.ui.conftest import BASE_TIME, write_message

    long_line = "word " * 40 + "END-OF-LONG-LINE"
    body = long_line + "\n" + "".join(f"log line {i}\n" for i in range(20_000))
    write_message(maildir, "cur", BASE_TIME + 500, 77, "S", f"From: a@b\nSubject: big\n\n{body}".encode())
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "END-OF-LONG-LINE" in screen_text(app)  # wrapped onto a second row, not cut
        await pilot.press("end")
        await settle(pilot)
        assert "log line 19999" in screen_text(app)
