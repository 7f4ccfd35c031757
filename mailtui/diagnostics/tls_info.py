"""TLS and certificate details for the probes: version, cipher, the peer certificate, and WHY
verification failed (self-signed, hostname mismatch, expired, unknown CA).

A probe whose verifying handshake failed still shows the certificate: `fetch_certificate`
does a second, unverified handshake (plain socket, the protocol's STARTTLS dance when
needed) only to read the server's certificate. `session_info` and `failed_handshake_info`
are the TlsInfo both probes record, after a handshake that worked or one that failed. DER is decoded with the `cryptography`
package (the stdlib has no public DER decoder).
"""

from __future__ import annotations

import datetime
import hashlib
import socket
import ssl
from dataclasses import dataclass
from typing import BinaryIO, Literal, Protocol

from cryptography import x509
from cryptography.x509.oid import NameOID

from mailtui.core.sanitize import clean_line
from mailtui.tls import (  # noqa: F401 - VerifyKind and find_verify_error: re-exported
    VerifyFailure,
    VerifyKind,
    client_context,
    explain_verify_error,
    find_verify_error,
)

StartTLS = Literal["smtp", "imap"]
SECOND_HANDSHAKE_NOTE = "certificate read in a second, unverified handshake (nothing was sent over it)"


class Endpoint(Protocol):
    """What the TLS helpers read of a probed server (a ServerConfig and ImapSettings both fit)."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def tls_verify(self) -> bool: ...
    @property
    def ca_file(self) -> str | None: ...
    @property
    def timeout(self) -> float: ...


@dataclass(frozen=True)
class CertificateInfo:
    """The decoded peer certificate (all text from the server, cleaned of control characters)."""

    subject_cn: str
    subject: str
    issuer: str
    sans: tuple[str, ...]
    not_before: str  # ISO 8601, UTC
    not_after: str
    days_left: int  # negative once expired
    self_signed: bool  # issuer == subject
    serial: str
    sha256: str  # fingerprint of the DER, hex with colons
    key: str = ""  # "RSA 2048", "EC secp256r1", "Ed25519"


@dataclass(frozen=True)
class TlsInfo:
    """The TLS session of a probe: protocol, cipher, certificate, verification result."""

    version: str | None  # "TLSv1.3"; None when the handshake did not complete
    cipher: str | None
    verify_enabled: bool
    verified: bool
    failure: VerifyFailure | None
    certificate: CertificateInfo | None
    note: str = ""  # e.g. "certificate read in a second, unverified handshake"
    chain: tuple[CertificateInfo, ...] = ()  # as the server sent it, its own certificate first
    path: str = ""  # how the chain verified, or where it broke


@dataclass(frozen=True)
class Handshake:
    """What one raw handshake gave: the leaf certificate (DER), version and cipher."""

    der: bytes | None
    version: str | None
    cipher: str | None
    chain: tuple[bytes, ...] = ()  # every certificate the server sent (DER), its own first
    verified_chain: tuple[bytes, ...] = ()  # the path the verification built, to a trusted root


def _name_text(name: x509.Name) -> str:
    try:
        return clean_line(name.rfc4514_string())
    except ValueError:  # a malformed name: show what we can
        return "(undecodable name)"


def _cn(name: x509.Name) -> str:
    try:
        attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError:
        return ""
    value = attrs[0].value if attrs else ""
    return clean_line(value if isinstance(value, str) else value.decode("utf-8", "replace"))


def parse_certificate(der: bytes, now: datetime.datetime | None = None) -> CertificateInfo:
    """Decode a DER certificate into the fields an admin checks."""
    cert = x509.load_der_x509_certificate(der)
    now = now or datetime.datetime.now(datetime.UTC)
    sans: list[str] = []
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans += [f"DNS:{clean_line(n)}" for n in ext.get_values_for_type(x509.DNSName)]
        sans += [f"IP:{ip}" for ip in ext.get_values_for_type(x509.IPAddress)]
        sans += [f"email:{clean_line(n)}" for n in ext.get_values_for_type(x509.RFC822Name)]
    except (x509.ExtensionNotFound, ValueError):
        pass
    not_after = cert.not_valid_after_utc
    digest = hashlib.sha256(der).hexdigest().upper()
    key = _key_text(cert)
    return CertificateInfo(
        subject_cn=_cn(cert.subject),
        subject=_name_text(cert.subject),
        issuer=_name_text(cert.issuer),
        sans=tuple(sans),
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=not_after.isoformat(),
        days_left=(not_after - now).days,
        self_signed=cert.issuer == cert.subject,
        serial=f"{cert.serial_number:X}",
        sha256=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
        key=key,
    )


def _key_text(cert: x509.Certificate) -> str:
    """The public key's type and size, as an admin checks it ("RSA 2048", "EC secp384r1")."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    try:
        key = cert.public_key()
    except (ValueError, TypeError):  # an unsupported or malformed key
        return "(unreadable key)"
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA {key.key_size}"
    return type(key).__name__


