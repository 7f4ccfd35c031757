"""The mail-server screen under `[ui] language = "zh"`: tabs, source line, a traced message's
timeline and the relay findings in Chinese; log lines and Postfix setting names as they are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.ui.app import MailApp
from mailtui.ui.screens.server.source import ServerSource
from tests.server.test_i18n_server import LOG, QID
from tests.ui.conftest import screen_text, wait_until
from tests.ui.test_server_screen import open_server, short_dir  # noqa: F401  (fixture)


def zh_server_app(maildir: Path, source: ServerSource) -> MailApp:
    account = AccountConfig(name="test", maildir=str(maildir))
    ui = UIConfig(theme="textual-dark", language="zh")
    return MailApp(Config(accounts=(account,), ui=ui), account, server=source)


def shown(app: MailApp, *parts: str) -> bool:
    text = screen_text(app)
    return all(p in text for p in parts)


@pytest.mark.skipif(
    not (shutil.which("postconf") or Path("/usr/sbin/postconf").exists()), reason="no postconf"
)
async def test_server_screen_in_chinese(maildir: Path, short_dir: Path) -> None:  # noqa: F811
    log = short_dir / "maillog"
    log.write_text(LOG)
    postfix = short_dir / "pf"
    postfix.mkdir()
    (postfix / "main.cf").write_text("mynetworks = 127.0.0.0/8\n")
    app = zh_server_app(maildir, ServerSource((str(log),), str(postfix)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_server(pilot)
        await wait_until(pilot, lambda: shown(app, "队列", "追踪", "摘要", "中继检查"), 10, "the tabs")
        assert shown(app, f"日志 {log} · postfix -c {postfix}")
        assert not shown(app, "Relay check") and not shown(app, "log /")

        screen.show_tab("trace")
        await wait_until(
            pilot, lambda: app.focused is not None and app.focused.id == "trace-query", 10, "focus"
        )
        await pilot.press(*QID, "enter")
        await wait_until(pilot, lambda: shown(app, "已从队列中移除"), 30, "the timeline")
        assert shown(app, "接收自 client.example[192.0.2.5]", "已排队，发件人 <a@example.org>，1234 字节")
        assert shown(app, "发往 <b@example.net>：sent", "250 2.0.0 Ok: queued as 99")
        assert not shown(app, "received from") and not shown(app, "removed from the queue")

        screen.show_tab("check")
        await wait_until(pilot, lambda: shown(app, "不是开放中继"), 30, "the findings")
        assert shown(app, "smtpd_relay_restrictions", "可信任中继的客户端：127.0.0.0/8", "入站邮件未启用 TLS")
        assert not shown(app, "not an open relay") and not shown(app, "TLS is off")
