"""`mailtui server check --domain` as a subprocess, loopback only: the suite's DNS responder serves
the MX records, one MX greets on a local port, one refuses, one accepts and never speaks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest

from tests.certs import free_port
from tests.diagnostics.dns_server import DnsServer


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailtui", "server", "check", *args],
        capture_output=True, text=True, timeout=60, env=dict(os.environ),
    )  # fmt: skip


class Greeter:
    """A port-25-like listener on 127.0.0.1: greets every client with a 220 banner, or says nothing."""

    def __init__(self, banner: bytes | None) -> None:
        self.port = free_port()
        self.sock = socket.create_server(("127.0.0.1", self.port))
        self.banner = banner
        self.closing = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        if banner is not None:  # a silent one never accepts: the kernel completes the handshake
            self.thread.start()

    def _serve(self) -> None:
        while not self.closing.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                assert self.banner is not None
                conn.sendall(self.banner)
                conn.recv(64)

    def close(self) -> None:
        self.closing.set()
        self.sock.close()


@pytest.fixture
def dns() -> Iterator[DnsServer]:
    server = DnsServer({})
    try:
        yield server
    finally:
        server.close()


def test_mx_hosts_and_a_reachable_port_25(dns: DnsServer) -> None:
    mx = Greeter(b"220 mx1.far.example ESMTP \x1b[31mready\r\n")
    dns.set("far.example", "MX", ["10 mx1.far.example.", "20 mx2.far.example."])
    dns.set("mx1.far.example", "A", ["127.0.0.1"])
    dns.set("mx2.far.example", "A", ["127.0.0.2"])  # nothing listens there: refused
    try:
        args = ["-c", "/nonexistent-postfix", "--domain", "far.example", "--dns-server", dns.address]
        done = run(*args, "--port", str(mx.port), "--timeout", "5")
        as_json = run(*args, "--port", str(mx.port), "--timeout", "5", "--json")
    finally:
        mx.close()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "MX of far.example: mx1.far.example, mx2.far.example" in lines
    assert f"  mx1.far.example 127.0.0.1:{mx.port}: banner (220 mx1.far.example ESMTP ready)" in lines
    assert f"  mx2.far.example 127.0.0.2:{mx.port}: refused" in lines
    assert lines[-1] == f"  => port {mx.port} is reachable: at least one MX answered"
    assert "\x1b" not in done.stdout  # the banner is the server's text: no escape reaches the terminal
    assert "Postfix settings not checked" in done.stderr and "Traceback" not in done.stderr
    data = json.loads(as_json.stdout)
    assert data["findings"] == [] and data["mx"]["mx"] == ["mx1.far.example", "mx2.far.example"]
    assert [(p["host"], p["result"]) for p in data["mx"]["probes"]] == [
        ("mx1.far.example", "banner"), ("mx2.far.example", "refused"),
    ]  # fmt: skip


def test_every_mx_timing_out_looks_like_a_blocked_port_25(dns: DnsServer) -> None:
    silent = Greeter(None)
    dns.set("blocked.example", "MX", ["10 mx.blocked.example."])
    dns.set("mx.blocked.example", "A", ["127.0.0.1"])
    try:
        done = run(
            "-c", "/nonexistent-postfix", "--domain", "blocked.example", "--dns-server", dns.address,
            "--port", str(silent.port), "--timeout", "0.5",
        )  # fmt: skip
    finally:
        silent.close()
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"  mx.blocked.example 127.0.0.1:{silent.port}: timed out" in done.stdout.splitlines()
    assert "DNS works but every MX timed out" in done.stdout and "looks blocked" in done.stdout


@pytest.mark.postfix
def test_relay_settings_and_the_mx_check_together(postfix_log, dns: DnsServer) -> None:
    mx = Greeter(b"220 mx.near.example ESMTP\r\n")
    dns.set("near.example", "MX", ["5 mx.near.example."])
    dns.set("mx.near.example", "A", ["127.0.0.1"])
    try:
        done = run(
            "-c", str(postfix_log.server.etc), "--domain", "near.example", "--dns-server", dns.address,
            "--port", str(mx.port), "--timeout", "5",
        )  # fmt: skip
    finally:
        mx.close()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not an open relay" in done.stdout and "MX of near.example: mx.near.example" in done.stdout
    assert "Postfix settings not checked" not in done.stderr


def test_help_lists_the_exit_codes() -> None:
    def run_help(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mailtui", "server", *args], capture_output=True, text=True
        )

    overview = run_help("--help").stdout
    assert "exit codes:" in overview and "  check: 0 no problem found; 1 a problem" in overview
    trace_help = run_help("trace", "--help").stdout
    assert "75 --follow: deferred, or no final status before the timeout" in trace_help
    assert "66 nothing matches" in trace_help and "77 the log is not readable" in trace_help
    assert "64 no ids given" in run_help("queue", "--help").stdout
