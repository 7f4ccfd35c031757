"""OAuth2 logins to a real Dovecot: OAUTHBEARER (RFC 7628) and XOAUTH2 through `passdb oauth2`.

Dovecot checks each token with a loopback introspection server (`introspection_mode = post`),
a tiny http.server in this module that knows one token. Dovecot offers both mechanisms, so
"auto" must pick OAUTHBEARER; a wrong token gets Dovecot's JSON error challenge, which the
client answers with %x01 and reports.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from mailtui.backends.imap.backend import ImapBackend
from mailtui.config import AccountConfig, ServerConfig
from mailtui.core.errors import AuthenticationError
from mailtui.core.transcript import Transcript
from tests.backends import dovecot_server
from tests.backends.dovecot_server import DovecotServer, start_or_skip

pytestmark = pytest.mark.dovecot

USER = "bob"
TOKEN = "ya29.dovecot-good-token-0123456789"

_OAUTH_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {ext}
}}
"""


class Introspection(ThreadingHTTPServer):
    """RFC 7662 token introspection on loopback: TOKEN is active for USER, nothing else is."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _IntrospectionHandler)
        self.tokens: list[str] = []


class _IntrospectionHandler(BaseHTTPRequestHandler):
    server: Introspection

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        token = (parse_qs(body).get("token") or [""])[0]
        if not token:  # some versions send it as a bearer header
            token = self.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        self.server.tokens.append(token)
        answer = {"active": True, "username": USER} if token == TOKEN else {"active": False}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        pass


@pytest.fixture(scope="module")
def introspection() -> Iterator[Introspection]:
    server = Introspection()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def dovecot(
    tmp_path_factory: pytest.TempPathFactory, introspection: Introspection
) -> Iterator[DovecotServer]:
    """A Dovecot whose first passdb checks OAuth2 tokens with `introspection`."""
    tmp = Path(tmp_path_factory.mktemp("oauth-dovecot"))
    ext = tmp / "dovecot-oauth2.conf.ext"
    ext.write_text(
        "introspection_mode = post\n"
        f"introspection_url = http://127.0.0.1:{introspection.server_address[1]}/\n"
        "force_introspection = yes\n"
        "username_attribute = username\n"
        "active_attribute = active\n"
        "active_value = true\n"
    )
    ext.chmod(0o644)
    tmp.chmod(0o755)
    original = dovecot_server._CONFIG
    config = original.replace(
        "auth_mechanisms = plain login", "auth_mechanisms = plain login oauthbearer xoauth2"
    )
    dovecot_server._CONFIG = config.replace(
        "passdb {{", _OAUTH_PASSDB.replace("{ext}", str(ext)) + "passdb {{", 1
    )
    try:
        server = start_or_skip(tmp)
    finally:
        dovecot_server._CONFIG = original
    try:
        server.add_user(USER, "not-used-password-1")
        yield server
    finally:
        server.stop()


def _config(server: DovecotServer, token: str, **overrides: object) -> ServerConfig:
    base = ServerConfig(
        kind="imap", account="oauth", host="127.0.0.1", port=server.imaps_port, tls="ssl", user=USER,
        ca_file=server.ca_file, oauth2_token_command=f"printf '%s\\n' '{token}'",
    )  # fmt: skip
    return replace(base, **overrides)  # type: ignore[arg-type]


def _login(config: ServerConfig, transcript: Transcript) -> str | None:
    backend = ImapBackend.from_account(AccountConfig(name="oauth", imap=config), transcript)
    try:
        assert "INBOX" in [f.name for f in backend.list_folders()]
        return transcript.format()
    finally:
        backend.close()


def test_auto_logs_in_with_oauthbearer(dovecot: DovecotServer, introspection: Introspection) -> None:
    transcript = Transcript()
    whole = _login(_config(dovecot, TOKEN), transcript) or ""
    assert "AUTHENTICATE OAUTHBEARER" in whole and "with AUTHENTICATE OAUTHBEARER" in whole
    assert TOKEN not in whole and base64.b64encode(TOKEN.encode()).decode() not in whole
    assert introspection.tokens[-1] == TOKEN


def test_forced_xoauth2(dovecot: DovecotServer) -> None:
    transcript = Transcript()
    whole = _login(_config(dovecot, TOKEN, oauth2_mechanism="xoauth2"), transcript) or ""
    assert "with AUTHENTICATE XOAUTH2" in whole and TOKEN not in whole


def test_refused_token_reports_the_json_status(dovecot: DovecotServer) -> None:
    bad = "ya29.dovecot-expired-token-987654"
    transcript = Transcript()
    with pytest.raises(AuthenticationError) as info:
        _login(_config(dovecot, bad), transcript)
    text = str(info.value)
    assert "invalid_token" in text and "oauth2_token_command" in text and bad not in text
    assert bad not in transcript.format()


def test_probe_logs_in_with_the_token(dovecot: DovecotServer) -> None:
    from mailtui.diagnostics.imap_probe import ImapProbeSession

    result = ImapProbeSession(_config(dovecot, TOKEN), oauth2_token=TOKEN).run_to()
    assert result.ok, result.error
    assert result.login == "ok" and result.login_mechanism == "OAUTHBEARER"
    assert result.folder_count is not None and result.folder_count >= 1
    whole = "\n".join(result.transcript)
    assert "AUTHENTICATE OAUTHBEARER" in whole and TOKEN not in whole


def test_probe_reports_a_refused_token(dovecot: DovecotServer) -> None:
    from mailtui.diagnostics.imap_probe import ImapProbeSession

    bad = "ya29.probe-expired-token-4444"
    config = _config(dovecot, bad, oauth2_mechanism="xoauth2")
    result = ImapProbeSession(config, oauth2_token=bad).run_to()
    assert not result.ok and result.login != "ok"
    assert "oauth2_token_command" in result.error and bad not in result.error
    assert bad not in "\n".join(result.transcript)
