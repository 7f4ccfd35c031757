"""Compose's send transcript says a failed send in the configured language."""

from __future__ import annotations

from mailtui.core.errors import SendError
from mailtui.core.i18n import set_language
from mailtui.ui.screens.compose.send_transcript import failure_text


def test_failure_text_in_chinese_and_english() -> None:
    error = SendError("the relay closed the connection")
    assert failure_text(error).startswith("NOT SENT (")
    set_language("zh")
    shown = failure_text(error, "zh")
    assert shown.startswith("未发送（") and "the relay closed the connection" in shown
    assert "NOT SENT" not in shown
