"""PGP/MIME, inline PGP and S/MIME signatures verified with the real gpg and openssl (issue 17 item 4).

Keys are made here: a GnuPG key in a private keyring (`gpg --quick-gen-key`), a CA and a
signer certificate with `cryptography`. Messages are signed by the same tools a mail
client uses (`gpg --detach-sign`, `gpg --clearsign`, cryptography's PKCS7SignatureBuilder)
and then altered to get each failure.
"""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest

from mailtui.core.message.crypto import find_crypto_parts
from mailtui.diagnostics.signatures import format_verdicts, verify_signatures

pytestmark = pytest.mark.skipif(
    shutil.which("gpg") is None or shutil.which("openssl") is None, reason="needs gpg and openssl (make test)"
)

SIGNER = "Alice Signer <alice@example.org>"
CONTENT = (
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 7bit\r\n"
    b"\r\n"
    b"The backup of db1 finished at 03:12.\r\n"
    b"-- \r\n"
    b"ops\r\n"
)


def _gpg(home: Path, *args: str, data: bytes | None = None) -> bytes:
    return subprocess.run(
        ["gpg", "--batch", "--no-tty", "--homedir", str(home), *args],
        input=data,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout


def _fingerprint(home: Path) -> str:
    out = _gpg(home, "--with-colons", "--list-keys").decode()
    return next(line.split(":")[9] for line in out.splitlines() if line.startswith("fpr:"))


def pgp_mime(home: Path, content: bytes = CONTENT) -> bytes:
    signature = _gpg(home, "--armor", "--detach-sign", "--digest-algo", "SHA256", data=content)
    return (
        b"From: " + SIGNER.encode() + b"\r\nTo: bob@example.org\r\nSubject: signed\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature";\r\n'
        b' boundary="SIG-b0undary"\r\n\r\n'
        b"This is an OpenPGP/MIME signed message (RFC 4880 and 3156)\r\n"
        b"--SIG-b0undary\r\n" + content + b"\r\n--SIG-b0undary\r\n"
        b'Content-Type: application/pgp-signature; name="signature.asc"\r\n\r\n'
        + signature
        + b"\r\n--SIG-b0undary--\r\n"
    )


def test_a_good_pgp_mime_signature_names_the_signer_and_fingerprint(keyring: Path) -> None:
    (verdict,) = verify_signatures(pgp_mime(keyring), gnupghome=str(keyring))
    assert verdict.label == "PGP/MIME signed"
    assert verdict.status == "good"  # gpg trusts the keys it made itself ultimately
    assert verdict.reason.startswith("good signature")
    assert verdict.signer == SIGNER
    assert verdict.key == _fingerprint(keyring)


def test_an_own_key_marked_ultimately_trusted_is_good(keyring: Path, short_home: Path) -> None:
    home = short_home / "copy"
    shutil.copytree(keyring, home, ignore=shutil.ignore_patterns("S.*"))  # not gpg-agent's sockets
    _gpg(home, "--import-ownertrust", data=f"{_fingerprint(home)}:6:\n".encode())
    try:
        (verdict,) = verify_signatures(pgp_mime(home), gnupghome=str(home))
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, timeout=30)
    assert verdict.status == "good"
    assert "ultimately trusted" in verdict.reason


def test_an_imported_key_not_certified_gives_a_good_but_untrusted_signature(
    keyring: Path, short_home: Path
) -> None:
    public = _gpg(keyring, "--armor", "--export")
    home = short_home
    _gpg(home, "--import", data=public)
    (verdict,) = verify_signatures(pgp_mime(keyring), gnupghome=str(home))
    assert verdict.status == "untrusted"
    assert verdict.reason.startswith("good signature")
    assert "not certified as the sender's" in verdict.reason
    assert verdict.signer == SIGNER


def test_a_message_stored_with_lf_line_ends_still_verifies(keyring: Path) -> None:
    as_on_disk = pgp_mime(keyring).replace(b"\r\n", b"\n")  # a Maildir file
    (verdict,) = verify_signatures(as_on_disk, gnupghome=str(keyring))
    assert verdict.reason.startswith("good signature")


