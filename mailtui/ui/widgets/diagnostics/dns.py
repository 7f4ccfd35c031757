"""The DNS tab: a domain's whole mail DNS setup, as `mailtui dns` prints it.

MX (addresses, reverse DNS), SPF, DMARC, DKIM (the selectors typed plus common ones),
MTA-STS (with the policy file), TLS-RPT, DANE TLSA, and the blocklists of the config's
`[diagnostics] blocklists` (none by default). Findings that are errors are shown bold.

`check_domain` blocks (dnspython), so it runs in a thread worker with the resolver's own
timeout; the result comes back as a `DnsChecked` message. An unreachable resolver is a
`DnsError` whose message says so and what to do; it is shown in place of the report.
Without servers typed, the config's `[diagnostics] dns_server` is asked (else the system's).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from mailtui.core.errors import MailtuiError
from mailtui.diagnostics.dns_check import DnsReport, check_domain, format_report
from mailtui.diagnostics.mta_sts import PolicyFetch
from mailtui.session.learned import learned_for

if TYPE_CHECKING:
    from textual.app import ComposeResult

DNS_TIMEOUT = 3.0


@dataclass
class DnsChecked(Message):
    """A DNS check finished: a report, or the error that stopped it."""

    domain: str
    report: DnsReport | None
    error: MailtuiError | None


class DiagDns(VerticalScroll):
    """Domain and (optional) DNS servers inputs; the report below."""

    DEFAULT_CSS = """
    DiagDns Horizontal { height: 3; }
    DiagDns #dns-domain { width: 2fr; }
    DiagDns #dns-servers { width: 1fr; }
    DiagDns #dns-selectors { width: 1fr; }
    DiagDns #dns-output { padding: 1 1; }
    """

    def __init__(self, domain: str = "", timeout: float = DNS_TIMEOUT) -> None:
        super().__init__()
        self.domain = domain
        self.timeout = timeout

    @property
    def configured_server(self) -> str:
        """The config's dns_server ("" = the system resolver)."""
        return str(self.app.session.config.diagnostics.dns_server)  # type: ignore[attr-defined]  # a MailApp

    @property
    def configured_blocklists(self) -> tuple[str, ...]:
        """The config's blocklist zones (() = no blocklist lookups)."""
        return tuple(self.app.session.config.diagnostics.blocklists)  # type: ignore[attr-defined]  # a MailApp

    def compose(self) -> ComposeResult:
        configured = self.configured_server
        hint = (
            f"DNS servers (default: {configured})"
            if configured
            else "DNS servers (optional): 192.0.2.53, [::1]:53"
        )
        with Horizontal():
            yield Input(value=self.domain, placeholder="domain, e.g. example.org", id="dns-domain")
            yield Input(placeholder=hint, id="dns-servers")
            yield Input(placeholder="DKIM selectors (optional): s1, mail", id="dns-selectors")
        yield Static(Text("Type a domain and press Enter."), id="dns-output", markup=False)

    def check(self, domain: str) -> None:
        """Start a check of `domain` (with the servers typed, if any)."""
        servers = _items(self.query_one("#dns-servers", Input).value)
        selectors = _items(self.query_one("#dns-selectors", Input).value)
        self.query_one("#dns-output", Static).update(Text(f"Looking up {domain} ..."))
        self._run_check(domain, servers, self.configured_server, selectors, self.configured_blocklists)

    @work(thread=True, exclusive=True, group="dns", exit_on_error=False)
    def _run_check(
        self,
        domain: str,
        servers: list[str],
        configured: str,
        selectors: list[str],
        blocklists: tuple[str, ...],
    ) -> None:
        from mailtui.diagnostics.verdicts.resolver import server_address

        try:
            if not servers and configured:
                servers = [server_address(configured)]  # a host name is resolved here, off the event loop
            report = check_domain(
                domain,
                servers,
                timeout=self.timeout,
                dkim_selectors=selectors,
                blocklists=blocklists,
                policy_fetch=PolicyFetch(timeout=max(self.timeout, 1.0)),
            )
        except MailtuiError as exc:
            self.post_message(DnsChecked(domain, None, exc))
        else:
            self.post_message(DnsChecked(domain, report, None))

    @on(Input.Submitted)
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        domain = self.query_one("#dns-domain", Input).value.strip()
        if domain:
            self.check(domain)

    @on(DnsChecked)
    def _on_checked(self, message: DnsChecked) -> None:
        message.stop()
        output = self.query_one("#dns-output", Static)
        if message.error is not None:
            output.update(Text(f"{message.error.title}: {message.error.message}", style="bold"))
        elif message.report is not None:
            output.update(report_text(message.report))
            learned_for(self.app.session).dns_checked(message.domain, format_report(message.report))  # type: ignore[attr-defined]  # a MailApp


def _items(value: str) -> list[str]:
    return [s.strip() for s in value.split(",") if s.strip()]


def report_text(report: DnsReport) -> Text:
    """The plain-text report as a Text (never markup: DNS answers are hostile), errors bold."""
    text = Text()
    for line in format_report(report).splitlines():
        text.append(line + "\n", style="bold" if line.lstrip().startswith("!!") else "")
    return text
