"""Exim main log lines -> `MailEvent`s (pure): `<=`, `=>`, `->`, `**`, `==`, `Completed`, rejects.

Message ids: `1xYUGK-0002Nm-1w` (4.96) and the longer form of 4.97+. A bounce Exim generates
(`<= <> R=ORIGID`) is linked to the message it is about as a notification.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from mailtui.server.events import Kind, MailEvent, Status
from mailtui.server.logparse import LogLine

__all__ = ["EXIM_ID", "exim_events", "parse_exim"]

EXIM_ID = r"[0-9A-Za-z]{6}-[0-9A-Za-z]{6,11}-[0-9A-Za-z]{2,4}"
_WITH_ID = re.compile(rf"^(?P<id>{EXIM_ID}) (?P<rest>.*)$")
_ARRIVAL = re.compile(r"^<= (?P<sender><>|\S+)(?P<rest>.*)$")
_DELIVERY = re.compile(r"^(?P<flag>=>|->|\*>|\*\*|==) (?P<addr>\S+?)(?::| |$)(?P<rest>.*)$")
_KEYS = re.compile(r'(?:^| )(?P<key>[A-Za-z]+)=(?P<value>"[^"]*"|\([^)]*\)(?: \[[^\]]*\])?|\[[^\]]*\]|\S+)')
_HOST = re.compile(r"H=(?P<host>\S+(?: \([^)]*\))?(?: \[[^\]]*\])?)")
_REJECT = re.compile(
    r"^(?:(?P<h>H=.*?) )?(?:F=<(?P<from>[^>]*)> )?(?:.*? )?(?P<temp>temporarily )?rejected "
    r"(?P<stage>RCPT|MAIL|after DATA|DATA|connection|EHLO|HELO)"
    r"(?: <(?P<to>[^>]*)>)?(?: from (?P<client>\S+))?: ?(?P<reply>.*)$"
)
_FLAGS: dict[str, Status] = {"=>": "sent", "->": "sent", "*>": "sent", "**": "bounced", "==": "deferred"}


def _keys(text: str) -> dict[str, str]:
    return {m["key"]: m["value"].strip('"') for m in _KEYS.finditer(text)}


def parse_exim(line: LogLine) -> list[MailEvent]:
    """The events one Exim main-log line describes ([] for daemon chatter)."""
    if line.mta != "exim":
        return []
    m = _WITH_ID.match(line.text)
    qid, rest = (m["id"], m["rest"]) if m else ("", line.text)

    def event(kind: Kind, queue_id: str = qid, **fields: Any) -> MailEvent:
        return MailEvent(line.time, "exim", kind, queue_id, "exim", raw=line.raw or line.text, **fields)

    r = _REJECT.match(rest)
    if r and " rejected " in f" {rest}":
        host = _HOST.search(rest)
        envelope_from = re.search(r"(?:^| )F=<([^>]*)>", rest)
        return [
            event(
                "reject", stage=r["stage"].upper(), sender=envelope_from[1] if envelope_from else "", address=r["to"] or "",
                client=host["host"] if host else (r["client"] or ""), reply=r["reply"],
            )
        ]  # fmt: skip
    if not qid:
        return []
    a = _ARRIVAL.match(rest)
    if a:
        keys = _keys(a["rest"])
        sender = "" if a["sender"] == "<>" else a["sender"]
        size = int(keys["S"]) if keys.get("S", "").isdigit() else None
        out = [event("from", sender=sender, size=size)]
        host = _HOST.search(a["rest"])
        if host:
            out.append(event("client", client=host["host"]))
        if keys.get("id"):
            out.append(event("message-id", message_id=keys["id"]))
        if sender == "" and keys.get("R"):  # a bounce about message R
            out.append(event("notification", queue_id=keys["R"], new_id=qid, reply="bounce"))
        return out
    d = _DELIVERY.match(rest)
    if d:
        status = _FLAGS[d["flag"]]
        keys = _keys(d["rest"])
        if status == "sent":
            reply = keys.get("C", "")
        else:
            reply = d["rest"].strip()
            reply = re.sub(r"^(?:<[^>]*> )?(?:R=\S+ )?(?:T=\S+ )?(?:defer \(-?\d+\): )?", "", reply)
        host = _HOST.search(d["rest"])
        relay = host["host"] if host else keys.get("T", "")
        original = re.match(r"<([^>]+)>", d["rest"].strip())  # "=> admin <admin@local.test>"
        address = original[1] if original else d["addr"].strip("<>")
        return [event("delivery", address=address, relay=relay, status=status, reply=reply)]
    if rest == "Completed" or rest.startswith("removed by"):
        return [event("removed")]
    return [event("other", reply=rest)]


def exim_events(lines: Iterable[LogLine]) -> Iterator[MailEvent]:
    for line in lines:
        yield from parse_exim(line)
