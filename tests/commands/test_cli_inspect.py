"""`mailtui decode`, `mailtui headers` and `mailtui dns`: the headless diagnostics commands."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.diagnostics.dns_server import DnsServer

HEADERS = Path(__file__).parent.parent / "data" / "headers"


def run(*args: str, stdin: str | bytes = "") -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    out = subprocess.run(
        [sys.executable, "-m", "mailtui", *args], input=data, capture_output=True, check=False
    )
    return subprocess.CompletedProcess(out.args, out.returncode, out.stdout.decode(), out.stderr.decode())


def test_decode_header_words() -> None:
    out = run("decode", "Subject: =?utf-8?B?Q2Fmw6k=?= =?iso-8859-1?Q?cr=E8me?=")
    assert out.returncode == 0, out.stderr
    assert "Subject: Cafécrème" in out.stdout
    assert "charset=utf-8 encoding=B" in out.stdout and "charset=iso-8859-1 encoding=Q" in out.stdout
    assert "PARTIAL" not in out.stdout


def test_decode_partial_says_what_is_wrong() -> None:
    out = run("decode", "--as", "base64", "SGVsbG8")
    assert out.returncode == 0
    assert out.stdout.startswith("PARTIAL decode as base64") and "Hello" in out.stdout
    assert "problem: bad base64 padding" in out.stdout


def test_decode_stdin_json_with_forced_charset() -> None:
    out = run("decode", "--json", "--charset", "iso-8859-1", "--as", "qp", "-", stdin="caf=E9")
    data = json.loads(out.stdout)
    assert data["text"] == "café" and data["kind"] == "qp" and data["charset"] == "iso-8859-1"
    assert data["data"] == "636166e9" and data["partial"] is False


def test_decode_strips_terminal_escapes() -> None:
    out = run("decode", "=?utf-8?B?G10wO293bmVkBw==?=")  # ESC ] 0;owned BEL
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout


def test_decode_empty_input_is_an_error() -> None:
    out = run("decode", "-", stdin="  \n")
    assert out.returncode == 65 and "nothing to decode" in out.stderr


def test_headers_file_with_trusted_id() -> None:
    out = run("headers", str(HEADERS / "postfix_tls.eml"), "--trusted", "mx.example.com")
    assert out.returncode == 0, out.stderr
    assert "Received chain: 3 hop(s)" in out.stdout
    assert "mx.example.com [trusted]" in out.stdout and "evil.example.net [UNTRUSTED" in out.stdout
    assert "Trusted verdicts: dkim=pass, spf=pass, dmarc=pass" in out.stdout


def test_headers_stdin_json() -> None:
    out = run("headers", "--json", "-", stdin=(HEADERS / "exim.eml").read_bytes())
    data = json.loads(out.stdout)
    hops = data["hops"]["hops"]
    assert [h["received"]["by_host"] for h in hops] == [
        "old.sender.example",
        "smtp.sender.example",
        "mx.example.org",
    ]
    assert hops[2]["received"]["tls_cipher"] == "TLS_AES_256_GCM_SHA384"
    assert data["verdicts"] == []


def test_headers_trusted_ids_default_from_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[ui]\ntrusted_authserv_ids = ["mx.google.com"]\n', encoding="utf-8")
    out = run("--config", str(config), "headers", "--json", str(HEADERS / "gmail.eml"))
    assert out.returncode == 0, out.stderr
    verdicts = json.loads(out.stdout)["verdicts"]
    assert {(v["method"], v["result"]) for v in verdicts} == {
        ("dkim", "pass"),
        ("spf", "pass"),
        ("dmarc", "pass"),
    }
    untrusted = run(
        "--config", str(config), "headers", "--json", "--trusted", "other", str(HEADERS / "gmail.eml")
    )
    assert json.loads(untrusted.stdout)["verdicts"] == []


def test_headers_missing_file() -> None:
    out = run("headers", "/nonexistent/message.eml")
    assert out.returncode == 66
    assert "cannot read /nonexistent/message.eml" in out.stderr and "Traceback" not in out.stderr


@pytest.fixture(scope="module")
def dns_server() -> Iterator[DnsServer]:
    srv = DnsServer(
        {
            ("mail.test", "MX"): ["10 mx.mail.test."],
            ("mx.mail.test", "A"): ["192.0.2.25"],
            ("mail.test", "TXT"): ['"v=spf1 mx include:_spf.mail.test -all"'],
            ("_spf.mail.test", "TXT"): ['"v=spf1 ip4:198.51.100.0/24 ~all"'],
            ("_dmarc.mail.test", "TXT"): ['"v=DMARC1; p=reject; rua=mailto:r@mail.test"'],
        }
    )
    yield srv
    srv.close()


def test_dns_report(dns_server: DnsServer) -> None:
    out = run("dns", "mail.test", "--server", dns_server.address)
    assert out.returncode == 0, out.stderr
    assert "10  mx.mail.test  192.0.2.25" in out.stdout
    assert "_spf.mail.test (include): v=spf1 ip4:198.51.100.0/24 ~all" in out.stdout
    assert "DNS lookups: 2/10 (ok)" in out.stdout
    assert "p=reject: failing mail is rejected" in out.stdout


def test_dns_json(dns_server: DnsServer) -> None:
    out = run("dns", "--json", "mail.test", "--server", dns_server.address)
    data = json.loads(out.stdout)
    assert [f["term"]["raw"] for f in data["spf"]["flattened"]] == ["mx", "ip4:198.51.100.0/24", "-all"]
    assert data["dmarc"]["policy"] == "reject"


def test_dns_unreachable_is_a_message_not_a_traceback() -> None:
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    out = run("dns", "mail.test", "--server", f"127.0.0.1:{port}", "--timeout", "0.3")
    assert out.returncode == 75
    assert "DNS is unreachable" in out.stderr and "Traceback" not in out.stderr


def test_dns_bad_server_argument() -> None:
    out = run("dns", "mail.test", "--server", "not-an-ip")
    assert out.returncode == 64 and "not a nameserver address" in out.stderr
