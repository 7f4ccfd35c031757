"""All verdicts of one message, set beside the receiving server's Authentication-Results.

`verify_message` computes DKIM, ARC, SPF (for the handing IP) and DMARC through one
resolver; `format_text` renders them for the terminal, `to_json` for scripts. A line
starting with "!" is a disagreement with what the server wrote: either the message was
changed after the server checked it, or one of the two is wrong.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email import policy as email_policy
from email.parser import BytesHeaderParser
from typing import Any

from mailtui.core.headers.authres import AuthResult, AuthResults, parse_authentication_results
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_text
from mailtui.diagnostics.dns_check import DEFAULT_TIMEOUT
from mailtui.diagnostics.signatures import SignatureVerdict, format_verdicts, verify_signatures
from mailtui.diagnostics.verdicts.arc import ArcVerdict, verify_arc
from mailtui.diagnostics.verdicts.dkim import DkimVerdict, verify_dkim
from mailtui.diagnostics.verdicts.dmarc import DmarcVerdict, check_dmarc
from mailtui.diagnostics.verdicts.resolver import VerdictDns
from mailtui.diagnostics.verdicts.spf_verdict import HandingHop, SpfVerdict, check_spf, handing_hop


@dataclass(frozen=True)
class Comparison:
    """Our result for one check beside the server's; `agrees` is False when they differ."""

    check: str  # "dkim d=example.com", "spf", "dmarc", "arc"
    ours: str
    server: str | None  # None: the server wrote nothing for it
    agrees: bool
    note: str = ""


@dataclass(frozen=True)
class VerdictReport:
    """Everything computed for one message."""

    dns_server: str
    dkim: tuple[DkimVerdict, ...]
    arc: ArcVerdict
    handing: HandingHop | None
    spf: SpfVerdict
    dmarc: DmarcVerdict
    server_results: tuple[AuthResults, ...]
    comparisons: tuple[Comparison, ...]
    signatures: tuple[SignatureVerdict, ...] = ()  # PGP and S/MIME (diagnostics.signatures)

    @property
    def disagreements(self) -> tuple[Comparison, ...]:
        return tuple(c for c in self.comparisons if not c.agrees)


def _headers(raw: bytes) -> Any:
    return BytesHeaderParser(policy=email_policy.compat32).parsebytes(raw)


