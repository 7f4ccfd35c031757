"""Hostile mail in the UI: body rendering and header inspection never block the screen.

Both run in cancellable workers: the tests block the worker on an Event (no timing), press
keys while it works, leave, and check the worker was cancelled and its result dropped.
The real (unpatched) parsers are exercised on the hostile messages end to end too.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from mailtui.ui.screens.diagnostics import DiagnosticsScreen
from mailtui.ui.screens.pager.pager import PagerScreen
from mailtui.ui.widgets.diagnostics.headers import INSPECTING, DiagHeaders
from mailtui.ui.widgets.pager import Pager
from tests.core import hostile_mail as h
from tests.ui.conftest import BASE_TIME, make_app, screen_text, settle, wait_until, write_message

DATA = Path(__file__).parent.parent / "data" / "hostile"


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """A Maildir whose newest message is first: HTML flood, huge Authentication-Results,
    the year-10000 date, the invisible sender."""
    root = tmp_path / "Mail"
    for folder in (root, root / ".Trash"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    messages = [
        h.html_flood(60_000),
        h.big_authres(1024 * 1024),
        (DATA / "date_9999.eml").read_bytes(),
        (DATA / "invisible_sender.eml").read_bytes(),
    ]
    for seq, data in enumerate(messages):
        write_message(root, "cur", BASE_TIME + 100 - seq, seq, "S", data)
    return root


class Gate:
    """Replaces a function: its calls wait until the test opens the gate."""

    def __init__(self, real: object) -> None:
        self.real = real
        self.entered = threading.Event()
        self.open = threading.Event()

    def __call__(self, *args: object, **kwargs: object) -> object:
        self.entered.set()
        self.open.wait(30)
        return self.real(*args, **kwargs)  # type: ignore[operator]


async def test_leaving_a_message_while_it_renders_cancels_the_worker(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mailtui.core.message.view as view

    gate = Gate(view.parse_message)
    monkeypatch.setattr(view, "parse_message", gate)
    app = make_app(hostile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, gate.entered.is_set, what="the render worker to start")
        pager = app.screen
        assert isinstance(pager, PagerScreen) and "loading" in pager.query_one(Pager).plain
        await pilot.press("j", "k", "h")  # the screen answers keys while the worker works
        assert pager.mode == "full"
        workers = [w for w in app.workers if w.group == "message"]
        await pilot.press("q")
        await wait_until(pilot, lambda: not isinstance(app.screen, PagerScreen), what="the index again")
        assert workers and all(w.is_cancelled for w in workers)
        gate.open.set()
        await settle(pilot)
        assert not isinstance(app.screen, PagerScreen)


async def test_header_inspection_runs_in_a_worker_and_leaving_cancels_it(
    hostile: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mailtui.ui.widgets.diagnostics.headers as headers

    gate = Gate(headers.inspect_message)
    monkeypatch.setattr(headers, "inspect_message", gate)
    app = make_app(hostile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen) and app.screen.view is not None)
        await pilot.press("H")
        await wait_until(pilot, gate.entered.is_set, what="the inspection worker to start")
        assert isinstance(app.screen, DiagnosticsScreen)
        await wait_until(pilot, lambda: INSPECTING in screen_text(app), what="the inspecting note")
        workers = [w for w in app.workers if w.group == "inspect"]
        await pilot.press("escape")  # answered at once, the worker still blocked
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen), what="the pager again")
        assert workers and all(w.is_cancelled for w in workers)
        gate.open.set()
        await settle(pilot)
        assert isinstance(app.screen, PagerScreen)


async def test_hostile_messages_render_with_notes_end_to_end(hostile: Path) -> None:
    app = make_app(hostile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "⚠" in screen_text(app)  # the invisible sender is marked in the index
        (row,) = [line for line in screen_text(app).splitlines() if "<U+200B>" in line]
        assert row.count("⚠") == 2  # and so is its subject
        await pilot.press("enter")  # the HTML flood
        await wait_until(pilot, lambda: "loading" not in app.screen.query_one(Pager).plain, 60, "the body")
        assert "HTML" in app.screen.query_one(Pager).plain
        await pilot.press("q")
        await wait_until(pilot, lambda: not isinstance(app.screen, PagerScreen))
        await pilot.press("j", "enter")  # the 1 MB Authentication-Results
        await wait_until(
            pilot, lambda: isinstance(app.screen, PagerScreen) and app.screen.view is not None, 60
        )
        await pilot.press("H")
        await wait_until(pilot, lambda: isinstance(app.screen, DiagnosticsScreen))
        diag = app.screen.query_one(DiagHeaders)
        await wait_until(pilot, lambda: "cut" in str(diag.output.render()), 60, "the inspection")
        await pilot.press("escape", "q", "j", "enter")  # the year-10000 date
        await wait_until(
            pilot, lambda: isinstance(app.screen, PagerScreen) and app.screen.view is not None, 60
        )
        await pilot.press("H")
        await wait_until(pilot, lambda: isinstance(app.screen, DiagnosticsScreen))
        diag = app.screen.query_one(DiagHeaders)
        await wait_until(pilot, lambda: "cannot be represented" in str(diag.output.render()), 60, "the note")
        assert app.is_running
