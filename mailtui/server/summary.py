"""A log summary over a time window, counted as pflogsumm counts (pure: events in, `Summary` out).

received = messages accepted (Postfix smtpd `client=`/pickup lines, Exim `<=`); delivered,
bounced = recipient lines with status=sent/bounced; deferred = messages with at least one
deferral (and `deferrals` = deferral lines); rejected = SMTP-stage rejects.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mailtui.core.i18n import tr
from mailtui.server.events import MailEvent
from mailtui.server.explain_reply import explain_logged_reply

__all__ = ["Reason", "Summary", "format_summary", "summarize"]


@dataclass(frozen=True)
class Reason:
    code: str  # "451 4.7.1", "4.4.1", "554 5.7.1"
    text: str  # one example, addresses and ports blanked
    count: int
    explanation: str


@dataclass
class Summary:
    received: int = 0
    delivered: int = 0
    deferred: int = 0
    deferrals: int = 0
    bounced: int = 0
    rejected: int = 0
    expired: int = 0
    bytes_received: int = 0
    bytes_delivered: int = 0
    first: str = ""
    last: str = ""
    per_hour: dict[str, dict[str, int]] = field(default_factory=dict)
    top_senders: list[tuple[str, int]] = field(default_factory=list)
    top_recipients: list[tuple[str, int]] = field(default_factory=list)
    top_domains: list[tuple[str, int]] = field(default_factory=list)
    deferral_reasons: list[Reason] = field(default_factory=list)
    rejection_reasons: list[Reason] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)


_CODE = re.compile(
    r"(?<![\w.])([245]\d\d)(?:[ -]([245]\.\d{1,3}\.\d{1,3}))?\b|(?<![\w.])([245]\.\d{1,3}\.\d{1,3})\b"
)


def _reason_key(reply: str, dsn: str) -> tuple[str, str]:
    m = _CODE.search(reply)
    if m and m.group(1):
        code = f"{m.group(1)} {m.group(2)}" if m.group(2) else m.group(1)
    else:
        code = dsn or (m.group(3) if m else "") or "-"
    text = re.sub(r"<[^>]*>", "<...>", reply)
    text = re.sub(r"\[[0-9a-fA-F.:]+\](:\d+)?", "[...]", text)
    return code, text


def _reasons(counter: Counter[tuple[str, str]], top: int) -> list[Reason]:
    return [
        Reason(code, text, n, explain_logged_reply(text, code if "." in code and " " not in code else ""))
        for (code, text), n in counter.most_common(top)
    ]


def summarize(
    events: Sequence[MailEvent], since: datetime | None = None, until: datetime | None = None, top: int = 10
) -> Summary:
    """Counts, per-hour volumes, tops and reasons over the events in [since, until]."""
    s = Summary()
    window = [e for e in events if (since is None or e.time >= since) and (until is None or e.time <= until)]
    if window:
        s.first, s.last = f"{window[0].time:%Y-%m-%d %H:%M:%S}", f"{window[-1].time:%Y-%m-%d %H:%M:%S}"
    sizes = {e.queue_id: e.size for e in events if e.kind == "from" and e.size is not None}
    received: set[str] = set()
    deferred_ids: set[str] = set()
    senders: Counter[str] = Counter()
    recipients: Counter[str] = Counter()
    domains: Counter[str] = Counter()
    deferrals: Counter[tuple[str, str]] = Counter()
    rejections: Counter[tuple[str, str]] = Counter()
    timed_out: dict[str, None] = {}

    def hour(e: MailEvent, key: str) -> None:
        slot = s.per_hour.setdefault(
            f"{e.time:%Y-%m-%d %H}:00",
            {"received": 0, "delivered": 0, "deferred": 0, "bounced": 0, "rejected": 0},
        )
        slot[key] += 1

    for e in window:
        # Postfix: a client= (smtpd) or pickup line; Exim: its `<=` line (no client= of its own).
        arrival = (e.mta == "postfix" and e.kind == "client") or (e.mta == "exim" and e.kind == "from")
        if arrival and e.queue_id and e.queue_id not in received:
            received.add(e.queue_id)
            s.received += 1
            hour(e, "received")
        elif e.kind == "delivery":
            if e.status == "sent":
                s.delivered += 1
                s.bytes_delivered += sizes.get(e.queue_id) or 0
                recipients[e.address.lower()] += 1
                domains[e.address.rpartition("@")[2].lower()] += 1
                hour(e, "delivered")
            elif e.status == "deferred":
                s.deferrals += 1
                if e.queue_id not in deferred_ids:
                    deferred_ids.add(e.queue_id)
                    hour(e, "deferred")
                deferrals[_reason_key(e.reply, e.dsn)] += 1
            elif e.status == "bounced":
                s.bounced += 1
                hour(e, "bounced")
            if e.status != "sent" and "timed out" in e.reply.lower():
                timed_out[e.address] = None
        elif e.kind == "reject":
            s.rejected += 1
            hour(e, "rejected")
            rejections[_reason_key(e.reply, "")] += 1
        elif e.kind == "expired":
            s.expired += 1
    for e in events:
        if e.kind == "from" and e.queue_id in received:
            s.bytes_received += e.size or 0
            senders[e.sender.lower() or "<>"] += 1
    s.deferred = len(deferred_ids)
    s.top_senders = senders.most_common(top)
    s.top_recipients = recipients.most_common(top)
    s.top_domains = domains.most_common(top)
    s.deferral_reasons = _reasons(deferrals, top)
    s.rejection_reasons = _reasons(rejections, top)
    s.timed_out = list(timed_out)
    return s


_BARS = " ▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int]) -> str:
    """A one-line bar chart ("▁▃█") of the values, for the CLI."""
    peak = max(values, default=0)
    if peak == 0:
        return "▁" * len(values)
    return "".join(_BARS[max(1, round(v / peak * 8))] if v else _BARS[0] for v in values)


def format_summary(s: Summary) -> str:
    """The compact text form for the CLI."""
    out = [
        f"{s.first} .. {s.last}" if s.first else tr("(no mail lines in this window)"),
        "  " + tr("received  {count}   ({size} bytes)", count=f"{s.received:>7}", size=s.bytes_received),
        "  " + tr("delivered {count}   ({size} bytes)", count=f"{s.delivered:>7}", size=s.bytes_delivered),
        "  "
        + tr("deferred  {count}   ({deferrals} deferrals)", count=f"{s.deferred:>7}", deferrals=s.deferrals),
        "  " + tr("bounced   {count}", count=f"{s.bounced:>7}"),
        "  " + tr("rejected  {count}", count=f"{s.rejected:>7}"),
    ]
    if s.expired:
        out.append("  " + tr("expired   {count}", count=f"{s.expired:>7}"))
    if s.per_hour:
        hours = sorted(s.per_hour)
        out.append("")
        out.append(tr("per hour {first} .. {last}", first=hours[0], last=hours[-1]))
        labels = {
            "received": tr("received"),
            "delivered": tr("delivered"),
            "deferred": tr("deferred"),
            "rejected": tr("rejected"),
        }
        width = max(9, *(len(label) for label in labels.values()))
        for key, label in labels.items():
            out.append(f"  {label:<{width}} {sparkline([s.per_hour[h][key] for h in hours])}")
    for title, rows in (
        (tr("top senders:"), s.top_senders),
        (tr("top recipients:"), s.top_recipients),
        (tr("top destination domains:"), s.top_domains),
    ):
        if rows:
            out.append("")
            out.append(title)
            out.extend(f"  {n:>6}  {name}" for name, n in rows)
    for title, reasons in (
        (tr("deferral reasons:"), s.deferral_reasons),
        (tr("rejection reasons:"), s.rejection_reasons),
    ):
        if reasons:
            out.append("")
            out.append(title)
            for r in reasons:
                out.append(f"  {r.count:>6}  {r.code}  {r.text}")
                if r.explanation:
                    out.append(f"          {r.explanation}")
    if s.timed_out:
        out.append("")
        out.append(tr("timed out: {hosts}", hosts=", ".join(s.timed_out)))
    return "\n".join(out)