def _chain_of(ssl_object: ssl.SSLObject | ssl.SSLSocket, verified: bool) -> tuple[bytes, ...]:
    """The certificates of the session as DER: what the server sent, or the verified path.

    Python 3.13 has `get_unverified_chain()`/`get_verified_chain()` on SSL objects; 3.10-3.12
    have them on the private `_sslobj` only. When neither answers, an empty chain (the
    report then shows the leaf alone, as before)."""
    name = "get_verified_chain" if verified else "get_unverified_chain"
    for target in (ssl_object, getattr(ssl_object, "_sslobj", None)):
        method = getattr(target, name, None)
        if method is None:
            continue
        try:
            certs = method() or []
            return tuple(c if isinstance(c, bytes) else c.public_bytes(ssl._ssl.ENCODING_DER) for c in certs)  # type: ignore[attr-defined]
        except (ValueError, ssl.SSLError, AttributeError):
            return ()
    return ()


def session_details(ssl_object: ssl.SSLObject | ssl.SSLSocket | None) -> Handshake:
    """Version, cipher and leaf certificate of an established TLS session."""
    if ssl_object is None:
        return Handshake(None, None, None)
    cipher = ssl_object.cipher()
    try:
        der = ssl_object.getpeercert(binary_form=True)
    except (ValueError, ssl.SSLError):
        der = None
    verifying = ssl_object.context.verify_mode != ssl.CERT_NONE
    return Handshake(
        der, ssl_object.version(), cipher[0] if cipher else None,
        chain=_chain_of(ssl_object, verified=False),
        verified_chain=_chain_of(ssl_object, verified=True) if verifying else (),
    )  # fmt: skip


def certificate_or_none(der: bytes | None) -> CertificateInfo | None:
    """parse_certificate, or None for no/undecodable DER (a probe must not die on a bad cert)."""
    if not der:
        return None
    try:
        return parse_certificate(der)
    except ValueError:
        return None


def unverified_context() -> ssl.SSLContext:
    """A client context that accepts any certificate: only for reading it, never for a login."""
    return client_context(verify=False)


def fetch_certificate(
    host: str,
    port: int,
    *,
    starttls: StartTLS | None,
    context: ssl.SSLContext | None = None,
    timeout: float = 10.0,
) -> Handshake:
    """One separate handshake (by default unverified) to read the server's certificate.

    `starttls` is the protocol to speak before the handshake ("smtp": EHLO + STARTTLS,
    "imap": STARTTLS), or None for implicit TLS. Raises OSError / ssl.SSLError.
    """
    ctx = context or unverified_context()
    with socket.create_connection((host, port), timeout=timeout) as raw:
        if starttls == "smtp":
            reader = raw.makefile("rb")
            _smtp_reply(reader)
            raw.sendall(b"EHLO mailtui.probe\r\n")
            _smtp_reply(reader)
            raw.sendall(b"STARTTLS\r\n")
            if not _smtp_reply(reader).startswith(b"220"):
                raise ssl.SSLError("the server refused STARTTLS in the second handshake")
            reader.close()
        elif starttls == "imap":
            reader = raw.makefile("rb")
            reader.readline(8192)
            raw.sendall(b"T1 STARTTLS\r\n")
            while True:
                line = reader.readline(8192)
                if not line:
                    raise ConnectionError("the server closed the connection before STARTTLS")
                if line.startswith(b"T1 "):
                    break
            if not line.upper().startswith(b"T1 OK"):
                raise ssl.SSLError("the server refused STARTTLS in the second handshake")
            reader.close()
        with ctx.wrap_socket(raw, server_hostname=host) as tls:
            return session_details(tls)


def _smtp_reply(reader: BinaryIO) -> bytes:
    """Read one (multi-line) SMTP reply; returns its last line."""
    while True:
        line = reader.readline(8192)
        if not line:
            raise ConnectionError("the server closed the connection")
        if len(line) < 4 or line[3:4] != b"-":
            return line


