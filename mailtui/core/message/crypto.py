"""Signed and encrypted parts of a message (PGP/MIME, S/MIME, inline PGP), with the exact signed bytes.

Pure: raw message bytes in, `CryptoPart`s out; the signatures are verified elsewhere
(`mailtui.diagnostics.signatures`, with gpg and openssl). A signature covers the bytes of
the signed part as they were sent, so they are cut out of the raw message at the MIME
boundaries (RFC 1847: the CRLF before a delimiter belongs to the delimiter), never
re-serialized by the email package, and given with CRLF line ends (RFC 3156 section 5,
RFC 8551 section 3.1.1) whatever the file on disk uses.

Bounded like the rest of the message code: at most `MAX_PARTS` parts are looked at, at
most `MAX_DEPTH` levels deep.
"""

from __future__ import annotations

import base64
import binascii
import email.message
import email.parser
import email.policy
import quopri
import re
from dataclasses import dataclass
from typing import Literal

MAX_PARTS = 200
MAX_DEPTH = 20

CryptoKind = Literal["pgp", "smime"]
CryptoUse = Literal["signed", "encrypted"]
CryptoForm = Literal["mime", "inline", "opaque"]  # multipart/signed; armored text; pkcs7-mime signed-data


@dataclass(frozen=True)
class CryptoPart:
    """One signed or encrypted part: where it is and, for a signature, what to check.

    `content` is what the signature covers (CRLF line ends): the first part of a
    multipart/signed with its MIME headers, or the whole armored text of inline PGP;
    `signature` is the detached signature (armored PGP, or DER for S/MIME), or for an
    opaque S/MIME signed-data the whole DER blob (its content is inside it).
    """

    kind: CryptoKind
    use: CryptoUse
    form: CryptoForm
    path: str  # "1" the whole message, "1.2" its second part, as in the MIME tree
    content_type: str
    content: bytes = b""
    signature: bytes = b""
    problem: str = ""  # why it cannot be checked (a malformed multipart/signed), "" when it can

    @property
    def label(self) -> str:
        kind = "PGP" if self.kind == "pgp" else "S/MIME"
        form = {"mime": f"{kind}/MIME" if self.kind == "pgp" else kind, "inline": f"inline {kind}"}.get(
            self.form, f"{kind} (opaque)"
        )
        return f"{form} {self.use}"


_BLANK = re.compile(rb"\r?\n\r?\n")
_LINE_END = re.compile(rb"\r?\n")


def find_crypto_parts(raw: bytes) -> tuple[CryptoPart, ...]:
    """Every signed or encrypted part of `raw`, outermost first."""
    found: list[CryptoPart] = []
    budget = [MAX_PARTS]
    _walk(raw, "1", 0, found, budget)
    return tuple(found)


def _split_entity(entity: bytes) -> tuple[bytes, bytes]:
    """(header block, body) of a MIME entity; no blank line: all header."""
    match = _BLANK.search(entity)
    if match is None:
        return entity, b""
    return entity[: match.start()], entity[match.end() :]


def _headers(block: bytes) -> email.message.Message:
    return email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(block + b"\n\n")