def verify_message(
    raw: bytes,
    dns_server: str = "",
    *,
    trusted_hosts: Sequence[str] = (),
    trusted_authserv_ids: Sequence[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    gnupghome: str | None = None,
    smime_ca_file: str | None = None,
) -> VerdictReport:
    """DKIM, ARC, SPF and DMARC of `raw`, all DNS through `dns_server` (HOST[:PORT], "" = system);
    PGP and S/MIME signatures with gpg (the user's keyring, or `gnupghome`) and openssl (the
    system's CA store, or `smime_ca_file`)."""
    dns = VerdictDns(dns_server, timeout)
    headers = _headers(raw)
    dkim = verify_dkim(raw, dns)
    arc = verify_arc(raw, dns)
    received = [str(v) for v in headers.get_all("Received") or []]
    hop = handing_hop(received, trusted_hosts)
    sender = str(headers.get("Return-Path") or "").strip()
    spf = check_spf(hop.ip if hop else None, sender, hop.helo if hop else None, dns)
    dmarc = check_dmarc(raw, dkim, spf, dns)
    server = tuple(
        parse_authentication_results(str(v), trusted_authserv_ids)
        for v in headers.get_all("Authentication-Results") or []
    )
    signatures = verify_signatures(raw, gnupghome=gnupghome, ca_file=smime_ca_file)
    return VerdictReport(
        dns.server, dkim, arc, hop, spf, dmarc, server, _compare(dkim, arc, spf, dmarc, server), signatures
    )


def _server_view(server: Sequence[AuthResults]) -> AuthResults | None:
    """The trusted header nearest the top, else the topmost one (then marked untrusted)."""
    return next((r for r in server if r.trusted), server[0] if server else None)


def _passes(result: str) -> bool:
    return result == "pass"


def _compare(
    dkim: Sequence[DkimVerdict],
    arc: ArcVerdict,
    spf: SpfVerdict,
    dmarc: DmarcVerdict,
    server: Sequence[AuthResults],
) -> tuple[Comparison, ...]:
    view = _server_view(server)
    theirs: list[AuthResult] = list(view.results) if view else []
    out: list[Comparison] = []
    dkim_server = [r for r in theirs if r.method == "dkim"]
    for verdict in dkim:
        match = next((r for r in dkim_server if (r.prop("header.d") or "").lower() == verdict.domain), None)
        if match is None and len(dkim) == 1 and len(dkim_server) == 1:
            match = dkim_server[0]
        out.append(
            _one(f"dkim d={verdict.domain} s={verdict.selector}", verdict.result, match, _dkim_note(verdict))
        )
    for method, ours in (("spf", spf.result), ("dmarc", dmarc.result), ("arc", arc.result)):
        match = next((r for r in theirs if r.method == method), None)
        if ours == "none" and match is None:
            continue
        out.append(_one(method, ours, match, _generic_note))
    return tuple(out)


def _dkim_note(verdict: DkimVerdict) -> Callable[[str, str], str]:
    def note(ours: str, server: str) -> str:
        if not _passes(server):
            return tr(
                "we verify it, the server did not: its DNS may have failed, or the key was published since"
            )
        if verdict.kind in {"key-not-found", "key-revoked", "key-unusable"}:
            return tr(
                "the server verified it, but {key} does not hold the key now: it was removed "
                "or revoked since, or the server's DNS sees another zone (split horizon)",
                key=verdict.key_name,
            )
        if verdict.kind == "expired":
            return tr("the server verified it before x= passed; it has expired since")
        return tr(
            "the server verified it, we do not: the message changed after it arrived "
            "(a filter, a list, a forward), or the key changed since"
        )

    return note


def _generic_note(ours: str, server: str) -> str:
    return tr(
        "the server saw another client IP, sender or DNS answer, or the message changed after it arrived"
    )


def _one(check: str, ours: str, match: AuthResult | None, note: Callable[[str, str], str]) -> Comparison:
    if match is None:
        return Comparison(check, ours, None, True, tr("the server wrote no result for it"))
    agrees = _passes(ours) == _passes(match.result)
    return Comparison(check, ours, match.result, agrees, "" if agrees else note(ours, match.result))


def format_text(report: VerdictReport) -> str:
    """The verdicts as plain text, ours beside the server's, disagreements marked "!"."""
    lines = [tr("Verdicts computed here (DNS: {server})", server=report.dns_server)]
    view = _server_view(report.server_results)
    if view is None:
        lines.append(tr("Server: no Authentication-Results header"))
    else:
        trust = tr("trusted") if view.trusted else tr("NOT trusted: anyone could have written it")
        lines.append(
            tr(
                "Server: Authentication-Results by {authserv_id} ({trust})",
                authserv_id=view.authserv_id or tr("(no authserv-id)"),
                trust=trust,
            )
        )
    lines += ["", "DKIM:"]
    if not report.dkim:
        lines.append("  " + tr("(no DKIM-Signature)"))
    for v in report.dkim:
        bits = tr(", {bits}-bit key", bits=v.key_bits) if v.key_bits else ""
        lines.append(
            f"  #{v.index + 1} d={v.domain} s={v.selector} a={v.algorithm}{bits}: {v.result.upper()}"
        )
        lines.append(f"     {v.reason}")
        lines += ["     " + tr("warning: {warning}", warning=w) for w in v.warnings]
    lines += ["", f"ARC: {report.arc.result.upper()}: {report.arc.reason}"]
    for inst in report.arc.instances:
        seal = tr("valid") if inst.seal_valid else tr("INVALID")
        ams = tr("valid") if inst.ams_valid else tr("INVALID")
        lines.append(
            "  "
            + tr(
                "i={instance} cv={cv} seal d={seal_domain} s={seal_selector}: {seal}; "
                "message signature d={ams_domain}: {ams}",
                instance=inst.instance,
                cv=inst.cv or "?",
                seal_domain=inst.seal_domain,
                seal_selector=inst.seal_selector,
                seal=seal,
                ams_domain=inst.ams_domain,
                ams=ams,
            )
        )
    spf = report.spf
    if spf.ip and spf.domain:
        lines += [
            "",
            tr(
                "SPF: {result} for {ip} as {sender} (domain {domain})",
                result=spf.result.upper(),
                ip=spf.ip,
                sender=spf.sender,
                domain=spf.domain,
            ),
        ]
    else:
        lines += ["", f"SPF: {spf.result.upper()}: " + tr("not checked")]
    if report.handing is not None:
        lines.append("  " + tr("handed in by: {note}", note=report.handing.note))
    lines.append(f"  {spf.reason}")
    lines += ["  " + tr("path: {step}", step=p) for p in spf.path]
    d = report.dmarc
    lines += [
        "",
        tr("DMARC: {result} for From domain {domain}", result=d.result.upper(), domain=d.from_domain or "?"),
    ]
    lines.append(f"  {d.reason}")
    if d.record is not None:
        lines.append(
            "  "
            + tr(
                "record at _dmarc.{domain}: p={policy} pct={pct} adkim={adkim} aspf={aspf}",
                domain=d.record_domain,
                policy=d.policy,
                pct=d.pct,
                adkim=d.record.adkim,
                aspf=d.record.aspf,
            )
        )
    if d.result == "fail":
        lines.append("  " + tr("the policy asks receivers to: {disposition}", disposition=d.disposition))
    lines += ["", "PGP / S/MIME:", *format_verdicts(report.signatures)]
    lines += ["", tr("Ours vs the server's:")]
    for c in report.comparisons:
        mark = "  " if c.agrees else "! "
        server = c.server if c.server is not None else "-"
        lines.append(f"{mark}{c.check:<36} ours={c.ours:<10} server={server}")
        if not c.agrees:
            lines.append("    " + tr("DISAGREES: {note}", note=c.note))
    if not report.comparisons:
        lines.append("  " + tr("(nothing to compare)"))
    return clean_text("\n".join(lines))


def to_json(report: VerdictReport) -> str:
    """The report as JSON (every field of the dataclasses, plus the disagreements)."""
    data = dataclasses.asdict(report)
    data["disagreements"] = [dataclasses.asdict(c) for c in report.disagreements]
    return json.dumps(data, ensure_ascii=False, indent=2)
