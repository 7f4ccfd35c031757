"""MailApp: themes, keymap, the demo relay and the browser screen; `run_app` for the CLI.

Kept small on purpose: the screens own their data and workers (screens/), the widgets
draw (widgets/). `MailApp(config, account, backend=...)` is also the factory of the tests
and snapshots, so what they check is what the CLI runs.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import termios
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from mailtui.backends.base import MailBackend
from mailtui.config import AccountConfig, Config
from mailtui.core.i18n import set_language
from mailtui.core.transcript import Transcript
from mailtui.session.preload import Preload
from mailtui.session.services import AccountService
from mailtui.session.session import Session
from mailtui.ui.errors import error_text
from mailtui.ui.messages import ServiceFailed, ServiceStarted
from mailtui.ui.palette import ThemeKeeper, app_commands
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.help import HelpScreen, binding_table
from mailtui.ui.screens.server.source import ServerSource
from mailtui.ui.themes import DEFAULT_THEME, load_themes, variable_defaults
from mailtui.ui.typeahead import TypeaheadMixin


class MailApp(TypeaheadMixin, App[int]):
    """The mail browser."""

    TITLE = "mailtui"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding(
            "S", "server", "Mail server", id="server", show=False, tooltip="The mail server on this host"
        ),
        Binding(
            "A", "switch_account", "Account", id="switch-account", show=False, tooltip="Open another account"
        ),
        Binding(
            "L",
            "last_send",
            "Last send",
            id="last-send",
            show=False,
            tooltip="The last send's SMTP conversation",
        ),
        Binding("Q", "outbox", "Outbox", id="outbox", show=False, tooltip="Queued mail: retry or drop"),
    ]

    def __init__(
        self,
        config: Config,
        account: AccountConfig,
        *,
        backend: MailBackend | None = None,
        services: Sequence[AccountService] = (),
        transcript: Transcript | None = None,
        preload: Preload | None = None,
        server: ServerSource | None = None,
        open_server: bool = False,
    ) -> None:
        super().__init__()
        set_language(config.ui.language)  # what tr() writes in: probes, send errors, the inspector
        # The log files and Postfix instance of the server screen (`S`); `mailtui --server` opens it.
        self.server_source = server or ServerSource()
        self.open_server = open_server
        self.session = Session(config, account, backend, transcript)
        self.preload = preload  # backend and first refs, opened before App.run (run_app)
        self.services = tuple(services)  # started on mount, stopped on exit (the demo relay)
        self._started: list[AccountService] = []
        self.first_frame_shown = False
        self.last_send: tuple[str, ...] = ()  # the SMTP conversation of the last send (L)
        self._after_first_frame: list[Callable[[], object]] = []

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme.to_color_system().generate())

    def on_mount(self) -> None:
        self._apply_themes()
        self._apply_keymap()
        if not self.is_headless and terminal_fd() is not None:
            self.set_interval(TERMINAL_CHECK_SECONDS, self._exit_if_terminal_gone)
        for service in self.services:
            self._start_service(service)
        self.push_screen(BrowserScreen(self.session))
        if self.open_server:
            self.action_server()
        # Queued mail goes out on its own while the app runs (the outbox's backoff decides when).
        self.set_interval(self.OUTBOX_RETRY_SECONDS, self._retry_outbox)
        self.after_first_frame(self._retry_outbox)
        # A draft left by a killed app is offered back, once the mailbox is on screen.
        self.after_first_frame(self._offer_recovered_drafts)
        self.after_first_frame(self._say_config_source)

    OUTBOX_RETRY_SECONDS: ClassVar[float] = 30.0

    def _retry_outbox(self) -> None:
        if not any(w.group == "outbox-retry" and w.is_running for w in self.workers):
            self._retry_outbox_worker()

    @work(group="outbox-retry", exit_on_error=False)
    async def _retry_outbox_worker(self) -> None:
        """Send the queued messages that are due (never forced: the backoff is respected)."""

        from mailtui.paths import data_dir
        from mailtui.sending.dispatch import flush_outbox
        from mailtui.sending.outbox import Outbox, OutboxError

        session = self.session
        config = session.sending_config()
        if not (data_dir() / "outbox").is_dir():  # nothing was ever queued: create nothing
            self._show_queued(0)
            return
        try:
            box = await asyncio.to_thread(Outbox)
            items = await asyncio.to_thread(box.list)
            self._show_queued(len(items))
            if not await asyncio.to_thread(box.due):
                return
            report = await flush_outbox(config, force=False, transcript=session.transcript, outbox=box)
            self._show_queued(len(await asyncio.to_thread(box.list)))
        except OutboxError as exc:
            self.notify(exc.message, title=exc.title, severity="warning", markup=False)
            return
        if report.sent:
            self.notify(f"{len(report.sent)} queued message(s) sent.", title="Outbox")
        for notice in report.notices:
            self.notify(notice, title="Outbox", severity="warning", timeout=10, markup=False)

    def _show_queued(self, count: int) -> None:
        from mailtui.ui.widgets.status_bar import StatusBar

        for screen in self.screen_stack:
            for bar in screen.query(StatusBar):
                bar.queued = count

    def _say_config_source(self) -> None:
        """Settings read from mutt's and msmtp's files (no config.toml): say which files."""
        from mailtui.config.importer import source_note

        if (note := source_note(self.session.config)) is not None:
            self.notify(note, title="Settings from mutt and msmtp", timeout=15)

    def _offer_recovered_drafts(self) -> None:
        from mailtui.ui.compose_actions import check_recovered_drafts

        check_recovered_drafts(self)

    def _exit_if_terminal_gone(self) -> None:
        """Quit when the terminal has gone (an SSH session dropped, a tmux pane killed).

        Usually SIGHUP ends the app then; but run under `make` or another parent that
        keeps the session, it may never come, and Textual's input thread reads the closed
        terminal in a loop that burns a CPU forever. Drafts are autosaved, nothing is lost.
        """
        if not terminal_attached():
            # A clean exit may hang: Textual's output thread has died on the closed terminal
            # and its queue blocks. If it does, end the process (drafts are on disk already).
            threading.Timer(3.0, os._exit, args=(129,)).start()
            self.exit(return_code=129)  # as if ended by SIGHUP (128 + 1)

    def on_ready(self) -> None:
        # Ready comes with the first layout, before that frame reaches the terminal:
        # after the next refresh it is there.
        self.call_after_refresh(self._first_frame_done)

    def _first_frame_done(self) -> None:
        self.first_frame_shown = True
        # The CLI turned the cyclic collector off for the start-up (cli.run_ui); what was
        # built until now lives as long as the app, so it is left out of later collections.
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        callbacks, self._after_first_frame = self._after_first_frame, []
        for callback in callbacks:
            callback()

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Run `callback` once the first frame is on the terminal (now, if it is).

        For background jobs of the first screen (IMAP's IDLE and prefetch connections,
        folder counts): started earlier, their threads would delay that frame.
        """
        if self.first_frame_shown:
            callback()
        else:
            self._after_first_frame.append(callback)

    def _apply_themes(self) -> None:
        loaded = load_themes()
        for theme in loaded.themes:
            self.register_theme(theme)
        for problem in loaded.problems:
            self.notify(problem, title="Theme file not used", severity="warning", timeout=10, markup=False)
        wanted = self.session.config.ui.theme or DEFAULT_THEME
        if wanted in self.available_themes:
            self.theme = wanted
        else:
            self.notify(
                f"Theme {wanted!r} (config ui.theme) is unknown or its file is broken; using {DEFAULT_THEME}.",
                title="Theme not found",
                severity="warning",
                timeout=10,
                markup=False,
            )
            self.theme = DEFAULT_THEME
        keeper = ThemeKeeper(self, self.session.config.path, self.theme)  # a theme picked in ctrl+p
        self.theme_changed_signal.subscribe(self, lambda theme: keeper.theme_changed(theme.name))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """ctrl+p: the app's own actions by name beside Textual's (ui/palette.py)."""
        return app_commands(self, screen, super().get_system_commands(screen))

    def _apply_keymap(self) -> None:
        keys = dict(self.session.config.ui.keys)
        if not keys:
            return
        known = known_binding_ids()
        unknown = sorted(k for k in keys if k not in known)
        if unknown:
            self.notify(
                f"Unknown key binding id(s) in ui.keys: {', '.join(unknown)}. Press ? for the list.",
                title="Config: ui.keys",
                severity="warning",
                markup=False,
            )
        self.set_keymap(keys)

    @work(thread=True, group="services", exit_on_error=False)
    def _start_service(self, service: AccountService) -> None:
        """Start a service off the event loop (the demo relay waits for its server to listen)."""
        try:
            account = service.start(self.session.account)
        except Exception as err:  # the browser works without it: say why it is missing
            service.stop()
            self.post_message(ServiceFailed(service, err))
            return
        self.post_message(ServiceStarted(service, account))

    @on(ServiceFailed)
    def _on_service_failed(self, message: ServiceFailed) -> None:
        _, text = error_text(message.error)
        self.notify(text, title=f"{message.service.title} not started", severity="warning", markup=False)

    @on(ServiceStarted)
    def _on_service_started(self, message: ServiceStarted) -> None:
        if not self.is_running:  # quit before it was up
            message.service.stop()
            return
        self._started.append(message.service)
        self.session.account = message.account

    def action_server(self) -> None:
        """Open the mail-server screen (queue, trace, summary, relay check), once."""
        from textual.screen import ModalScreen

        from mailtui.ui.screens.server.server import ServerScreen

        if isinstance(self.screen, ModalScreen):
            return  # a question or picker is open: answer it first
        if not any(isinstance(screen, ServerScreen) for screen in self.screen_stack):
            self.push_screen(ServerScreen(self.server_source))

    def action_outbox(self) -> None:
        from textual.screen import ModalScreen

        from mailtui.ui.screens.outbox import open_outbox

        if not isinstance(self.screen, ModalScreen):
            open_outbox(self)

    def action_last_send(self) -> None:
        from textual.screen import ModalScreen

        from mailtui.ui.screens.compose.last_send import LastSendDialog

        if isinstance(self.screen, ModalScreen):
            return  # a question or picker is open: answer it first
        if not self.last_send:
            self.notify("Nothing was sent in this session yet.", title="Last send", markup=False)
            return
        self.push_screen(LastSendDialog(self.last_send))

    def action_switch_account(self) -> None:
        from mailtui.ui.accounts import ask_switch

        ask_switch(self)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(binding_table(self, self.screen)))

    def on_unmount(self) -> None:
        self.session.close()
        for service in self.services:
            service.stop()
        self._started.clear()


