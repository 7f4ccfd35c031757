"""Postfix log lines -> `MailEvent`s (pure). Any syslog_name ("postfix", "postfix-out") works."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, cast

from mailtui.server.events import Kind, MailEvent, Status
from mailtui.server.logparse import LogLine

__all__ = ["QUEUE_ID", "parse_postfix", "postfix_events"]

# Short ids (hex, 6+) and long ids (enable_long_queue_ids: base-52-ish, "4Qx...z").
QUEUE_ID = r"(?:[0-9A-F]{6,}|[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}[A-Za-z0-9]*)"
_ID_PREFIX = re.compile(rf"^(?P<id>{QUEUE_ID}|NOQUEUE): (?P<rest>.*)$")
_FIELD = re.compile(r"(?P<key>[a-z_]+)=(?P<value><[^>]*>|[^,\s]*)")
_STATUS = re.compile(
    r"status=(?P<status>sent|deferred|bounced|expired|undeliverable|deliverable)(?: \((?P<reply>.*)\))?$"
)
_QUEUED_AS = re.compile(rf"queued as (?P<id>{QUEUE_ID})\b")
_NOTIFY = re.compile(rf"^sender (?:non-delivery|delay|delivery status) notification: (?P<id>{QUEUE_ID})$")
_REJECT = re.compile(
    r"^(?:reject|milter-reject|discard): (?P<stage>[A-Z]+(?: [A-Z]+)?) from (?P<client>\S+?): "
    r"(?P<reply>.*?)(?:; (?P<tail>(?:from|to|proto|helo)=.*))?$"
)


def _fields(text: str) -> dict[str, str]:
    return {m["key"]: m["value"].strip("<>") for m in _FIELD.finditer(text)}


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def parse_postfix(line: LogLine) -> MailEvent | None:
    """The event one Postfix line describes, or None (connect/disconnect, warnings...)."""
    if line.mta != "postfix":
        return None
    m = _ID_PREFIX.match(line.text)
    if not m:
        return None
    qid = "" if m["id"] == "NOQUEUE" else m["id"]
    rest = m["rest"]

    def event(kind: Kind, **fields: Any) -> MailEvent:
        return MailEvent(line.time, "postfix", kind, qid, line.program, raw=line.raw or line.text, **fields)

    if rest.startswith(("reject:", "milter-reject:", "discard:")):
        r = _REJECT.match(rest)
        if r:
            tail = _fields(r["tail"] or "")
            return event(
                "reject", stage=r["stage"], client=r["client"], reply=r["reply"],
                address=tail.get("to", ""), sender=tail.get("from", ""),
            )  # fmt: skip
        return None
    if rest == "removed":
        return event("removed")
    n = _NOTIFY.match(rest)
    if n:
        return event("notification", new_id=n["id"], reply=rest.split(":")[0])
    if rest.startswith("client="):
        return event("client", client=rest[len("client=") :].split(",")[0])
    if rest.startswith("message-id="):
        return event("message-id", message_id=rest[len("message-id=") :].strip().strip("<>"))
    fields = _fields(rest.split(" (", 1)[0] if "status=" not in rest else rest)
    if rest.startswith("from=") and "status=expired" in rest:
        return event("expired", sender=fields.get("from", ""), status="expired")
    if rest.startswith("from="):
        return event(
            "from", sender=fields.get("from", ""), size=_int(fields.get("size")),
            nrcpt=_int(fields.get("nrcpt")),
        )  # fmt: skip
    if rest.startswith("to="):
        s = _STATUS.search(rest)
        status = _as_status(s["status"] if s else "")
        reply = (s["reply"] or "") if s else ""
        delays = tuple(_float(x) or 0.0 for x in fields.get("delays", "").split("/"))
        q = _QUEUED_AS.search(reply)
        return event(
            "delivery", address=fields.get("to", ""), orig_to=fields.get("orig_to", ""),
            relay=fields.get("relay", ""), delay=_float(fields.get("delay")),
            delays=delays if len(delays) == 4 else None,
            dsn=fields.get("dsn", ""), status=status, reply=reply, new_id=q["id"] if q else "",
        )  # fmt: skip
    return None


def _as_status(text: str) -> Status:
    return cast(Status, text) if text in ("sent", "deferred", "bounced", "expired") else ""


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


def postfix_events(lines: Iterable[LogLine]) -> Iterator[MailEvent]:
    for line in lines:
        event = parse_postfix(line)
        if event is not None:
            yield event
