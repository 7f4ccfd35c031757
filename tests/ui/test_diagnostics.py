"""The diagnostics screen with Pilot: each tab against real parts (aiosmtpd, Dovecot, a DNS server).

Long values are set on the Inputs directly and submitted (Pilot costs ~43 ms a key).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Input, RichLog, Static, TabbedContent, TextArea

from mailtui.config import AccountConfig, Config, ServerConfig, UIConfig
from mailtui.core.transcript import MASK, Direction
from mailtui.ui.app import MailApp
from mailtui.ui.diagnostics_actions import open_diagnostics
from mailtui.ui.screens.diagnostics import DiagnosticsScreen
from mailtui.ui.widgets.diagnostics.smtp_probe import DiagSmtpProbe
from mailtui.ui.widgets.diagnostics.transcript import TranscriptView
from tests.backends.dovecot_server import DovecotServer
from tests.diagnostics.dns_server import DnsServer
from tests.sending.relay import PASSWORD, USER, Relay
from tests.ui.conftest import screen_text, settle

IMAP_PASSWORD = "diag-imap-pw-5521"
HEADERS = Path(__file__).parent.parent / "data" / "headers"
ZONE = {
    ("example.test", "MX"): ["10 mx1.example.test."],
    ("mx1.example.test", "A"): ["192.0.2.10"],
    ("example.test", "TXT"): ['"v=spf1 ip4:192.0.2.0/24 include:_spf.example.test -all"'],
    ("_spf.example.test", "TXT"): ['"v=spf1 ip4:198.51.100.0/24 ~all"'],
    ("_dmarc.example.test", "TXT"): ['"v=DMARC1; p=reject"'],
}


def make_app(
    maildir: Path, *, smtp: ServerConfig | None = None, imap: ServerConfig | None = None, lang: str = "en"
) -> MailApp:
    account = AccountConfig(
        name="test", maildir=str(maildir), smtp=smtp, imap=imap, from_address="Admin <admin@example.test>"
    )
    ui = UIConfig(theme="textual-dark", language=lang)  # type: ignore[arg-type]
    return MailApp(Config(accounts=(account,), ui=ui), account)


def static_text(app: MailApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def log_text(app: MailApp, selector: str) -> list[str]:
    log = app.screen.query_one(selector, RichLog)
    return ["".join(seg.text for seg in strip).rstrip() for strip in log.lines]


def transcript_shown(app: MailApp) -> list[str]:
    """The transcript lines on screen right now (the view renders only those)."""
    view = app.screen.query_one(TranscriptView)
    top = view.region.y
    rows = screen_text(app).splitlines()[top : top + view.region.height]
    return [row.rstrip() for row in rows if row.strip()]


async def submit(pilot: object, app: MailApp, selector: str, value: str) -> None:
    field = app.screen.query_one(selector, Input)
    field.value = value
    field.focus()
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "Mail" / sub).mkdir(parents=True)
    return tmp_path / "Mail"


async def test_transcript_is_live_annotated_and_filtered(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot)
        transcript = app.session.transcript
        transcript.add("smtp", "smtp#1 before:25", Direction.RECEIVED, "220 shown from before")
        open_diagnostics(app)
        await settle(pilot)

        def from_worker() -> None:  # listeners run on the appending thread
            transcript.add(
                "smtp", "smtp#7 relay.test:587", Direction.RECEIVED, "550 5.1.1 <bob@x>: no such user"
            )
            transcript.add("imap", "imap#3 alice@imap.test", Direction.SENT, "a1 NOOP", account="test")

        thread = threading.Thread(target=from_worker)
        thread.start()
        thread.join()
        await settle(pilot)
        lines = transcript_shown(app)
        assert any("220 shown from before" in line for line in lines)
        smtp_line = next(line for line in lines if "550 5.1.1" in line)
        assert "smtp#7 relay.test:587 <" in smtp_line and "Bad destination mailbox address" in smtp_line
        assert any("imap#3 alice@imap.test > a1 NOOP" in line for line in lines)

        app.screen.query_one("#transcript-filter", Input).value = "imap"
        await settle(pilot)
        lines = transcript_shown(app)
        assert lines and all("imap#3" in line for line in lines)
        transcript.add("smtp", "smtp#8 other:25", Direction.RECEIVED, "250 ok")  # filtered out, live
        transcript.add("imap", "imap#3 alice@imap.test", Direction.RECEIVED, "a1 OK NOOP done")
        await settle(pilot)
        lines = transcript_shown(app)
        assert any("a1 OK NOOP done" in line for line in lines) and not any(
            "smtp#8" in line for line in lines
        )

        for i in range(300):  # more than a screen: the view follows the newest line
            transcript.add("imap", "imap#3 alice@imap.test", Direction.RECEIVED, f"* {i} EXISTS")
        await settle(pilot)
        lines = transcript_shown(app)
        assert lines[-1].endswith("* 299 EXISTS") and not any("a1 NOOP" in line for line in lines)
        assert len(app.screen.query_one(TranscriptView).lines) == 302

        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiagnosticsScreen) and screen.saved_path is not None
        saved = screen.saved_path.read_text()
        assert "a1 NOOP" in saved and "* 299 EXISTS" in saved
        assert "smtp#7" not in saved  # the filter applies to the save
        assert str(screen.saved_path) in static_text(app, "#diag-status")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Bad destination mailbox address"), ("zh", "目标邮箱地址错误")],
)
async def test_explainer_in_configured_language(maildir: Path, lang: str, expected: str) -> None:
    app = make_app(maildir, lang=lang)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "explain")
        await settle(pilot)
        await submit(pilot, app, "#explain-input", "550 5.1.1")
        shown = static_text(app, "#explain-output")
        assert expected in shown and "550 5.1.1" in shown
        other = "目标邮箱地址错误" if lang == "en" else "Bad destination mailbox address"
        assert other not in shown


async def test_explainer_opened_with_a_code(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "explain", code_text="451 4.7.1 greylisted, try again later")
        await settle(pilot)
        shown = static_text(app, "#explain-output")
        assert "4.7.1" in shown and "451" in shown
        bounce = "This is the mail system at host mx.example.org.\n<bob@example.net>: host mx2 said:\n552 5.2.2 Mailbox full\n"
        app.screen.query_one("#explain-bounce", TextArea).text = bounce
        await pilot.click("#explain-bounce-button")
        await settle(pilot)
        shown = static_text(app, "#explain-output")
        assert "5.2.2" in shown and "552" in shown and "4.7.1" not in shown


async def test_decoder_shows_text_and_charset(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "decode")
        await settle(pilot)
        await submit(pilot, app, "#decode-input", "=?UTF-8?B?5rWL6K+V6YKu5Lu2?=")
        shown = static_text(app, "#decode-output")
        assert "测试邮件" in shown and "charset=UTF-8" in shown and "encoding=B" in shown
        await submit(pilot, app, "#decode-input", "=?UTF-8?B?5rWL6K+V6YKu5Lu?=")  # cut short
        assert "PARTIAL" in static_text(app, "#decode-output")
        screen = open_diagnostics(app, "headers")  # from a focused Input of another tab
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "tab-headers"
        assert "No message is open" in static_text(app, "#headers-output")


async def test_header_inspector_shows_hops(maildir: Path) -> None:
    raw = (HEADERS / "postfix_tls.eml").read_bytes()
    app = make_app(maildir)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "headers", raw_message=raw)
        await settle(pilot)
        shown = static_text(app, "#headers-output")
        assert "Received chain: 3 hop(s)" in shown and "mail.example.org" in shown
        assert "Return-Path: <alice@example.org>" in shown and "UNTRUSTED" in shown
        assert "MIME structure:" in shown
        # the pager opens another message: the same screen shows it
        open_diagnostics(app, "headers", raw_message=(HEADERS / "exim.eml").read_bytes())
        await settle(pilot)
        assert static_text(app, "#headers-output") != shown
        assert len(app.screen_stack) == 3  # default screen, browser, one diagnostics screen


async def test_smtp_probe_run_shows_starttls_capabilities_and_certificate(
    maildir: Path, relay_factory: Callable[..., Relay]
) -> None:
    relay = relay_factory("starttls")
    app = make_app(maildir, smtp=relay.config())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "smtp")
        await settle(pilot)
        assert app.screen.query_one("#smtp-host", Input).value == "127.0.0.1"
        app.screen.query_one("#smtp-password", Input).value = PASSWORD
        await pilot.click("#smtp-run")
        await settle(pilot)
        shown = static_text(app, "#smtp-output")
        assert "before TLS" in shown and "after TLS" in shown
        assert "STARTTLS" in shown and "PLAIN" in shown
        assert "subject CN   localhost" in shown and "IP:127.0.0.1" in shown and "days left" in shown
        assert "verified     yes" in shown and "OK: reached stage auth" in shown
        assert "235" in shown and PASSWORD not in shown
        assert relay.handler.logins and relay.handler.logins[-1][1] == USER.encode()
        await pilot.press("ctrl+b")  # the bundle carries the probe's capabilities and TLS details
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiagnosticsScreen) and screen.saved_path is not None
        bundle = screen.saved_path.read_text()
        assert (
            "after TLS" in bundle and "subject CN   localhost" in bundle and "AUTH PLAIN ********" in bundle
        )
        assert PASSWORD not in bundle and base64.b64encode(PASSWORD.encode()).decode() not in bundle


async def test_smtp_probe_step_advances_one_stage(maildir: Path, relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    app = make_app(maildir, smtp=relay.config())
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "smtp")
        await settle(pilot)
        app.screen.query_one("#smtp-password", Input).value = PASSWORD
        await pilot.click("#smtp-step")
        await settle(pilot)
        shown = static_text(app, "#smtp-output")
        assert "Next stage: ehlo" in shown and "220" in shown and "(EHLO not reached)" in shown
        await pilot.click("#smtp-step")
        await settle(pilot)
        shown = static_text(app, "#smtp-output")
        assert "Next stage: tls" in shown and "STARTTLS" in shown and "no TLS on this connection" in shown
        await pilot.click("#smtp-run")  # Run goes on from where Step left off
        await settle(pilot)
        assert "OK: reached stage auth" in static_text(app, "#smtp-output")
        result = app.screen.query_one(DiagSmtpProbe).result
        assert result is not None and [s.stage for s in result.steps] == ["connect", "ehlo", "tls", "auth"]


@pytest.fixture(scope="module")
def dns_server() -> Iterator[DnsServer]:
    server = DnsServer(ZONE)
    try:
        yield server
    finally:
        server.close()


async def test_dns_shows_mx_and_spf(maildir: Path, dns_server: DnsServer) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "dns")
        await settle(pilot)
        assert app.screen.query_one("#dns-domain", Input).value == "example.test"  # from the account
        app.screen.query_one("#dns-servers", Input).value = dns_server.address
        await submit(pilot, app, "#dns-domain", "example.test")
        shown = static_text(app, "#dns-output")
        assert "mx1.example.test  192.0.2.10" in shown
        assert "include:_spf.example.test" in shown and "DNS lookups: 1/10" in shown
        assert "p=reject" in shown


async def test_unreachable_dns_says_so(maildir: Path) -> None:
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    app = make_app(maildir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        screen = open_diagnostics(app, "dns")
        await settle(pilot)
        from mailtui.ui.widgets.diagnostics.dns import DiagDns

        screen.query_one(DiagDns).timeout = 0.3
        app.screen.query_one("#dns-servers", Input).value = f"127.0.0.1:{port}"
        await submit(pilot, app, "#dns-domain", "example.test")
        shown = static_text(app, "#dns-output")
        assert "DNS is unreachable" in shown


async def test_bundle_has_no_password(maildir: Path) -> None:
    secret = "Sup3r-Secret-pw"
    raw = (HEADERS / "postfix_tls.eml").read_bytes().replace(b"\n", f"\nX-Debug: {secret}\n".encode(), 1)
    app = make_app(maildir)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        transcript = app.session.transcript
        transcript.add_secret(secret, "alice")
        blob = base64.b64encode(f"\0alice\0{secret}".encode()).decode()
        transcript.add("smtp", "smtp#1 relay:587", Direction.SENT, f"AUTH PLAIN {blob}")
        transcript.add("smtp", "smtp#1 relay:587", Direction.RECEIVED, f"535 5.7.8 bad password {secret}")
        open_diagnostics(app, "headers", raw_message=raw)
        await settle(pilot)
        await pilot.press("ctrl+b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DiagnosticsScreen) and screen.saved_path is not None
        text = screen.saved_path.read_text()
        assert secret not in text and blob not in text
        assert f"X-Debug: {MASK}" in text and "535 5.7.8 bad password" in text
        assert "Message-ID: <20240409101201.12345@mail.example.org>" in text
        assert "(no SMTP probe was run)" in text
        assert str(screen.saved_path) in static_text(app, "#diag-status")


@pytest.mark.dovecot
async def test_imap_probe_and_console(maildir: Path, dovecot: DovecotServer) -> None:
    dovecot.add_user("diag", IMAP_PASSWORD)
    imap = ServerConfig(
        kind="imap", account="test", host="127.0.0.1", port=dovecot.imap_port, tls="starttls",
        user="diag", ca_file=dovecot.ca_file, timeout=10.0,
    )  # fmt: skip
    app = make_app(maildir, imap=imap)
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "imap")
        await settle(pilot)
        app.screen.query_one("#imap-password", Input).value = IMAP_PASSWORD
        await pilot.click("#imap-run")
        await settle(pilot)
        shown = static_text(app, "#imap-output")
        assert "before TLS" in shown and "after login" in shown and "STARTTLS" in shown
        assert "OK: reached stage list" in shown and "verified     yes" in shown
        await pilot.click("#imap-console-login")
        await settle(pilot)
        assert "Logged in" in static_text(app, "#imap-output")
        await submit(pilot, app, "#imap-console-input", 'LIST "" "*"')
        lines = log_text(app, "#imap-console-log")
        assert any(line.startswith('> mt1 LIST "" "*"') for line in lines)
        assert any("INBOX" in line for line in lines) and any(line.startswith("mt1 OK") for line in lines)
        assert not any(IMAP_PASSWORD in line.text for line in app.session.transcript.lines())


async def test_header_inspector_advice_in_chinese(maildir: Path) -> None:
    raw = (HEADERS / "postfix_tls.eml").read_bytes()
    app = make_app(maildir, lang="zh")  # [ui] language = "zh"
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "headers", raw_message=raw)
        await settle(pilot)
        shown = static_text(app, "#headers-output")
        assert "Received 链：共 3 跳" in shown and "MIME 结构：" in shown and "不可信" in shown
        assert "Received chain:" not in shown and "UNTRUSTED" not in shown
        assert "mail.example.org" in shown  # the header data itself is not translated
