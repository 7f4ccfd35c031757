"""Helpers shared by the subcommands: config loading and the explanation language."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from mailtui.core.errors import MailtuiError

if TYPE_CHECKING:
    from mailtui.config import Config
    from mailtui.core.transcript import Transcript


def config_from_args(args: argparse.Namespace, *, required: bool = False) -> Config:
    """The config named by --config (or the default location)."""
    from mailtui.config import load_config  # here, not at the top: `mailtui --help` reads no config

    return load_config(args.config, required=required)


def stderr_transcript(enabled: bool) -> Transcript:
    """A session transcript; with `enabled` (--transcript) each line is also printed on stderr.

    Lines are masked by the Transcript; clean_line strips a hostile server's escape sequences.
    """
    from mailtui.core.sanitize import clean_line
    from mailtui.core.transcript import Transcript

    transcript = Transcript()
    if enabled:
        transcript.subscribe(lambda line: print(clean_line(line.format()), file=sys.stderr, flush=True))
    return transcript


def language(args: argparse.Namespace, *, json_in_english: bool = True) -> str:
    """--lang, else ui.language from the config (a broken config does not stop a headless tool);
    English under --json, whatever they say: JSON is for scripts, which read the same words
    in every language (errors and notes of a `probe --json` or `send --follow --json` too).
    `json_in_english=False` for a command whose JSON carries the text in the language asked
    (`explain --json --lang zh`: the explanation is the data, with its `lang`)."""
    if json_in_english and getattr(args, "json", False):
        return "en"
    if getattr(args, "lang", None):
        return args.lang
    try:
        return config_from_args(args).ui.language
    except MailtuiError:
        return "en"


def add_trusted_option(parser: argparse.ArgumentParser) -> None:
    """`--trusted ID` (repeatable): the authserv-ids whose Authentication-Results count."""
    parser.add_argument(
        "--trusted",
        action="append",
        metavar="ID",
        default=None,
        help="an authserv-id whose Authentication-Results are trusted (repeatable; "
        "default: ui.trusted_authserv_ids from the config)",
    )
