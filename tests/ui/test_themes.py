"""Theme files: the shipped ones load, broken ones are reported and never registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.paths import config_path
from mailtui.ui.themes import VARIABLE_SOURCES, ThemeError, load_theme, load_themes, theme_dirs
from tests.ui.conftest import make_app, notifications, settle

REPO_THEMES = Path(__file__).resolve().parents[2] / "themes"


@pytest.mark.parametrize("name", ["solarized-dark", "solarized-light", "high-contrast"])
def test_shipped_themes_load_with_all_our_variables(name: str) -> None:
    theme = load_theme(REPO_THEMES / f"{name}.toml")
    assert theme.name == name
    assert set(VARIABLE_SOURCES) <= set(theme.variables)


def test_theme_dirs_include_the_checkout() -> None:
    assert REPO_THEMES in theme_dirs()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('[theme]\nname = "x"\nprimary = "notacolour"\n', "primary = 'notacolour' is not a colour"),
        ('[theme]\nname = "x"\nprimary = "#000000"\ncolour = "#fff"\n', "unknown key(s) in [theme]: colour"),
        (
            '[theme]\nname = "x"\nprimary = "#000000"\n[theme.variables]\nunread = "$accent"\n',
            "variables.unread",
        ),
        ("[theme\n", "not valid TOML"),
        ('name = "x"\n', "no [theme] table"),
    ],
)
def test_broken_theme_file_names_file_and_problem(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(ThemeError) as info:
        load_theme(path)
    assert str(path) in info.value.message and problem in info.value.message
    result = load_themes([tmp_path])
    assert result.themes == () and len(result.problems) == 1


async def test_broken_theme_gives_notification_and_default_theme(maildir: Path) -> None:
    user_themes = config_path().parent / "themes"  # inside the test's temp XDG dir
    user_themes.mkdir(parents=True)
    bad = user_themes / "broken.toml"
    bad.write_text('[theme]\nname = "broken"\nprimary = "#12345"\n')
    app = make_app(maildir, theme="broken")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        messages = [n.message for n in notifications(app)]
        assert any(str(bad) in m and "is not a colour" in m for m in messages)
        assert any("'broken'" in m and "textual-dark" in m for m in messages)
        assert "broken" not in app.available_themes


async def test_configured_theme_is_used_and_sets_our_variables(maildir: Path) -> None:
    app = make_app(maildir, theme="solarized-light")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "solarized-light"
        assert app.get_css_variables()["unread"] == "#002b36"
        app.theme = "textual-light"  # what the command palette's theme switcher does
        await pilot.pause()
        assert app.get_css_variables()["unread"] == app.get_css_variables()["accent"]
