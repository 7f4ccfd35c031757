"""Issue 16: the probe's TLS panel shows the chain as the server sent it (subject, issuer,
validity, key) and how it verified, or where the path broke - against an aiosmtpd relay serving
a real three-level chain (root -> intermediate -> leaf) made here."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from mailtui.diagnostics.report import tls_lines
from mailtui.diagnostics.smtp_probe import SmtpProbeSession
from tests.certs import CertPair
from tests.sending.relay import PASSWORD, Relay


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, key, issuer: str, issuer_key, *, ca: bool, leaf: bool = False):  # type: ignore[no-untyped-def]
    import ipaddress

    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=60))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )  # fmt: skip
    if leaf:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("chain")
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    mid_key = ec.generate_private_key(ec.SECP384R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("Test Root", root_key, "Test Root", root_key, ca=True)
    mid = _cert("Test Intermediate", mid_key, "Test Root", root_key, ca=True)
    leaf = _cert("localhost", leaf_key, "Test Intermediate", mid_key, ca=False, leaf=True)
    pem = serialization.Encoding.PEM
    (d / "root.pem").write_bytes(root.public_bytes(pem))
    (d / "full.pem").write_bytes(leaf.public_bytes(pem) + mid.public_bytes(pem))
    (d / "leaf.pem").write_bytes(leaf.public_bytes(pem))
    (d / "key.pem").write_bytes(
        leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return {"root": d / "root.pem", "full": d / "full.pem", "leaf": d / "leaf.pem", "key": d / "key.pem"}


def probe(relay: Relay, ca_file: Path) -> SmtpProbeSession:
    return SmtpProbeSession(
        relay.config(ca_file=str(ca_file)), PASSWORD, sender="p@example.org", recipient="b@example.net",
        quit_after="tls",
    )  # fmt: skip


async def test_a_verified_chain_is_shown_link_by_link_with_its_path(
    relay_factory: Callable[..., Relay], chain: dict[str, Path]
) -> None:
    relay = relay_factory("starttls", cert=CertPair(chain["full"], chain["key"]))
    result = await probe(relay, chain["root"]).run_to()
    tls = result.tls
    assert tls is not None and tls.verified
    assert [(c.subject_cn, c.issuer, c.key) for c in tls.chain] == [
        ("localhost", "CN=Test Intermediate", "EC secp256r1"),
        ("Test Intermediate", "CN=Test Root", "EC secp384r1"),
    ]
    assert tls.path.startswith("verified: localhost → Test Intermediate → Test Root (the last one is in the CA file")
    text = "\n".join(tls_lines(tls))
    assert "chain        2 certificate(s) as the server sent them:" in text
    assert "#1 Test Intermediate  issued by CN=Test Root" in text and "key          EC secp256r1" in text


async def test_a_missing_intermediate_is_named_where_the_path_breaks(
    relay_factory: Callable[..., Relay], chain: dict[str, Path]
) -> None:
    relay = relay_factory("starttls", cert=CertPair(chain["leaf"], chain["key"]))
    result = await probe(relay, chain["root"]).run_to()
    tls = result.tls
    assert tls is not None and not tls.verified and tls.failure is not None
    assert [c.subject_cn for c in tls.chain] == ["localhost"]
    assert tls.path == (
        "breaks after #0 localhost: its issuer CN=Test Intermediate is not in the trust store "
        "(the server sent no intermediate certificate)"
    )
