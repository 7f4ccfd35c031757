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


def make_certificate(
    directory: Path,
    name: str,
    *,
    dns: tuple[str, ...] = ("localhost",),
    ips: tuple[str, ...] = ("127.0.0.1",),
    valid_from_days: int = -1,
    valid_to_days: int = 30,
) -> CertPair:
    """A self-signed certificate with chosen names and validity (days from now; negative: past).

    For the failures an admin meets: a certificate for another host name, an expired one.
    Made with `cryptography` (a mailtui dependency): openssl's CLI cannot backdate `-days`.
    """
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns[0] if dns else name)])
    now = datetime.datetime.now(datetime.UTC)
    alt_names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    alt_names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + datetime.timedelta(days=valid_from_days))
        .not_valid_after(now + datetime.timedelta(days=valid_to_days))
        .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / f"{name}-cert.pem", directory / f"{name}-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return CertPair(cert_path, key_path)
