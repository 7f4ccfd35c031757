"""DKIM-signing the mail mailtui sends, so an admin can test their own setup end to end.

What compose and `mailtui send` share: `dkim_signing` says how an account signs (its
dkim_key/dkim_selector/dkim_domain, each overridden by the --dkim-* flags), and
`send_or_queue` signs the wire bytes with `sign_for_sending` before they are queued or
sent, so the queued copy, the relay and the Sent copy all see the same signed message.
`sign_message` (dkimpy, rsa-sha256) does the signing; the verdicts verify with the same library.
"""

from __future__ import annotations

import base64
import os
import stat
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import dkim  # type: ignore[import-untyped]  # dkimpy ships no type information
from dkim.canonicalization import CanonicalizationPolicy  # type: ignore[import-untyped]
from dkim.crypto import (  # type: ignore[import-untyped]
    HASH_ALGORITHMS,
    UnparsableKeyError,
    parse_pem_private_key,
)

from mailtui.core.errors import EX_DATAERR, MailtuiError
from mailtui.core.sanitize import clean_line

if TYPE_CHECKING:
    from mailtui.config import AccountConfig

SIGN_HEADERS = (
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "reply-to",
    "mime-version",
    "content-type",
)


class DkimSigningError(MailtuiError):
    """Test mail could not be DKIM-signed: the key file, the key or the message is unusable."""

    title = "DKIM signing failed"
    exit_code = EX_DATAERR


@dataclass(frozen=True)
class DkimSigning:
    """How to sign: the key file, its selector, and d= ("" = the sender's domain)."""

    key_file: str
    selector: str
    domain: str = ""


def dkim_signing(
    account: AccountConfig | None,
    *,
    key_file: str | None = None,
    selector: str | None = None,
    domain: str | None = None,
) -> DkimSigning | None:
    """The account's DKIM settings with each given flag in place of its key; None: do not sign."""
    key = key_file or (account.dkim_key if account is not None else None)
    if not key:
        return None
    return DkimSigning(
        key,
        selector or (account.dkim_selector if account is not None else ""),
        domain or (account.dkim_domain if account is not None else ""),
    )


def sign_for_sending(raw: bytes, signing: DkimSigning, sender: str, notes: list[str]) -> bytes:
    """`raw` signed as `signing` says (d= defaults to `sender`'s domain); a key others can
    read still signs, with a note saying so. DkimSigningError when it cannot sign."""
    domain = signing.domain or sender.rpartition("@")[2]
    signed = sign_with_key_file(raw, signing.key_file, signing.selector, domain)
    try:
        mode = stat.S_IMODE(os.stat(Path(signing.key_file).expanduser()).st_mode)
    except OSError:
        mode = 0
    if mode & 0o077:
        notes.append(
            f"the DKIM key {signing.key_file} is mode {mode:04o}, readable by group/others: anyone on "
            f"this machine can sign mail as {domain}; run chmod 600 {signing.key_file}"
        )
    return signed


def sign_message(
    raw: bytes,
    key_pem: bytes,
    selector: str,
    domain: str,
    *,
    headers: Sequence[str] = SIGN_HEADERS,
    canonicalize: tuple[str, str] = ("relaxed", "relaxed"),
    length: bool = False,
    expires_in: int | None = None,
    timestamp: int | None = None,
) -> bytes:
    """`raw` with a DKIM-Signature (rsa-sha256) by `key_pem` for `selector._domainkey.domain` on top.

    Only the listed headers that the message has are signed (From always); `length` adds l=,
    `expires_in` adds x= that many seconds after t=. A bad key or message is a `DkimSigningError`.
    """
    if not selector or not domain:
        raise DkimSigningError(
            "DKIM signing needs a selector and a domain (--dkim-selector and --dkim-domain, or the "
            "account's dkim_selector and dkim_domain)"
        )
    try:
        signer = dkim.DKIM(
            raw, signature_algorithm=b"rsa-sha256", linesep=b"\r\n" if b"\r\n" in raw else b"\n"
        )
    except dkim.DKIMException as exc:
        raise DkimSigningError(f"the message cannot be signed: {clean_line(str(exc))}") from None
    try:
        private = parse_pem_private_key(key_pem)
    except UnparsableKeyError as exc:
        raise DkimSigningError(
            f"the DKIM key is not a PEM RSA private key ({clean_line(str(exc))}); make one with "
            "`openssl genrsa -out dkim.pem 2048` and publish its public half at "
            f"{selector}._domainkey.{domain}"
        ) from None
    present = {k.lower() for k, _ in signer.headers}
    include = tuple(
        h.lower().encode() for h in dict.fromkeys(["from", *headers]) if h.lower().encode() in present
    )
    policy = CanonicalizationPolicy.from_c_value("/".join(canonicalize).encode())
    body = policy.canonicalize_body(signer.body)
    stamp = int(time.time()) if timestamp is None else timestamp
    fields: list[tuple[bytes, bytes]] = [
        (b"v", b"1"),
        (b"a", b"rsa-sha256"),
        (b"c", policy.to_c_value()),
        (b"d", domain.encode()),
        (b"s", selector.encode()),
        (b"t", str(stamp).encode()),
    ]
    if expires_in is not None:
        fields.append((b"x", str(stamp + expires_in).encode()))
    if length:
        fields.append((b"l", str(len(body)).encode()))
    digest = HASH_ALGORITHMS[b"rsa-sha256"](body).digest()
    fields += [(b"h", b":".join(include)), (b"bh", base64.b64encode(digest)), (b"b", b"0" * 60)]
    signer.signature_algorithm = b"rsa-sha256"
    signer.hasher = HASH_ALGORITHMS[b"rsa-sha256"]
    try:
        header = signer.gen_header(fields, include, policy, b"DKIM-Signature", private)
    except dkim.DKIMException as exc:
        raise DkimSigningError(f"DKIM signing failed: {clean_line(str(exc))}") from None
    return b"DKIM-Signature: " + header + raw


def sign_with_key_file(raw: bytes, key_file: str | Path, selector: str, domain: str) -> bytes:
    """`sign_message` with the key read from `key_file` (for --dkim-key and per-account settings)."""
    try:
        key_pem = Path(key_file).expanduser().read_bytes()
    except OSError as exc:
        raise DkimSigningError(f"cannot read the DKIM key {key_file}: {exc.strerror or exc}") from None
    return sign_message(raw, key_pem, selector, domain)
