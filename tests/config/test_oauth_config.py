"""The oauth2_mechanism key and the SASL helpers that use it (credentials.py)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from mailtui import credentials
from mailtui.config import load_config
from mailtui.core.errors import ConfigError


def _write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[[account]]\nname = "g"\nfrom = "a@example.com"\n'
        f'[account.imap]\nhost = "imap.example.com"\nuser = "a@example.com"\n'
        f'oauth2_token_command = "oama access a@example.com"\n{extra}'
    )
    path.chmod(0o600)
    return path


@pytest.mark.parametrize("value", ["auto", "oauthbearer", "xoauth2"])
def test_oauth2_mechanism_is_read(tmp_path: Path, value: str) -> None:
    config = load_config(_write(tmp_path, f'oauth2_mechanism = "{value}"\n'))
    imap = config.accounts[0].imap
    assert imap is not None and imap.oauth2_mechanism == value


def test_oauth2_mechanism_defaults_to_auto(tmp_path: Path) -> None:
    imap = load_config(_write(tmp_path, "")).accounts[0].imap
    assert imap is not None and imap.oauth2_mechanism == "auto"


def test_unknown_oauth2_mechanism_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, 'oauth2_mechanism = "oauth2"\n'))
    assert "oauth2_mechanism" in str(err.value) and "'oauthbearer'" in str(err.value)


@pytest.mark.parametrize(
    ("preference", "offered", "chosen"),
    [
        ("auto", ["PLAIN", "XOAUTH2", "OAUTHBEARER"], "OAUTHBEARER"),
        ("auto", ["plain", "xoauth2"], "XOAUTH2"),
        ("auto", ["PLAIN", "LOGIN"], None),
        ("xoauth2", ["OAUTHBEARER", "XOAUTH2"], "XOAUTH2"),
        ("oauthbearer", ["XOAUTH2"], None),
    ],
)
def test_choose_oauth_mechanism(preference: str, offered: list[str], chosen: str | None) -> None:
    assert credentials.choose_oauth_mechanism(preference, offered) == chosen


def test_oauthbearer_initial_response_is_rfc7628() -> None:
    blob = credentials.oauth_initial_response("OAUTHBEARER", "a=b,c@x", "TOK", "imap.x", 993)
    assert blob == b"n,a=a=3Db=2Cc@x,\x01host=imap.x\x01port=993\x01auth=Bearer TOK\x01\x01"
    assert (
        credentials.oauth_initial_response("XOAUTH2", "u", "TOK", "h", 1)
        == b"user=u\x01auth=Bearer TOK\x01\x01"
    )


def test_oauth_error_detail() -> None:
    challenge = base64.b64encode(json.dumps({"status": "invalid_token", "scope": "mail"}).encode())
    assert credentials.oauth_error_detail(challenge) == "status invalid_token, scope mail"
    assert credentials.oauth_error_detail(b"not base64 nor json") == ""
    assert credentials.oauth_error_detail(base64.b64encode(b"[1, 2]")) == ""
