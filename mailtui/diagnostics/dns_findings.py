"""Findings of the mail-domain DNS checks: what was seen, what it means, what to publish.

Every check (`dns_mx`, `dns_dkim`, `mta_sts`, `tls_rpt`, `dane`, `dnsbl`) returns its
findings in one shape, so the CLI, `--json` and the DNS tab show them alike. `Lookups` is
the part of `dns_check.DnsLookups` the checks use (a Protocol, so they do not import it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line

if TYPE_CHECKING:
    import dns.resolver

Level = Literal["ok", "info", "warn", "error"]
MAX_SHOWN = 600  # characters of one DNS string shown; the rest is counted, not printed

_MARK = {"ok": "ok", "info": "--", "warn": "!", "error": "!!"}


@dataclass(frozen=True)
class Finding:
    """One thing an admin should know: `text` says what and why, `fix` what to publish."""

    area: str  # "mx", "dkim", "mta-sts", "tls-rpt", "dane", "dnsbl"
    level: Level
    text: str
    fix: str = ""


class Lookups(Protocol):
    """DNS as the checks ask it: answers or None (NXDOMAIN / no data); DnsError when unreachable.

    A SERVFAIL or REFUSED is None too, with a line added to `problems` (and a REFUSED name to
    `refused`)."""

    problems: list[str]
    refused: set[str]

    def query(self, name: str, rdtype: str) -> dns.resolver.Answer | None: ...

    def txt(self, name: str) -> list[str] | None: ...

    def addresses(self, name: str) -> list[str]: ...


def shown(text: str, limit: int = MAX_SHOWN) -> str:
    """Untrusted DNS text for one output line: cleaned, and cut with its length said."""
    text = clean_line(text)
    if len(text) <= limit:
        return text
    return text[:limit] + tr("... ({count} characters)", count=len(text))


def parse_tags(record: str) -> list[tuple[str, str]]:
    """`k=v; k2=v2` (DKIM, MTA-STS, TLS-RPT) -> [(k, v)] in order, keys lowercased."""
    tags: list[tuple[str, str]] = []
    for item in record.split(";"):
        key, sep, value = item.partition("=")
        if sep:
            tags.append(
                (key.strip().lower(), "".join(value.split()) if key.strip().lower() == "p" else value.strip())
            )
    return tags


def format_findings(findings: tuple[Finding, ...] | list[Finding], indent: str = "  ") -> list[str]:
    """Lines like `  !  text` and `       fix: ...` for the plain-text report."""
    lines: list[str] = []
    for f in findings:
        lines.append(f"{indent}{_MARK[f.level]:<3}{f.text}")
        if f.fix:
            lines.append(f"{indent}   " + tr("fix: {fix}", fix=f.fix))
    return lines
