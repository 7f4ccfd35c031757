"""Leaving the app from the index: what would be left behind is said first (issue 15).

`q` at the index asks before it quits when messages wait in the outbox (queued after a
failed or deferred send: they go out only while mailtui runs, or with `mailtui queue
flush`), then offers to purge what is marked deleted (as mutt). Nothing is asked when
nothing is pending.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen


def outbox_waiting() -> int:
    """How many messages wait in the outbox (0 when there is none or it cannot be read)."""
    from mailtui.paths import data_dir

    if not (data_dir() / "outbox").is_dir():  # nothing was ever queued: create nothing
        return 0
    from mailtui.sending.outbox import Outbox, OutboxError

    try:
        return len(Outbox().list())
    except (OutboxError, OSError):
        return 0


def confirm_quit(screen: Screen[Any], then: Callable[[], None]) -> None:
    """Call `then` (the purge offer, then exit) at once, or after a yes when mail is queued."""
    waiting = outbox_waiting()
    if not waiting:
        then()
        return
    from mailtui.ui.screens.confirm import ConfirmDialog

    noun = "message waits" if waiting == 1 else "messages wait"
    question = (
        f"{waiting} {noun} in the outbox, not sent yet: mailtui sends queued mail only while it "
        "runs (or `mailtui queue flush` from cron). Quit anyway?"
    )

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    screen.app.push_screen(ConfirmDialog(question), answered)
