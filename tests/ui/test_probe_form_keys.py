"""Issue 16: the SMTP probe form as a person uses it - typing into a field entered with Tab
adds to it, the report scrolls from the keyboard at 24 rows, the UI does not speak CLI, and the
EHLO name is a field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual.widgets import Input

from mailtui.sending.ehlo import ehlo_name
from mailtui.ui.diagnostics_actions import open_diagnostics
from mailtui.ui.widgets.diagnostics.smtp_probe import DiagSmtpProbe
from tests.sending.relay import PASSWORD, Relay
from tests.ui.conftest import settle, wait_until
from tests.ui.test_diagnostics import make_app, static_text


async def test_tab_into_the_port_and_type_keeps_what_was_there(maildir: Path, relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    app = make_app(maildir, smtp=relay.config())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "smtp")
        await settle(pilot)
        host = app.screen.query_one("#smtp-host", Input)
        host.focus()
        await settle(pilot)
        await pilot.press("tab")  # to the port, as a person moves
        port = app.screen.query_one("#smtp-port", Input)
        await wait_until(pilot, lambda: app.focused is port, what="the port field")
        before = port.value
        await pilot.press("backspace", "7")
        assert port.value == before[:-1] + "7"  # edited at the end, not replaced by "7"
        assert app.screen.query_one("#smtp-ehlo", Input).value == ehlo_name()


async def test_the_report_scrolls_with_page_keys_at_24_rows_and_says_no_exit_codes(
    maildir: Path, relay_factory: Callable[..., Relay]
) -> None:
    relay = relay_factory("starttls")
    app = make_app(maildir, smtp=relay.config(ca_file=None))  # untrusted: a failing probe, with an exit code in the CLI
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "smtp")
        await settle(pilot)
        app.screen.query_one("#smtp-password", Input).value = PASSWORD
        await pilot.click("#smtp-run")
        await wait_until(pilot, lambda: "FAILED" in static_text(app, "#smtp-output"), what="the verdict")
        shown = static_text(app, "#smtp-output")
        assert "(exit " not in shown  # the CLI's "FAILED (exit 76)" is said without the status
        form = app.screen.query_one(DiagSmtpProbe)
        app.screen.query_one("#smtp-from", Input).focus()  # the focus in a field, as after typing
        await settle(pilot)
        await pilot.press("ctrl+home")
        await wait_until(pilot, lambda: form.scroll_y == 0, what="the top")
        await pilot.press("pagedown")
        await wait_until(pilot, lambda: form.scroll_y > 0, what="scrolled down by the page key")
        await pilot.press("ctrl+end")
        await wait_until(pilot, lambda: form.scroll_y == form.max_scroll_y, what="the end of the report")
