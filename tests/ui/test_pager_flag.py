"""F in the pager flags (or unflags) the shown message, as in the index: on disk (Maildir F),
in the pager's status line, and in the index after going back."""

from __future__ import annotations

from pathlib import Path

from mailtui.ui.screens.pager.pager import PagerScreen
from tests.ui.conftest import BASE_TIME, make_app, screen_text, settle, wait_until


def maildir_flags(maildir: Path, seq: int, offset: int) -> str | None:
    """The info flags of the conftest message `seq` (None while it is still in new/)."""
    stem = f"{BASE_TIME + offset}.M{seq}P4242.testhost"
    for path in (maildir / "cur").iterdir():
        if path.name.startswith(stem):
            return path.name.partition(":2,")[2]
    return None


def index_row(app: object, subject: str) -> str:
    (line,) = [line for line in screen_text(app).splitlines() if subject in line]  # type: ignore[arg-type]
    return line


async def test_f_in_the_pager_flags_on_disk_and_in_the_index(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "!" not in index_row(app, "Certificate expires soon")
        await pilot.press("end", "enter")  # the oldest: unread, not flagged
        await settle(pilot)
        assert isinstance(app.screen, PagerScreen)
        assert "Flagged" not in screen_text(app)
        await pilot.press("F")
        await wait_until(pilot, lambda: "F" in (maildir_flags(maildir, 4, 10) or ""), what="F on disk")
        await wait_until(pilot, lambda: "Flagged" in screen_text(app), what="the pager saying so")
        await pilot.press("q")
        await settle(pilot)
        assert not isinstance(app.screen, PagerScreen)
        assert "!" in index_row(app, "Certificate expires soon")


async def test_f_twice_unflags_a_flagged_message(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "!" in index_row(app, "Disk report")
        await pilot.press("j", "j", "enter")  # flagged, with an attachment
        await settle(pilot)
        assert isinstance(app.screen, PagerScreen)
        await wait_until(pilot, lambda: "Flagged" in screen_text(app), what="the pager showing the flag")
        await pilot.press("F")
        await wait_until(pilot, lambda: maildir_flags(maildir, 2, 30) == "S", what="F gone from disk")
        await wait_until(pilot, lambda: "Flagged" not in screen_text(app), what="the pager saying so")
        await pilot.press("F")
        await wait_until(pilot, lambda: maildir_flags(maildir, 2, 30) == "FS", what="F back on disk")
        await wait_until(pilot, lambda: "Flagged" in screen_text(app), what="the pager flagged again")
        await pilot.press("F")
        await wait_until(pilot, lambda: maildir_flags(maildir, 2, 30) == "S", what="F gone again")
        await pilot.press("q")
        await settle(pilot)
        assert "!" not in index_row(app, "Disk report")
