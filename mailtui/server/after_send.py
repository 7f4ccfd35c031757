"""Whether a message just sent can be followed in this host's mail log, shared by
`mailtui send --follow` and the app's send result.

Only a relay on this host logs here, and only a queue id from its `250 ... queued as ID` reply
can be followed. `follow_offer` decides from the send's outcome; `appears_in_log` checks that
the id really is in the log (a relay on loopback may be a tunnel to another host, or a test
server that writes no log), so the app offers to follow only what it will find.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mailtui.core.i18n import tr
from mailtui.server.follow import follow, is_local_host

if TYPE_CHECKING:
    from mailtui.sending.dispatch import SendOutcome
    from mailtui.server.tail import LogSource

__all__ = ["FollowOffer", "appears_in_log", "follow_offer"]


@dataclass(frozen=True)
class FollowOffer:
    """The queue id to follow, or why there is none (`why_not`, a sentence for an admin).

    `local` says the relay is on this host (a remote relay needs no explanation in the UI)."""

    queue_id: str | None
    why_not: str = ""
    local: bool = False


def follow_offer(
    host: str, outcome: SendOutcome, *, is_local: Callable[[str], bool] = is_local_host
) -> FollowOffer:
    """What can be followed after `outcome` of a send through the relay `host`."""
    if outcome.status != "sent" or outcome.result is None:
        return FollowOffer(None, tr("the message was queued locally, not sent"))
    if not is_local(host):
        return FollowOffer(None, tr("the relay {host} is not on this host (its log is there)", host=host))
    queue_id = outcome.result.queue_id
    if not queue_id:
        return FollowOffer(None, tr("the relay's reply named no queue id"), local=True)
    return FollowOffer(queue_id, local=True)


def appears_in_log(
    queue_id: str,
    sources: Sequence[LogSource | Path | str] | None,
    *,
    since: datetime | None = None,
    timeout: float = 5.0,
    poll_interval: float = 0.25,
    sleep: Callable[[float], object] = time.sleep,
    should_stop: Callable[[], bool] | None = None,
) -> bool:
    """True once the log has a line of `queue_id` (waiting up to `timeout` for it to be
    written); False when it does not show up. Raises the log errors `follow()` raises."""
    updates = follow(
        queue_id, sources, since=since, timeout=timeout, deferred_timeout=timeout,
        poll_interval=poll_interval, sleep=sleep, should_stop=should_stop,
    )  # fmt: skip
    with closing(updates):  # closes the log files at once when found
        return any(update.trace.timelines for update in updates)
