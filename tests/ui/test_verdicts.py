"""The pager's V: DKIM, ARC, SPF and DMARC verified here against the loopback DNS responder of the
verdict tests (its generated key at s1._domainkey.example.test), shown beside the server's results
with disagreements highlighted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.config import AccountConfig, Config, DiagnosticsConfig, UIConfig
from mailtui.ui.app import MailApp
from mailtui.ui.screens.pager.pager import PagerScreen
from mailtui.ui.widgets.pager import Pager
from tests.diagnostics.dns_server import DnsServer
from tests.diagnostics.test_verdicts import ZONE, delivered, message, sign
from tests.ui.conftest import BASE_TIME, screen_text, settle, wait_until, write_message


@pytest.fixture(scope="module")
def dns() -> Iterator[DnsServer]:
    server = DnsServer(ZONE)
    yield server
    server.close()


def mailbox(root: Path) -> Path:
    """INBOX: a message signed by example.test as the MX stored it (newest), and one whose body
    was changed after the MX checked it (the MX wrote dkim=pass for both)."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)

    def signed(subject: str, date: str) -> bytes:
        raw = message(subject=subject).replace(b"Date: Tue, 01 Dec 2026 10:00", f"Date: {date}".encode())
        return delivered(sign(raw))

    tampered = signed("Tampered report", "Tue, 01 Dec 2026 10:00").replace(
        b"this is the test message.", b"this is the [red]changed[/red] message."
    )
    newest = signed("Signed report", "Wed, 02 Dec 2026 10:00")
    for seq, data in enumerate((tampered, newest)):
        write_message(root, "cur", BASE_TIME + seq, seq, "S", data.replace(b"\r\n", b"\n"))
    return root


def make_app(tmp_path: Path, dns: DnsServer) -> MailApp:
    account = AccountConfig(name="test", maildir=str(mailbox(tmp_path / "Mail")))
    config = Config(
        accounts=(account,),
        ui=UIConfig(theme="textual-dark", trusted_authserv_ids=("mx.receiver.test",)),
        diagnostics=DiagnosticsConfig(dns_server=dns.address),
    )
    return MailApp(config, account)


