"""Layout snapshots at 80x24: the index, the pager, help, and one shipped theme.

Built by the same `MailApp` factory as the CLI, on the deterministic Maildir of conftest
(fixed dates, UTC). Update with `pytest tests/ui --snapshot-update` and look at the SVGs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ui.conftest import make_app, settle


def test_index(snap_compare, maildir: Path) -> None:
    assert snap_compare(make_app(maildir), terminal_size=(80, 24), run_before=settle)


def test_pager(snap_compare, maildir: Path) -> None:
    async def open_first(pilot) -> None:
        await settle(pilot)
        await pilot.press("enter")  # the base64, RFC 2047 message
        await settle(pilot)

    assert snap_compare(make_app(maildir), terminal_size=(80, 24), run_before=open_first)


def test_help(snap_compare, maildir: Path) -> None:
    async def open_help(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(maildir), terminal_size=(80, 24), run_before=open_help)


def test_index_wide_solarized_dark(snap_compare, maildir: Path) -> None:
    app = make_app(maildir, theme="solarized-dark")
    assert snap_compare(app, terminal_size=(120, 30), run_before=settle)


@pytest.mark.parametrize("theme", ["solarized-light", "high-contrast"])
def test_index_theme(snap_compare, maildir: Path, theme: str) -> None:
    assert snap_compare(make_app(maildir, theme=theme), terminal_size=(80, 24), run_before=settle)
