"""The bundle carries what the session learned on screens since closed: H's headers, DNS checks."""

from __future__ import annotations

from pathlib import Path

from mailtui.ui.diagnostics_actions import open_diagnostics
from mailtui.ui.screens.diagnostics import DiagnosticsScreen
from mailtui.ui.screens.pager.pager import PagerScreen
from tests.diagnostics.dns_server import DnsServer
from tests.ui.conftest import make_app, settle, wait_until
from tests.ui.test_dns_tab import ZONE, run_dns_tab
from tests.ui.test_dns_tab import make_app as make_dns_app


async def _save_bundle(pilot, app, key: str = "ctrl+b") -> str:  # type: ignore[no-untyped-def]
    """Press `key` on the diagnostics screen (ctrl+b; ctrl+r: redacted) and read the file."""
    screen = app.screen
    assert isinstance(screen, DiagnosticsScreen)
    await pilot.press(key)
    await wait_until(pilot, lambda: screen.saved_path is not None, what="the bundle file")
    assert screen.saved_path is not None
    return screen.saved_path.read_text("utf-8")


async def test_headers_inspected_with_h_are_in_a_bundle_saved_later(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen) and app.screen.view is not None)
        view = app.screen.view
        assert view is not None
        subject = view.raw.split(b"Subject: ", 1)[1].split(b"\n", 1)[0].decode().strip()
        await pilot.press("H")
        await wait_until(pilot, lambda: isinstance(app.screen, DiagnosticsScreen), what="the inspector")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen), what="back in the pager")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, PagerScreen), what="back in the index")
        await settle(pilot)
        await pilot.press("D")
        await wait_until(pilot, lambda: isinstance(app.screen, DiagnosticsScreen), what="diagnostics")
        await settle(pilot)
        text = await _save_bundle(pilot, app)
    assert "Headers of the message last inspected (H)" in text
    assert f"Subject: {subject}" in text and "To: admin@example.org" in text
    assert "no message was open" not in text


async def test_dns_checks_of_the_session_are_in_the_bundle(tmp_path: Path) -> None:
    server = DnsServer(ZONE)
    try:
        app = make_dns_app(tmp_path, server)
        async with app.run_test(size=(120, 50)) as pilot:
            await settle(pilot)
            await run_dns_tab(pilot, app)
            text = await _save_bundle(pilot, app)
    finally:
        server.close()
    assert "--- tab.test" in text and "192.0.2.40  PTR mx.tab.test  forward-confirmed" in text
    assert "(no DNS check was run)" not in text


async def test_ctrl_r_saves_the_bundle_with_addresses_redacted(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "transcript", raw_message=b"From: a@example.org\r\nTo: admin@example.org\r\n\r\n")
        await settle(pilot)
        text = await _save_bundle(pilot, app, "ctrl+r")
    assert "From: user1@domain1.invalid" in text and "To: user2@domain1.invalid" in text
    assert "example.org" not in text