async def open_and_verify(pilot: object, *keys: str) -> Pager:
    app = pilot.app  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press(*keys, "enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen) and app.screen.view is not None)
    await pilot.press("V")  # type: ignore[attr-defined]
    pager = app.screen.query_one(Pager)
    await wait_until(pilot, lambda: "Ours vs the server's:" in pager.plain, what="the verdicts")
    return pager


def shown_rows(pager: Pager) -> list[tuple[str, list[object]]]:
    """Each visible row of the pager: its text and the colours of its segments."""
    rows = []
    for y in range(pager.scrollable_content_region.height):
        strip = pager.render_line(y)
        rows.append(("".join(s.text for s in strip), [s.style.color if s.style else None for s in strip]))
    return rows


async def test_signed_message_verifies_as_pass_and_v_goes_back(tmp_path: Path, dns: DnsServer) -> None:
    app = make_app(tmp_path, dns)
    async with app.run_test(size=(110, 50)) as pilot:
        pager = await open_and_verify(pilot)
        text = pager.plain
        assert f"Verdicts computed here (DNS: {dns.address})" in text
        assert "Server: Authentication-Results by mx.receiver.test (trusted)" in text
        assert "#1 d=example.test s=s1 a=rsa-sha256, 1024-bit key: PASS" in text
        assert "SPF: PASS for 192.0.2.25" in text and "DMARC: PASS for From domain example.test" in text
        assert not [line for line in text.splitlines() if line.startswith("!")]
        assert "1024-bit key: PASS" in screen_text(app)  # drawn, not only kept
        await pilot.press("V")
        await wait_until(pilot, lambda: "Subject: Signed report" in pager.plain, what="the message again")
        assert "Ours vs the server's:" not in pager.plain
        await pilot.press("V")  # computed once: shown again at once
        assert "1024-bit key: PASS" in pager.plain


async def test_tampered_message_fails_and_the_disagreement_is_highlighted(
    tmp_path: Path, dns: DnsServer
) -> None:
    app = make_app(tmp_path, dns)
    async with app.run_test(size=(110, 50)) as pilot:
        pager = await open_and_verify(pilot, "j")
        text = pager.plain
        assert "#1 d=example.test s=s1 a=rsa-sha256, 1024-bit key: FAIL" in text
        assert "body hash mismatch: the body was modified after signing" in text
        [flagged] = [line for line in text.splitlines() if line.startswith("!")]
        assert flagged.startswith("! dkim d=example.test s=s1") and "ours=fail" in flagged
        assert flagged.rstrip().endswith("server=pass")
        assert "DISAGREES: the server verified it, we do not: the message changed" in text
        highlight = pager.get_component_rich_style("pager--disagreement").color
        rows = shown_rows(pager)
        [bang] = [colours for row, colours in rows if row.startswith("! dkim")]
        [note] = [colours for row, colours in rows if row.lstrip().startswith("DISAGREES:")]
        [plain] = [colours for row, colours in rows if row.lstrip().startswith("DKIM:")]
        assert highlight is not None and highlight in bang and highlight in note
        assert highlight not in plain
        # The mail's text is data: the changed body's "[red]" is never taken for markup.
        await pilot.press("V")
        await wait_until(pilot, lambda: "[red]changed[/red]" in pager.plain, what="the message again")
        assert "[red]changed[/red]" in screen_text(app)


async def test_inspector_v_shows_the_verdicts_below_the_inspection(tmp_path: Path, dns: DnsServer) -> None:
    from textual.widgets import Static

    from mailtui.ui.widgets.diagnostics.headers import VERIFY_HINT, DiagHeaders

    app = make_app(tmp_path, dns)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")  # the tampered message
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen) and app.screen.view is not None)
        await pilot.press("H")
        await wait_until(pilot, lambda: bool(app.screen.query(DiagHeaders)), what="the inspector")
        verdicts = app.screen.query_one("#headers-verdicts", Static)
        await wait_until(pilot, lambda: str(verdicts.render()) == VERIFY_HINT, what="the hint")
        await pilot.press("tab")  # from the tab bar to the inspection
        await wait_until(pilot, lambda: app.focused is app.screen.query_one(DiagHeaders), what="the focus")
        await pilot.press("V")
        await wait_until(
            pilot, lambda: "Ours vs the server's:" in str(verdicts.render()), what="the verdicts"
        )
        text = verdicts.render()
        assert "1024-bit key: FAIL" in str(text) and "body hash mismatch" in str(text)
        styled = [(span.start, span.end) for span in text.spans if str(span.style).strip()]

        def is_styled(prefix: str) -> bool:
            start = text.plain.index(prefix)
            return any(a <= start < b for a, b in styled)

        assert is_styled("! dkim d=example.test") and is_styled("    DISAGREES:")  # the warning style
        assert not is_styled("DKIM:") and not is_styled("Verdicts computed here")


async def test_dns_tab_asks_the_configured_dns_server(tmp_path: Path, dns: DnsServer) -> None:
    """The DNS tab with no servers typed asks [diagnostics] dns_server, as the verdicts do."""
    from textual.widgets import Input, Static

    from mailtui.ui.diagnostics_actions import open_diagnostics

    app = make_app(tmp_path, dns)
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "dns")
        await settle(pilot)
        servers = app.screen.query_one("#dns-servers", Input)
        assert servers.value == "" and servers.placeholder == f"DNS servers (default: {dns.address})"
        field = app.screen.query_one("#dns-domain", Input)
        field.value = "example.test"
        field.focus()
        await pilot.press("enter")
        output = app.screen.query_one("#dns-output", Static)
        await wait_until(pilot, lambda: "DNS lookups:" in str(output.render()), what="the DNS report")
        shown = str(output.render())
        assert "include:_spf.example.test" in shown and "p=reject" in shown


def test_the_chinese_disagreement_note_is_highlighted_too() -> None:
    from mailtui.ui.widgets.pager import verdict_lines

    lines = verdict_lines("! dkim d=example.test: 失败\n    不一致：服务器验证通过，我们没有\n  spf: 通过\n")
    styled = [bool(spans) for _text, spans in lines]
    assert styled == [True, True, False]