def verify_check(
    host: str, port: int, *, starttls: StartTLS | None, cafile: str | None, timeout: float
) -> VerifyFailure | None:
    """Would a verifying client accept this server? None when yes (used with --no-verify)."""
    ctx = client_context(ca_file=cafile)
    try:
        fetch_certificate(host, port, starttls=starttls, context=ctx, timeout=timeout)
    except ssl.SSLCertVerificationError as exc:
        return explain_verify_error(exc)
    return None


def session_info(details: Handshake, server: Endpoint, starttls: StartTLS | None) -> TlsInfo:
    """The TLS of an established session, for a probe result. Blocking.

    With verification off, a second (verifying) handshake says whether a verifying client
    would have accepted the server.
    """
    failure, note = None, ""
    if not server.tls_verify:
        note = "verification turned off (--no-verify)"
        try:
            failure = verify_check(
                server.host, server.port, starttls=starttls, cafile=server.ca_file, timeout=server.timeout
            )
        except (OSError, ValueError) as exc:
            note += f"; a verifying handshake could not be made: {clean_line(str(exc))}"
    chain = _decoded(details.chain)
    if server.tls_verify:
        trusted = f"the CA file {server.ca_file}" if server.ca_file else "the system's trust store"
        path = describe_path(_decoded(details.verified_chain), trusted)
    else:
        path = describe_break(chain, failure) if failure else "a verifying client would accept this chain"
    return TlsInfo(
        version=details.version, cipher=details.cipher, verify_enabled=server.tls_verify,
        verified=server.tls_verify, failure=failure, certificate=certificate_or_none(details.der), note=note,
        chain=chain, path=path,
    )  # fmt: skip


def _decoded(ders: tuple[bytes, ...]) -> tuple[CertificateInfo, ...]:
    return tuple(c for c in (certificate_or_none(d) for d in ders) if c is not None)


def describe_path(verified: tuple[CertificateInfo, ...], trusted: str) -> str:
    """How a verified session's chain reached a trusted root."""
    if not verified:
        return f"verified against {trusted}"
    names = " → ".join(c.subject_cn or c.subject for c in verified)
    return f"verified: {names} (the last one is in {trusted})"


def describe_break(chain: tuple[CertificateInfo, ...], failure: VerifyFailure) -> str:
    """Where the chain the server sent breaks, for `failure`."""
    if not chain:
        return f"not verified: {failure.reason}"
    expired = [(i, c) for i, c in enumerate(chain) if c.days_left < 0]
    if failure.kind == "expired" and expired:
        i, cert = expired[0]
        return f"breaks at #{i} {cert.subject_cn or cert.subject}: expired on {cert.not_after[:10]}"
    last = chain[-1]
    if failure.kind == "self-signed" and len(chain) == 1:
        return f"breaks at #0: {last.subject_cn or last.subject} signs itself and is not in the trust store"
    if failure.kind in ("unknown-ca", "self-signed"):
        missing = " (the server sent no intermediate certificate)" if len(chain) == 1 else ""
        return (
            f"breaks after #{len(chain) - 1} {last.subject_cn or last.subject}: its issuer {last.issuer} is "
            f"not in the trust store{missing}"
        )
    if failure.kind == "hostname-mismatch":
        return f"the chain is not at fault: #0 {chain[0].subject_cn or chain[0].subject} does not name this host"
    return f"not verified: {failure.reason}"


def failed_handshake_info(
    exc: BaseException, server: Endpoint, starttls: StartTLS | None, *, recheck: bool = False
) -> TlsInfo:
    """After a failed handshake: why it failed (from `exc`; with `recheck` a verifying handshake
    when `exc` does not say) and the certificate, read in a second, unverified handshake.

    Blocking. The note is SECOND_HANDSHAKE_NOTE when the certificate was read.
    """
    error = find_verify_error(exc)
    failure = explain_verify_error(error) if error is not None else None
    try:
        if recheck and failure is None and server.tls_verify:
            failure = verify_check(
                server.host, server.port, starttls=starttls, cafile=server.ca_file, timeout=server.timeout
            )
        details = fetch_certificate(server.host, server.port, starttls=starttls, timeout=server.timeout)
    except (OSError, ValueError) as second:
        return TlsInfo(
            version=None, cipher=None, verify_enabled=server.tls_verify, verified=False, failure=failure,
            certificate=None, note=f"the certificate could not be read: {clean_line(str(second))}",
        )  # fmt: skip
    chain = _decoded(details.chain)
    return TlsInfo(
        version=details.version, cipher=details.cipher, verify_enabled=server.tls_verify, verified=False,
        failure=failure, certificate=certificate_or_none(details.der), note=SECOND_HANDSHAKE_NOTE,
        chain=chain, path=describe_break(chain, failure) if failure else "",
    )  # fmt: skip
