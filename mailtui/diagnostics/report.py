"""Rendering probe results: a plain-text report for admins and JSON for scripts.

Sections: banner/greeting, capabilities before and after TLS side by side, TLS and the
certificate, the steps with their times and the meaning of every reply, the transcript,
and a verdict. All server text was already cleaned of control characters by the probes;
nothing here is markup.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from mailtui.core.i18n import tr
from mailtui.diagnostics.imap_probe import ImapProbeResult
from mailtui.diagnostics.probe_session import StepResult
from mailtui.diagnostics.smtp_probe import SmtpCapabilities, SmtpProbeResult
from mailtui.diagnostics.tls_info import TlsInfo

# The keywords an admin checks first, in this order; others follow as the server listed them.
_SMTP_KEYS = (
    "SIZE",
    "PIPELINING",
    "8BITMIME",
    "SMTPUTF8",
    "STARTTLS",
    "AUTH",
    "DSN",
    "ENHANCEDSTATUSCODES",
    "CHUNKING",
)


def to_json(result: SmtpProbeResult | ImapProbeResult) -> str:
    """The whole result as JSON (stable keys: the dataclass fields), with "probe": "smtp"|"imap"."""
    data = dataclasses.asdict(result)
    kind = "smtp" if isinstance(result, SmtpProbeResult) else "imap"
    return json.dumps({"probe": kind, **data}, indent=2, ensure_ascii=False)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for row in [header, *rows]:
        out.append(indent + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return out


def _smtp_cell(caps: SmtpCapabilities | None, key: str) -> str:
    if caps is None:
        return "n/a"
    if key not in caps.raw:
        return "-"
    if key == "SIZE":
        return f"{caps.size:,} bytes" if caps.size else "yes (no limit given)"
    return caps.raw[key] or "yes"


def smtp_capability_rows(before: SmtpCapabilities | None, after: SmtpCapabilities | None) -> list[list[str]]:
    """[keyword, before TLS, after TLS] rows: the known keywords, then the others."""
    extra: list[str] = []
    for caps in (before, after):
        for key in caps.raw if caps else ():
            if key not in _SMTP_KEYS and key not in extra:
                extra.append(key)
    return [[key, _smtp_cell(before, key), _smtp_cell(after, key)] for key in (*_SMTP_KEYS, *extra)]


def imap_capability_rows(*lists: tuple[str, ...] | None) -> list[list[str]]:
    """[capability, yes/-, ...] rows over several capability lists (None: not seen)."""
    names: list[str] = []
    for caps in lists:
        for name in caps or ():
            if name not in names:
                names.append(name)
    return [
        [name, *("n/a" if caps is None else ("yes" if name in caps else "-") for caps in lists)]
        for name in names
    ]


def tls_lines(tls: TlsInfo | None) -> list[str]:
    """The TLS section: protocol, verification (and why it failed), certificate fields."""
    if tls is None:
        return ["  " + tr("no TLS on this connection")]
    out = [f"  protocol     {tls.version or '?'}  {tls.cipher or ''}".rstrip()]
    if tls.verified:
        out.append("  verified     yes")
    elif not tls.verify_enabled:
        would = (
            tr("a verifying client would refuse it: {reason}", reason=tls.failure.reason)
            if tls.failure
            else tr("it would verify")
        )
        out.append("  verified     " + tr("NOT CHECKED (--no-verify); {would}", would=would))
    else:
        why = f"{tls.failure.reason} ({tls.failure.detail})" if tls.failure else tr("the handshake failed")
        out.append("  verified     " + tr("NO: {why}", why=why))
    cert = tls.certificate
    if cert is not None:
        left = (
            tr("{days} days left", days=cert.days_left)
            if cert.days_left >= 0
            else tr("EXPIRED {days} days ago", days=-cert.days_left)
        )
        out += [
            f"  subject CN   {cert.subject_cn or '(none)'}",
            f"  subject      {cert.subject}",
            f"  issuer       {cert.issuer}" + ("  (self-signed)" if cert.self_signed else ""),
            f"  SANs         {', '.join(cert.sans) or '(none)'}",
            f"  valid        {cert.not_before[:19]} .. {cert.not_after[:19]} UTC ({left})",
            f"  serial       {cert.serial}",
            f"  SHA-256      {cert.sha256}",
        ]
        if cert.key:
            out.append(f"  key          {cert.key}")
    if tls.chain:
        out.append(f"  chain        {len(tls.chain)} certificate(s) as the server sent them:")
        for i, link in enumerate(tls.chain):
            left = f"to {link.not_after[:10]}" if link.days_left >= 0 else f"EXPIRED {link.not_after[:10]}"
            out.append(
                f"    #{i} {link.subject_cn or link.subject}  issued by {link.issuer}  {left}  {link.key}"
            )
    if tls.path:
        out.append(f"  path         {tls.path}")
    if tls.note:
        out.append(f"  note         {tls.note}")
    return out


def step_lines(steps: Sequence[StepResult]) -> list[str]:
    """One line per step (status, time, note or error), then each reply and its meaning."""
    out = []
    for step in steps:
        head = f"  {step.stage:<8} {step.status.upper():<7} {step.duration_ms:>8.1f} ms"
        text = step.error or step.note
        out.append(f"{head}  {text}".rstrip())
        for reply in step.replies:
            out.append(f"{'':30}{reply.code} {reply.text}")
            out.append(f"{'':32}= {reply.explanation}")
    return out


def _verdict(ok: bool, reached: str | None, target: str, error: str, exit_code: int) -> list[str]:
    if ok:
        return ["  " + tr("OK: reached stage {target}", target=target)]
    return [
        "  "
        + tr(
            "FAILED (exit {exit_code}) after stage {reached}, aiming for {target}:",
            exit_code=exit_code,
            reached=reached or "(none)",
            target=target,
        ),
        f"  {error}",
    ]


def render_smtp(result: SmtpProbeResult, *, transcript: bool = True) -> str:
    """The plain-text SMTP probe report."""
    out = [
        tr(
            "SMTP probe of {host}:{port} (tls {tls}), up to stage {target}",
            host=result.host,
            port=result.port,
            tls=result.tls_mode,
            target=result.target,
        ),
        "",
    ]
    out.append(tr("Banner"))
    if result.banner is not None:
        out += [f"  {result.banner.code} {result.banner.text}", f"    = {result.banner.explanation}"]
    else:
        out.append("  " + tr("(no banner)"))
    out += ["", tr("Capabilities (EHLO)")]
    if result.capabilities_before_tls is None and result.capabilities_after_tls is None:
        out.append("  " + tr("(EHLO not reached)"))
    else:
        rows = smtp_capability_rows(result.capabilities_before_tls, result.capabilities_after_tls)
        out += _table([tr("keyword"), tr("before TLS"), tr("after TLS")], rows)
    out += ["", tr("TLS and certificate"), *tls_lines(result.tls)]
    out += ["", tr("Steps"), *step_lines(result.steps)]
    if result.delivered:
        out.append("  " + tr("note: a test message was delivered (stage data)"))
    if transcript:
        out += ["", tr("Transcript"), *(f"  {line}" for line in result.transcript)]
    out += [
        "",
        tr("Verdict"),
        *_verdict(result.ok, result.reached_stage, result.target, result.error, result.exit_code),
    ]
    return "\n".join(out)


def render_imap(result: ImapProbeResult, *, transcript: bool = True) -> str:
    """The plain-text IMAP probe report."""
    who = tr(" as {user}", user=result.user) if result.user else ""
    out = [
        tr(
            "IMAP probe of {host}:{port} (tls {tls}){who}, up to stage {target}",
            host=result.host,
            port=result.port,
            tls=result.tls_mode,
            who=who,
            target=result.target,
        ),
        "",
    ]
    out += [tr("Greeting"), f"  {result.greeting or '(none)'}", "", tr("Capabilities")]
    lists = (result.capabilities_before_tls, result.capabilities_after_tls, result.capabilities_after_login)
    if all(caps is None for caps in lists):
        out.append("  " + tr("(not reached)"))
    else:
        header = [tr("capability"), tr("before TLS"), tr("after TLS"), tr("after login")]
        out += _table(header, imap_capability_rows(*lists))
    out += ["", tr("TLS and certificate"), *tls_lines(result.tls)]
    out += ["", tr("Login"), f"  {result.login or tr('not reached')}"]
    if result.folder_count is not None:
        out.append("  " + tr("folders: {count}", count=result.folder_count))
    out += ["", tr("Steps"), *step_lines(result.steps)]
    if transcript:
        out += ["", tr("Transcript"), *(f"  {line}" for line in result.transcript)]
    out += [
        "",
        tr("Verdict"),
        *_verdict(result.ok, result.reached_stage, result.target, result.error, result.exit_code),
    ]
    return "\n".join(out)