def test_a_changed_body_is_a_bad_pgp_signature(keyring: Path) -> None:
    altered = pgp_mime(keyring).replace(b"03:12", b"03:13")
    (verdict,) = verify_signatures(altered, gnupghome=str(keyring))
    assert verdict.status == "bad"
    assert "changed after it was signed" in verdict.reason
    assert verdict.signer == SIGNER


def test_an_unknown_pgp_key_is_not_checked_and_no_verdict_is_claimed(keyring: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-gnupg"
    empty.mkdir(mode=0o700)
    (verdict,) = verify_signatures(pgp_mime(keyring), gnupghome=str(empty))
    assert verdict.status == "unchecked"
    assert "not in your keyring" in verdict.reason
    assert not verdict.verified


def test_without_gpg_nothing_is_claimed(keyring: Path) -> None:
    (verdict,) = verify_signatures(pgp_mime(keyring), gnupghome=str(keyring), gpg="/nonexistent/gpg")
    assert verdict.status == "unchecked"
    assert "gpg is not installed" in verdict.reason


def test_inline_clearsigned_text_is_verified(keyring: Path) -> None:
    armored = _gpg(keyring, "--clearsign", data=b"Disk /var at 91%.\n")
    message = b"From: alice@example.org\nSubject: inline\nContent-Type: text/plain\n\n" + armored
    (verdict,) = verify_signatures(message, gnupghome=str(keyring))
    assert verdict.label == "inline PGP signed"
    assert verdict.reason.startswith("good signature")
    tampered = message.replace(b"91%", b"19%")
    (bad,) = verify_signatures(tampered, gnupghome=str(keyring))
    assert bad.status == "bad"


def test_encrypted_parts_are_named_not_judged() -> None:
    pgp = (
        b'Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="E"\n\n'
        b"--E\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
        b"--E\nContent-Type: application/octet-stream\n\n-----BEGIN PGP MESSAGE-----\nhQ==\n-----END PGP MESSAGE-----\n--E--\n"
    )
    smime = b'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\n\nMIIB\n'
    for raw, label in ((pgp, "PGP/MIME encrypted"), (smime, "S/MIME encrypted")):
        (verdict,) = verify_signatures(raw)
        assert (verdict.label, verdict.status) == (label, "encrypted")
        assert "does not decrypt" in verdict.reason


def test_a_signed_part_inside_a_list_footer_multipart_is_found(keyring: Path) -> None:
    inner = pgp_mime(keyring)
    wrapped = (
        b'Content-Type: multipart/mixed; boundary="LIST"\r\n\r\n--LIST\r\n' + inner + b"\r\n--LIST\r\n"
        b"Content-Type: text/plain\r\n\r\nYou are subscribed to ops@.\r\n--LIST--\r\n"
    )
    (part,) = find_crypto_parts(wrapped)
    assert part.path == "1.1"
    (verdict,) = verify_signatures(wrapped, gnupghome=str(keyring))
    assert verdict.reason.startswith("good signature")  # the footer is outside what was signed


def test_a_malformed_multipart_signed_is_reported_not_crashed() -> None:
    raw = b'Content-Type: multipart/signed; protocol="application/pgp-signature"; boundary="X"\n\n--X\nonly one part\n--X--\n'
    (verdict,) = verify_signatures(raw)
    assert verdict.status == "unchecked"
    assert "1 parts, not 2" in verdict.reason


# --- S/MIME ------------------------------------------------------------------------------


def _cert(subject: str, key: object, issuer_name: object, issuer_key: object, *, ca: bool, email: str = ""):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name or name)  # type: ignore[arg-type]
        .public_key(key.public_key())  # type: ignore[attr-defined]
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if email:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())  # type: ignore[arg-type]


