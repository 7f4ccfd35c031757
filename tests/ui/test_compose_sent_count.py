"""After a message is sent from compose, the sidebar counts its Sent copy (it kept the old
count while the Sent folder held one more)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.demo.relay import DemoRelay
from mailtui.ui.screens.compose.compose import ComposeScreen
from tests.ui.conftest import screen_text, settle, wait_until
from tests.ui.test_compose_guards import delivered, send_app, write


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[DemoRelay]:
    with DemoRelay(tmp_path / "delivered") as running:
        yield running


def sidebar_sent(app: object) -> int | None:
    """The count the sidebar shows beside Sent (None while it shows none)."""
    found = re.search(r"\bSent (\d+)", screen_text(app))  # type: ignore[arg-type]
    return int(found.group(1)) if found else None


def sent_on_disk(maildir: Path) -> int:
    return sum(1 for sub in ("new", "cur") for _ in (maildir / ".Sent" / sub).iterdir())


async def test_sidebar_counts_the_sent_copy_after_sending(tmp_path: Path, relay: DemoRelay) -> None:
    app = send_app(tmp_path, relay)
    maildir = tmp_path / "Mail"
    async with app.run_test(size=(120, 30)) as pilot:  # wide enough for the sidebar
        await settle(pilot)
        await wait_until(pilot, lambda: sidebar_sent(app) == 0, what="the sidebar's Sent 0")
        await write(pilot, "disk report", "all fine\n")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ComposeScreen), what="compose to close")
        assert len(delivered(relay)) == 1 and sent_on_disk(maildir) == 1
        await wait_until(pilot, lambda: sidebar_sent(app) == 1, what="the sidebar's Sent 1")
