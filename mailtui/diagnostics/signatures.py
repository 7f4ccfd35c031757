"""PGP and S/MIME signatures verified with the tools that exist on the host: gpg and openssl.

`verify_signatures(raw)` finds the signed and encrypted parts (`core.message.crypto`) and
checks each signature with GnuPG (`gpg --verify`, its machine-readable `--status-fd`
lines, the user's keyring or `gnupghome`) or OpenSSL (`openssl cms -verify`, the system's
CA store or `ca_file`). No verdict is claimed when it could not be checked: a missing
tool, a key not in the keyring or a malformed part give `unchecked` with the reason. The reasons
are in the current language (`core.i18n`); the status is a keyword in every language.

S/MIME through the `openssl` command rather than the `cryptography` package: the package
builds PKCS#7 signatures but has no API to verify one (checked on 50.0.2); the signer's
certificate is read with it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mailtui.core.i18n import tr
from mailtui.core.message.crypto import CryptoPart, find_crypto_parts

TOOL_TIMEOUT = 15.0

Status = Literal["good", "bad", "untrusted", "unchecked", "encrypted"]


@dataclass(frozen=True)
class SignatureVerdict:
    """What was found at one signed or encrypted part, and what checking it gave."""

    part: str  # "1.2": where in the MIME tree
    label: str  # "PGP/MIME signed", "S/MIME signed", "inline PGP signed", "PGP/MIME encrypted"
    status: Status
    reason: str  # what it means, in words an admin acts on (in the current language)
    signer: str = ""  # "Alice <alice@example.org>" (PGP user id) or the certificate's subject
    key: str = ""  # PGP fingerprint, or the certificate's issuer and validity
    tool: str = ""  # "gpg 2.2.40", "OpenSSL 3.0.17"

    @property
    def verified(self) -> bool:
        return self.status == "good"


def verify_signatures(
    raw: bytes,
    *,
    gnupghome: str | None = None,
    ca_file: str | None = None,
    gpg: str = "gpg",
    openssl: str = "openssl",
) -> tuple[SignatureVerdict, ...]:
    """A verdict for every signed or encrypted part of `raw` (none: the message has none)."""
    verdicts = []
    for part in find_crypto_parts(raw):
        if part.use == "encrypted":
            verdicts.append(
                SignatureVerdict(
                    part.path,
                    part.label,
                    "encrypted",
                    tr(
                        "encrypted: mailtui does not decrypt; its content and any signature inside it are not checked"
                    ),
                )
            )
        elif part.problem:
            verdicts.append(SignatureVerdict(part.path, part.label, "unchecked", _not_checked(part.problem)))
        elif part.kind == "pgp":
            verdicts.append(_verify_pgp(part, gpg, gnupghome))
        else:
            verdicts.append(_verify_smime(part, openssl, ca_file))
    return tuple(verdicts)


def _run(argv: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[bytes] | str:
    """The finished command, or why it could not run."""
    try:
        return subprocess.run(
            list(argv), capture_output=True, timeout=TOOL_TIMEOUT, cwd=cwd, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        return tr("{tool} did not answer in {seconds} s", tool=argv[0], seconds=f"{TOOL_TIMEOUT:.0f}")
    except OSError as exc:
        return tr("{tool} could not be started: {error}", tool=argv[0], error=exc.strerror or exc)


def _not_checked(why: str) -> str:
    return tr("not checked: {why}", why=why)


def _version(tool: str) -> str:
    try:
        out = subprocess.run(
            [tool, "version" if tool.endswith("openssl") else "--version"],
            capture_output=True,
            timeout=TOOL_TIMEOUT,
            text=True,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return tool
    first = out.splitlines()[0] if out else tool
    return first.replace("(GnuPG) ", "").split(" (")[0].strip()


# --- PGP ---------------------------------------------------------------------------------


def _verify_pgp(part: CryptoPart, gpg: str, gnupghome: str | None) -> SignatureVerdict:
    label = part.label
    if shutil.which(gpg) is None:
        return SignatureVerdict(
            part.path, label, "unchecked", tr("not checked: gpg is not installed (apt-get install gpg)")
        )
    argv = [gpg, "--batch", "--no-tty", "--status-fd", "1", "--no-auto-key-retrieve"]
    if gnupghome:
        argv += ["--homedir", gnupghome]
    with tempfile.TemporaryDirectory(prefix="mailtui-verify-") as tmp:
        work = Path(tmp)
        if part.form == "inline":
            (work / "message.asc").write_bytes(part.content)
            argv += ["--verify", "message.asc"]
        else:
            (work / "content").write_bytes(part.content)
            (work / "signature.asc").write_bytes(part.signature)
            argv += ["--verify", "signature.asc", "content"]
        done = _run(argv, work)
    if isinstance(done, str):
        return SignatureVerdict(part.path, label, "unchecked", _not_checked(done))
    return _pgp_verdict(
        part, _status_lines(done.stdout), done.stderr.decode("utf-8", "replace"), _version(gpg)
    )


def _status_lines(out: bytes) -> dict[str, list[str]]:
    """gpg's `[GNUPG:] KEYWORD args` lines, keyword -> the argument string of each."""
    found: dict[str, list[str]] = {}
    for line in out.decode("utf-8", "replace").splitlines():
        if line.startswith("[GNUPG:] "):
            keyword, _, rest = line[9:].partition(" ")
            found.setdefault(keyword, []).append(rest)
    return found


