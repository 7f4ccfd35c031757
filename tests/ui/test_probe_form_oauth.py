"""The diagnostics probe forms log in to an OAuth2 account as `mailtui probe --account` does:
with the token of its oauth2_token_command (OAUTHBEARER or XOAUTH2 as oauth2_mechanism says),
masked in the transcript; the free field takes a token typed in instead."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from mailtui.ui.diagnostics_actions import open_diagnostics
from mailtui.ui.widgets.diagnostics.smtp_probe import DiagSmtpProbe
from tests.backends import test_oauth_imap
from tests.backends.dovecot_server import DovecotServer
from tests.sending import test_oauth_smtp
from tests.sending.test_oauth_smtp import TOKEN, USER, OAuthRelay
from tests.ui.conftest import screen_text, settle, wait_until
from tests.ui.test_diagnostics import make_app, static_text

# The OAuth relay of the sending tests (OAUTHBEARER and XOAUTH2 handler hooks), as fixtures here.
oauth_certs = test_oauth_smtp.oauth_certs
oauth_relay = test_oauth_smtp.oauth_relay


def _command(token: str) -> str:
    return f"printf '%s\\n' '{token}'"


@pytest.fixture
def maildir(tmp_path: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "Mail" / sub).mkdir(parents=True)
    return tmp_path / "Mail"


def _secrets(blob: bytes) -> tuple[str, ...]:
    return TOKEN, base64.b64encode(TOKEN.encode()).decode(), base64.b64encode(blob).decode()


async def _run_smtp_probe(app, typed: str = "") -> str:  # type: ignore[no-untyped-def]
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "smtp")
        await wait_until(pilot, lambda: bool(app.screen.query("#smtp-run")), what="the SMTP form")
        app.screen.query_one("#smtp-password", Input).value = typed
        await pilot.click("#smtp-run")
        await settle(pilot)
        probe = app.screen.query_one(DiagSmtpProbe)
        shown = static_text(app, "#smtp-output")
        return shown + "\n" + probe.transcript.format()


@pytest.mark.parametrize(
    ("mechanism", "exclude", "expected"),
    [("auto", (), "OAUTHBEARER"), ("xoauth2", (), "XOAUTH2"), ("auto", ("OAUTHBEARER",), "XOAUTH2")],
)
async def test_smtp_form_logs_in_with_the_accounts_token(
    maildir: Path,
    oauth_relay: Callable[..., OAuthRelay],
    mechanism: str,
    exclude: tuple[str, ...],
    expected: str,
) -> None:
    relay = oauth_relay(exclude=exclude)
    server = relay.config(oauth2_token_command=_command(TOKEN), oauth2_mechanism=mechanism)
    whole = await _run_smtp_probe(make_app(maildir, smtp=server))
    assert [m for m, _ in relay.handler.logins] == [expected], whole
    assert "OK: reached stage auth" in whole and f"AUTH {expected} ********" in whole
    assert f"logged in as {USER} with AUTH {expected}" in whole
    for secret in _secrets(relay.handler.logins[0][1]):
        assert secret not in whole


async def test_smtp_form_takes_a_typed_token(maildir: Path, oauth_relay: Callable[..., OAuthRelay]) -> None:
    relay = oauth_relay()
    server = relay.config(oauth2_token_command="false")  # the command would fail: the typed token is used
    app = make_app(maildir, smtp=server)
    whole = await _run_smtp_probe(app, typed=TOKEN)
    assert [m for m, _ in relay.handler.logins] == ["OAUTHBEARER"], whole
    assert "OK: reached stage auth" in whole and "AUTH OAUTHBEARER ********" in whole
    for secret in _secrets(relay.handler.logins[0][1]):
        assert secret not in whole


async def test_smtp_form_keeps_the_token_from_another_server(
    maildir: Path, oauth_relay: Callable[..., OAuthRelay], tmp_path: Path
) -> None:
    relay = oauth_relay()
    ran = tmp_path / "ran"
    server = relay.config(oauth2_token_command=f"touch {ran}; {_command(TOKEN)}")
    app = make_app(maildir, smtp=server)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "smtp")
        await wait_until(pilot, lambda: bool(app.screen.query("#smtp-run")), what="the SMTP form")
        app.screen.query_one("#smtp-user", Input).value = "mallory@example.com"
        await pilot.click("#smtp-run")
        await settle(pilot)
        probe = app.screen.query_one(DiagSmtpProbe)
    assert relay.handler.logins == [] and not ran.exists()
    assert probe.result is not None and not probe.result.ok


# The OAuth2-checking Dovecot of the IMAP OAuth tests (its token introspection endpoint too).
dovecot = test_oauth_imap.dovecot
introspection = test_oauth_imap.introspection


@pytest.mark.dovecot
@pytest.mark.parametrize(("mechanism", "expected"), [("auto", "OAUTHBEARER"), ("xoauth2", "XOAUTH2")])
async def test_imap_form_logs_in_with_the_accounts_token(
    maildir: Path, dovecot: DovecotServer, mechanism: str, expected: str
) -> None:
    token = test_oauth_imap.TOKEN
    imap = test_oauth_imap._config(dovecot, token, oauth2_mechanism=mechanism)
    app = make_app(maildir, imap=imap)
    async with app.run_test(size=(100, 50)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "imap")
        await wait_until(pilot, lambda: bool(app.screen.query("#imap-run")), what="the IMAP form")
        await pilot.click("#imap-run")
        await settle(pilot)
        shown = static_text(app, "#imap-output")
        whole = shown + "\n" + app.session.transcript.format()
    assert "OK: reached stage list" in shown, shown
    assert f"AUTHENTICATE {expected}" in whole and f"with AUTHENTICATE {expected}" in whole
    assert token not in whole and base64.b64encode(token.encode()).decode() not in whole


def test_probe_secrets_follow_the_cli(tmp_path: Path) -> None:
    from dataclasses import replace

    from mailtui.config import ServerConfig
    from mailtui.ui.widgets.diagnostics.probe_form import probe_secrets, secret_title

    ran = tmp_path / "ran"
    own = ServerConfig(
        kind="smtp", account="a", host="relay.test", port=587, user=USER,
        oauth2_token_command=f"touch {ran}; {_command(TOKEN)}",
    )  # fmt: skip
    assert secret_title(own).startswith("OAuth2 token") and secret_title(
        replace(own, oauth2_token_command=None)
    ) == ("password (empty: from config)")
    assert probe_secrets(own, own, "") == (None, TOKEN)
    assert probe_secrets(own, own, "typed-token") == (None, "typed-token")
    ran.unlink()
    for other in (replace(own, host="elsewhere.test"), replace(own, user="eve"), replace(own, tls="none")):
        assert probe_secrets(own, other, "") == (None, None)
    assert probe_secrets(replace(own, auth=False), own, "") == (None, None)
    assert not ran.exists()  # the command ran only for the account's own login


async def test_smtp_form_says_when_the_token_command_fails(
    maildir: Path, oauth_relay: Callable[..., OAuthRelay]
) -> None:
    relay = oauth_relay()
    app = make_app(maildir, smtp=relay.config(oauth2_token_command="exit 3"))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "smtp")
        await wait_until(pilot, lambda: bool(app.screen.query("#smtp-run")), what="the SMTP form")
        assert app.screen.query_one("#smtp-password", Input).border_title == (
            "OAuth2 token (empty: oauth2_token_command)"
        )
        await pilot.click("#smtp-run")
        await settle(pilot)
        shown = static_text(app, "#smtp-output")
    assert "oauth2_token_command" in shown and relay.handler.logins == [], shown


async def test_probe_form_and_report_in_chinese(
    maildir: Path, oauth_relay: Callable[..., OAuthRelay]
) -> None:
    relay = oauth_relay()
    app = make_app(maildir, smtp=relay.config(oauth2_token_command=_command(TOKEN)), lang="zh")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "smtp")
        await wait_until(pilot, lambda: bool(app.screen.query("#smtp-run")), what="the SMTP form")
        assert app.screen.query_one("#smtp-host", Input).border_title == "主机"
        assert app.screen.query_one("#smtp-password", Input).border_title.startswith("OAuth2 令牌（留空")
        assert "“运行”会探测到所选阶段为止" in static_text(app, "#smtp-output")
        await pilot.click("#smtp-step")
        await settle(pilot)
        shown = static_text(app, "#smtp-output")
        assert shown.startswith("下一阶段：ehlo（按“单步”）") and "Next stage" not in shown
        await pilot.click("#smtp-run")
        await settle(pilot)
        shown = static_text(app, "#smtp-output")
        text = screen_text(app)
    assert "成功：已到达 auth 阶段" in shown and f"已用 AUTH OAUTHBEARER 以 {USER} 身份登录" in shown
    assert "SMTP 探测" in text and "会话记录" in text and "状态码" in text and "SMTP probe" not in text
    assert TOKEN not in shown


def test_report_wording_and_problem_lines_in_both_languages() -> None:
    from mailtui.ui.widgets.diagnostics.probe_form import is_problem_line, ui_wording

    assert (
        ui_wording("FAILED (exit 75) after stage tls, aiming for auth:")
        == "FAILED after stage tls, aiming for auth:"
    )
    assert (
        ui_wording("失败（退出码 75）：目标为 auth 阶段，止于 tls 阶段之后：")
        == "失败：目标为 auth 阶段，止于 tls 阶段之后："
    )
    assert is_problem_line("  verified     否：证书已过期") and is_problem_line("  expires      已过期 3 天")
    assert is_problem_line("  verified     NO: expired") and not is_problem_line("成功：已到达 auth 阶段")
