"""One timeline per message, across queue ids: re-injection, notifications, removal; rejects found.

Pure: `MailEvent`s in, `Trace` out. A query is a queue id (Postfix short/long, Exim), a
Message-ID or an address (with a time window); the message is followed through every queue id
linked to it (`queued as NEWID` in a delivery reply, `sender non-delivery notification: NEWID`,
Exim's bounce `R=ID`), and each recipient's outcome is explained with the SMTP code knowledge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.server.events import MailEvent
from mailtui.server.exim_log import EXIM_ID, parse_exim
from mailtui.server.explain_reply import explain_delays, explain_logged_reply
from mailtui.server.logparse import LogLine
from mailtui.server.postfix_log import QUEUE_ID, parse_postfix

__all__ = [
    "Recipient",
    "Reject",
    "Step",
    "Timeline",
    "Trace",
    "events_of",
    "format_trace",
    "is_id_query",
    "trace",
]

FINAL = ("sent", "bounced", "expired")


def events_of(lines: Iterable[LogLine]) -> list[MailEvent]:
    """Every Postfix and Exim event in these lines, in log order."""
    out: list[MailEvent] = []
    for line in lines:
        if line.mta == "postfix":
            event = parse_postfix(line)
            if event is not None:
                out.append(event)
        elif line.mta == "exim":
            out.extend(parse_exim(line))
    return out


@dataclass(frozen=True)
class Step:
    time: datetime
    queue_id: str
    what: str
    explanation: str = ""


@dataclass(frozen=True)
class Recipient:
    address: str
    queue_id: str
    status: str
    relay: str = ""
    dsn: str = ""
    reply: str = ""
    explanation: str = ""
    delay: str = ""
    orig_to: str = ""


@dataclass(frozen=True)
class Reject:
    time: datetime
    stage: str
    client: str
    sender: str
    address: str
    reply: str
    explanation: str
    queue_id: str = ""


@dataclass
class Timeline:
    """One message and the messages it caused (re-injected copy, bounce), in time order."""

    mta: str
    queue_ids: list[str]
    message_id: str = ""
    sender: str = ""
    size: int | None = None
    client: str = ""
    recipients: list[Recipient] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    removed: bool = False

    def latest(self) -> list[Recipient]:
        """Each recipient's last attempt per queue id (a deferral later sent counts as sent)."""
        last: dict[tuple[str, str], Recipient] = {}
        for r in self.recipients:
            last[(r.queue_id, r.address.lower())] = r
        return list(last.values())

    @property
    def final(self) -> bool:
        """Every recipient's last attempt has a final status and every queue id left the queue."""
        latest = self.latest()
        return self.removed and bool(latest) and all(r.status in FINAL for r in latest)

    @property
    def status(self) -> str:
        """The last status of the first queue id's recipients ("sent", "deferred"...), or "queued"."""
        own = [r.status for r in self.latest() if r.queue_id == self.queue_ids[0]]
        for status in ("deferred", "bounced", "expired", "sent"):
            if status in own:
                return status
        return "queued"


@dataclass
class Trace:
    query: str
    timelines: list[Timeline] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


def _kind_of(query: str) -> str:
    q = query.strip().strip("<>")
    if re.fullmatch(QUEUE_ID, q) or re.fullmatch(EXIM_ID, q):
        return "id"
    return "address-or-message-id" if "@" in q else "id"


def is_id_query(query: str) -> bool:
    """True when `query` is taken as a queue id (Postfix or Exim), not an address or Message-ID."""
    return _kind_of(query) == "id"


def _in_window(e: MailEvent, since: datetime | None, until: datetime | None) -> bool:
    return (since is None or e.time >= since) and (until is None or e.time <= until)


def trace(
    events: Sequence[MailEvent], query: str, since: datetime | None = None, until: datetime | None = None
) -> Trace:
    """Find the messages `query` names and build their timelines and the matching SMTP rejects."""
    q = query.strip().strip("<>")
    ql = q.lower()
    kind = _kind_of(q)
    windowed = [e for e in events if _in_window(e, since, until)]
    seeds: list[str] = []
    if kind == "id":
        seeds = [q] if any(e.queue_id == q for e in events) else []
    else:
        for e in windowed:
            hit = e.message_id == q or ql in (e.address.lower(), e.orig_to.lower(), e.sender.lower())
            if hit and e.queue_id and e.queue_id not in seeds:
                seeds.append(e.queue_id)
    links: dict[str, set[str]] = {}
    for e in events:
        if e.queue_id and e.new_id:
            links.setdefault(e.queue_id, set()).add(e.new_id)
            links.setdefault(e.new_id, set()).add(e.queue_id)
    result = Trace(query)
    seen: set[str] = set()
    for seed in seeds:
        if seed in seen:
            continue
        group, todo = [], [seed]
        while todo:
            qid = todo.pop()
            if qid in seen:
                continue
            seen.add(qid)
            group.append(qid)
            todo.extend(sorted(links.get(qid, ())))
        result.timelines.append(_timeline([e for e in events if e.queue_id in group]))
    for e in windowed:
        if e.kind != "reject":
            continue
        if (e.queue_id and e.queue_id in seen) or (
            kind != "id" and ql in (e.address.lower(), e.sender.lower())
        ):
            result.rejects.append(
                Reject(
                    e.time, e.stage, e.client, e.sender, e.address, e.reply,
                    explain_logged_reply(e.reply), e.queue_id,
                )
            )  # fmt: skip
    return result