def known_binding_ids() -> set[str]:
    """Every binding id of mailtui's app, screens and widgets (for checking `[ui.keys]`).

    Imports every module of ui/screens and ui/widgets first: screens are imported lazily
    elsewhere, and their bindings must be known before they are ever shown.
    """
    import importlib
    import pkgutil

    from textual.dom import DOMNode

    import mailtui.ui.screens
    import mailtui.ui.widgets

    for package in (mailtui.ui.screens, mailtui.ui.widgets):
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            importlib.import_module(module.name)
    ids: set[str] = set()
    pending: list[type] = [DOMNode]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("mailtui."):
            ids |= {b.id for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding) and b.id}
    return ids


TERMINAL_CHECK_SECONDS = 2.0


def terminal_fd() -> int | None:
    """The file descriptor of the controlling terminal we run on (stdin), None if not a tty."""
    try:
        fd = sys.__stdin__.fileno() if sys.__stdin__ is not None else -1
    except (OSError, ValueError):
        return None
    return fd if fd >= 0 and os.isatty(fd) else None


def terminal_attached() -> bool:
    """False once our terminal hung up (its settings then fail with EIO)."""
    fd = terminal_fd()
    if fd is None:
        return False
    try:
        termios.tcgetattr(fd)
    except (termios.error, OSError):
        return False
    return True


def run_app(
    config: Config,
    account: AccountConfig,
    preload: Preload | None = None,
    services: Sequence[AccountService] = (),
    server: ServerSource | None = None,
    open_server: bool = False,
) -> int:
    """Run the browser until the user quits; returns the exit status.

    `preload` (started by the CLI before it imported this module) opens the mailbox and
    lists its first folder while Textual starts; one is started here otherwise.
    """
    if preload is None:
        preload = Preload(account, Transcript()).start()
    app = MailApp(
        config,
        account,
        services=services,
        transcript=preload.transcript,
        preload=preload,
        server=server,
        open_server=open_server,
    )
    app.run()
    return app.return_code or 0
