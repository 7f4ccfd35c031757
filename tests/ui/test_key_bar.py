"""The one-line key bar: what Textual's Footer shows, drawn as one widget."""

from __future__ import annotations

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widget import Widget

from mailtui.ui.widgets.key_bar import KeyBar
from tests.ui.conftest import screen_text, wait_until


class Replyable(Widget, can_focus=True):
    """A focusable widget with a key of its own: shown only while it has the focus."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("r", "reply", "Reply")]


class KeysApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open"),
        Binding("q", "quit_app", "Quit"),
        Binding("x", "hidden", "Hidden", show=False),
        Binding("d,delete", "delete", "Del"),  # one entry per action, its first key
    ]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []

    def compose(self) -> ComposeResult:
        yield Replyable()
        yield KeyBar()

    def action_open(self) -> None:
        self.pressed.append("open")

    def action_quit_app(self) -> None:
        self.pressed.append("quit")

    def action_delete(self) -> None:
        self.pressed.append("delete")


def bottom(app: App[object]) -> str:
    return screen_text(app).splitlines()[-1]  # type: ignore[arg-type]


async def test_the_bar_shows_the_shown_keys_and_the_palette_at_the_right() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        app.set_focus(None)
        await wait_until(pilot, lambda: "Open" in bottom(app), what="the key bar")
        line = bottom(app)
        assert line.startswith(" ⏎ Open  q Quit  d Del ")
        assert "Hidden" not in line
        assert line.endswith("▏^p palette ")
        assert len(line) == 80


async def test_the_bar_follows_the_bindings_of_the_focused_widget() -> None:
    app = KeysApp()
    async with app.run_test(size=(100, 10)) as pilot:
        app.set_focus(None)
        await wait_until(pilot, lambda: "Open" in bottom(app), what="the screen's keys")
        assert "Reply" not in bottom(app)
        app.set_focus(app.query_one(Replyable))
        await wait_until(pilot, lambda: " r Reply " in bottom(app), what="the focused widget's key")
        assert bottom(app).startswith(" r Reply  ⏎ Open")  # the focused widget's keys first
        app.set_focus(None)
        await wait_until(pilot, lambda: "Reply" not in bottom(app), what="its key gone again")


async def test_a_narrow_bar_leaves_out_whole_keys_and_keeps_the_palette() -> None:
    app = KeysApp()
    async with app.run_test(size=(30, 10)) as pilot:
        app.set_focus(None)
        await wait_until(pilot, lambda: "palette" in bottom(app), what="the key bar")
        line = bottom(app)
        assert line.startswith(" ⏎ Open ")
        assert "Del" not in line and " d " not in line  # left out whole, not cut
        assert line.endswith("▏^p palette ")


async def test_a_click_on_a_key_presses_it() -> None:
    app = KeysApp()
    async with app.run_test(size=(80, 10)) as pilot:
        app.set_focus(None)
        await wait_until(pilot, lambda: "Quit" in bottom(app), what="the key bar")
        column = bottom(app).index("Quit")
        await pilot.click(KeyBar, offset=(column, 0))
        await wait_until(pilot, lambda: app.pressed == ["quit"], what="q pressed by the click")