def smime_signed(cert: object, key: object, content: bytes = CONTENT) -> bytes:
    import base64

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    der = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(content)
        .add_signer(cert, key, hashes.SHA256())  # type: ignore[arg-type]
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary])
    )
    b64 = base64.encodebytes(der).replace(b"\n", b"\r\n")
    return (
        b"From: alice@example.org\r\nSubject: smime\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256;'
        b' boundary="SMIME"\r\n\r\n'
        b"--SMIME\r\n" + content + b"\r\n--SMIME\r\n"
        b'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b64 + b"\r\n--SMIME--\r\n"
    )


def test_a_good_smime_signature_with_its_ca_names_the_signer(smime: tuple[object, object, Path]) -> None:
    cert, key, ca_file = smime
    (verdict,) = verify_signatures(smime_signed(cert, key), ca_file=str(ca_file))
    assert (verdict.label, verdict.status) == ("S/MIME signed", "good")
    assert "chains to the CA file" in verdict.reason
    assert verdict.signer == "CN=Alice Signer <alice@example.org>"
    assert "issued by CN=Test Mail CA" in verdict.key


def test_an_smime_signer_from_an_unknown_ca_is_untrusted_but_intact(
    smime: tuple[object, object, Path],
) -> None:
    cert, key, _ = smime
    (verdict,) = verify_signatures(smime_signed(cert, key))  # the system CA store does not know the test CA
    assert verdict.status == "untrusted"
    assert "signature matches the message" in verdict.reason
    assert "alice@example.org" in verdict.signer


def test_a_changed_smime_body_is_bad(smime: tuple[object, object, Path]) -> None:
    cert, key, ca_file = smime
    altered = smime_signed(cert, key).replace(b"03:12", b"03:13")
    (verdict,) = verify_signatures(altered, ca_file=str(ca_file))
    assert verdict.status == "bad"
    assert "changed after it was signed" in verdict.reason
    assert "alice@example.org" in verdict.signer  # read from the certificate the signature carries


def test_the_text_report_says_what_was_checked(keyring: Path) -> None:
    lines = format_verdicts(verify_signatures(pgp_mime(keyring), gnupghome=str(keyring)))
    text = "\n".join(lines)
    assert "part 1: PGP/MIME signed:" in text
    assert f"signer: {SIGNER}" in text
    assert "checked with gpg" in text
    assert format_verdicts(()) == ["  (not signed or encrypted with PGP or S/MIME)"]


def _mailtui(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    import os
    import sys

    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config")}
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_headers_names_the_signature_and_verify_checks_it(keyring: Path, tmp_path: Path) -> None:
    from tests.diagnostics.dns_server import DnsServer

    dns = DnsServer({("example.org", "TXT"): ["v=spf1 -all"]})  # NXDOMAIN for the rest
    try:
        _headers_and_verify(keyring, tmp_path, dns.address)
    finally:
        dns.close()


def _headers_and_verify(keyring: Path, tmp_path: Path, dns: str) -> None:
    message = tmp_path / "signed.eml"
    message.write_bytes(pgp_mime(keyring))
    shown = _mailtui("headers", str(message), home=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Signed / encrypted (verify with --verify):\n  part 1: PGP/MIME signed" in shown.stdout
    checked = _mailtui(
        "headers", str(message), "--verify", "--gnupg-home", str(keyring),
        "--dns-server", dns, home=tmp_path,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    section = checked.stdout.split("PGP / S/MIME:", 1)[1]
    assert "part 1: PGP/MIME signed:" in section
    assert f"signer: {SIGNER}" in section
    tampered = tmp_path / "tampered.eml"
    tampered.write_bytes(pgp_mime(keyring).replace(b"03:12", b"03:13"))
    bad = _mailtui(
        "verify", str(tampered), "--json", "--gnupg-home", str(keyring),
        "--dns-server", dns, home=tmp_path,
    )  # fmt: skip
    import json

    (verdict,) = json.loads(bad.stdout)["signatures"]
    assert verdict["status"] == "bad"
