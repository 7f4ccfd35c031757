"""Issue 16: delivery status notifications asked for from `mailtui send --dsn`, an account's
dsn_notify, and compose's F4 - against the suite's private Postfix, which offers DSN (aiosmtpd
refuses RCPT parameters), so NOTIFY/RET are seen on the wire and Postfix acts on them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from mailtui.config import AccountConfig, Config, ServerConfig, UIConfig
from mailtui.ui.app import MailApp
from mailtui.ui.screens.compose.compose import ComposeScreen
from tests.postfix_server import DOMAIN
from tests.server.conftest import PostfixLog
from tests.ui.conftest import make_maildir, settle, wait_until
from tests.ui.test_compose_send import fill


def send(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
           "XDG_DATA_HOME": str(home / ".data"), "XDG_CACHE_HOME": str(home / ".cache")}  # fmt: skip
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args], capture_output=True, text=True, env=env, timeout=60,
        start_new_session=True,
    )  # fmt: skip


def queue_id(text: str) -> str:
    found = re.search(r"queued as ([0-9A-F]{6,})", text)
    assert found is not None, text
    return found.group(1)


def test_send_dsn_puts_notify_and_ret_on_the_wire_and_postfix_reports_success(
    postfix_log: PostfixLog, tmp_path: Path
) -> None:
    server = postfix_log.server
    done = send(
        "send", "--server", f"127.0.0.1:{server.port}", "--tls", "none", "--from", f"admin@{DOMAIN}",
        "--transcript", "--preset", "plain", "--dsn", "success,failure", "--dsn-ret", "hdrs", f"alice@{DOMAIN}",
        home=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"RCPT TO:<alice@{DOMAIN}> NOTIFY=SUCCESS,FAILURE" in done.stderr
    assert "RET=HDRS" in done.stderr
    ident = queue_id(done.stdout + done.stderr)
    server.wait_for_log(rf"{ident}: sender delivery status notification: \w+")  # NOTIFY=SUCCESS honoured


def test_a_bad_dsn_value_is_a_usage_error(tmp_path: Path) -> None:
    done = send("send", "--server", "127.0.0.1:1", "--dsn", "sometimes", "x@example.org", home=tmp_path)
    assert done.returncode == 2 and "expected never, or a comma list of success, failure, delay" in done.stderr


def test_the_accounts_dsn_notify_is_the_default(postfix_log: PostfixLog, tmp_path: Path) -> None:
    server = postfix_log.server
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[account]]\nname = "pf"\nfrom = "admin@{DOMAIN}"\nmaildir = "{make_maildir(tmp_path / "Mail")}"\n'
        'dsn_notify = "success"\n'
        f'[account.smtp]\nhost = "127.0.0.1"\nport = {server.port}\ntls = "none"\nauth = false\n'
    )
    config.chmod(0o600)
    done = send("--config", str(config), "send", "--transcript", "--preset", "plain", f"alice@{DOMAIN}", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"RCPT TO:<alice@{DOMAIN}> NOTIFY=SUCCESS" in done.stderr
    server.wait_for_log(rf"{queue_id(done.stdout + done.stderr)}: sender delivery status notification: \w+")


async def test_compose_f4_asks_for_every_report(postfix_log: PostfixLog, tmp_path: Path) -> None:
    server = postfix_log.server
    smtp = ServerConfig(kind="smtp", account="pf", host="127.0.0.1", port=server.port, tls="none", auth=False)
    account = AccountConfig(name="pf", from_address=f"admin@{DOMAIN}", maildir=str(make_maildir(tmp_path / "M")),
                            smtp=smtp)  # fmt: skip
    app = MailApp(Config(accounts=(account,), ui=UIConfig(theme="textual-dark")), account)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await fill(pilot, f"alice@{DOMAIN}", "with reports")
        await pilot.press("f4")
        await wait_until(pilot, lambda: screen.dsn_notify == "success,failure,delay", what="F4's choice")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ComposeScreen), what="sent")
        shown = "\n".join(app.last_send)  # the conversation L shows
    assert f"RCPT TO:<alice@{DOMAIN}> NOTIFY=SUCCESS,FAILURE,DELAY" in shown
    server.wait_for_log(rf"{queue_id(shown)}: sender delivery status notification: \w+")