def _walk(entity: bytes, path: str, depth: int, found: list[CryptoPart], budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        return
    block, body = _split_entity(entity)
    headers = _headers(block)
    ctype = headers.get_content_type()
    if ctype == "multipart/signed":
        found.append(_signed(headers, body, path))
    elif ctype == "multipart/encrypted":
        protocol = str(headers.get_param("protocol") or "").lower()
        kind: CryptoKind = "pgp" if "pgp" in protocol else "smime"
        found.append(CryptoPart(kind, "encrypted", "mime", path, ctype))
        return  # nothing readable inside
    elif ctype in ("application/pkcs7-mime", "application/x-pkcs7-mime"):
        smime_type = str(headers.get_param("smime-type") or "").lower()
        if smime_type == "signed-data":
            blob = _decoded(body, headers)
            found.append(CryptoPart("smime", "signed", "opaque", path, ctype, signature=blob))
        else:  # enveloped-data, authEnveloped-data, or unnamed (usually enveloped)
            found.append(CryptoPart("smime", "encrypted", "mime", path, ctype))
        return
    elif ctype == "text/plain":
        text = _decoded(body, headers)
        if b"-----BEGIN PGP SIGNED MESSAGE-----" in text:
            start = text.index(b"-----BEGIN PGP SIGNED MESSAGE-----")
            end = text.find(b"-----END PGP SIGNATURE-----", start)
            if end < 0:
                armored, problem = b"", "the inline PGP signature has no END line"
            else:
                armored, problem = _crlf(text[start : end + len(b"-----END PGP SIGNATURE-----")] + b"\n"), ""
            found.append(CryptoPart("pgp", "signed", "inline", path, ctype, content=armored, problem=problem))
        elif b"-----BEGIN PGP MESSAGE-----" in text:
            found.append(CryptoPart("pgp", "encrypted", "inline", path, ctype))
        return
    if headers.get_content_maintype() == "multipart":
        boundary = headers.get_param("boundary")
        if not isinstance(boundary, str) or not boundary:
            return
        for i, part in enumerate(_body_parts(body, boundary.encode("utf-8", "surrogateescape"))):
            _walk(part, f"{path}.{i + 1}", depth + 1, found, budget)
    elif ctype == "message/rfc822":
        _walk(body, f"{path}.1", depth + 1, found, budget)


def _signed(headers: email.message.Message, body: bytes, path: str) -> CryptoPart:
    protocol = str(headers.get_param("protocol") or "").lower()
    kind: CryptoKind = "pgp" if "pgp" in protocol else "smime"
    ctype = "multipart/signed"
    boundary = headers.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        return CryptoPart(kind, "signed", "mime", path, ctype, problem="multipart/signed without a boundary")
    parts = _body_parts(body, boundary.encode("utf-8", "surrogateescape"))
    if len(parts) != 2:
        return CryptoPart(
            kind, "signed", "mime", path, ctype, problem=f"multipart/signed with {len(parts)} parts, not 2"
        )
    sig_block, sig_body = _split_entity(parts[1])
    sig_headers = _headers(sig_block)
    signature = _decoded(sig_body, sig_headers)
    if kind == "pgp":
        signature = _crlf(signature)
    return CryptoPart(kind, "signed", "mime", path, ctype, content=_crlf(parts[0]), signature=signature)


def _body_parts(body: bytes, boundary: bytes) -> list[bytes]:
    """The parts of a multipart body, each exactly as sent (without the CRLF before a delimiter)."""
    delimiter = b"--" + boundary
    parts: list[bytes] = []
    start: int | None = None
    pos = 0
    for match in _LINE_END.finditer(body + b"\n"):
        line = body[pos : match.start()]
        if line.startswith(delimiter):
            rest = line[len(delimiter) :]
            closing = rest.startswith(b"--")
            if (rest[2:] if closing else rest).strip(b" \t") == b"":
                if start is not None:
                    end = pos
                    # the line break before the delimiter is the delimiter's
                    if body[end - 2 : end] == b"\r\n":
                        end -= 2
                    elif body[end - 1 : end] == b"\n":
                        end -= 1
                    parts.append(body[start:end])
                if closing:
                    return parts
                start = match.end()
                if len(parts) >= MAX_PARTS:
                    return parts
        pos = match.end()
    return parts  # no closing delimiter: what was complete


def _decoded(body: bytes, headers: email.message.Message) -> bytes:
    """The body with its Content-Transfer-Encoding undone (as-is when that fails)."""
    cte = str(headers.get("Content-Transfer-Encoding") or "").strip().lower()
    try:
        if cte == "base64":
            return base64.b64decode(re.sub(rb"[^A-Za-z0-9+/=]", b"", body))
        if cte == "quoted-printable":
            return quopri.decodestring(body)
    except (binascii.Error, ValueError):
        return body
    return body


def _crlf(data: bytes) -> bytes:
    return _LINE_END.sub(b"\r\n", data)
