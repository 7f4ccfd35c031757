"""`mailtui queue list|flush [--force]`: the outbox, like msmtpq, `postqueue -p` and `postqueue -f`.

`flush` sends what is due (every message with --force, held ones included) and exits 0
when the queue is empty afterwards, 75 (EX_TEMPFAIL) while messages remain, so a cron job
can run it every few minutes.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from mailtui.core.i18n import tr

if TYPE_CHECKING:
    from mailtui.sending.outbox import Outbox, QueuedMessage


def register(sub: argparse._SubParsersAction) -> None:
    from mailtui.core.exit_codes import exit_table_text

    parser = sub.add_parser(
        "queue", help="list or flush the outbox (messages waiting for the relay)",
        epilog=exit_table_text(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    actions = parser.add_subparsers(dest="queue_action", metavar="ACTION", required=True)
    actions.add_parser("list", help="list queued messages: id, age, attempts, recipients, last error")
    flush = actions.add_parser(
        "flush",
        help="send queued messages that are due",
        epilog=exit_table_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    flush.add_argument("--force", action="store_true", help="send every queued message now, held ones too")
    flush.add_argument("--transcript", action="store_true", help="print the SMTP dialogue on stderr")
    drop = actions.add_parser("drop", help="delete queued messages without sending them (like postsuper -d)")
    drop.add_argument("ids", nargs="+", metavar="ID", help="ids from `mailtui queue list`")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mailtui.sending.outbox import Outbox

    outbox = Outbox()
    if args.queue_action == "list":
        return list_queue(outbox)
    if args.queue_action == "drop":
        return drop_queued(outbox, args.ids)
    return flush_queue(args, outbox)


def drop_queued(outbox: Outbox, ids: list[str]) -> int:
    """Delete the named entries, broken ones too; an unknown id is reported (exit 66), the others go."""
    from mailtui.core.errors import EX_NOINPUT
    from mailtui.sending.outbox import OutboxError

    status = 0
    for ident in ids:
        try:
            found = outbox.drop(ident)
        except OutboxError as exc:
            print(f"mailtui: {exc.message}", file=sys.stderr)
            status = status or exc.exit_code
            continue
        if not found:
            print(
                "mailtui: "
                + tr("no queued message with id {ident} (see `mailtui queue list`)", ident=repr(ident)),
                file=sys.stderr,
            )
            status = EX_NOINPUT
            continue
        print(tr("dropped {ident}", ident=ident))
    return status


def _notices(outbox: Outbox) -> None:
    from mailtui.core.sanitize import clean_line

    for notice in outbox.notices:
        print(f"mailtui: {clean_line(notice)}", file=sys.stderr)
    outbox.notices.clear()


def format_age(seconds: float) -> str:
    """'45s', '12m', '3h05m', '2d04h'."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


def _next(item: QueuedMessage, now: float) -> str:
    if item.in_flight:
        return tr("being sent now")
    if item.interrupted:
        return tr("interrupted (its sender died before the relay answered); due now, sent again")
    if item.next_attempt is None:
        return tr("held (permanent failure; `queue flush --force` retries)")
    if item.next_attempt <= now:
        return tr("due now")
    return tr("next try in {age}", age=format_age(item.next_attempt - now))


def list_queue(outbox: Outbox) -> int:
    """Print the queue, oldest first (like `postqueue -p`)."""
    from mailtui.core.sanitize import clean_line

    items = outbox.list()
    _notices(outbox)
    if not items:
        print(tr("the queue is empty"))
        return 0
    now = time.time()
    print(f"{'ID':<40} {tr('AGE'):>6} {tr('TRIES'):>5}  " + tr("RECIPIENTS"))
    for item in items:
        print(
            f"{item.id:<40} {format_age(now - item.created):>6} {item.attempts:>5}  {', '.join(item.recipients)}"
        )
        print(
            "    "
            + tr(
                "from {sender} via {account}; {next}",
                sender=clean_line(item.sender),
                account=clean_line(item.account),
                next=_next(item, now),
            )
        )
        if item.subject:
            print("    " + tr("subject: {subject}", subject=clean_line(item.subject)))
        if item.last_error:
            print("    " + tr("last error: {error}", error=clean_line(item.last_error)))
    print(tr("{count} message(s) queued", count=len(items)))
    return 0


def flush_queue(args: argparse.Namespace, outbox: Outbox) -> int:
    """Send due messages (all with --force); 0 when the queue is empty afterwards, else 75."""
    import asyncio

    from mailtui.commands.common import config_from_args, stderr_transcript
    from mailtui.core.errors import EX_OK, EX_TEMPFAIL
    from mailtui.core.sanitize import clean_line
    from mailtui.sending.dispatch import flush_outbox

    config = config_from_args(args)
    transcript = stderr_transcript(args.transcript)
    report = asyncio.run(
        flush_outbox(
            config, force=args.force, transcript=transcript, outbox=outbox, prompt=True,
            on_note=lambda text: print(clean_line(text)),
        )
    )  # fmt: skip
    for notice in report.notices:
        print(f"mailtui: {clean_line(notice)}", file=sys.stderr)
    if report.busy:
        print(tr("another `mailtui queue flush` is running; nothing was attempted"), file=sys.stderr)
    for ident, error in report.failed.items():
        print(tr("failed {ident}: {error}", ident=ident, error=clean_line(error)), file=sys.stderr)
    if report.skipped and not report.busy:
        print(tr("{count} message(s) not due yet (use --force to send them now)", count=len(report.skipped)))
    remaining = len(outbox.list())
    _notices(outbox)
    print(
        tr(
            "{sent} sent, {failed} failed, {remaining} still queued",
            sent=len(report.sent),
            failed=len(report.failed),
            remaining=remaining,
        )
    )
    return EX_OK if remaining == 0 else EX_TEMPFAIL
