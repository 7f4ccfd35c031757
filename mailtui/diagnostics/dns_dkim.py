"""DKIM key records (RFC 6376 3.6.1) at `SELECTOR._domainkey.DOMAIN`, for given and common selectors.

DNS cannot list a domain's selectors, so the ones given (`--dkim-selector`) are asked
along with a short list of common ones, and the report says which were tried and found.
A key record is parsed: v=DKIM1, k= (rsa, ed25519), p= (empty = revoked), the RSA key
size read from the public key itself, t=y (testing) and t=s (strict).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.diagnostics.dns_findings import Finding, Lookups, parse_tags, shown

COMMON_SELECTORS = ("default", "selector1", "selector2", "google", "k1", "mail", "dkim", "s1", "s2")


def _fix(name: str, selector: str, domain: str) -> str:
    return tr(
        'publish TXT at {name}: "v=DKIM1; k=rsa; p=<base64 public key>" (a 2048-bit key, e.g. from '
        "opendkim-genkey -b 2048 -s {selector} -d {domain}) and sign with the matching private key",
        name=name,
        selector=selector,
        domain=domain,
    )


@dataclass(frozen=True)
class DkimKey:
    """One selector's key record, parsed."""

    selector: str
    name: str  # selector._domainkey.domain
    raw: str
    version: str | None
    key_type: str  # k= (default rsa)
    key_bits: int | None  # from the public key; None when it could not be read
    revoked: bool  # p= empty
    testing: bool  # t=y
    strict: bool  # t=s: i= must be the d= domain exactly
    hashes: tuple[str, ...]  # h=, () = any
    problems: tuple[str, ...]


@dataclass(frozen=True)
class DkimResult:
    domain: str
    tried: tuple[str, ...]
    given: tuple[str, ...]
    keys: tuple[DkimKey, ...]
    errors: tuple[str, ...]  # lookups that failed (not "not found")
    found: tuple[str, ...]  # the selectors with a key record


def parse_key_record(selector: str, name: str, record: str) -> DkimKey:
    """Parse and check one DKIM key record. Never raises."""
    tags = parse_tags(record)
    get = dict(reversed(tags)).get
    problems: list[str] = []
    version = get("v")
    if version is not None and (tags[0][0] != "v" or version != "DKIM1"):
        problems.append(tr("v= must be DKIM1 and come first (receivers ignore the record otherwise)"))
    key_type = (get("k") or "rsa").lower()
    if key_type not in ("rsa", "ed25519"):
        problems.append(
            tr(
                "k={key_type} is not rsa or ed25519: receivers cannot use this key",
                key_type=shown(key_type, 40),
            )
        )
    p = get("p")
    revoked = p == ""
    bits: int | None = None
    if p is None:
        problems.append(tr("p= is missing: the record is not a valid key (receivers fail every signature)"))
    elif p:
        bits, why = _key_bits(key_type, p)
        if why:
            problems.append(why)
    flags = {f.strip().lower() for f in (get("t") or "").split(":") if f.strip()}
    hashes = tuple(h.strip().lower() for h in (get("h") or "").split(":") if h.strip())
    if hashes and "sha256" not in hashes:
        problems.append(
            tr(
                "h={hashes} does not allow sha256 (sha1 is no longer accepted, RFC 8301)",
                hashes=":".join(hashes),
            )
        )
    service = get("s")
    if service is not None and not {s.strip() for s in service.split(":")} & {"*", "email"}:
        problems.append(
            tr("s={service} excludes email: the key cannot verify mail", service=shown(service, 40))
        )
    return DkimKey(
        selector,
        name,
        shown(record),
        version,
        key_type,
        bits,
        revoked,
        "y" in flags,
        "s" in flags,
        hashes,
        tuple(problems),
    )


def _key_bits(key_type: str, p: str) -> tuple[int | None, str]:
    """The key size from p= (SubjectPublicKeyInfo or a bare PKCS#1 RSA key), or why not."""
    try:
        data = base64.b64decode(p, validate=True)
    except (binascii.Error, ValueError):
        return None, tr("p= is not valid base64: receivers cannot read the key (a paste cut in the middle?)")
    if key_type == "ed25519":
        if len(data) != 32:
            return None, tr("an ed25519 p= must be 32 bytes, this one is {size}", size=len(data))
        return 256, ""
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        key = load_der_public_key(data)
    except (ValueError, TypeError):
        return None, tr("p= does not hold an RSA public key (DER SubjectPublicKeyInfo expected)")
    if not isinstance(key, rsa.RSAPublicKey):
        kind = type(key).__name__.removesuffix("PublicKey").lstrip("_")
        return None, tr("p= holds a {kind} key, not RSA (k=rsa)", kind=kind)
    return key.key_size, ""


