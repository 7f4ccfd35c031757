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
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message_pump import MessagePump
from textual.screen import Screen

from mailtui.backends.base import MailBackend
from mailtui.config import AccountConfig, Config
from mailtui.core.transcript import Transcript
from mailtui.session.preload import Preload
from mailtui.session.services import AccountService
from mailtui.session.session import Session
from mailtui.ui.errors import error_text
from mailtui.ui.messages import ServiceFailed, ServiceStarted
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.help import HelpScreen, binding_table
from mailtui.ui.screens.server.source import ServerSource
from mailtui.ui.themes import DEFAULT_THEME, load_themes, variable_defaults


class MailApp(App[int]):
    """The mail browser."""

    TITLE = "mailtui"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", id="help"),
        Binding(
            "S", "server", "Mail server", id="server", show=False, tooltip="The mail server on this host"
        ),
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
        # The log files and Postfix instance of the server screen (`S`); `mailtui --server` opens it.
        self.server_source = server or ServerSource()
        self.open_server = open_server
        self.session = Session(config, account, backend, transcript)
        self.preload = preload  # backend and first refs, opened before App.run (run_app)
        self.services = tuple(services)  # started on mount, stopped on exit (the demo relay)
        self._started: list[AccountService] = []
        self.first_frame_shown = False
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

    # -- typeahead ---------------------------------------------------------------------
    # Keys typed together (a paste, a burst over a laggy SSH link) must each go to the
    # screen that is on top once the keys before them have been handled: `Enter q` opens
    # the message and then closes it, it does not quit the app because the pager was not
    # pushed yet when `q` arrived. Textual hands every key to the focused widget's queue
    # and goes on with the next key at once, while what the first key does (a message that
    # bubbles to the screen, which pushes the pager, which mounts and takes the focus)
    # happens on other queues later. So after forwarding a key the app waits, before it
    # reads the next one, until those queues are drained and a screen pushed meanwhile is
    # mounted, bounded by KEY_SETTLE_SECONDS so that input never freezes.
    KEY_SETTLE_SECONDS: ClassVar[float] = 1.0

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key) or event.is_forwarded:
            await super().on_event(event)
            return
        target = self.focused or self.screen
        screen = self.screen
        await super().on_event(event)  # priority bindings, else to the focused widget
        try:
            await asyncio.wait_for(self._settle_after_key(target, screen), self.KEY_SETTLE_SECONDS)
            # No widget took the key: it bubbled back to this queue, where the bindings of
            # the focus chain are checked (App._on_key), behind the keys typed after it.
            # Handled now, in its turn.
            if self._take_queued(event):
                target, screen = self.focused or self.screen, self.screen
                await self._dispatch_message(event)
                await asyncio.wait_for(self._settle_after_key(target, screen), self.KEY_SETTLE_SECONDS)
        except TimeoutError:
            pass  # a handler that takes long: the next key goes where the focus is now

    async def _run_queued_callbacks(self) -> bool:
        """Run the callbacks waiting in this app's queue (False: there were none)."""
        queue: Any = self._message_queue
        callbacks = [m for m in queue.values if isinstance(m, events.Callback)]
        for callback in callbacks:
            queue.values.remove(callback)
        if not queue.values:
            queue.ready_event.clear()
        for callback in callbacks:
            await self._dispatch_message(callback)
        return bool(callbacks)

    def _take_queued(self, event: events.Key) -> bool:
        """Take `event` out of this app's message queue (False: it is not there)."""
        queue: Any = self._message_queue  # textual._queue.Queue: a deque and a ready event
        for i, queued in enumerate(queue.values):
            if queued is event:
                del queue.values[i]
                if not queue.values:
                    queue.ready_event.clear()
                return True
        return False

    async def _settle_after_key(self, target: MessagePump, screen: Screen[object]) -> None:
        """Until the key's target, everything between it and its screen, and a screen pushed
        or popped meanwhile, have handled what they were given (each queue is passed once by a
        callback posted to its end: what ran before it is done)."""
        for _ in range(8):  # bounded: a screen that keeps posting to itself does not hold keys
            pumps = _chain(target, self)
            top = self.screen
            if top is not screen:
                await top._mounted_event.wait()
                pumps += _chain(self.focused or top, self)
            for pump in pumps:  # innermost first, as messages bubble up
                # A widget of a screen the key dismissed (a dialog's Input after Enter) is
                # closing: its queue is not read any more.
                if pump.is_running and pump.is_attached and not (pump._closing or pump._closed):
                    await _passed(pump)
            # Focus changes and call_later callbacks go through this app's queue, behind the
            # keys typed ahead: run them now, in their order (Widget.focus is one).
            ran = await self._run_queued_callbacks()
            if not ran and self.screen is top and not any(p._message_queue.qsize() for p in pumps):
                return
            target, screen = self.focused or self.screen, top

    def _retry_outbox(self) -> None:
        if not any(w.group == "outbox-retry" and w.is_running for w in self.workers):
            self._retry_outbox_worker()

    @work(group="outbox-retry", exit_on_error=False)
    async def _retry_outbox_worker(self) -> None:
        """Send the queued messages that are due (never forced: the backoff is respected)."""
        import asyncio
        import dataclasses

        from mailtui.paths import data_dir
        from mailtui.sending.dispatch import flush_outbox
        from mailtui.sending.outbox import Outbox, OutboxError

        session = self.session
        # The session's account may differ from the config's (under --demo it has the relay's port).
        config = dataclasses.replace(
            session.config,
            accounts=tuple(
                session.account if a.name == session.account.name else a for a in session.config.accounts
            )
            or (session.account,),
        )
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


async def _passed(pump: MessagePump) -> None:
    """Once what is in `pump`'s queue now has been handled."""
    done = asyncio.get_running_loop().create_future()
    pump.call_later(lambda: None if done.done() else done.set_result(None))
    await done


def _chain(widget: MessagePump, app: App[int]) -> list[MessagePump]:
    """`widget` and its ancestors up to (not including) the app."""
    chain: list[MessagePump] = []
    node: MessagePump | None = widget
    while node is not None and node is not app:
        chain.append(node)
        node = node._parent
    return chain


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
