"""The DNS tab checks the whole mail setup as `mailtui dns` does: the DKIM selectors typed,
the config's blocklists, every section shown; hostile TXT shown as text, never as markup."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from mailtui.config import AccountConfig, Config, DiagnosticsConfig, UIConfig
from mailtui.ui.app import MailApp
from mailtui.ui.diagnostics_actions import open_diagnostics
from tests.diagnostics.dns_server import DnsServer, txt_rdata
from tests.ui.conftest import settle, wait_until

ZONE = {
    ("tab.test", "MX"): ["10 mx.tab.test."],
    ("mx.tab.test", "A"): ["192.0.2.40"],
    ("40.2.0.192.in-addr.arpa", "PTR"): ["mx.tab.test."],
    ("tab.test", "TXT"): [txt_rdata("v=spf1 mx -all")],
    ("_dmarc.tab.test", "TXT"): ['"v=DMARC1; p=reject; rua=mailto:d@tab.test"'],
    ("picked._domainkey.tab.test", "TXT"): ['"v=DKIM1; k=rsa; p="'],
    ("_smtp._tls.tab.test", "TXT"): [
        txt_rdata("v=TLSRPTv1; rua=mailto:[bold red]x[/bold red]\x1b[2J@tab.test")
    ],
    ("2.0.0.127.rbl.test", "A"): ["127.0.0.2"],
    ("40.2.0.192.rbl.test", "A"): ["127.0.0.2"],
}


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer(ZONE)
    yield server
    server.close()


def make_app(tmp_path: Path, dns: DnsServer) -> MailApp:
    root = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    account = AccountConfig(name="test", from_address="me@tab.test", maildir=str(root))
    config = Config(
        accounts=(account,),
        ui=UIConfig(theme="textual-dark"),
        diagnostics=DiagnosticsConfig(dns_server=dns.address, blocklists=("rbl.test",)),
    )
    return MailApp(config, account)


async def run_dns_tab(pilot: object, app: MailApp) -> str:
    """Open the DNS tab, check the domain it offers (Enter) and return the report shown."""
    open_diagnostics(app, "dns")
    await settle(pilot)  # type: ignore[arg-type]
    app.screen.query_one("#dns-domain", Input).focus()
    await pilot.press("enter")  # type: ignore[attr-defined]
    output = app.screen.query_one("#dns-output", Static)
    await wait_until(pilot, lambda: "Summary:" in str(output.render()), what="the DNS report")  # type: ignore[arg-type]
    return str(output.render())


async def test_dns_tab_shows_the_whole_setup(tmp_path: Path, dns: DnsServer) -> None:
    app = make_app(tmp_path, dns)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "dns")
        await settle(pilot)
        app.screen.query_one("#dns-selectors", Input).value = "picked"
        field = app.screen.query_one("#dns-domain", Input)
        assert field.value == "tab.test"  # from the account's address
        field.focus()
        await pilot.press("enter")
        output = app.screen.query_one("#dns-output", Static)
        await wait_until(pilot, lambda: "Summary:" in str(output.render()), what="the DNS report")
        shown = str(output.render())
        assert "192.0.2.40  PTR mx.tab.test  forward-confirmed" in shown
        assert "tried: picked, default, selector1" in shown and "found: picked" in shown
        assert "MTA-STS (_mta-sts.tab.test):" in shown and "DANE (TLSA _25._tcp.MX):" in shown
        assert "192.0.2.40 in rbl.test: LISTED 127.0.0.2" in shown  # the config's blocklists
        # The TXT's markup is shown as typed, its escape sequence removed.
        assert "rua=mailto:[bold red]x[/bold red]@tab.test" in shown and "\x1b" not in shown


def test_dns_tab_error_findings_are_bold() -> None:
    from mailtui.diagnostics.dns_check import DnsReport
    from mailtui.diagnostics.dns_findings import Finding
    from mailtui.ui.widgets.diagnostics.dns import report_text

    report = DnsReport(
        "x.test", (), (), None, None, (), findings=(Finding("dnsbl", "error", "[b]listed[/b]"),)
    )
    text = report_text(report)
    line = next(i for i, ln in enumerate(text.plain.splitlines()) if "[b]listed[/b]" in ln)
    start = sum(len(ln) + 1 for ln in text.plain.splitlines()[:line])
    assert any(span.start <= start < span.end and span.style == "bold" for span in text.spans)
    assert not any(span.style == "bold" for span in text.spans if span.start > start + 20)


async def test_dns_tab_says_when_the_resolver_answers_nothing(tmp_path: Path) -> None:
    """Issue 16: a resolver answering NXDOMAIN for every name is named as the problem."""
    captive = DnsServer({})
    try:
        app = make_app(tmp_path, captive)
        async with app.run_test(size=(120, 50)) as pilot:
            await settle(pilot)
            shown = " ".join((await run_dns_tab(pilot, app)).split())
            assert "the resolver itself is answering nothing useful" in shown, shown
            assert "check the spelling" not in shown and f"(asked {captive.address})" in shown
    finally:
        captive.close()
