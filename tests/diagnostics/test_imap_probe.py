"""The IMAP probe and the raw console against a real Dovecot (skipped locally without it, failing on CI)."""

from __future__ import annotations

import base64
import itertools

import pytest

from mailtui.backends.imap.settings import ImapSettings
from mailtui.core.errors import EX_NOPERM, EX_PROTOCOL, EX_USAGE
from mailtui.diagnostics.imap_probe import ImapConsole, ImapProbeSession
from mailtui.diagnostics.probe_session import ProbeError
from tests.backends.dovecot_server import DovecotServer

pytestmark = pytest.mark.dovecot
PASSWORD = "probe-secret-771"
_users = itertools.count(1)


@pytest.fixture
def user(dovecot: DovecotServer) -> str:
    name = f"probe{next(_users)}"
    dovecot.add_user(name, PASSWORD)
    return name


def settings(server: DovecotServer, user: str = "", *, tls: str = "starttls", **kw: object) -> ImapSettings:
    port = server.imaps_port if tls == "ssl" else server.imap_port
    base: dict[str, object] = {"ca_file": server.ca_file, "timeout": 10.0}
    base.update(kw)
    return ImapSettings(host="127.0.0.1", port=port, user=user, tls=tls, **base)  # type: ignore[arg-type]


def test_capabilities_before_and_after_tls_and_login(dovecot: DovecotServer, user: str) -> None:
    result = ImapProbeSession(settings(dovecot, user), PASSWORD).run_to()
    assert result.ok and result.exit_code == 0, result.error
    assert "DOVECOT" in result.greeting.upper()
    before, after, logged_in = (
        result.capabilities_before_tls, result.capabilities_after_tls, result.capabilities_after_login,
    )  # fmt: skip
    assert before is not None and after is not None and logged_in is not None
    assert "STARTTLS" in before and "STARTTLS" not in after
    assert "IMAP4REV1" in after and "MOVE" in logged_in and "MOVE" not in after
    assert set(logged_in) != set(after)  # Dovecot announces more after login
    assert result.login == "ok"
    assert result.folder_count == 6  # INBOX + Sent, Drafts, Trash, Junk, Archive
    assert [s.stage for s in result.steps] == ["connect", "tls", "login", "list"]
    assert all(s.duration_ms >= 0 for s in result.steps)
    tls = result.tls
    assert tls is not None and tls.verified and tls.certificate is not None
    assert tls.certificate.subject_cn == "localhost" and "IP:127.0.0.1" in tls.certificate.sans
    text = "\n".join(result.transcript)
    assert " LOGIN ********" in text and text.count(" CAPABILITY\n") <= 2
    assert PASSWORD not in text and base64.b64encode(PASSWORD.encode()).decode() not in text


def test_implicit_tls(dovecot: DovecotServer, user: str) -> None:
    result = ImapProbeSession(settings(dovecot, user, tls="ssl"), PASSWORD).run_to()
    assert result.ok, result.error
    assert result.capabilities_before_tls is None and result.capabilities_after_tls is not None
    assert [s.status for s in result.steps] == ["ok", "skipped", "ok", "ok"]


def test_login_failure(dovecot: DovecotServer, user: str) -> None:
    result = ImapProbeSession(settings(dovecot, user), "wrong-password").run_to()
    assert not result.ok and result.exit_code == EX_NOPERM
    assert result.login == "failed" and result.reached_stage == "tls"
    assert "AUTHENTICATIONFAILED" in result.error.upper() or "authentication" in result.error.lower()
    assert "wrong-password" not in "\n".join(result.transcript)


def test_self_signed_explained_and_certificate_still_read(dovecot: DovecotServer, user: str) -> None:
    for tls in ("ssl", "starttls"):
        result = ImapProbeSession(settings(dovecot, user, tls=tls, ca_file=None), PASSWORD).run_to()
        assert not result.ok and result.exit_code == EX_PROTOCOL, tls
        assert result.tls is not None and result.tls.failure is not None
        assert result.tls.failure.kind == "self-signed"
        assert result.tls.certificate is not None and result.tls.certificate.subject_cn == "localhost"
        assert result.login == ""  # never reached: no password sent over an unverified link


def test_without_user_stops_after_tls(dovecot: DovecotServer) -> None:
    result = ImapProbeSession(settings(dovecot)).run_to()
    assert result.ok and result.reached_stage == "tls" and result.folder_count is None


def test_plaintext_login_refused(dovecot: DovecotServer, user: str) -> None:
    result = ImapProbeSession(settings(dovecot, user, tls="none"), PASSWORD).run_to()
    assert not result.ok and result.exit_code == EX_USAGE and result.reached_stage == "tls"


def test_console_capability_and_list(dovecot: DovecotServer, user: str) -> None:
    probe = ImapProbeSession(settings(dovecot, user), PASSWORD, target="list")
    probe.run_to("login")
    assert probe.client is not None and not probe.done
    console = ImapConsole(probe.client, probe.transcript)
    caps = console.send("CAPABILITY")
    assert caps.ok and caps.tagged.startswith(caps.tag + " OK")
    assert any(line.startswith("* CAPABILITY") for line in caps.untagged)
    listing = console.send('LIST "" "*"')
    assert listing.ok and len([line for line in listing.untagged if line.startswith("* LIST")]) == 6
    bad = console.send("NOSUCHCOMMAND")
    assert bad.status == "BAD" and not bad.ok
    for refused in ("LOGIN a b", "authenticate plain", "UID idle", "APPEND INBOX {5}"):
        with pytest.raises(ProbeError):
            console.send(refused)
    # the client still works after the raw commands
    probe.step()
    assert probe.result().ok and probe.result().folder_count == 6


def test_console_on_raw_imaplib(dovecot: DovecotServer, user: str) -> None:
    conn = dovecot.imaplib_client(user, PASSWORD)
    try:
        response = ImapConsole(conn).send("NOOP")
        assert response.ok and response.command == "NOOP"
    finally:
        conn.logout()


def test_console_inlines_literals(dovecot: DovecotServer, user: str) -> None:
    dovecot.seed(user, [b"From: a@example.org\r\nSubject: literal test\r\n\r\nbody\r\n"])
    conn = dovecot.imaplib_client(user, PASSWORD)
    try:
        console = ImapConsole(conn)
        assert console.send("SELECT INBOX").ok
        fetched = console.send("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        assert fetched.ok, fetched.tagged
        assert any("Subject: literal test" in line for line in fetched.untagged)
        assert console.send("NOOP").ok  # still in step after the literal
        sent = [line.text for line in console.transcript.lines() if line.direction.value == ">"]
        assert sent == ["mt1 SELECT INBOX", "mt2 FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])", "mt3 NOOP"]
    finally:
        conn.logout()