def _timeline(events: list[MailEvent]) -> Timeline:
    order: list[str] = []
    for e in events:
        if e.queue_id not in order:
            order.append(e.queue_id)
    tl = Timeline(events[0].mta, order)
    removed: set[str] = set()
    first = order[0]
    for e in events:
        own = e.queue_id == first
        if e.kind == "client" and (own or not tl.client):
            tl.client = tl.client if not own and tl.client else e.client
            tl.steps.append(Step(e.time, e.queue_id, tr("received from {client}", client=e.client)))
        elif e.kind == "message-id":
            if own or not tl.message_id:
                tl.message_id = tl.message_id if not own and tl.message_id else e.message_id
            tl.steps.append(Step(e.time, e.queue_id, f"message-id <{e.message_id}>"))
        elif e.kind == "from":
            if own:
                tl.sender, tl.size = e.sender, e.size
            size = tr(", {size} bytes", size=e.size) if e.size is not None else ""
            count = tr(", {count} recipient(s)", count=e.nrcpt) if e.nrcpt is not None else ""
            queued = tr("queued from <{sender}>", sender=e.sender)
            tl.steps.append(Step(e.time, e.queue_id, f"{queued}{size}{count}"))
        elif e.kind == "delivery":
            why = explain_logged_reply(e.reply, e.dsn)
            delay = explain_delays(e.delay, e.delays)
            tl.recipients.append(
                Recipient(e.address, e.queue_id, e.status, e.relay, e.dsn, e.reply, why, delay, e.orig_to)
            )
            dsn = f" (dsn {e.dsn})" if e.dsn else ""
            via = tr(" via {relay}", relay=e.relay) if e.relay else ""
            what = (
                tr("to <{address}>: {status}", address=e.address, status=e.status or tr("attempt"))
                + dsn
                + via
            )
            if e.reply:
                what += f": {e.reply}"
            if e.new_id:
                what += tr(" -> re-injected as {queue_id}", queue_id=e.new_id)
            tl.steps.append(Step(e.time, e.queue_id, what, "; ".join(x for x in (why, delay) if x)))
        elif e.kind == "notification":
            tl.steps.append(Step(e.time, e.queue_id, f"{e.reply}: {e.new_id}"))
        elif e.kind == "removed":
            removed.add(e.queue_id)
            tl.steps.append(Step(e.time, e.queue_id, tr("removed from the queue")))
        elif e.kind == "expired":
            tl.steps.append(Step(e.time, e.queue_id, tr("expired: returned to sender")))
        elif e.kind == "reject":
            why = explain_logged_reply(e.reply)
            tl.steps.append(
                Step(
                    e.time, e.queue_id, tr("rejected at {stage}: {reply}", stage=e.stage, reply=e.reply), why
                )
            )
        elif e.kind == "other" and e.reply:
            tl.steps.append(Step(e.time, e.queue_id, e.reply))
    tl.removed = set(order) <= removed
    return tl


def format_trace(result: Trace) -> str:
    """The plain-text form for the CLI; log text is stripped of control characters."""
    out: list[str] = []
    if not result.timelines and not result.rejects:
        return tr("nothing in the log matches {query}", query=repr(result.query))
    for tl in result.timelines:
        ids = " -> ".join(tl.queue_ids)
        out.append(
            tr("message {ids} ({mta}): {status}", ids=ids, mta=tl.mta, status=tl.status)
            + (f"  <{tl.message_id}>" if tl.message_id else "")
        )
        facts = [tr("from <{sender}>", sender=tl.sender) if tl.sender or tl.size is not None else ""]
        facts += [
            tr("{size} bytes", size=tl.size) if tl.size is not None else "",
            tr("client {client}", client=tl.client) if tl.client else "",
        ]
        if any(facts):
            out.append("  " + tr(", ").join(f for f in facts if f))
        for step in tl.steps:
            out.append(f"  {step.time:%Y-%m-%d %H:%M:%S}  {step.queue_id:<16} {clean_line(step.what)}")
            for part in step.explanation.split("; ") if step.explanation else []:
                out.append(f"  {'':36}{part}")
        out.append("")
    if result.rejects:
        out.append(tr("refused during SMTP:"))
        for r in result.rejects:
            out.append(
                f"  {r.time:%Y-%m-%d %H:%M:%S}  "
                + tr("{stage} from {client}: {reply}", stage=r.stage, client=r.client, reply=clean_line(r.reply))
                + (tr("  (from <{sender}> to <{address}>)", sender=r.sender, address=r.address)
                   if r.sender or r.address else "")
            )  # fmt: skip
            if r.explanation:
                out.append(f"  {'':21}{r.explanation}")
    return "\n".join(out).rstrip()
