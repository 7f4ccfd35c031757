"""What the browser, pager and compose screens call to open the diagnostics screen.

    open_diagnostics(app, "headers", raw_message=raw)   # the pager's H
    open_diagnostics(app, "explain", code_text="550 5.1.1 ...")  # a failed send
    open_diagnostics(app)                                # the browser's D

When a diagnostics screen is already on the stack it is reused (switched to the tab,
the message replaced) instead of stacking a second one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    from mailtui.session.session import Session
    from mailtui.ui.screens.diagnostics import DiagnosticsScreen


def open_diagnostics(
    app: App[object], tab: str = "transcript", *, raw_message: bytes | None = None, code_text: str = ""
) -> DiagnosticsScreen:
    """Show the diagnostics screen on `tab` (transcript, smtp, imap, explain, decode, headers, dns)."""
    from mailtui.ui.screens.diagnostics import TABS, DiagnosticsScreen

    if tab not in TABS:
        raise ValueError(f"unknown diagnostics tab {tab!r}; tabs: {', '.join(TABS)}")
    current = app.screen
    if isinstance(current, DiagnosticsScreen):
        if raw_message is not None:
            current.set_message(raw_message)
        if code_text:
            from mailtui.ui.widgets.diagnostics.explainer import DiagExplainer

            current.query_one(DiagExplainer).show(code_text)
        current.show_tab(tab)
        return current
    # App declares no `session`: the running app is a MailApp, which imports this module (a cycle).
    session: Session = app.session  # type: ignore[attr-defined]
    screen = DiagnosticsScreen(session, tab, raw_message=raw_message, code_text=code_text)
    app.push_screen(screen)
    return screen
