"""`mailtui server trace|queue|summary|check`: the mail server on this host, headless, with `--json`."""

from __future__ import annotations

import argparse
import functools
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from mailtui.server.follow import FollowUpdate
    from mailtui.server.logparse import LogLine


# Exit codes (sysexits), shown by --help and listed in the README.
EXIT_CODES = {
    "trace": "0 found (--follow: the final status, or it left the queue); 66 nothing matches, or no log;\n"
    "69 journalctl failed; 75 --follow: deferred, or no final status before the timeout;\n"
    "77 the log is not readable (join the group named)",
    "queue": "0 done; 64 no ids given, or an action of the other MTA; 69 a Postfix/Exim command failed\n"
    "(some Exim actions refused: the message says which); 77 not allowed (root or the group named)",
    "summary": "0 done; 66 no log; 77 the log is not readable",
    "check": "0 no problem found; 1 a problem (open relay, ...) or no MX answered on the port;\n"
    "69 postconf failed (with --domain alone only a note: the MX check still runs)",
}


def _json_in_english(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """`run` in English under --json (scripts read the same words in every language)."""

    @functools.wraps(run)
    def wrapped(args: argparse.Namespace) -> int:
        if not getattr(args, "json", False):
            return run(args)
        from mailtui.core.i18n import language

        with language("en"):
            return run(args)

    return wrapped


def _epilog(name: str) -> str:
    return "exit codes: " + EXIT_CODES[name].replace("\n", "\n  ")


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "server",
        help="the local Postfix/Exim: trace a message, the queue, a log summary, relay checks",
        epilog="exit codes:\n"
        + "\n".join(
            textwrap.fill(text.replace("\n", " "), 96, initial_indent=f"  {name}: ", subsequent_indent="    ")
            for name, text in EXIT_CODES.items()
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    server = parser.add_subparsers(dest="server_command", metavar="ACTION", required=True)

    def sub_parser(name: str, summary: str) -> argparse.ArgumentParser:
        return server.add_parser(
            name, help=summary, epilog=_epilog(name), formatter_class=argparse.RawDescriptionHelpFormatter
        )

    def log_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--log",
            metavar="FILE",
            action="append",
            default=[],
            help="mail log (rotations .1/.gz read too; default: /var/log/mail.log, else the journal)",
        )
        p.add_argument("--since", metavar="TIME", help="from this time (YYYY-MM-DD[ HH:MM[:SS]])")
        p.add_argument("--until", metavar="TIME", help="until this time")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    trace = sub_parser("trace", "one message's timeline by queue id, Message-ID or address")
    trace.add_argument("query", metavar="ID|MESSAGE-ID|ADDRESS")
    log_args(trace)
    trace.add_argument(
        "--follow", action="store_true", help="keep reading the log live until the final status"
    )
    add_follow_timeouts(trace, "--timeout")
    trace.set_defaults(handler=run_trace)

    queue = sub_parser("queue", "list or act on the Postfix (or Exim) queue")
    queue.add_argument(
        "action",
        nargs="?",
        default="list",
        choices=["list", "flush", "hold", "release", "requeue", "delete", "show", "deliver", "giveup"],
        help="deliver (exim -M) and giveup (bounce it, exim -Mg) are Exim's; hold/release freeze/thaw there",
    )
    queue.add_argument(
        "ids",
        nargs="*",
        metavar="ID",
        help="queue ids (flush: one or none; delete/hold/...: ALL for every message)",
    )
    queue.add_argument(
        "-c", dest="config_dir", metavar="CONFIG_DIR",
        help="the Postfix instance (as postqueue -c); with --mta exim, Exim's config file (exim -C)",
    )  # fmt: skip
    queue.add_argument("--mta", choices=["postfix", "exim"], default="postfix", help="default: postfix")
    queue.add_argument("--json", action="store_true", help="machine-readable output")
    queue.set_defaults(handler=run_queue)

    summary = sub_parser("summary", "counts, per hour, tops and reasons over a time window")
    log_args(summary)
    summary.set_defaults(handler=run_summary)

    check = sub_parser("check", "Postfix relay settings explained; port 25 of a domain's MX hosts")
    check.add_argument(
        "-c", dest="config_dir", metavar="CONFIG_DIR", help="the Postfix instance (as postconf -c)"
    )
    check.add_argument("--client", metavar="IP", help="explain whether this client IP may relay")
    check.add_argument("--domain", metavar="D", help="resolve D's MX hosts and try port 25 on each")
    check.add_argument(
        "--dns-server", action="append", default=[], metavar="IP[:PORT]", help="nameserver to ask"
    )
    check.add_argument("--port", type=int, default=25, help=argparse.SUPPRESS)
    check.add_argument(
        "--timeout", type=float, default=3.0, metavar="SECONDS", help="per connection (default 3)"
    )
    check.add_argument("--json", action="store_true", help="machine-readable output")
    check.set_defaults(handler=run_check)


def _time(text: str | None) -> datetime | None:
    from datetime import datetime

    from mailtui.core.errors import EX_USAGE, MailtuiError
    from mailtui.core.i18n import tr

    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise MailtuiError(
            tr("{text} is not a time (YYYY-MM-DD[ HH:MM[:SS]])", text=repr(text)),
            title="Bad time",
            exit_code=EX_USAGE,
        ) from None


def _lines(args: argparse.Namespace) -> list[LogLine]:
    from pathlib import Path

    from mailtui.server.logparse import default_log_files, journal_lines, read_log

    files = [Path(p) for p in args.log] or default_log_files()
    if not files:
        return list(journal_lines(_time(args.since), _time(args.until)))
    return [line for f in files for line in read_log(f)]


def _dump(value: object) -> None:
    import dataclasses
    import json

    def default(o: object) -> object:
        if dataclasses.is_dataclass(o) and not isinstance(o, type):
            return dataclasses.asdict(o)
        return str(o)

    print(json.dumps(dataclasses.asdict(value) if dataclasses.is_dataclass(value) and not isinstance(value, type) else value,
                     default=default, ensure_ascii=False, indent=2))  # fmt: skip


def add_follow_timeouts(parser: argparse._ActionsContainer, timeout_flag: str) -> None:
    """--follow's timeouts (also used by `mailtui send --follow`, whose --timeout is the relay's)."""
    parser.add_argument(
        timeout_flag, dest="follow_timeout", type=float, default=600, metavar="SECONDS",
        help="--follow: give up after this long (default 600)",
    )  # fmt: skip
    parser.add_argument(
        "--deferred-timeout", type=float, default=60, metavar="SECONDS",
        help="--follow: once a deferral is logged, wait this long for more (default 60)",
    )  # fmt: skip


@_json_in_english
def run_trace(args: argparse.Namespace) -> int:
    from mailtui.core.errors import EX_NOINPUT, EX_TEMPFAIL
    from mailtui.server.trace import events_of, format_trace, trace

    since, until = _time(args.since), _time(args.until)
    if args.follow:
        last = follow_and_print(args.query, args.log, args, since=since)
        if not last.trace.timelines and not last.trace.rejects:
            return EX_NOINPUT
        return 0 if last.reason in ("final", "removed") else EX_TEMPFAIL
    result = trace(events_of(_lines(args)), args.query, since, until)
    if args.json:
        _dump(result)
    else:
        print(format_trace(result))
    if not result.timelines and not result.rejects:
        return EX_NOINPUT
    return 0


def _reason(reason: str) -> str:
    """Why following ended, in words."""
    from mailtui.core.i18n import tr

    return {
        "final": tr("final status reached"),
        "removed": tr("left the queue without a final status (deleted?)"),
        "deferred": tr("deferred, and nothing more within --deferred-timeout; the MTA retries later"),
        "timeout": tr("no final status within the follow timeout"),
        "stopped": tr("stopped"),
    }.get(reason, reason)


def follow_and_print(
    query: str, logs: list[str], args: argparse.Namespace, *, since: datetime | None = None
) -> FollowUpdate:
    """Follow `query` in `logs` (default: the usual logs or the journal), printing each new step
    as it is logged (or, with --json, the final trace); the last update."""
    import sys
    from pathlib import Path

    from mailtui.core.i18n import tr
    from mailtui.core.sanitize import clean_line
    from mailtui.server.follow import follow

    sources = [Path(p) for p in logs] or None
    where = ", ".join(logs) if logs else tr("the mail log")
    for path in sources or ():
        if not path.exists():
            print("mailtui: " + tr("{path} does not exist (yet): waiting for it", path=path), file=sys.stderr)
    print(
        tr("following {query} in {where} (Ctrl-C to stop)", query=query, where=where),
        file=sys.stderr,
        flush=True,
    )
    last = None
    for update in follow(
        query, sources, since=since, timeout=args.follow_timeout, deferred_timeout=args.deferred_timeout
    ):
        last = update
        if args.json:
            continue
        for step in update.new_steps:
            print(f"  {step.time:%Y-%m-%d %H:%M:%S}  {step.queue_id:<16} {clean_line(step.what)}")
            for part in step.explanation.split("; ") if step.explanation else []:
                print(f"  {'':36}{part}")
        sys.stdout.flush()
    assert last is not None  # follow() always yields a last update
    follow_info = {"reason": last.reason, "status": last.status, "elapsed": round(last.elapsed, 2)}
    if args.json:
        import dataclasses

        _dump({**dataclasses.asdict(last.trace), "follow": follow_info})
    else:
        ids = " -> ".join(last.trace.timelines[0].queue_ids) if last.trace.timelines else query
        print(f"{ids}: {last.status} ({_reason(last.reason)}, {last.elapsed:.1f} s)")
    return last


@_json_in_english
def run_queue(args: argparse.Namespace) -> int:
    from mailtui.core.errors import EX_USAGE
    from mailtui.core.i18n import tr
    from mailtui.server.queue import EximQueue, PostfixQueue, by_domain, by_reason

    queue: PostfixQueue | EximQueue
    queue = EximQueue(config_file=args.config_dir) if args.mta == "exim" else PostfixQueue(args.config_dir)
    if args.action in ("deliver", "giveup") and not isinstance(queue, EximQueue):
        print(
            f"mailtui server queue {args.action}: " + tr("an Exim action (use --mta exim; Postfix: flush ID)")
        )
        return EX_USAGE
    if args.action == "list":
        entries = queue.list()
        if args.json:
            _dump({"messages": [__import__("dataclasses").asdict(e) for e in entries],
                   "by_reason": by_reason(entries), "by_domain": by_domain(entries)})  # fmt: skip
            return 0
        import time

        now = int(time.time())
        for e in entries:
            age = now - e.arrival_time
            print(f"{e.queue_id:<14} {e.queue_name:<9} {age // 60:>5}m {e.size:>8}  <{e.sender}>")
            for r in e.recipients:
                print(f"{'':16}-> {r.address}")
                if r.delay_reason:
                    print(f"{'':19}{r.delay_reason}")
                if r.explanation:
                    print(f"{'':19}{r.explanation}")
        print("-- " + tr("{count} message(s)", count=len(entries)))
        for reason, n, why in by_reason(entries):
            print(f"  {n:>4}  {reason}" + (f"\n        {why}" if why else ""))
        for domain, n in by_domain(entries):
            print(f"  {n:>4}  {domain}")
        return 0
    if args.action == "flush":
        queue.flush(args.ids[0] if args.ids else None)
        print(tr("flushed: {what}", what=args.ids[0] if args.ids else tr("all deferred mail")))
        return 0
    if args.action == "show":
        if len(args.ids) != 1:
            print("mailtui server queue show: " + tr("give one queue id"))
            return EX_USAGE
        print(queue.show(args.ids[0]), end="")
        return 0
    if not args.ids:
        print(f"mailtui server queue {args.action}: " + tr("give queue ids, or ALL"))
        return EX_USAGE
    ids = [e.queue_id for e in queue.list()] if args.ids == ["ALL"] else args.ids
    if isinstance(queue, EximQueue) and args.action in ("deliver", "giveup"):
        count = queue.deliver(ids) if args.action == "deliver" else queue.give_up(ids)
    else:
        count = queue.act(args.action, ids)
    if args.json:
        _dump({"action": args.action, "count": count, "ids": ids})
    else:
        print(f"{args.action}: " + tr("{count} message(s)", count=count))
    return 0


@_json_in_english
def run_summary(args: argparse.Namespace) -> int:
    from mailtui.server.summary import format_summary, summarize
    from mailtui.server.trace import events_of

    s = summarize(events_of(_lines(args)), _time(args.since), _time(args.until))
    if args.json:
        _dump(s)
    else:
        print(format_summary(s))
    return 0


@_json_in_english
def run_check(args: argparse.Namespace) -> int:
    import sys

    from mailtui.core.i18n import tr
    from mailtui.core.sanitize import clean_line
    from mailtui.diagnostics.port25 import check_mx_port25
    from mailtui.server.errors import ServerError
    from mailtui.server.relay_check import analyse_postconf, read_postconf

    try:
        findings = analyse_postconf(read_postconf(args.config_dir), args.client)
    except ServerError as exc:
        if not args.domain:
            raise
        # The MX check needs no Postfix (an Exim host, a workstation): say why the rest is missing.
        print("mailtui: " + tr("Postfix settings not checked: {why}", why=exc.message), file=sys.stderr)
        findings = []
    report = check_mx_port25(args.domain, args.dns_server, args.timeout, args.port) if args.domain else None
    if args.json:
        _dump({"findings": findings, "mx": report})
    else:
        for f in findings:
            print(f"[{f.level:<7}] {f.setting}: {f.text}")
        if report is not None:
            print("\n" + tr("MX of {domain}: {hosts}", domain=report.domain, hosts=", ".join(report.mx)))
            for p in report.probes:
                detail = f" ({clean_line(p.detail)})" if p.detail else ""  # the banner is the server's text
                print(f"  {p.host} {p.address}:{p.port}: {p.result}{detail}")
            print(f"  => {report.conclusion}")
    mx_down = report is not None and not any(p.result == "banner" for p in report.probes)
    return 1 if mx_down or any(f.level == "problem" for f in findings) else 0
