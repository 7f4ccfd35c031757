"""`mailtui bundle [--redact-addresses] [-o FILE]`: a diagnostic bundle without the UI.

It holds what a headless run knows: versions, the effective config (every secret masked)
and the outbox. Probes, DNS checks and inspected headers come from a UI session (ctrl+b
on the diagnostics screen).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bundle", help="write a diagnostic bundle (versions, masked config, outbox) to attach to a ticket"
    )
    parser.add_argument(
        "--redact-addresses", action="store_true", help="replace every address by a stable token"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help="write here (default: the data dir's diagnostics/; - = stdout)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import os
    import sys

    from mailtui.commands.common import config_from_args
    from mailtui.diagnostics.bundle import BundleError, build_bundle, read_outbox, write_text

    config = config_from_args(args)
    text = build_bundle(
        transcript=None,
        accounts=config.accounts,
        config=config,
        outbox=read_outbox(),
        redact=args.redact_addresses,
    )
    if args.output is None:
        path = write_text(text, "bundle")
    elif str(args.output) == "-":
        sys.stdout.write(text)
        return 0
    else:
        path = args.output
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            raise BundleError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"Diagnostic bundle saved to {path}")
    return 0
