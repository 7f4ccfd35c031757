"""The decoder, header-inspector and transcript tabs under `[ui] language = "zh"`: their own
sentences in Chinese, and the Chinese untrusted/disagreement lines still highlighted."""

from __future__ import annotations

from pathlib import Path

from rich.style import Style
from textual.widgets import Input

from mailtui.core.i18n import set_language
from mailtui.ui.diagnostics_actions import open_diagnostics
from mailtui.ui.widgets.diagnostics.headers import verdicts_text
from tests.ui.conftest import settle
from tests.ui.test_diagnostics import HEADERS, maildir, make_app, static_text, submit  # noqa: F401


async def test_decoder_and_inspector_in_chinese(maildir: Path) -> None:  # noqa: F811
    app = make_app(maildir, lang="zh")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        open_diagnostics(app, "decode")
        await settle(pilot)
        await submit(pilot, app, "#decode-input", " ")
        assert static_text(app, "#decode-output").startswith("没有可解码的内容：")
        await submit(pilot, app, "#decode-input", "=?UTF-8?B?5rWL6K+V6YKu5Lu2?=")
        shown = static_text(app, "#decode-output")
        assert (
            shown.startswith("已按 ")
            and "（自动识别）" in shown
            and "编码字：" in shown
            and "测试邮件" in shown
        )
        assert "Decoded as" not in shown and "charset=UTF-8" in shown  # the word's own fields stay
        open_diagnostics(app, "transcript")
        await settle(pilot)
        assert app.screen.query_one("#transcript-filter", Input).placeholder.startswith("过滤：")
        open_diagnostics(app, "headers")
        await settle(pilot)
        assert static_text(app, "#headers-output").startswith("没有打开的邮件。")
        open_diagnostics(app, "headers", raw_message=(HEADERS / "postfix_tls.eml").read_bytes())
        await settle(pilot)
        assert static_text(app, "#headers-verdicts").startswith("用 Tab 切换到此检查结果，然后按 V")


def test_chinese_disagreements_are_flagged() -> None:
    set_language("zh")
    warning = Style(bold=True)
    text = verdicts_text(
        "dkim   pass\n! dkim d=example.test  失败\n    不一致：服务器验证通过，我们没有\nspf pass\n", warning
    )
    flagged = [line.plain for line in text.split() if any(span.style == warning for span in line.spans)]
    assert flagged == ["! dkim d=example.test  失败", "    不一致：服务器验证通过，我们没有"]
