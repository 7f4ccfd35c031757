"""Layout snapshots of the diagnostics screen at 80x24: the header inspector and the decoder.

Built by the same `MailApp` factory as the CLI; the tabs shown hold no clock-dependent text.
Update with `pytest tests/ui/test_diagnostics_snapshots.py --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from mailtui.ui.diagnostics_actions import open_diagnostics
from tests.ui.conftest import make_app, settle, steady_cursors

HEADERS = Path(__file__).parent.parent / "data" / "headers"


def test_header_inspector(snap_compare, maildir: Path) -> None:
    raw = (HEADERS / "postfix_tls.eml").read_bytes()

    async def open_headers(pilot) -> None:
        await settle(pilot)
        open_diagnostics(pilot.app, "headers", raw_message=raw)
        await settle(pilot)
        steady_cursors(pilot.app)

    assert snap_compare(make_app(maildir), terminal_size=(80, 24), run_before=open_headers)


def test_decoder(snap_compare, maildir: Path) -> None:
    async def decode(pilot) -> None:
        await settle(pilot)
        open_diagnostics(pilot.app, "decode")
        await settle(pilot)
        field = pilot.app.screen.query_one("#decode-input", Input)
        field.value = "=?UTF-8?B?5rWL6K+V6YKu5Lu2?= <zhang@example.cn>"
        field.focus()
        await pilot.press("enter")
        await settle(pilot)
        steady_cursors(pilot.app)

    assert snap_compare(make_app(maildir), terminal_size=(80, 24), run_before=decode)
