"""Theme files (themes/*.toml) -> validated `textual.theme.Theme`, and our theme variables.

A theme file is `[theme]` with Textual's colour fields (name, primary, secondary, warning,
error, success, accent, foreground, background, surface, panel, boost, dark, ...) and a
`[theme.variables]` table for mailtui's own variables (`unread`, `quote`, `reply-2xx`, ...).
Every colour is checked with `Color.parse` before registration: Textual does not validate
a registered theme and crashes at render time on a bad colour.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from rich.style import Style
from textual.color import Color, ColorParseError
from textual.theme import Theme

import mailtui
from mailtui.core.errors import ConfigError
from mailtui.paths import config_path

DEFAULT_THEME = "textual-dark"

# mailtui's CSS variables -> the Textual colour each defaults to; a theme may override any.
# (Textual does not resolve `$name` inside variable values, so defaults are computed from
# the current theme's colour system by `variable_defaults`.)
VARIABLE_SOURCES: dict[str, str] = {
    "unread": "accent",
    "flagged": "warning",
    "deleted": "error",
    "quote": "secondary",
    "header-name": "primary",
    "reply-2xx": "success",
    "reply-4xx": "warning",
    "reply-5xx": "error",
    "status-warning": "warning",
}


def variable_defaults(colours: dict[str, str]) -> dict[str, str]:
    """Our variables' defaults, given the generated colour system of the current theme."""
    return {name: colours[source] for name, source in VARIABLE_SOURCES.items() if source in colours}


_NOT_COLOURS = {"name", "dark", "variables", "luminosity_spread", "text_alpha", "ansi"}
_THEME_FIELDS = {f.name for f in fields(Theme)}


class ThemeError(ConfigError):
    """A theme file cannot be used (unreadable, bad TOML, bad colour, unknown key)."""

    title = "Theme error"


@dataclass(frozen=True)
class ThemeLoad:
    """All themes found, and one message per file that could not be used."""

    themes: tuple[Theme, ...]
    problems: tuple[str, ...]


def theme_dirs() -> list[Path]:
    """Where theme files are looked for: the installed copy, the checkout, the user's config dir."""
    package = Path(mailtui.__file__).parent
    return [package / "themes", package.parent / "themes", config_path().parent / "themes"]


def _check_colour(path: Path, key: str, value: object) -> None:
    if not isinstance(value, str):
        raise ThemeError(f"{path}: {key} must be a colour string, got {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeError(f"{path}: {key} = {value!r} is not a colour") from None


def load_theme(path: Path) -> Theme:
    """Read one theme file; raises ThemeError naming the file and the problem."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as err:
        raise ThemeError(f"{path}: cannot read: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise ThemeError(f"{path}: not valid TOML: {err}") from None
    table = data.get("theme")
    if not isinstance(table, dict):
        raise ThemeError(f"{path}: no [theme] table")
    unknown = sorted(set(table) - _THEME_FIELDS)
    if unknown:
        raise ThemeError(f"{path}: unknown key(s) in [theme]: {', '.join(unknown)}")
    if not isinstance(table.get("name"), str) or not table["name"]:
        raise ThemeError(f"{path}: [theme] needs a name")
    if "primary" not in table:
        raise ThemeError(f"{path}: [theme] needs a primary colour")
    for key, value in table.items():
        if key not in _NOT_COLOURS and value is not None:
            _check_colour(path, key, value)
    variables = table.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeError(f"{path}: [theme.variables] must be a table")
    for key, value in variables.items():
        _check_colour(path, f"variables.{key}", value)
    try:
        return Theme(**table)
    except (TypeError, ValueError) as err:
        raise ThemeError(f"{path}: {err}") from None


def load_themes(dirs: list[Path] | None = None) -> ThemeLoad:
    """Every *.toml theme in `dirs` (later dirs override earlier names), and the problems found."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in theme_dirs() if dirs is None else dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = load_theme(path)
            except ThemeError as err:
                problems.append(err.message)
                continue
            themes[theme.name] = theme
    return ThemeLoad(tuple(themes.values()), tuple(problems))


def theme_styles(colours: dict[str, str], names: tuple[str, ...]) -> dict[str, Style]:
    """Rich styles from theme variables (those that are plain colours; others are skipped)."""
    styles: dict[str, Style] = {}
    for name in names:
        try:
            styles[name] = Style(color=Color.parse(colours[name]).rich_color)
        except (KeyError, ColorParseError):
            continue
    return styles
