"""Switching the mailbox account while the app runs (`A`, or "Account" in ctrl+p) (issue 15).

The accounts are the config's `[[account]]`s. From the index, `A` offers the others; the one
chosen gets a new `Session` (the same config and transcript) and a new browser screen in
place of the old one, whose backend is closed in a worker (closing waits for a running
call). Anywhere else (a message, compose, a dialog) it says to go back to the index first:
a draft being written is never taken away by a switch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mailtui.session.session import Session

if TYPE_CHECKING:
    from mailtui.ui.app import MailApp


def ask_switch(app: MailApp) -> None:
    """Offer the other configured accounts, or say why there is nothing to switch to."""
    from mailtui.ui.screens.browser.browser import BrowserScreen
    from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog

    current = app.session.account.name
    others = [a.name for a in app.session.config.accounts if a.name != current]
    if not isinstance(app.screen, BrowserScreen):
        app.notify("Go back to the message index first (q), then press A.", title="Switch account", markup=False)
        return
    if not others:
        app.notify(
            f"{current} is the only account: add [[account]] tables to the config to switch between them.",
            title="Switch account",
            markup=False,
        )
        return

    def chosen(name: str | None) -> None:
        if name:
            switch_to(app, name)

    app.push_screen(FolderPickerDialog(others, title=f"Switch from {current} to account"), chosen)


def switch_to(app: MailApp, name: str) -> None:
    """Show account `name` in a new browser screen; the old backend is closed meanwhile."""
    from mailtui.ui.screens.browser.browser import BrowserScreen

    account = app.session.config.account(name)
    old = app.session
    app.session = Session(old.config, account, None, old.transcript)
    app.preload = None  # the preloaded backend was the first account's
    app.switch_screen(BrowserScreen(app.session))
    app.run_worker(old.close, thread=True, group="close-account", exit_on_error=False)
    app.notify(f"Account {name}.", title="Switch account", markup=False)