def _trust() -> dict[str, str]:
    """gpg's TRUST_* status keywords in words (built per call: the language is set at start)."""
    return {
        "TRUST_ULTIMATE": tr("the key is yours (ultimately trusted)"),
        "TRUST_FULLY": tr("the key is fully trusted in your keyring"),
        "TRUST_MARGINAL": tr("the key is marginally trusted in your keyring"),
        "TRUST_NEVER": tr("you have marked this key as never to be trusted"),
        "TRUST_UNDEFINED": tr(
            "the key is in your keyring but not certified as the sender's: compare its fingerprint "
            "with the sender before you rely on it"
        ),
    }


def _pgp_verdict(part: CryptoPart, status: dict[str, list[str]], stderr: str, tool: str) -> SignatureVerdict:
    def uid(keyword: str) -> str:
        return status[keyword][0].partition(" ")[2] if status.get(keyword) else ""

    fingerprint = status["VALIDSIG"][0].split(" ")[0] if status.get("VALIDSIG") else ""
    trusts = _trust()
    trust = next((text for key, text in trusts.items() if key in status), "")
    if "BADSIG" in status:
        return SignatureVerdict(
            part.path,
            part.label,
            "bad",
            tr(
                "BAD signature: the signed part was changed after it was signed (a list footer, a relay "
                "rewriting the text), or the signature is not for it"
            ),
            uid("BADSIG"),
            status["BADSIG"][0].split(" ")[0],
            tool,
        )
    for keyword, why in (
        ("EXPKEYSIG", tr("the signature is valid, but the signer's key has expired")),
        ("REVKEYSIG", tr("the signature is valid, but the signer's key has been REVOKED: do not trust it")),
        ("EXPSIG", tr("the signature is valid, but it has expired")),
    ):
        if keyword in status:
            return SignatureVerdict(part.path, part.label, "untrusted", why, uid(keyword), fingerprint, tool)
    if "GOODSIG" in status:
        if "TRUST_NEVER" in status:
            return SignatureVerdict(
                part.path,
                part.label,
                "untrusted",
                tr("good signature, but {trust}", trust=trusts["TRUST_NEVER"]),
                uid("GOODSIG"),
                fingerprint,
                tool,
            )
        verdict: Status = "good" if trust and "TRUST_UNDEFINED" not in status else "untrusted"
        reason = tr("good signature: the signed part is as it was signed") + (
            tr("; ") + trust if trust else ""
        )
        return SignatureVerdict(part.path, part.label, verdict, reason, uid("GOODSIG"), fingerprint, tool)
    if "NO_PUBKEY" in status or "ERRSIG" in status:
        key = (status.get("NO_PUBKEY") or status.get("ERRSIG") or [""])[0].split(" ")[0]
        return SignatureVerdict(
            part.path,
            part.label,
            "unchecked",
            tr(
                "not checked: the signer's key {key} is not in your keyring (gpg --recv-keys {key}, or import "
                "it from the sender, then check again)",
                key=key,
            ),
            key=key,
            tool=tool,
        )
    last = stderr.strip().splitlines()[-1] if stderr.strip() else tr("gpg gave no verdict")
    return SignatureVerdict(part.path, part.label, "unchecked", _not_checked(last), tool=tool)


# --- S/MIME ------------------------------------------------------------------------------


