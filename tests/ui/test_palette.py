"""Issue 15: ctrl+p lists the app's own actions by name, and a theme chosen is kept in the config."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette

from mailtui.config import AccountConfig, Config, UIConfig, load_config
from mailtui.ui.app import MailApp
from mailtui.ui.screens.help import HelpScreen
from tests.ui.conftest import make_app, make_maildir, notifications, screen_text, settle, wait_until


async def test_the_palette_finds_an_app_action_by_name_and_runs_it(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        for name in ("Mail", "Search", "Help", "Quit", "Theme", "Account"):
            assert name in commands
        assert commands.count("Quit") == 1  # the index's (it asks first), not Textual's too
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await pilot.press(*"help")
        await wait_until(pilot, lambda: "Help" in screen_text(app) and "key: ?" in screen_text(app), what="the hit")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help screen")


def app_with_config(tmp_path: Path, text: str) -> tuple[MailApp, Path]:
    config_file = tmp_path / "config.toml"
    config_file.write_text(text)
    account = AccountConfig(name="test", maildir=str(make_maildir(tmp_path / "Mail")))
    config = Config(accounts=(account,), ui=UIConfig(theme="textual-dark"), path=config_file)
    return MailApp(config, account), config_file


async def test_a_theme_chosen_is_written_to_the_config_file(tmp_path: Path) -> None:
    app, config_file = app_with_config(tmp_path, '[ui]\ntheme = "textual-dark"\nlanguage = "en"\n')
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert config_file.read_text() == '[ui]\ntheme = "textual-dark"\nlanguage = "en"\n'  # not at start
        app.theme = "solarized-dark"  # what the palette's theme picker does
        await wait_until(pilot, lambda: "solarized-dark" in config_file.read_text(), what="the file")
        assert any("saved in" in n.message for n in notifications(app))
    assert config_file.read_text() == '[ui]\ntheme = "solarized-dark"\nlanguage = "en"\n'


async def test_without_a_config_file_nothing_is_created_and_the_way_is_said(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.theme = "solarized-dark"
        await wait_until(
            pilot, lambda: any('theme = "solarized-dark"' in n.message for n in notifications(app)), what="the note"
        )
    assert not list(tmp_path.rglob("config.toml"))
    assert load_config().ui.theme == "textual-dark"
