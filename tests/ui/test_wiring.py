"""Keys that lead from the browser and pager to the diagnostics and compose screens."""

from __future__ import annotations

from pathlib import Path

from tests.ui.conftest import make_app, screen_text, settle


async def test_D_opens_diagnostics_and_escape_returns(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert type(app.screen).__name__ == "DiagnosticsScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "BrowserScreen"


async def test_H_in_pager_inspects_the_open_message(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")  # the message with an attachment
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        assert type(app.screen).__name__ == "DiagnosticsScreen"
        text = screen_text(app)
        assert "report.txt" in text and "multipart/mixed" in text  # its MIME tree


async def test_m_opens_compose_and_r_in_pager_prefills_a_reply(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert type(app.screen).__name__ == "ComposeScreen"
        await pilot.press("escape")  # postpone (nothing typed)
        await settle(pilot)
        assert type(app.screen).__name__ == "BrowserScreen"
        await pilot.press("j", "j", "enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert type(app.screen).__name__ == "ComposeScreen"
        text = screen_text(app)
        assert "Re: Disk report" in text and "monitor@example.org" in text


async def test_diagnostics_keys_only_typing_lands_in_the_active_tab(maildir: Path) -> None:
    """A new user: D, next tab three times (Codes), type a code, Enter: the explanation shows."""
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        await pilot.press("ctrl+right", "ctrl+right", "ctrl+right")
        await settle(pilot)
        await pilot.press(*"550 5.1.1", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Enhanced status 5.1.1" in text
        assert "mailbox" in text.lower()


async def test_r_and_f_in_the_index_work_without_opening_the_message(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "r")  # the "Disk report" row
        await settle(pilot)
        assert type(app.screen).__name__ == "ComposeScreen"
        assert "Re: Disk report" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert type(app.screen).__name__ == "ComposeScreen"
        assert "Fwd: Disk report" in screen_text(app)


async def test_e_in_the_pager_edits_a_stored_message_as_new(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")  # "Disk report" from monitor@example.org to admin@
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert type(app.screen).__name__ == "ComposeScreen"
        draft = app.screen.current_draft()
        assert draft.subject == "Disk report" and "admin@example.org" in draft.to
        assert "See the attached report." in draft.body
