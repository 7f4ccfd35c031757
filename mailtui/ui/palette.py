"""The command palette (ctrl+p): the app's own actions by name, and a theme chosen there kept.

`app_commands` lists every binding active on the screen the palette was opened from (its
description, the key, its tooltip), so every key of the app can also be found by name;
Textual's generic commands stay, except its Quit (which would skip the index's questions:
the index's own Quit is listed instead).

`ThemeKeeper` writes a theme chosen while the app runs to `[ui] theme` of the config file
it was loaded from (`config.edit.set_ui_theme`). With no config file (the demo, `-f`
without one) nothing is created: a mutt user's setup is read only while there is no
config.toml, so the app says how to keep the theme instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.screen import Screen


def app_commands(app: App[int], screen: Screen[object], generic: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's commands (without its Quit), then one per active binding of `screen`."""
    yield from (c for c in generic if c.title != "Quit")
    seen: set[str] = set()
    # One command per name: a screen's or widget's binding before the app's (the index's
    # Quit, which asks first, before Textual's ctrl+q).
    bindings = sorted(screen.active_bindings.items(), key=lambda item: item[1].node is app)
    for key, active in bindings:
        binding = active.binding
        if not binding.description or not active.enabled or binding.description in seen:
            continue
        seen.add(binding.description)
        shown_key = app.get_key_display(binding)
        detail = active.tooltip or binding.tooltip or binding.description
        yield SystemCommand(
            binding.description,
            f"{detail}  (key: {shown_key or key})",
            partial(app.run_action, binding.action, active.node),
        )


class ThemeKeeper:
    """Saves the theme when the user picks another one."""

    def __init__(self, app: App[int], config_file: Path | None, initial: str) -> None:
        self._app = app
        self._file = config_file
        self._saved = initial

    def theme_changed(self, theme: str) -> None:
        if theme == self._saved:
            return
        self._saved = theme
        if self._file is None or self._file.suffix != ".toml" or not self._file.exists():
            self._app.notify(
                f'Theme {theme!r} is used until you quit; to keep it, put  theme = "{theme}"  under [ui] in '
                "config.toml (mailtui config path).",
                title="Theme",
                timeout=8,
                markup=False,
            )
            return
        from mailtui.config.edit import ConfigEditError, set_ui_theme

        try:
            set_ui_theme(self._file, theme)
        except ConfigEditError as err:
            self._app.notify(err.message, title="Theme not saved", severity="warning", timeout=10, markup=False)
            return
        self._app.notify(f"Theme {theme!r} saved in {self._file}.", title="Theme", markup=False)
