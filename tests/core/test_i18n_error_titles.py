"""Error titles follow the language: raise sites write English, the admin reads Chinese under zh."""

from __future__ import annotations

from mailtui.core.errors import BackendError, MailtuiError, SendError
from mailtui.core.i18n import set_language


def test_default_and_given_titles_in_chinese() -> None:
    assert SendError("x").title == "Send failed"
    assert MailtuiError("x", title="Cannot connect").title == "Cannot connect"
    set_language("zh")
    assert SendError("x").title == "发送失败"
    assert MailtuiError("x", title="Cannot connect").title == "无法连接"
    assert BackendError("x").title == "邮箱错误"
    assert MailtuiError("x", title="Some title not in the table").title == "Some title not in the table"


def test_relay_titles_in_chinese() -> None:
    from mailtui.sending.smtp import RelayError

    set_language("zh")
    err = RelayError("x", temporary=True, title="Recipients refused")
    assert err.title == "收件人被拒绝" and "Recipients" not in err.title
