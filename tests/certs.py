"""Self-signed certificates for loopback TLS servers in tests (openssl CLI, Debian's package)."""

from __future__ import annotations

import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CertPair:
    cert: Path  # PEM certificate, also usable as a ca_file (it is self-signed)
    key: Path


def make_self_signed(directory: Path, common_name: str = "localhost", days: int = 30) -> CertPair:
    """A self-signed certificate for localhost and 127.0.0.1, valid `days` days."""
    if shutil.which("openssl") is None:
        raise RuntimeError("openssl is not installed (make test installs Debian's openssl)")
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / f"{common_name}-cert.pem", directory / f"{common_name}-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", str(key), "-out", str(cert), "-days", str(days),
            "-subj", f"/CN={common_name}",
            "-addext", f"subjectAltName=DNS:{common_name},IP:127.0.0.1",
        ],
        check=True, capture_output=True,
    )  # fmt: skip
    return CertPair(cert, key)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (servers that refuse port=0 need one)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