def _verify_smime(part: CryptoPart, openssl: str, ca_file: str | None) -> SignatureVerdict:
    label = part.label
    if shutil.which(openssl) is None:
        return SignatureVerdict(part.path, label, "unchecked", tr("not checked: openssl is not installed"))
    tool = _version(openssl)
    with tempfile.TemporaryDirectory(prefix="mailtui-verify-") as tmp:
        work = Path(tmp)
        (work / "signature.der").write_bytes(part.signature)
        argv = [
            openssl,
            "cms",
            "-verify",
            "-inform",
            "DER",
            "-in",
            "signature.der",
            "-binary",
            "-purpose",
            "smimesign",
            "-signer",
            "signer.pem",
            "-out",
            "content.out",
        ]
        if part.form == "mime":
            (work / "content").write_bytes(part.content)
            argv += ["-content", "content"]
        trusted = [*argv, *(["-CAfile", ca_file] if ca_file else [])]
        done = _run(trusted, work)
        if isinstance(done, str):
            return SignatureVerdict(part.path, label, "unchecked", _not_checked(done), tool=tool)
        signer, key = _signer(work / "signer.pem")
        if done.returncode == 0:
            where = tr("the CA file {path}", path=ca_file) if ca_file else tr("the system's CA store")
            return SignatureVerdict(
                part.path,
                label,
                "good",
                tr("good signature, and the signer's certificate chains to {where}", where=where),
                signer,
                key,
                tool,
            )
        chain_error = _openssl_error(done.stderr)
        # The signature alone, without the certificate chain: tells a changed message from
        # an unknown signer.
        alone = _run([*argv, "-noverify"], work)
        if isinstance(alone, str):
            return SignatureVerdict(part.path, label, "unchecked", _not_checked(alone), tool=tool)
        signer, key = _signer(work / "signer.pem")
        if alone.returncode == 0:
            return SignatureVerdict(
                part.path,
                label,
                "untrusted",
                tr(
                    "the signature matches the message, but the signer's certificate is not trusted here "
                    "({error}); check it, or give its CA with --smime-ca-file",
                    error=chain_error,
                ),
                signer,
                key,
                tool,
            )
        error = _openssl_error(alone.stderr)
        if not signer:  # openssl writes -signer only for a signature it accepted
            signer, key = _certificates(openssl, work)
        if any(word in error.lower() for word in _BAD_SIGNATURE):
            return SignatureVerdict(
                part.path,
                label,
                "bad",
                tr("BAD signature: the signed part was changed after it was signed ({error})", error=error),
                signer,
                key,
                tool,
            )
        return SignatureVerdict(
            part.path, label, "unchecked", _not_checked(f"openssl: {error}"), signer, key, tool
        )


def _openssl_error(stderr: bytes) -> str:
    """The reasons in openssl's error output: OpenSSL 3 writes `pid:error:code:library:function:
    reason:file:line:`, older ones a plain message; lines without either are kept as they are."""
    reasons = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        fields = line.strip().split(":")
        if len(fields) >= 6 and fields[1] == "error":
            reasons.append(fields[5].strip())
        elif line.strip():
            reasons.append(line.strip())
    return "; ".join(dict.fromkeys(r for r in reasons if r)) or tr("no reason given")


_BAD_SIGNATURE = ("verification failure", "content verify error", "digest failure", "signature failure")


def _certificates(openssl: str, work: Path) -> tuple[str, str]:
    """The first certificate carried in the signature (the signer's, as clients send it)."""
    done = _run(
        [openssl, "pkcs7", "-inform", "DER", "-in", "signature.der", "-print_certs", "-out", "certs.pem"],
        work,
    )
    if isinstance(done, str) or done.returncode != 0:
        return "", ""
    return _signer(work / "certs.pem")


def _signer(pem: Path) -> tuple[str, str]:
    """The signer's subject (with its e-mail address) and the certificate's issuer and validity."""
    try:
        data = pem.read_bytes()
    except OSError:
        return "", ""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        cert = x509.load_pem_x509_certificates(data)[0]
    except (ValueError, IndexError):
        return "", ""
    emails: list[str] = []
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        emails = san.get_values_for_type(x509.RFC822Name)
    except x509.ExtensionNotFound:
        pass
    emails += [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)]
    subject = cert.subject.rfc4514_string()
    signer = f"{subject} <{emails[0]}>" if emails else subject
    key = tr(
        "issued by {issuer}, valid {start} to {end}",
        issuer=cert.issuer.rfc4514_string(),
        start=f"{cert.not_valid_before_utc:%Y-%m-%d}",
        end=f"{cert.not_valid_after_utc:%Y-%m-%d}",
    )
    return signer, key


def format_verdicts(verdicts: Sequence[SignatureVerdict]) -> list[str]:
    """Lines for the text report (`mailtui verify`, `headers --verify`). The status stays a
    keyword (GOOD, BAD, UNTRUSTED...) in every language: the headers view marks UNTRUSTED lines."""
    if not verdicts:
        return ["  " + tr("(not signed or encrypted with PGP or S/MIME)")]
    lines = []
    for v in verdicts:
        lines.append(
            "  " + tr("part {part}: {label}: {status}", part=v.part, label=v.label, status=v.status.upper())
        )
        lines.append(f"     {v.reason}")
        if v.signer:
            lines.append("     " + tr("signer: {signer}", signer=v.signer))
        if v.key:
            lines.append("     " + tr("key: {key}", key=v.key))
        if v.tool:
            lines.append("     " + tr("checked with {tool}", tool=v.tool))
    return lines
