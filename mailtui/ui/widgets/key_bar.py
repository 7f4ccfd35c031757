"""The screen's keys on one line at the bottom, as mutt's help line: `KeyBar`.

Textual's `Footer` is a container with one widget per key, composed again whenever the
screen's bindings change (a screen shown, a focus change): about ten widgets mounted and
styled each time, a good part of the time it takes to open a message. `KeyBar` draws the
same line from `screen.active_bindings` as one `Text` and only repaints when they change.
What it shows is what `Footer` shows: the shown bindings, one per action, in binding
order, the command palette's key at the right; a disabled key is dim; a click on a key
presses it.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class KeyItem(NamedTuple):
    """One key as drawn: the key to simulate, its label, its description, enabled."""

    key: str
    display: str
    description: str
    enabled: bool


class KeyBar(Widget, can_focus=False):
    """The shown keys of the screen (see the module docstring)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__()
        self.show_command_palette = show_command_palette
        # (start column, end column, key) of each drawn key, for clicks.
        self._spans: list[tuple[int, int, KeyItem]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def items(self) -> tuple[list[KeyItem], KeyItem | None]:
        """(the shown keys, one per action in binding order; the command palette's key)."""
        app = self.app
        shown: dict[str, KeyItem] = {}
        palette: KeyItem | None = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = KeyItem(
                    binding.key, app.get_key_display(binding), binding.description, enabled
                )
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = self.screen.active_bindings.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, _tooltip = found
                palette = KeyItem(binding.key, app.get_key_display(binding), binding.description, enabled)
        return list(shown.values()), palette

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        text_style = self.get_component_rich_style("key-bar--description")
        keys, palette = self.items()
        width = self.size.width
        tail = Text()
        if palette is not None:
            tail.append("▏", style=text_style)
            tail.append(f"{palette.display} ", style=key_style)
            # A padding cell after it: Footer leaves the last column empty too.
            tail.append(f"{palette.description} ", style=text_style)
        line = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, KeyItem]] = []
        room = max(0, width - tail.cell_len)
        for item in keys:
            part = Text.assemble((f" {item.display} ", key_style), (f"{item.description} ", text_style))
            if not item.enabled:
                part.stylize("dim")
            if line.cell_len + part.cell_len > room:
                break  # what does not fit is left out whole, never cut in the middle
            spans.append((line.cell_len, line.cell_len + part.cell_len, item))
            line.append_text(part)
        if palette is not None:
            line.append(" " * (room - line.cell_len))
            start = line.cell_len
            line.append_text(tail)
            spans.append((start, line.cell_len, palette))
        self._spans = spans
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, item in self._spans:
            if start <= event.x < end:
                if item.enabled:
                    self.app.simulate_key(item.key)
                else:
                    self.app.bell()
                return