def check_dkim(lookups: Lookups, domain: str, selectors: Sequence[str] = ()) -> DkimResult:
    """Ask the given selectors, then the common ones (each once), at `_domainkey.domain`."""
    given = tuple(dict.fromkeys(s.strip().lower() for s in selectors if s.strip()))
    tried = tuple(dict.fromkeys(given + COMMON_SELECTORS))
    keys: list[DkimKey] = []
    errors: list[str] = []
    for selector in tried:
        name = f"{selector}._domainkey.{domain}"
        try:
            records = lookups.txt(name)
        except MailtuiError as exc:
            errors.append(f"{name}: {exc.message}")
            continue
        dkim = [r for r in records or () if "p=" in r or r.lower().startswith("v=dkim1")]
        if dkim:
            keys.append(parse_key_record(selector, name, dkim[0]))
            if len(dkim) > 1:
                errors.append(
                    tr(
                        "{name} has {count} key records: receivers may pick either",
                        name=name,
                        count=len(dkim),
                    )
                )
    return DkimResult(domain, tried, given, tuple(keys), tuple(errors), tuple(k.selector for k in keys))


def dkim_findings(result: DkimResult) -> list[Finding]:
    """Each key's verdict, a missing given selector, and no key at all, with the record to publish."""
    out: list[Finding] = []
    for key in result.keys:
        fix = _fix(key.name, key.selector, result.domain)
        if key.revoked:
            out.append(
                Finding(
                    "dkim",
                    "warn" if key.selector in result.given else "info",
                    tr(
                        "{name}: p= is empty: this key is revoked, signatures with s={selector} fail",
                        name=key.name,
                        selector=key.selector,
                    ),
                    tr("if mail is still signed with this selector, {fix}", fix=fix),
                )
            )
        elif key.problems:
            out += [
                Finding("dkim", "error", tr("{name}: {problem}", name=key.name, problem=p), fix)
                for p in key.problems
            ]
        elif key.key_type == "rsa" and key.key_bits is not None and key.key_bits < 1024:
            out.append(
                Finding(
                    "dkim",
                    "error",
                    tr(
                        "{name}: RSA key of {bits} bits: receivers reject keys under 1024 bits (RFC 8301), "
                        "so every signature fails",
                        name=key.name,
                        bits=key.key_bits,
                    ),
                    fix,
                )
            )
        elif key.key_type == "rsa" and key.key_bits is not None and key.key_bits < 2048:
            out.append(
                Finding(
                    "dkim",
                    "warn",
                    tr(
                        "{name}: RSA key of {bits} bits: accepted, but 2048 is the recommended size",
                        name=key.name,
                        bits=key.key_bits,
                    ),
                    fix,
                )
            )
        else:
            if key.key_bits:
                text = tr(
                    "{name}: {bits}-bit {key_type} key published",
                    name=key.name,
                    bits=key.key_bits,
                    key_type=key.key_type,
                )
            else:
                text = tr("{name}: {key_type} key published", name=key.name, key_type=key.key_type)
            out.append(Finding("dkim", "ok", text))
            if key.key_type == "ed25519":
                out.append(
                    Finding(
                        "dkim",
                        "info",
                        tr("{name}: ed25519 keys are not verified by every receiver yet", name=key.name),
                        tr("sign with an RSA key as well (a second selector)"),
                    )
                )
        if key.testing and not key.revoked:
            out.append(
                Finding(
                    "dkim",
                    "warn",
                    tr(
                        "{name}: t=y (testing): receivers may treat failing signatures as unsigned",
                        name=key.name,
                    ),
                    tr("once signing works, publish the record without t=y at {name}", name=key.name),
                )
            )
    for selector in result.given:
        if selector not in result.found:
            name = f"{selector}._domainkey.{result.domain}"
            out.append(
                Finding(
                    "dkim",
                    "error",
                    tr(
                        "no DKIM key at {name}: mail signed with s={selector} fails DKIM (key not found)",
                        name=name,
                        selector=selector,
                    ),
                    _fix(name, selector, result.domain),
                )
            )
    if not result.keys:
        out.append(
            Finding(
                "dkim",
                "warn",
                tr(
                    "no DKIM key found at the {count} selectors tried; selectors can be any name, so give "
                    "yours with --dkim-selector (read s= in a DKIM-Signature you sent)",
                    count=len(result.tried),
                ),
                _fix(f"mail._domainkey.{result.domain}", "mail", result.domain),
            )
        )
    out += [Finding("dkim", "warn", tr("DKIM lookup failed: {error}", error=e)) for e in result.errors]
    return out


def format_dkim(result: DkimResult) -> list[str]:
    """The DKIM section of the plain-text report (findings come separately)."""
    lines = [
        "  " + tr("tried: {selectors}", selectors=", ".join(result.tried)),
        "  " + tr("found: {selectors}", selectors=", ".join(result.found) or tr("(none)")),
    ]
    for key in result.keys:
        if key.key_bits:
            bits = tr("{bits} bits", bits=key.key_bits)
        else:
            bits = tr("revoked") if key.revoked else tr("size unknown")
        flags = "".join(
            [
                ", " + tr("testing (t=y)") if key.testing else "",
                ", " + tr("strict (t=s)") if key.strict else "",
            ]
        )
        lines.append(f"  {key.selector}: k={key.key_type}, {bits}{flags}")
        lines.append(f"    {key.raw}")
    return lines
