"""The mail-server tabs' own sentences under `[ui] language = "zh"`: the queue's columns and
its error, the trace's headings, status line and empty state, the summary's headings and plot
labels, the relay check's levels (aligned in cells); log text and status words as logged."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len

from mailtui.core.i18n import set_language
from mailtui.ui.app import MailApp
from mailtui.ui.screens.server.source import ServerSource
from mailtui.ui.widgets.server.check_view import findings_text
from mailtui.ui.widgets.server.lines import pad_cells
from tests.server.test_i18n_server import LOG, QID
from tests.ui.conftest import screen_text, wait_until
from tests.ui.test_server_screen import open_server, short_dir  # noqa: F401  (fixture)
from tests.ui.test_server_screen_zh import zh_server_app

needs_postconf = pytest.mark.skipif(
    not (shutil.which("postconf") or Path("/usr/sbin/postconf").exists()), reason="no postconf"
)


def shown(app: MailApp, *parts: str) -> bool:
    text = screen_text(app)
    return all(p in text for p in parts)


def english_left(app: MailApp, *parts: str) -> list[str]:
    text = screen_text(app)
    return [p for p in parts if p in text]


async def trace_for(pilot: object, app: MailApp, query: str, expected: str) -> None:
    await pilot.press("ctrl+u", *query, "enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: shown(app, expected), 30, f"the trace of {query}")


@needs_postconf
async def test_server_tabs_in_chinese(maildir: Path, short_dir: Path) -> None:  # noqa: F811
    log = short_dir / "maillog"
    log.write_text(LOG)
    postfix = short_dir / "pf"
    postfix.mkdir()
    (postfix / "main.cf").write_text("mynetworks = 127.0.0.0/8\n")  # no queue behind it: postqueue fails
    app = zh_server_app(maildir, ServerSource((str(log),), str(postfix)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_server(pilot)
        await wait_until(pilot, lambda: shown(app, "无法读取队列"), 30, "the queue error")
        assert shown(app, "队列 ID", "时长", "大小", "发件人", "收件人")
        assert not english_left(app, "the queue could not be read", "Queue ID", "Age", "Reading the queue")

        screen.show_tab("trace")
        await wait_until(
            pilot, lambda: app.focused is not None and app.focused.id == "trace-query", 10, "focus"
        )
        assert shown(app, "输入队列 ID（如 12BDBE6FEE9）、Message-ID 或地址，然后按 Enter。")
        await trace_for(pilot, app, QID, "时间线（")
        assert shown(app, f"邮件 {QID}（postfix）：sent（最终）", "1 封邮件，0 次 SMTP 拒绝")
        assert shown(app, "发件人 <a@example.org>，1234 字节，客户端 client.example[192.0.2.5]")
        assert shown(app, "发往 <b@example.net> sent（dsn 2.0.0，经由 mx.example.net[198.51.100.2]:25，")
        assert shown(app, f"队列 ID {QID}）", "250 2.0.0 Ok: queued as 99")  # the reply as logged
        assert not english_left(app, "timeline (", "(final)", "queue id", "SMTP reject", " bytes")

        await trace_for(pilot, app, "a@elsewhere.example", "在 SMTP 会话中被拒绝：")
        assert shown(app, "RCPT，来自 x[192.0.2.9]", "发件人 <b@c.example>，收件人 <a@elsewhere.example>")
        assert shown(app, "Relay access denied") and not english_left(app, "Refused during SMTP", " from x[")

        await trace_for(
            pilot, app, "nobody@nowhere.example", "日志中没有与 'nobody@nowhere.example' 匹配的内容。"
        )
        assert not english_left(app, "Nothing in the log matches")

        screen.show_tab("summary")
        await wait_until(pilot, lambda: shown(app, "拒收原因"), 30, "the summary")
        assert shown(app, "已接收       1   （1234 字节）", "已拒收       1", "发件人排行", "收件人排行")
        assert shown(app, "已接收/小时", "已投递/小时", "已延迟/小时", "峰值 1", "每小时，")
        assert shown(app, "Relay access denied")  # the logged reason, as logged
        assert not english_left(
            app, "received/h", "peak", "per hour", "Rejection reasons", "Top senders", "time window"
        )

        screen.show_tab("check")
        await wait_until(pilot, lambda: shown(app, "不是开放中继"), 30, "the findings")
        assert shown(app, "正常", "客户端 IP：它能否中继？", "域名：检查其 MX 的 25 端口")
        assert not english_left(app, "[  ok   ]", "[ info  ]", "client IP", "Reading postconf")
        # The setting names start in one column: the levels are padded in cells, not characters.
        starts = {cell_len(line[: line.index("]") + 1]) for line in screen_text(app).splitlines()
                  if "[" in line and "]" in line and ("正常" in line or "警告" in line or "信息" in line)}  # fmt: skip
        assert len(starts) == 1, starts


def test_levels_are_padded_in_cells() -> None:
    from mailtui.server.relay_check import Finding

    findings = [Finding(level, "mynetworks", "text") for level in ("problem", "warning", "ok", "info")]
    set_language("zh")
    assert pad_cells("问题", 7, "^") == " 问题  " and cell_len(pad_cells("正常", 7, "^")) == 7
    assert pad_cells("a", 3, ">") == "  a" and pad_cells("已接收", 4) == "已接收"
    from rich.console import Console

    console = Console(width=60, record=True, color_system=None)
    console.print(findings_text(findings, None))
    rows = [line for line in console.export_text().splitlines() if line.startswith("[")]
    assert [cell_len(row[: row.index("mynetworks")]) for row in rows] == [10] * 4, rows
