"""Issue 15: keys typed together go, each in its turn, to the screen on top after the keys before them.

Pilot's `press` waits for the app to go idle after every key, which hides the problem; a
burst is sent here as a terminal (or a paste, or a laggy SSH link) sends it: every key put
on the driver's queue at once, before the app has handled the first.
"""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.app import App

from mailtui.ui.screens.compose.compose import ComposeScreen
from tests.ui.conftest import make_app, make_maildir, settle, wait_until


def burst(app: App[int], *keys: str | tuple[str, str]) -> None:
    """Every key on the input queue at once, as the terminal driver does for a burst; a key is
    a name ("enter", "tab", "q") or (name, character) as `typed` gives."""
    for key in keys:
        name, character = key if isinstance(key, tuple) else (key, key if len(key) == 1 else None)
        event = events.Key(name, character)
        event.set_sender(app)
        app._driver.send_message(event)  # type: ignore[union-attr]


def typed(text: str) -> list[tuple[str, str]]:
    """(key name, character) for each character of `text` ("@" is the key "at")."""
    from textual.keys import _character_to_key

    return [(c if c.isalnum() else _character_to_key(c), c) for c in text]


def screens_seen(app: App[int]) -> list[str]:
    seen: list[str] = []
    app.screen_change_signal.subscribe(app.screen, lambda screen: seen.append(type(screen).__name__))
    return seen


async def test_enter_q_opens_the_message_and_closes_it_without_quitting(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        seen = screens_seen(app)
        burst(app, "enter", "q")
        await wait_until(pilot, lambda: "PagerScreen" in seen and type(app.screen).__name__ == "BrowserScreen")
        await settle(pilot)
        assert app.is_running  # q closed the pager; it never reached the index's quit
        assert seen[:2] == ["PagerScreen", "BrowserScreen"]


async def test_m_and_an_address_typed_at_once_land_in_to(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, "m", *typed("bob@demo.test"))
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        await wait_until(pilot, lambda: screen.field("to").input.value == "bob@demo.test", what="To: filled")
        assert "bob" not in screen.field("from").input.value


async def test_fields_typed_with_tabs_in_one_burst_land_in_their_fields(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, "m", *typed("b@demo.test"), "tab", *typed("c@demo.test"), "tab", *typed("d@demo.test"))
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen))
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        await wait_until(pilot, lambda: screen.field("bcc").input.value == "d@demo.test", what="Bcc: filled")
        assert screen.field("to").input.value == "b@demo.test"
        assert screen.field("cc").input.value == "c@demo.test"


async def test_a_search_typed_in_one_burst_is_the_search_made(tmp_path: Path) -> None:
    from mailtui.ui.screens.browser.search import SearchDialog
    from mailtui.ui.widgets.status_bar import StatusBar

    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        seen = screens_seen(app)
        burst(app, "l", *typed("~N"), "enter")
        await wait_until(
            pilot, lambda: "limit: ~N" in app.screen.query_one(StatusBar).status_text(), what="the limit shown"
        )
        assert "SearchDialog" in seen and not isinstance(app.screen, SearchDialog)


async def test_ctrl_u_then_text_in_a_prompt_replaces_the_text(tmp_path: Path) -> None:
    from textual.widgets import Input

    from mailtui.ui.screens.browser.search import SearchDialog

    app = make_app(make_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, "slash", *typed("old"))
        await wait_until(pilot, lambda: isinstance(app.screen, SearchDialog))
        field = app.screen.query_one(Input)
        await wait_until(pilot, lambda: field.value == "old", what="the first text")
        burst(app, "ctrl+u", *typed("new text"))
        await wait_until(pilot, lambda: field.value == "new text", what="the text typed after ctrl+u")


async def test_callbacks_queued_by_a_key_all_run_when_the_wait_for_it_runs_out() -> None:
    """Review finding: a slow callback hit the 1 s bound and the callbacks after it were lost."""
    import asyncio

    from textual.app import ComposeResult
    from textual.widgets import Static

    from mailtui.ui.typeahead import TypeaheadMixin

    ran: list[str] = []
    release = asyncio.Event()

    class Slow(Static, can_focus=True):
        async def on_key(self, event: events.Key) -> None:
            if event.key == "x":

                async def slow() -> None:
                    ran.append("slow-start")
                    await release.wait()  # held past KEY_SETTLE_SECONDS: the bound is what is tested
                    ran.append("slow-end")

                self.app.call_later(slow)
                self.app.call_later(lambda: ran.append("second"))
                event.stop()

    class Probe(TypeaheadMixin, App[int]):
        def compose(self) -> ComposeResult:
            yield Slow("w")

        def on_mount(self) -> None:
            self.query_one(Slow).focus()

    app = Probe()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, "x")
        await wait_until(pilot, lambda: "second" in ran, what="the callback after the slow one")
        release.set()
        await wait_until(pilot, lambda: "slow-end" in ran, what="the slow one, finished")
    assert sorted(ran) == ["second", "slow-end", "slow-start"]
