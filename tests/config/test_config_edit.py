"""Setting [ui] theme in the user's config.toml in place (the theme chosen in the command palette)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mailtui.config import load_config
from mailtui.config.edit import ConfigEditError, set_ui_theme

CONFIG = """\
# my mail
[ui]
theme = "textual-dark"  # the default
language = "en"

[ui.keys]
quit = "Q"

[[account]]
name = "work"
from = "me@example.org"
maildir = "~/Maildir"
"""


def edited(tmp_path: Path, text: str, theme: str = "solarized-dark") -> str:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    set_ui_theme(path, theme)
    assert path.stat().st_mode & 0o777 == 0o600
    return path.read_text()


def test_the_value_is_replaced_on_its_line_and_the_rest_kept(tmp_path: Path) -> None:
    text = edited(tmp_path, CONFIG)
    assert text == CONFIG.replace('theme = "textual-dark"  # the default', 'theme = "solarized-dark"')
    assert load_config(tmp_path / "config.toml").ui.theme == "solarized-dark"


def test_a_ui_table_without_theme_gets_it(tmp_path: Path) -> None:
    text = edited(tmp_path, '[ui]\nlanguage = "zh"\n\n[[account]]\nname = "a"\nmaildir = "/m"\n')
    assert text.startswith('[ui]\ntheme = "solarized-dark"\nlanguage = "zh"\n')


def test_no_ui_table_appends_one_and_an_account_theme_key_is_not_touched(tmp_path: Path) -> None:
    source = '[[account]]\nname = "a"\nmaildir = "/m"\n'
    text = edited(tmp_path, source)
    assert text == source + '\n[ui]\ntheme = "solarized-dark"\n'
    assert tomllib.loads(text)["ui"]["theme"] == "solarized-dark"


def test_a_dotted_top_level_key_is_replaced(tmp_path: Path) -> None:
    text = edited(tmp_path, 'ui.theme = "x"\n[[account]]\nname = "a"\nmaildir = "/m"\n')
    assert text.startswith('ui.theme = "solarized-dark"\n')


def test_an_inline_ui_table_is_left_alone_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    source = 'ui = { theme = "x" }\n'
    path.write_text(source)
    with pytest.raises(ConfigEditError, match="inline table"):
        set_ui_theme(path, "solarized-dark")
    assert path.read_text() == source


def test_a_hostile_theme_name_cannot_inject_toml(tmp_path: Path) -> None:
    text = edited(tmp_path, CONFIG, theme='x"\n[evil]\na = "1')
    assert "evil" not in tomllib.loads(text)
    assert tomllib.loads(text)["ui"]["theme"] == 'x"\n[evil]\na = "1'


def test_a_symlinked_config_stays_linked_and_its_target_is_edited(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "config.toml"
    target.write_text('[ui]\ntheme = "nord"\n')
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    set_ui_theme(link, "solarized-dark")
    assert link.is_symlink()
    assert target.read_text() == '[ui]\ntheme = "solarized-dark"\n'
