"""Headless subcommands, one module each: `register(subparsers)` adds the parser and sets `handler`.

Modules here import only argparse and stdlib at the top; the work is imported inside the
handler, so `mailtui --help` stays fast and no headless command loads textual.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Collection

# Order = order in `mailtui --help`.
COMMAND_MODULES = (
    "config",
    "passwd",
    "explain",
    "send",
    "sendmail",
    "probe",
    "queue",
    "decode",
    "headers",
    "verify",
    "dns",
    "server",
    "bundle",
)


def register_all(subparsers: argparse._SubParsersAction, only: Collection[str] | None = None) -> None:
    """Add every command's parser, or with `only` just those (the CLI passes the ones named
    on its command line: each module costs its import and its parser, ~30 ms for all)."""
    for name in COMMAND_MODULES:
        if only is None or name in only:
            importlib.import_module(f"mailtui.commands.{name}").register(subparsers)
