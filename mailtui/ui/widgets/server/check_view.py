"""The Relay check tab: `postconf -n` (with `-c`) explained, optionally for one client IP, and
optionally port 25 of a domain's MX hosts (is outbound 25 blocked while DNS works?).

`read_postconf` and the MX probes block, so they run on a thread worker; findings are drawn as
plain text, one per line, with their level first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.server.relay_check import Finding, analyse_postconf, read_postconf
from mailtui.ui.widgets.server.lines import Lines, pad_cells

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.diagnostics.port25 import MxReport
    from mailtui.ui.screens.server.source import ServerSource

MX_TIMEOUT = 3.0
LEVEL_STYLE = {"problem": "bold reverse", "warning": "bold", "ok": "", "info": ""}
LEVEL_CELLS = 7  # the widest English level, "problem" and "warning"


def level_label(level: str) -> str:
    """A finding's level as shown, in the current language (the level itself stays the key)."""
    labels = {"problem": tr("problem"), "warning": tr("warning"), "ok": tr("ok"), "info": tr("info")}
    return labels.get(level, level)


@dataclass
class RelayChecked(Message):
    """The findings (and the MX report when a domain was given), or why there are none."""

    findings: list[Finding]
    mx: MxReport | None
    error: MailtuiError | None


def findings_text(findings: list[Finding], mx: MxReport | None) -> Group:
    """One row per finding: its level, then the setting and what it means (wrapped beside the level)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for f in findings:
        line = Text(f"{f.setting}: ", style="bold")
        line.append(clean_line(f.text))
        label = pad_cells(level_label(f.level), LEVEL_CELLS, "^")
        grid.add_row(Text(f"[{label}]", style=LEVEL_STYLE.get(f.level, "")), line)
    out = Lines()
    if mx is not None:
        out.add("")
        out.add(
            tr("MX of {domain}: {hosts}", domain=mx.domain, hosts=", ".join(mx.mx) or tr("(none)")),
            style="bold",
        )
        for p in mx.probes:
            detail = f" ({clean_line(p.detail)})" if p.detail else ""
            out.add(f"{p.host} {p.address}:{p.port}: {p.result}{detail}", 2)
        out.add(f"=> {clean_line(mx.conclusion)}", 2)
    return Group(grid, out.render())


class CheckView(VerticalScroll):
    """Client IP and domain inputs; the findings below."""

    DEFAULT_CSS = """
    CheckView { padding: 0 1; }
    CheckView Horizontal { height: 3; }
    CheckView Input { width: 1fr; }
    """

    def __init__(self, source: ServerSource, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.source = source
        self.loaded_once = False

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Input(placeholder=tr("client IP: may it relay?"), id="check-client")
            yield Input(placeholder=tr("domain: port 25 of its MX"), id="check-domain")
        yield Static(Text(tr("Reading postconf -n …")), id="check-output", markup=False)

    def reload(self) -> None:
        self.loaded_once = True
        client = self.query_one("#check-client", Input).value.strip() or None
        domain = self.query_one("#check-domain", Input).value.strip() or None
        reading = (
            tr("Reading postconf -n and trying port 25 of {domain}'s MX hosts …", domain=domain)
            if domain
            else tr("Reading postconf -n …")
        )
        self.query_one("#check-output", Static).update(Text(reading))
        self._check(client, domain)

    @on(Input.Submitted)
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.reload()

    @work(thread=True, exclusive=True, group="relay-check", exit_on_error=False)
    def _check(self, client: str | None, domain: str | None) -> None:
        try:
            findings = analyse_postconf(read_postconf(self.source.config_dir), client)
            mx = None
            if domain:
                from mailtui.diagnostics.port25 import check_mx_port25

                mx = check_mx_port25(domain, (), MX_TIMEOUT)
        except MailtuiError as exc:
            self.post_message(RelayChecked([], None, exc))
        else:
            self.post_message(RelayChecked(findings, mx, None))

    @on(RelayChecked)
    def _on_checked(self, message: RelayChecked) -> None:
        message.stop()
        output = self.query_one("#check-output", Static)
        if message.error is not None:
            error = message.error
            output.update(
                Text(tr("{title}: {message}", title=error.title, message=error.message), style="bold")
            )
        else:
            output.update(findings_text(message.findings, message.mx))
