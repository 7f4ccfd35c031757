"""The IMAP probe tab: connect, STARTTLS, LOGIN, LIST one stage a press, and a raw IMAP console.

`ImapProbeSession` blocks (imapclient), so every call runs in a thread worker, under one
lock (the probe's connection is not thread-safe). The console sends raw commands on the
probe's own logged-in connection: "Log in for console" runs the probe up to `login` and
leaves the connection open (the probe logs out only after its last stage).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, RichLog, Select, Static

from mailtui.config import TLS_MODES, AccountConfig, ServerConfig, TLSMode, server_config
from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.core.transcript import Transcript
from mailtui.diagnostics.imap_probe import (
    IMAP_STAGES,
    ImapConsole,
    ImapProbeResult,
    ImapProbeSession,
    ImapStage,
)
from mailtui.diagnostics.report import render_imap
from mailtui.ui.widgets.diagnostics.probe_form import (
    SCROLL_BINDINGS,
    field_titles,
    input_value,
    next_stage_line,
    probe_secrets,
    secret_title,
    select_choice,
    titled_input,
    tls_choices,
    ui_wording,
)

if TYPE_CHECKING:
    from textual.app import ComposeResult


@dataclass
class ImapProbeProgressed(Message):
    """The IMAP probe ran: its result so far, or the error that stopped it."""

    result: ImapProbeResult | None
    next_stage: str | None
    error: str = ""


@dataclass
class ConsoleAnswered(Message):
    """Lines to add to the console log (the command, the server's answer or an error)."""

    lines: list[str]


class DiagImapProbe(VerticalScroll):
    """The IMAP probe form, the report and the console."""

    BINDINGS: ClassVar[list[BindingType]] = list(SCROLL_BINDINGS)

    DEFAULT_CSS = """
    DiagImapProbe Horizontal { height: auto; }
    DiagImapProbe Input, DiagImapProbe Select { width: 1fr; }
    DiagImapProbe #imap-host { width: 2fr; }
    DiagImapProbe Button { margin: 0 1 0 0; }
    DiagImapProbe #imap-output { padding: 1 1; }
    DiagImapProbe #imap-console-log { height: 10; background: $surface; }
    """

    def __init__(self, account: AccountConfig, transcript: Transcript) -> None:
        super().__init__()
        self.account = account
        self.transcript = transcript
        self.probe: ImapProbeSession | None = None
        self.console: ImapConsole | None = None
        self.result: ImapProbeResult | None = None
        self._lock = threading.Lock()
        self._form_key: tuple[object, ...] | None = None

    def compose(self) -> ComposeResult:
        s = self.account.imap
        titles = field_titles()
        with Horizontal():
            yield titled_input("imap-host", titles["host"], s.host if s else "")
            yield titled_input("imap-port", titles["port"], str(s.port) if s else "993", type="integer")
            yield Select(tls_choices("ssl"), value=s.tls if s else "ssl", allow_blank=False, id="imap-tls")
        with Horizontal():
            yield titled_input("imap-user", titles["user"], (s.user or "") if s else "")
            yield titled_input("imap-password", secret_title(s), "", password=True)
            stages = [(tr("up to {stage}", stage=st), st) for st in IMAP_STAGES]
            yield Select(stages, value="list" if s and s.user else "tls", allow_blank=False, id="imap-target")
        with Horizontal():
            yield Button(tr("Run"), id="imap-run", variant="primary")
            yield Button(tr("Step"), id="imap-step")
            yield Button(tr("Log in for console"), id="imap-console-login")
        yield Static(
            Text(tr("Probe the IMAP server; the console needs a logged-in probe.")), id="imap-output"
        )
        yield titled_input("imap-console-input", tr('IMAP command, e.g. CAPABILITY or LIST "" "*"'), "")
        yield RichLog(id="imap-console-log", markup=False, wrap=True, max_lines=5000)

    def form(self) -> tuple[ServerConfig, str, ImapStage | None]:
        """(server, password or token typed, target stage) from the form."""
        s = self.account.imap
        port = input_value(self, "imap-port")
        tls: TLSMode = select_choice(self, "imap-tls", TLS_MODES) or "ssl"
        settings = server_config(
            "imap", input_value(self, "imap-host"), int(port) if port.isdigit() else -1, tls=tls,
            account=self.account.name, user=input_value(self, "imap-user"),
            tls_verify=s.tls_verify if s else True, ca_file=s.ca_file if s else None,
            allow_plaintext_auth=s.allow_plaintext_auth if s else False, timeout=s.timeout if s else None,
        )  # fmt: skip
        target = select_choice(self, "imap-target", IMAP_STAGES)  # None: the probe's own default
        return settings, self.query_one("#imap-password", Input).value, target

    @on(Button.Pressed, "#imap-run")
    def _on_run(self) -> None:
        self._start("run")

    @on(Button.Pressed, "#imap-step")
    def _on_step(self) -> None:
        self._start("step")

    @on(Button.Pressed, "#imap-console-login")
    def _on_console_login(self) -> None:
        self._start("console")

    def _start(self, mode: str) -> None:
        settings, password, target = self.form()
        if not settings.host or not 0 < settings.port < 65536:
            self.query_one("#imap-output", Static).update(
                Text(tr("Give a host and a port (1-65535) to probe."))
            )
            return
        if mode == "console":
            target = "list"  # LIST stays pending: the connection stays open after LOGIN
        key = (settings, password, target)
        fresh = self.probe is None or self.probe.done or key != self._form_key or mode == "console"
        self._form_key = key
        self._drive(key if fresh else None, mode)

    @work(thread=True, exclusive=True, group="imap-probe", exit_on_error=False)
    def _drive(self, new: tuple[ServerConfig, str, ImapStage | None] | None, mode: str) -> None:
        with self._lock:
            try:
                if new is not None:
                    self._close_probe()
                    settings, password, target = new
                    own = self.account.imap
                    secret, token = probe_secrets(own, settings, password)
                    self.probe = ImapProbeSession(
                        settings,
                        secret,
                        target=target,
                        transcript=self.transcript,
                        oauth2_token=token,
                        oauth2_mechanism=own.oauth2_mechanism if own else None,
                    )
                probe = self.probe
                if probe is None:
                    return
                if mode == "step":
                    probe.step()
                elif mode == "console":
                    probe.run_to("login")
                    if probe.client is not None and not probe.done:
                        self.console = ImapConsole(probe.client, self.transcript, probe.label)
                else:
                    probe.run_to()
                self.post_message(ImapProbeProgressed(probe.result(), probe.next_stage))
            except MailtuiError as exc:
                self.post_message(ImapProbeProgressed(None, None, f"{exc.title}: {exc.message}"))

    def _close_probe(self) -> None:
        probe, self.probe, self.console = self.probe, None, None
        if probe is not None:
            probe.close()

    def on_unmount(self) -> None:
        # The probe's LOGOUT can block on a slow server: do it off the event loop.
        threading.Thread(target=self._close_locked, daemon=True).start()

    def _close_locked(self) -> None:
        with self._lock:
            self._close_probe()

    @on(Input.Submitted, "#imap-console-input")
    def _on_console(self, event: Input.Submitted) -> None:
        event.stop()
        line = event.value.strip()
        if not line:
            return
        event.input.value = ""
        self._send(line)

    @work(thread=True, group="imap-console", exit_on_error=False)
    def _send(self, line: str) -> None:
        with self._lock:
            console = self.console
            if console is None or self.probe is None or self.probe.client is None:
                self.post_message(
                    ConsoleAnswered(["! " + tr("no logged-in connection: press 'Log in for console'")])
                )
                return
            try:
                response = console.send(line)
            except MailtuiError as exc:
                self.post_message(ConsoleAnswered([f"> {line}", f"! {exc.message}"]))
                return
        lines = [f"> {response.tag} {response.command}", *response.untagged, response.tagged]
        self.post_message(ConsoleAnswered(lines))

    @on(ConsoleAnswered)
    def _on_answer(self, message: ConsoleAnswered) -> None:
        message.stop()
        log = self.query_one("#imap-console-log", RichLog)
        for line in message.lines:
            log.write(Text(clean_line(line)))

    @on(ImapProbeProgressed)
    def _on_progress(self, message: ImapProbeProgressed) -> None:
        message.stop()
        output = self.query_one("#imap-output", Static)
        if message.result is None:
            output.update(Text(message.error, style="bold"))
            return
        self.result = message.result
        head = next_stage_line(message.next_stage)
        if self.console is not None and message.next_stage == "list":
            head = tr("Logged in: the console below uses this connection.") + "\n\n"
        report = "\n".join(map(ui_wording, render_imap(message.result, transcript=False).splitlines()))
        output.update(Text(head + report))
