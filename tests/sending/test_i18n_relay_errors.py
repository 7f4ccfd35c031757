"""The relay client's own errors (no password, bad ca_file, bad address) in Chinese under zh."""

from __future__ import annotations

import pytest

from mailtui.core.compose import preset_draft
from mailtui.core.errors import EX_DATAERR
from mailtui.core.i18n import set_language
from mailtui.sending.smtp import RelayError, _check_envelope, make_tls_context
from tests.sending.relay import Relay
from tests.sending.test_smtp import _send


def test_bad_address_in_chinese_keeps_its_exit_code() -> None:
    with pytest.raises(RelayError) as en:
        _check_envelope("me@example.org", ["nobody"])
    assert en.value.message.startswith("bad recipient address") and en.value.exit_code == EX_DATAERR
    set_language("zh")
    with pytest.raises(RelayError) as zh:
        _check_envelope("me@example.org", ["nobody"])
    assert "收件人地址 'nobody' 无效" in zh.value.message and "bad recipient" not in zh.value.message
    assert zh.value.exit_code == EX_DATAERR


def test_unreadable_ca_file_in_chinese(relay_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    relay: Relay = relay_factory("starttls")
    set_language("zh")
    with pytest.raises(RelayError) as err:
        make_tls_context(relay.config(ca_file=str(tmp_path / "missing.pem")))
    assert "无法为" in err.value.message and "cannot load ca_file" not in err.value.message
    assert err.value.title == "TLS 配置错误"


async def test_no_password_in_chinese(relay_factory) -> None:  # type: ignore[no-untyped-def]
    relay: Relay = relay_factory("starttls")
    set_language("zh")
    with pytest.raises(RelayError) as err:
        await _send(relay, preset_draft("plain", "me@example.org", "you@example.net"), password=None)
    assert "没有密码" in err.value.message and "no password for" not in err.value.message
    assert err.value.title == "没有密码"
