"""MTA-STS (RFC 8461): the `_mta-sts.DOMAIN` TXT record and the policy file it announces.

The policy is fetched from https://mta-sts.DOMAIN/.well-known/mta-sts.txt with the
certificate verified (as sending servers do: an untrusted certificate means no policy),
no redirects followed, a short timeout and a size cap. The host name is resolved with the
report's resolver, so `--server` applies here too. Where to connect (port, address) and
which CA to trust are parameters of `PolicyFetch`, so tests can point it at loopback.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_text, reveal_controls
from mailtui.diagnostics.dns_findings import Finding, Level, Lookups, parse_tags, shown

MAX_POLICY_BYTES = 64 * 1024
MAX_AGE_LIMIT = 31557600  # RFC 8461 3.2: at most one year
_ID = re.compile(r"^[A-Za-z0-9]{1,32}$")
_PATTERN = re.compile(r"^(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?$")


@dataclass(frozen=True)
class PolicyFetch:
    """How the policy file is fetched. The defaults are what senders do; tests change them."""

    port: int = 443
    cafile: Path | None = None  # None: the system's trusted CAs
    address: str | None = None  # connect here instead of the resolved address (tests)
    timeout: float = 5.0
    enabled: bool = True


@dataclass(frozen=True)
class StsPolicy:
    """The parsed policy file."""

    version: str | None
    mode: str | None  # enforce, testing, none
    mx: tuple[str, ...]
    max_age: int | None
    problems: tuple[str, ...]
    text: str  # cleaned, for the report


@dataclass(frozen=True)
class MxMatch:
    host: str
    pattern: str | None  # the first policy pattern it matches, None for none


@dataclass(frozen=True)
class MtaStsResult:
    domain: str
    records: tuple[str, ...]  # TXT at _mta-sts.DOMAIN starting with v=STSv1
    sts_id: str | None
    record_problems: tuple[str, ...]
    url: str
    fetched: bool
    fetch_error: str  # why the policy could not be fetched ("" when it was, or not tried)
    policy: StsPolicy | None
    matches: tuple[MxMatch, ...] = field(default=())


def parse_policy(text: str) -> StsPolicy:
    """Parse a policy file (`key: value` lines, CRLF or LF). Never raises.

    Values are checked as served (a mode with an escape sequence is not "enforce"); what is
    kept is cleaned for display, and an mx pattern that is not a host name is left out."""
    values: dict[str, list[str]] = {}
    for line in text.replace("\r\n", "\n").split("\n"):
        key, sep, value = line.partition(":")
        if sep:
            values.setdefault(key.strip().lower(), []).append(value.strip())
    problems: list[str] = []
    version = next(iter(values.get("version", [])), None)
    if version != "STSv1":
        problems.append(tr("version: STSv1 is missing: senders ignore the policy"))
        version = None
    mode = next(iter(values.get("mode", [])), None)
    if mode not in ("enforce", "testing", "none"):
        problems.append(
            tr(
                "mode: {mode} is not enforce, testing or none",
                mode=shown(reveal_controls(mode or tr("(missing)")), 40),
            )
        )
        mode = None
    mx: list[str] = []
    for pattern in values.get("mx", []):
        if _PATTERN.match(pattern):
            mx.append(pattern.lower().rstrip("."))
        else:
            problems.append(
                tr(
                    "mx: {pattern} is not a host name or *.domain pattern: it matches nothing",
                    pattern=shown(reveal_controls(pattern), 100),
                )
            )
    if not mx and mode != "none":
        problems.append(
            tr("no usable mx: lines: no MX host can match, so with mode enforce no mail is delivered")
        )
    age_text = (values.get("max_age") or [""])[0]
    max_age = int(age_text) if age_text.isdigit() and len(age_text) < 20 else None
    if max_age is None:
        problems.append(tr("max_age: is missing or not a number of seconds"))
    elif max_age > MAX_AGE_LIMIT:
        problems.append(
            tr(
                "max_age: {max_age} is over the one-year maximum ({limit})",
                max_age=max_age,
                limit=MAX_AGE_LIMIT,
            )
        )
    return StsPolicy(version, mode, tuple(mx), max_age, tuple(problems), clean_text(text))


def mx_matches(host: str, pattern: str) -> bool:
    """RFC 8461 4.1: exact, or `*.example.net` for exactly one more leftmost label."""
    host, pattern = host.lower().rstrip("."), pattern.lower().rstrip(".")
    if pattern.startswith("*."):
        label, _, rest = host.partition(".")
        return bool(label) and rest == pattern[2:]
    return host == pattern


def fetch_policy(lookups: Lookups, domain: str, how: PolicyFetch) -> tuple[str | None, str]:
    """(policy text, "") or (None, why not). TLS verified; never raises for network trouble."""
    host = f"mta-sts.{domain}"
    if how.address:
        addresses = [how.address]
    else:
        try:
            addresses = lookups.addresses(host)
        except MailtuiError as exc:
            return None, tr("{host} could not be resolved: {error}", host=host, error=exc.message)
        if not addresses:
            return None, tr("{host} has no A/AAAA record", host=host)
    context = ssl.create_default_context(cafile=str(how.cafile) if how.cafile else None)
    last = ""
    for address in addresses[:3]:
        conn = _Connection(host, address, how.port, context, how.timeout)
        try:
            conn.request("GET", "/.well-known/mta-sts.txt", headers={"User-Agent": "mailtui"})
            response = conn.getresponse()
            body = response.read(MAX_POLICY_BYTES + 1)
        except ssl.SSLCertVerificationError as exc:
            return None, tr(
                "the certificate of {host} is not trusted ({why}): senders ignore the policy; serve a "
                "certificate from a public CA that names {host}",
                host=host,
                why=exc.verify_message,
            )
        except (OSError, http.client.HTTPException) as exc:
            last = tr(
                "{host} ({address} port {port}) unreachable: {why}",
                host=host,
                address=address,
                port=how.port,
                why=_reason(exc),
            )
            continue
        finally:
            conn.close()
        if response.status != 200:
            where = response.getheader("Location")
            if where:
                return None, tr(
                    "{host} answered HTTP {status} (redirect to {location}; senders do not follow redirects)",
                    host=host,
                    status=response.status,
                    location=shown(where, 200),
                )
            return None, tr("{host} answered HTTP {status}", host=host, status=response.status)
        if len(body) > MAX_POLICY_BYTES:
            return None, tr("the policy is larger than {limit} bytes", limit=MAX_POLICY_BYTES)
        kind = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
        text = body.decode("utf-8", "replace")
        if kind != "text/plain":
            text += f"\n# served as {shown(kind or '(no Content-Type)', 60)}"
        return text, ""
    return None, last


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return tr("no answer in time")
    if isinstance(exc, ConnectionRefusedError):
        return tr("connection refused")
    return shown(str(exc) or type(exc).__name__, 200)


class _Connection(http.client.HTTPSConnection):
    """HTTPS to a given address with the certificate checked against `host` (SNI and name)."""

    def __init__(self, host: str, address: str, port: int, context: ssl.SSLContext, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        try:
            self.sock = self._tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def check_mta_sts(lookups: Lookups, domain: str, mx_hosts: list[str], how: PolicyFetch) -> MtaStsResult:
    """The TXT record, and the policy file when there is a record (or `how.enabled` is off: not)."""
    name = f"_mta-sts.{domain}"
    url = f"https://mta-sts.{domain}/.well-known/mta-sts.txt"
    try:
        txts = lookups.txt(name) or []
    except MailtuiError as exc:
        return MtaStsResult(domain, (), None, (f"{name}: {exc.message}",), url, False, "", None)
    records = tuple(t for t in txts if t.lower().startswith("v=stsv1"))
    problems: list[str] = []
    sts_id = None
    if len(records) > 1:
        problems.append(
            tr(
                "{name} has {count} v=STSv1 records: senders treat that as no MTA-STS",
                name=name,
                count=len(records),
            )
        )
    if records:
        tags = parse_tags(records[0])
        if tags[0] != ("v", "STSv1"):
            problems.append(tr("the record must start with v=STSv1 (case matters)"))
        sts_id = dict(tags).get("id")
        if sts_id is None or not _ID.match(sts_id):
            problems.append(
                tr(
                    "id={id} must be 1 to 32 letters or digits: senders ignore the record",
                    id=shown(sts_id or tr("(missing)"), 40),
                )
            )
    if not records or not how.enabled:
        return MtaStsResult(domain, records, sts_id, tuple(problems), url, False, "", None)
    text, error = fetch_policy(lookups, domain, how)
    policy = parse_policy(text) if text is not None else None
    matches: tuple[MxMatch, ...] = ()
    if policy is not None:
        matches = tuple(
            MxMatch(h, next((p for p in policy.mx if mx_matches(h, p)), None)) for h in mx_hosts if h
        )
    return MtaStsResult(
        domain, records, sts_id, tuple(problems), url, text is not None, error, policy, matches
    )


def mta_sts_findings(result: MtaStsResult) -> list[Finding]:
    """Record, fetch, policy and MX-match verdicts, each with what to publish."""
    d = result.domain
    if not result.records:
        return [
            Finding(
                "mta-sts",
                "info",
                tr(
                    "no MTA-STS (no v=STSv1 TXT at _mta-sts.{domain}): senders deliver over TLS only "
                    "opportunistically, so a man in the middle can strip STARTTLS",
                    domain=d,
                ),
                tr(
                    'publish TXT at _mta-sts.{domain}: "v=STSv1; id=20250101T000000" and serve {url} with '
                    "version: STSv1, mode: testing, mx: <each MX host>, max_age: 604800",
                    domain=d,
                    url=result.url,
                ),
            )
        ] + [Finding("mta-sts", "error", p) for p in result.record_problems]
    out = [
        Finding(
            "mta-sts",
            "error",
            p,
            tr('publish one TXT at _mta-sts.{domain}: "v=STSv1; id=<new id>"', domain=d),
        )
        for p in result.record_problems
    ]
    if result.fetch_error:
        out.append(
            Finding(
                "mta-sts",
                "error",
                tr(
                    "the policy could not be fetched from {url}: {error}",
                    url=result.url,
                    error=result.fetch_error,
                ),
                tr(
                    "serve the policy at {url} over HTTPS with a trusted certificate for mta-sts.{domain}",
                    url=result.url,
                    domain=d,
                ),
            )
        )
    policy = result.policy
    if policy is None:
        return out
    fix = tr(
        "edit {url}, then change id= in _mta-sts.{domain} so senders fetch it again", url=result.url, domain=d
    )
    out += [Finding("mta-sts", "error", tr("policy: {problem}", problem=p), fix) for p in policy.problems]
    if policy.mode == "testing":
        out.append(
            Finding(
                "mta-sts", "info", tr("mode: testing: failures are reported (TLS-RPT) but mail is still delivered"),
                tr("once the TLS reports are clean, set mode: enforce"),
            )
        )  # fmt: skip
    if policy.max_age is not None and policy.max_age < 86400:
        out.append(
            Finding("mta-sts", "warn", tr("max_age: {max_age} is under a day", max_age=policy.max_age), fix)
        )
    for m in result.matches:
        if m.pattern is None and policy.mode != "none":
            level: Level = "error" if policy.mode == "enforce" else "warn"
            out.append(
                Finding(
                    "mta-sts",
                    level,
                    tr(
                        "MX {host} matches no mx: line of the policy: senders that enforce it will not "
                        "deliver to that host",
                        host=m.host,
                    ),
                    tr("add 'mx: {host}' to {url} and change the id", host=m.host, url=result.url),
                )
            )
        elif m.pattern is not None:
            text = tr("MX {host} matches the policy's mx: {pattern}", host=m.host, pattern=m.pattern)
            out.append(Finding("mta-sts", "ok", text))
    if not out or all(f.level in ("ok", "info") for f in out):
        text = tr("MTA-STS published (id={id}, mode {mode})", id=result.sts_id, mode=policy.mode)
        out.insert(0, Finding("mta-sts", "ok", text))
    return out


def format_mta_sts(result: MtaStsResult) -> list[str]:
    lines = [f"  {shown(r)}" for r in result.records] or ["  " + tr("(no record)")]
    if result.records:
        state = tr("fetched") if result.fetched else tr("not fetched")
        lines.append("  " + tr("policy {url}: {state}", url=result.url, state=state))
    if result.policy is not None:
        p = result.policy
        lines.append(
            f"    version {p.version or '?'}, mode {p.mode or '?'}, max_age {p.max_age}, "
            f"mx {', '.join(shown(m, 100) for m in p.mx) or tr('(none)')}"
        )
    return lines
