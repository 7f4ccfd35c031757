"""The existing SMTP code explanations (core.codes) applied to what an MTA logged."""

from __future__ import annotations

import re

from mailtui.core.codes.explain import enhanced_info, short_explanation
from mailtui.core.i18n import current_language, tr

__all__ = ["explain_delays", "explain_logged_reply"]

_CODE = re.compile(r"(?<![\w.])(?P<code>[245]\d\d)[ -](?P<text>(?:[245]\.\d{1,3}\.\d{1,3} )?.*)")
_NO_ANSWER = re.compile(
    r"connection refused|timed out|no route to host|network is unreachable", re.IGNORECASE
)
_RELAY_DENIED = re.compile(r"relay access denied|relaying denied|relay not permitted", re.IGNORECASE)


def relay_hint() -> str:
    """What a "Relay access denied" in the log means, and where to look."""
    return tr(
        "this server refused to relay: the client is not in mynetworks and did not authenticate "
        "(SASL); `mailtui server check` explains mynetworks and smtpd_relay_restrictions"
    )


def explain_logged_reply(reply: str, dsn: str = "", lang: str | None = None) -> str:
    """One line explaining a logged reply ("host x said: 451 4.7.1 ...") or just its dsn=,
    in `lang` (default: the current language)."""
    lang = lang or current_language()
    m = _CODE.search(reply)
    if not m and not dsn and _NO_ANSWER.search(reply):
        dsn = "4.4.1"  # what Postfix logs as dsn= for these; postqueue -j gives no dsn
    if m:
        line = short_explanation(int(m["code"]), m["text"], lang)
    elif dsn or re.match(r"^[245]\.\d{1,3}\.\d{1,3}\b", reply):
        code = dsn or reply.split()[0]
        info = enhanced_info(code, lang)
        kind = {"2": tr("success"), "4": tr("temporary failure"), "5": tr("permanent error")}.get(
            code[:1], ""
        )
        line = f"{code} {kind}: {info.summary}" if kind else f"{code}: {info.summary}"
    else:
        return ""
    if _RELAY_DENIED.search(reply):
        line += f" — {relay_hint()}"
    if "timed out" in reply.lower():
        line += " — " + tr(
            "the remote host did not answer in time: outbound port 25 may be blocked (`mailtui server check --domain`)"
        )
    return line


def explain_delays(delay: float | None, delays: tuple[float, float, float, float] | None) -> str:
    """Postfix's delay= and delays=a/b/c/d in words."""
    if delay is None:
        return ""
    text = tr("{delay} s from arrival to this attempt", delay=f"{delay:g}")
    if delays:
        a, b, c, d = (f"{x:g}" for x in delays)
        text += tr(
            ": {a} s before the queue manager (receiving, cleanup), {b} s in the queue "
            "(waiting for delivery), {c} s connection setup (DNS, HELO, TLS), {d} s transmission",
            a=a, b=b, c=c, d=d,
        )  # fmt: skip
    return text
