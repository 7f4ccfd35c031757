"""The attachment list: j/k, v opens with the config's or mailcap's command (copiousoutput
shown inside the app), v from the index, and the save folder remembered."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.pager.attachments import AttachmentsDialog
from mailtui.ui.screens.pager.pager import PagerScreen
from tests.ui.conftest import make_app, notifications, screen_text, settle, wait_until, write_message


def _with_parts(names: list[str], stamp: int = 1_800_000_000) -> bytes:
    parts = "".join(
        f'--B\nContent-Type: text/plain; charset=us-ascii; name="x"\n'
        f'Content-Disposition: attachment; filename="{name}"\nContent-Transfer-Encoding: base64\n\n'
        + base64.encodebytes(b"content %d\n" % i).decode()
        for i, name in enumerate(names)
    )
    return (
        "From: a@example.org\nTo: b@example.org\nSubject: Parts\nMessage-ID: <parts@example.org>\n"
        f'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="B"\n\n--B\n'
        f"Content-Type: text/plain\n\nbody\n{parts}--B--\n"
    ).encode()


@pytest.fixture
def mailcap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mailcap"
    monkeypatch.setenv("MAILCAPS", str(path))
    return path


async def _dialog_from_index(pilot: object, app: object) -> None:
    await settle(pilot)
    await pilot.press("v")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, AttachmentsDialog), what="the list")  # type: ignore[attr-defined]


async def test_v_from_the_index_opens_the_list(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")  # the Disk report
        await _dialog_from_index(pilot, app)
        assert "report.txt" in screen_text(app)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen), what="the index")


async def test_v_from_the_index_without_attachments_says_so(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await wait_until(
            pilot, lambda: any("no attachments" in n.message for n in notifications(app)), what="the note"
        )
        assert isinstance(app.screen, BrowserScreen)


async def test_j_and_k_move_in_the_list(maildir: Path) -> None:
    write_message(maildir, "cur", 1_800_000_000, 99, "S", _with_parts(["a.txt", "b.txt", "c.txt"]))
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachmentsDialog), what="the list")
        options = app.screen.query_one(OptionList)
        assert options.highlighted == 0
        await pilot.press("j", "j")
        assert options.highlighted == 2
        await pilot.press("k")
        assert options.highlighted == 1


async def test_v_in_the_list_shows_copiousoutput_inside(maildir: Path, mailcap: Path) -> None:
    mailcap.write_text("text/plain; sed 's/^/viewed: /' %s; copiousoutput\n")
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PagerScreen)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachmentsDialog), what="the list")
        await pilot.press("v")
        await wait_until(
            pilot, lambda: type(app.screen).__name__ == "PipeOutputScreen", what="the viewer output"
        )
        await wait_until(pilot, lambda: "viewed: /var 91%" in screen_text(app), what="the output")
        assert "viewed: disk usage report" in screen_text(app)
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachmentsDialog), what="back in the list")


async def test_config_viewer_beats_mailcap(maildir: Path, mailcap: Path) -> None:
    mailcap.write_text("text/plain; sed 's/^/mailcap: /'; copiousoutput\n")
    app = make_app(maildir, viewers={"text/plain": "sed 's/^/config: /' %s"})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await _dialog_from_index(pilot, app)
        await pilot.press("v")
        await wait_until(pilot, lambda: "config: disk usage report" in screen_text(app), what="the output")
        assert "mailcap:" not in screen_text(app)


@pytest.mark.parametrize("name", ["$(touch PWNED).txt", "; touch PWNED", "`touch PWNED`.txt"])
async def test_hostile_attachment_name_is_harmless(
    maildir: Path, mailcap: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    # The viewer prints the path it was given, so the test can see it was removed afterwards.
    mailcap.write_text('text/plain; echo "path=%s" \\; cat %s; copiousoutput\n')  # \; inside a field
    write_message(maildir, "cur", 1_800_000_000, 99, "S", _with_parts([name]))
    app = make_app(maildir)
    async with app.run_test(size=(120, 24)) as pilot:
        await _dialog_from_index(pilot, app)
        await pilot.press("v")
        await wait_until(pilot, lambda: "content 0" in screen_text(app), what="the output")
        line = next(x for x in screen_text(app).splitlines() if "path=/" in x)
        shown = Path(line.split("path=", 1)[1].split()[0])
    assert not (tmp_path / "PWNED").exists()
    assert not list(tmp_path.rglob("PWNED"))
    assert shown.is_absolute() and not shown.exists() and not shown.parent.exists()


async def test_needsterminal_viewer_without_a_terminal_says_so(maildir: Path, mailcap: Path) -> None:
    mailcap.write_text("text/plain; less %s; needsterminal\n")
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await _dialog_from_index(pilot, app)
        await pilot.press("v")
        await wait_until(
            pilot, lambda: any("terminal" in n.message for n in notifications(app)), what="the note"
        )
        assert isinstance(app.screen, AttachmentsDialog)


async def test_no_viewer_says_so(maildir: Path, mailcap: Path) -> None:
    mailcap.write_text("image/png; display %s\n")
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await _dialog_from_index(pilot, app)
        await pilot.press("v")
        await wait_until(
            pilot, lambda: any("No viewer" in n.message for n in notifications(app)), what="the note"
        )


async def test_save_folder_is_the_last_one_used(maildir: Path, tmp_path: Path) -> None:
    target = tmp_path / "kept"
    target.mkdir()
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachmentsDialog), what="the list")
        app.screen.query_one("#attachment-dir", Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: (target / "report.txt").exists(), what="the saved file")
        await settle(pilot)
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen), what="the pager")
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachmentsDialog), what="the list again")
        assert app.screen.query_one("#attachment-dir", Input).value == str(target)
