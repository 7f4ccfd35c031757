"""Helpers shared by the subcommands: config loading and the explanation language."""

from __future__ import annotations

import argparse

from mailtui.config import Config, load_config
from mailtui.core.errors import MailtuiError


def config_from_args(args: argparse.Namespace, *, required: bool = False) -> Config:
    """The config named by --config (or the default location)."""
    return load_config(args.config, required=required)


def language(args: argparse.Namespace) -> str:
    """--lang, else ui.language from the config (a broken config does not stop a headless tool)."""
    if getattr(args, "lang", None):
        return args.lang
    try:
        return config_from_args(args).ui.language
    except MailtuiError:
        return "en"
