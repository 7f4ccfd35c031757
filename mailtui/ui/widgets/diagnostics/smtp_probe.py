"""The SMTP probe tab: a swaks-like form over `SmtpProbeSession`, run to a stage or one step a press.

The form is prefilled from the account's `[smtp]` server (its ca_file, tls_verify and
timeout are kept). "Run" goes on to the quit-after stage, "Step" does one stage per
press; changing the form starts a new probe. The probe is async (aiosmtplib) and runs in
an exclusive async worker; the result comes back as `SmtpProbeProgressed` and is drawn
with `diagnostics.report.render_smtp` as plain Text (banner, capabilities before and
after STARTTLS side by side, TLS and certificate, each step with time and explained reply).
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Select, Static

from mailtui.config import TLS_MODES, AccountConfig, ServerConfig
from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.transcript import Transcript
from mailtui.diagnostics.report import render_smtp
from mailtui.diagnostics.smtp_probe import STAGES, SmtpProbeResult, SmtpProbeSession, Stage
from mailtui.sending.ehlo import ehlo_name
from mailtui.ui.widgets.diagnostics.probe_form import (
    SCROLL_BINDINGS,
    field_titles,
    input_value,
    is_problem_line,
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
class SmtpProbeProgressed(Message):
    """The probe ran one or more stages: its result so far, or the error that stopped it."""

    result: SmtpProbeResult | None
    next_stage: str | None
    error: str = ""


def result_text(result: SmtpProbeResult, next_stage: str | None) -> Text:
    """The probe report as Text; problem lines bold."""
    out = Text(next_stage_line(next_stage))
    for line in map(ui_wording, render_smtp(result, transcript=False).splitlines()):
        out.append(line + "\n", style="bold" if is_problem_line(line) else "")
    return out


class DiagSmtpProbe(VerticalScroll):
    """The SMTP probe form, its buttons and the report."""

    BINDINGS: ClassVar[list[BindingType]] = list(SCROLL_BINDINGS)

    DEFAULT_CSS = """
    DiagSmtpProbe Horizontal { height: auto; }
    DiagSmtpProbe Input, DiagSmtpProbe Select { width: 1fr; }
    DiagSmtpProbe #smtp-host { width: 2fr; }
    DiagSmtpProbe Button { margin: 0 1 0 0; }
    DiagSmtpProbe #smtp-output { padding: 1 1; }
    """

    def __init__(self, account: AccountConfig, transcript: Transcript) -> None:
        super().__init__()
        self.account = account
        self.transcript = transcript
        self.probe: SmtpProbeSession | None = None
        self.result: SmtpProbeResult | None = None
        self._form_key: tuple[object, ...] | None = None
        self._busy = False

    def compose(self) -> ComposeResult:
        s = self.account.smtp
        sender = self.account.from_address or (s.user if s and s.user and "@" in s.user else "")
        titles = field_titles()
        with Horizontal():
            yield titled_input("smtp-host", titles["host"], s.host if s else "")
            yield titled_input("smtp-port", titles["port"], str(s.port) if s else "587", type="integer")
            yield Select(
                tls_choices("starttls"), value=s.tls if s else "starttls", allow_blank=False, id="smtp-tls"
            )
        with Horizontal():
            yield titled_input("smtp-user", titles["user"], (s.user or "") if s else "")
            yield titled_input("smtp-password", secret_title(s), "", password=True)
        with Horizontal():
            yield titled_input("smtp-from", "MAIL FROM", sender)
            yield titled_input("smtp-to", "RCPT TO", "")
            yield titled_input("smtp-ehlo", tr("EHLO name"), ehlo_name(s.ehlo if s else None))
            stages = [(tr("quit after {stage}", stage=st), st) for st in STAGES]
            yield Select(stages, value=self._default_quit_after(), allow_blank=False, id="smtp-quit-after")
        with Horizontal():
            yield Button(tr("Run"), id="smtp-run", variant="primary")
            yield Button(tr("Step"), id="smtp-step")
        yield Static(
            Text(tr("Run probes up to the chosen stage; Step does one stage per press.")), id="smtp-output"
        )

    def _default_quit_after(self) -> Stage:
        s = self.account.smtp
        return "auth" if s and s.user and s.auth else "tls"

    def form(self) -> tuple[ServerConfig, str, str, str, Stage]:
        """(server, password or token typed, sender, recipient, quit_after) from the form."""
        base = self.account.smtp or ServerConfig(kind="smtp", account=self.account.name, host="", port=587)
        port_text = input_value(self, "smtp-port")
        server = dataclasses.replace(
            base,
            host=input_value(self, "smtp-host"),
            port=int(port_text) if port_text.isdigit() else 0,
            tls=select_choice(self, "smtp-tls", TLS_MODES) or "starttls",
            user=input_value(self, "smtp-user") or None,
        )
        quit_after = select_choice(self, "smtp-quit-after", STAGES) or self._default_quit_after()
        password = self.query_one("#smtp-password", Input).value
        sender, recipient = input_value(self, "smtp-from"), input_value(self, "smtp-to")
        server = dataclasses.replace(server, ehlo=input_value(self, "smtp-ehlo") or None)
        return server, password, sender, recipient, quit_after

    @on(Button.Pressed, "#smtp-run")
    def action_run_probe(self) -> None:
        """Run the probe to the quit-after stage."""
        self._start(one_step=False)

    @on(Button.Pressed, "#smtp-step")
    def action_step_probe(self) -> None:
        """Run one stage."""
        self._start(one_step=True)

    def _start(self, *, one_step: bool) -> None:
        if self._busy:  # cancelling a stage half-way would leave the probe out of step with the server
            self.notify(tr("The probe is still running; wait for its result."), markup=False)
            return
        server, password, sender, recipient, quit_after = self.form()
        if not server.host or not 0 < server.port < 65536:
            self.query_one("#smtp-output", Static).update(
                Text(tr("Give a host and a port (1-65535) to probe."))
            )
            return
        key = (server, password, sender, recipient, quit_after)
        fresh = self.probe is None or self.probe.done or key != self._form_key
        self._form_key = key
        self._busy = True
        self.query_one("#smtp-output", Static).update(Text(tr("Probing ...")))
        self._drive(key if fresh else None, one_step)

    @work(group="smtp-probe", exit_on_error=False)
    async def _drive(self, new: tuple[ServerConfig, str, str, str, Stage] | None, one_step: bool) -> None:
        try:
            if new is not None:
                await self._close_probe()
                server, password, sender, recipient, quit_after = new
                secret, token = await asyncio.to_thread(probe_secrets, self.account.smtp, server, password)
                self.probe = SmtpProbeSession(
                    server, secret, sender=sender, recipient=recipient,
                    quit_after=quit_after, transcript=self.transcript, oauth2_token=token,
                )  # fmt: skip
            probe = self.probe
            if probe is None:
                raise MailtuiError(tr("the probe was closed; press Run to start again"), title="Probe closed")
            if one_step:
                await probe.step()
            else:
                await probe.run_to()
            self.post_message(SmtpProbeProgressed(probe.result(), probe.next_stage))
        except MailtuiError as exc:
            self.post_message(SmtpProbeProgressed(None, None, f"{exc.title}: {exc.message}"))
        except Exception as exc:  # a bug must not leave the form locked: report it like an error
            self.post_message(
                SmtpProbeProgressed(
                    None, None, tr("Unexpected error: {kind}: {why}", kind=type(exc).__name__, why=exc)
                )
            )

    async def _close_probe(self) -> None:
        probe, self.probe = self.probe, None
        if probe is not None:
            await probe.close()

    async def on_unmount(self) -> None:
        await self._close_probe()

    @on(SmtpProbeProgressed)
    def _on_progress(self, message: SmtpProbeProgressed) -> None:
        message.stop()
        self._busy = False
        output = self.query_one("#smtp-output", Static)
        if message.result is None:
            output.update(Text(message.error, style="bold"))
            return
        self.result = message.result
        output.update(result_text(message.result, message.next_stage))
