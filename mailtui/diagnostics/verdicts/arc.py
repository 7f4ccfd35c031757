"""The ARC chain (RFC 8617) verified with dkimpy: each instance's cv=, seal and message signature."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import dkim  # type: ignore[import-untyped]  # dkimpy ships no type information

from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.diagnostics.dns_check import DnsError
from mailtui.diagnostics.verdicts.dkim import MIN_KEY_BITS, _logger, _text
from mailtui.diagnostics.verdicts.resolver import VerdictDns

ArcResult = Literal["pass", "fail", "none", "temperror"]


@dataclass(frozen=True)
class ArcInstance:
    """One ARC set i=N: what its seal claimed (cv=) and whether seal and message signature verify."""

    instance: int
    cv: str
    seal_domain: str
    seal_selector: str
    seal_valid: bool
    ams_domain: str
    ams_selector: str
    ams_valid: bool


@dataclass(frozen=True)
class ArcVerdict:
    """The chain's validation (pass/fail/none) with dkimpy's reason, newest instance first."""

    result: ArcResult
    reason: str
    instances: tuple[ArcInstance, ...] = ()


def verify_arc(raw: bytes, dns: VerdictDns) -> ArcVerdict:
    """Validate the ARC chain of `raw`; "none" when the message carries no ARC set."""
    logger, _ = _logger()
    try:
        signer = dkim.ARC(raw, logger=logger, minkey=MIN_KEY_BITS, timeout=int(dns.resolver.lifetime) or 1)
        cv, results, reason = signer.verify(dnsfunc=dns.dkim_txt)
    except DnsError as exc:
        return ArcVerdict("temperror", tr("{error}: try again later", error=exc))
    except dkim.DKIMException as exc:
        return ArcVerdict("fail", tr("malformed ARC headers: {error}", error=clean_line(str(exc))))
    instances = tuple(_instance(r) for r in results)
    if cv == dkim.CV_None and not instances:
        return ArcVerdict("none", tr("the message carries no ARC headers"))
    text = clean_line(str(reason))
    if cv == dkim.CV_Pass:
        hops = ", ".join(f"i={i.instance} {i.seal_domain}" for i in reversed(instances))
        return ArcVerdict("pass", tr("chain intact through {hops}", hops=hops), instances)
    broken = [i for i in instances if not (i.seal_valid and i.ams_valid)]
    if broken and text == "Most recent ARC-Message-Signature did not validate":
        text = tr(
            "the newest ARC-Message-Signature (i={instance}, d={domain}) "
            "no longer matches: the message was changed after the last ARC hop sealed it",
            instance=instances[0].instance,
            domain=instances[0].ams_domain,
        )
    return ArcVerdict("fail", text, instances)


def _instance(result: dict[str, Any]) -> ArcInstance:
    return ArcInstance(
        instance=int(result.get("instance", 0)),
        cv=_text(result.get("cv")),
        seal_domain=_text(result.get("as-domain")),
        seal_selector=_text(result.get("as-selector")),
        seal_valid=bool(result.get("as-valid")),
        ams_domain=_text(result.get("ams-domain")),
        ams_selector=_text(result.get("ams-selector")),
        ams_valid=bool(result.get("ams-valid")),
    )
