"""`mailtui probe smtp|imap` as a real subprocess: JSON output, the report, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mailtui.core.errors import EX_CONFIG, EX_NOPERM, EX_PROTOCOL, EX_UNAVAILABLE, EX_USAGE
from tests.backends.dovecot_server import DovecotServer
from tests.certs import free_port
from tests.sending.relay import PASSWORD, USER, Relay


def probe(*args: str, password: str | None = PASSWORD, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **env}
    environ.pop("MAILTUI_PASSWORD", None)
    if password is not None:
        environ["MAILTUI_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "mailtui", "probe", *args],
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=environ,
    )  # fmt: skip


def smtp_args(relay: Relay, *extra: str) -> list[str]:
    return ["smtp", "127.0.0.1", "--port", str(relay.port), "--tls", "starttls", "--user", USER,
            "--ca-file", str(relay.cert.cert), *extra]  # fmt: skip


def test_smtp_json_up_to_rcpt(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    done = probe(*smtp_args(relay, "--to", "bob@example.net", "--from", "probe@example.org", "--json"))
    assert done.returncode == 0, done.stderr + done.stdout
    data = json.loads(done.stdout)
    assert data["probe"] == "smtp" and data["ok"] is True and data["reached_stage"] == "rcpt"
    assert data["capabilities_before_tls"]["auth"] == [] and data["capabilities_before_tls"]["starttls"]
    assert "PLAIN" in data["capabilities_after_tls"]["auth"]
    assert data["tls"]["verified"] is True and data["tls"]["certificate"]["subject_cn"] == "localhost"
    assert [s["stage"] for s in data["steps"]] == ["connect", "ehlo", "tls", "auth", "mail", "rcpt"]
    assert PASSWORD not in done.stdout + done.stderr
    assert relay.handler.delivered == []


def test_smtp_quit_after_data_delivers_once(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    done = probe(*smtp_args(relay, "--to", "bob@example.net", "--quit-after", "data", "--json"))
    assert done.returncode == 0, done.stdout
    assert json.loads(done.stdout)["delivered"] is True
    assert len(relay.handler.delivered) == 1


def test_smtp_text_report_sections(relay_factory: Callable[..., Relay]) -> None:
    done = probe(*smtp_args(relay_factory("starttls")))
    assert done.returncode == 0, done.stdout
    out = done.stdout
    for section in ("Banner", "Capabilities (EHLO)", "TLS and certificate", "Steps", "Transcript", "Verdict"):
        assert f"\n{section}\n" in out or out.startswith(section)
    header = next(line for line in out.splitlines() if "before TLS" in line)
    assert "after TLS" in header  # side by side
    auth_row = next(line for line in out.splitlines() if line.strip().startswith("AUTH "))
    assert auth_row.split()[1] == "-" and "PLAIN" in auth_row
    assert "OK: reached stage auth" in out and "AUTH PLAIN ********" in out and PASSWORD not in out


def test_smtp_wrong_password_exits_77(relay_factory: Callable[..., Relay]) -> None:
    done = probe(*smtp_args(relay_factory("starttls"), "--json"), password="not-the-password")
    assert done.returncode == EX_NOPERM
    data = json.loads(done.stdout)
    assert data["ok"] is False and data["steps"][-1]["replies"][0]["code"] == 535
    assert "not-the-password" not in done.stdout


def test_smtp_untrusted_certificate_exits_76(relay_factory: Callable[..., Relay]) -> None:
    relay = relay_factory("starttls")
    done = probe("smtp", "127.0.0.1", "--port", str(relay.port), "--json", password=None)
    assert done.returncode == EX_PROTOCOL
    data = json.loads(done.stdout)
    assert data["tls"]["failure"]["kind"] == "self-signed"
    assert data["tls"]["certificate"]["sans"] == ["DNS:localhost", "IP:127.0.0.1"]
    ok = probe("smtp", "127.0.0.1", "--port", str(relay.port), "--no-verify", password=None)
    assert ok.returncode == 0 and "NOT CHECKED (--no-verify)" in ok.stdout


def test_smtp_unreachable_exits_69() -> None:
    done = probe("smtp", "127.0.0.1", "--port", str(free_port()), "--tls", "none", "--json", password=None)
    assert done.returncode == EX_UNAVAILABLE
    assert json.loads(done.stdout)["reached_stage"] is None


def test_smtp_without_host_is_usage_error() -> None:
    done = probe("smtp", password=None)
    assert done.returncode == EX_USAGE and "HOST" in done.stderr


def test_smtp_from_account(relay_factory: Callable[..., Relay], tmp_path: Path) -> None:
    relay = relay_factory("starttls")
    config = tmp_path / "config.toml"
    config.write_text(
        f'[[account]]\nname = "lab"\nfrom = "Lab <lab@example.org>"\nmaildir = "{tmp_path}/Maildir"\n'
        f'[account.smtp]\nhost = "127.0.0.1"\nport = {relay.port}\ntls = "starttls"\nuser = "{USER}"\n'
        f'ca_file = "{relay.cert.cert}"\npassword_env = "LAB_SMTP_PW"\nkeyring = false\n'
    )
    done = probe("smtp", "--account", "lab", "--quit-after", "mail", "--json", password=None,
                 MAILTUI_CONFIG=str(config), LAB_SMTP_PW=PASSWORD)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["port"] == relay.port and data["steps"][-1]["note"] == "sender <lab@example.org> accepted"


# ------------------------------------------------------------------------------------ IMAP


@pytest.fixture(scope="module")
def dovecot(dovecot: DovecotServer) -> DovecotServer:
    """The module's Dovecot (tests/fixtures/dovecot.py), with the user the probes log in as."""
    dovecot.add_user("clara", "imap-pass-5150")
    return dovecot


@pytest.mark.dovecot
def test_imap_json_and_exit_codes(dovecot: DovecotServer) -> None:
    base = ["imap", "127.0.0.1", "--port", str(dovecot.imaps_port), "--tls", "ssl", "--user", "clara",
            "--ca-file", dovecot.ca_file, "--json"]  # fmt: skip
    done = probe(*base, password="imap-pass-5150")
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["probe"] == "imap" and data["ok"] and data["folder_count"] == 6
    assert "IMAP4REV1" in data["capabilities_after_login"]
    assert "imap-pass-5150" not in done.stdout
    refused = probe(*base, password="wrong")
    assert refused.returncode == EX_NOPERM and json.loads(refused.stdout)["login"] == "failed"


@pytest.mark.dovecot
def test_imap_text_report_starttls(dovecot: DovecotServer) -> None:
    done = probe("imap", "127.0.0.1", "--port", str(dovecot.imap_port), "--tls", "starttls",
                 "--ca-file", dovecot.ca_file, password=None)  # fmt: skip
    assert done.returncode == 0, done.stdout
    header = next(line for line in done.stdout.splitlines() if "before TLS" in line)
    assert "after TLS" in header and "after login" in header
    starttls_row = next(line for line in done.stdout.splitlines() if line.strip().startswith("STARTTLS "))
    assert starttls_row.split()[1:3] == ["yes", "-"]


def test_unreadable_ca_file_is_a_config_error(relay_factory: Callable[..., Relay], tmp_path: Path) -> None:
    relay = relay_factory("starttls")
    done = probe("smtp", "127.0.0.1", "--port", str(relay.port), "--ca-file", str(tmp_path / "missing.pem"),
                 password=None)  # fmt: skip
    assert done.returncode == EX_CONFIG and "missing.pem" in done.stdout
