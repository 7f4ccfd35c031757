"""`|` in the pager: the message (decoded or raw) or an attachment piped to a real command,
its output in a read-only pager screen, sanitized."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from mailtui.ui.screens.pager.attachments import AttachmentsDialog
from mailtui.ui.screens.pager.pager import PagerScreen
from mailtui.ui.screens.pager.pipe import PipeDialog, PipeOutputScreen
from tests.ui.conftest import make_app, screen_text, settle, wait_until, write_message


async def _open_disk_report(pilot: object) -> None:
    await settle(pilot)
    await pilot.press("j", "j", "enter")  # type: ignore[attr-defined]
    await settle(pilot)


async def _pipe(pilot: object, app: object, command: str, *keys: str) -> None:
    await pilot.press("vertical_line")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, PipeDialog), what="the pipe prompt")  # type: ignore[attr-defined]
    app.screen.query_one("#pipe-command", Input).value = command  # type: ignore[attr-defined]
    await pilot.press(*keys, "enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, PipeOutputScreen), what="the output screen")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: "exit status" in screen_text(app), what="the command to end")  # type: ignore[arg-type]


async def test_pipe_decoded_message(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_disk_report(pilot)
        assert isinstance(app.screen, PagerScreen)
        await _pipe(pilot, app, "tr a-z A-Z")
        text = screen_text(app)
        assert "SEE THE ATTACHED REPORT." in text
        assert "SUBJECT: DISK REPORT" in text
        assert "exit status 0" in text
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen), what="back in the pager")


async def test_pipe_raw_message_when_chosen(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_disk_report(pilot)
        await _pipe(pilot, app, "sed -n 's/^Content-Transfer-Encoding: /cte=/p'")
        assert "(no output)" in screen_text(app)  # decoded: the MIME structure is gone
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen), what="back in the pager")
        await _pipe(pilot, app, "sed -n 's/^Content-Transfer-Encoding: /cte=/p'", "ctrl+r")
        assert "cte=base64" in screen_text(app)  # raw: the source as stored


async def test_command_output_is_data_not_markup_or_escapes(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_disk_report(pilot)
        await _pipe(pilot, app, r"printf '\033[2J\033]0;title\007[red]x[/red] [/PATCH]\n'; exit 5")
        text = screen_text(app)
        assert "[red]x[/red] [/PATCH]" in [line.strip() for line in text.splitlines()]  # escapes gone
        assert "\x1b" not in text and "0;title" not in text.split("\n", 1)[1]
        assert "exit status 5" in text


async def test_pipe_attachment_from_the_list(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_disk_report(pilot)
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, AttachmentsDialog), what="the list")
        await _pipe(pilot, app, "tr a-z A-Z")
        assert "DISK USAGE REPORT" in screen_text(app)
        assert "/VAR 91%" in screen_text(app)


async def test_hostile_message_text_in_the_command_is_harmless(tmp_path: Path, maildir: Path) -> None:
    # The mail text is data on stdin: a "$(...)" in it never runs.
    body = b"From: x@example.org\nSubject: $(touch PWNED)\n\n`touch PWNED`; touch PWNED\n"
    write_message(maildir, "cur", 1_800_000_000, 99, "S", body)
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await _pipe(pilot, app, f"cd {tmp_path} && cat")
        assert "touch PWNED" in screen_text(app)
    assert not (tmp_path / "PWNED").exists()


async def test_closing_the_output_stops_the_command(maildir: Path, tmp_path: Path) -> None:
    import os

    pidfile = tmp_path / "pid"

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_disk_report(pilot)
        await pilot.press("vertical_line")
        await wait_until(pilot, lambda: isinstance(app.screen, PipeDialog), what="the pipe prompt")
        app.screen.query_one("#pipe-command", Input).value = f"echo $$ > {pidfile}; sleep 60"
        await pilot.press("enter")
        await wait_until(pilot, lambda: pidfile.exists() and pidfile.read_text().strip(), what="the command")
        pid = int(pidfile.read_text())
        assert "running…" in screen_text(app)
        await pilot.press("q")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen), what="back in the pager")
        # Well under the 30 s command timeout, which would end it anyway.
        await wait_until(pilot, lambda: not alive(pid), timeout=15, what="the command to be stopped")
