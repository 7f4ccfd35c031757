"""The IMAP console's refusals in Chinese under zh (no server needed: `check` refuses before sending)."""

from __future__ import annotations

import pytest

from mailtui.core.i18n import set_language
from mailtui.diagnostics.imap_probe import ImapConsole
from mailtui.diagnostics.probe_session import ProbeError


class _Raw:
    def send(self, data: bytes) -> None: ...
    def readline(self) -> bytes:
        return b""

    def read(self, size: int) -> bytes:
        return b""


@pytest.mark.parametrize(
    ("line", "en", "zh"),
    [
        (
            "LOGIN u p",
            "the console does not send LOGIN: it carries a password",
            "控制台不发送 LOGIN：它带有密码",
        ),
        ("", "type an IMAP command", "请输入 IMAP 命令"),
        ("APPEND INBOX {12}", "literals ({N}) need a continuation", "字面量（{N}）需要"),
    ],
)
def test_console_refusals_in_both_languages(line: str, en: str, zh: str) -> None:
    console = ImapConsole(_Raw())
    with pytest.raises(ProbeError) as err:
        console.check(line)
    assert en in err.value.message
    set_language("zh")
    with pytest.raises(ProbeError) as err:
        console.check(line)
    assert zh in err.value.message and en not in err.value.message
