"""The account's password goes only to the account's own server from the probe forms."""

from __future__ import annotations

import pytest

from mailtui.config import PasswordSource, ServerConfig
from mailtui.ui.widgets.diagnostics.probe_form import configured_password


@pytest.fixture
def own(monkeypatch: pytest.MonkeyPatch) -> ServerConfig:
    monkeypatch.setenv("PROBE_TEST_PASSWORD", "s3cret-for-relay")
    return ServerConfig(
        kind="smtp", account="work", host="relay.example.org", port=587, user="alice",
        password=PasswordSource(env="PROBE_TEST_PASSWORD", keyring=False),
    )  # fmt: skip


def test_the_accounts_own_server_and_user_get_its_password(own: ServerConfig) -> None:
    assert configured_password(own, "relay.example.org", "alice") == "s3cret-for-relay"


@pytest.mark.parametrize(
    ("host", "user"), [("evil.example.net", "alice"), ("relay.example.org", "bob"), ("relay.example.org", "")]
)
def test_another_server_or_user_gets_nothing(own: ServerConfig, host: str, user: str) -> None:
    assert configured_password(own, host, user) is None


def test_no_account_server_gets_nothing() -> None:
    assert configured_password(None, "relay.example.org", "alice") is None
