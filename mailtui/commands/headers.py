"""`mailtui headers FILE|- [--verify]`: the Received hops, authentication results and MIME tree of a
message, and a bounce's delivery report (each recipient's Action, Status, Diagnostic-Code, Remote-MTA;
the returned message's Message-ID and Subject); with --verify, DKIM, ARC, SPF and DMARC verified here (`mailtui verify`)."""

from __future__ import annotations

import argparse
import sys

from mailtui.commands.common import add_trusted_option
from mailtui.core.errors import EX_NOINPUT, MailtuiError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "headers",
        help="inspect a message: Received hops, SPF/DKIM/DMARC results, MIME tree, a bounce's delivery report",
    )
    parser.add_argument("file", help="a message file (.eml), or - to read it from stdin")
    add_trusted_option(parser)
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    from mailtui.commands import verify

    verify.add_arguments(parser, for_headers=True)
    parser.set_defaults(handler=run)


def _trusted(args: argparse.Namespace) -> tuple[str, ...]:
    if args.trusted is not None:
        return tuple(args.trusted)
    from mailtui.commands.common import config_from_args

    try:
        return config_from_args(args).ui.trusted_authserv_ids
    except MailtuiError as err:  # a broken config must not stop a read-only inspection
        print(f"mailtui: warning: {err.title}: {err.message}; no authserv-id trusted", file=sys.stderr)
        return ()


def run(args: argparse.Namespace) -> int:
    import dataclasses
    import json
    from pathlib import Path

    from mailtui.core.headers.inspection import format_inspection, inspect_message

    if args.file == "-":
        raw = sys.stdin.buffer.read()
    else:
        try:
            raw = Path(args.file).read_bytes()
        except OSError as exc:
            raise MailtuiError(
                f"cannot read {args.file}: {exc.strerror or exc}", title="No input", exit_code=EX_NOINPUT
            ) from None
    if args.verify:
        from mailtui.commands import verify

        return verify.run(args, raw)
    inspection = inspect_message(raw, _trusted(args))
    if args.json:
        print(json.dumps(dataclasses.asdict(inspection), ensure_ascii=False, indent=2))
    else:
        print(format_inspection(inspection))
    return 0
