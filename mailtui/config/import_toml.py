"""An imported mutt/msmtp config as TOML: annotated with file:line (`config check`) or as the
config.toml `mailtui config import` writes (secrets left where they are).

Both start from `show.format_config`, so what is written is what `config check` shows, and
each `key = value` line whose value came from a mutt or msmtp file gets `# FILE:LINE`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mailtui.config.importer import ImportedConfig, local_spool
from mailtui.config.mutt import Origin
from mailtui.config.mutt_colors import THEME_NAME
from mailtui.config.show import format_config

_TABLE = re.compile(r"^\[(\[?)([A-Za-z0-9_.]+)\]\]?$")
_KEY = re.compile(r"^([A-Za-z0-9_]+) = ")


def annotate(text: str, origins: Mapping[str, Origin]) -> str:
    """`text` (format_config's TOML) with `  # FILE:LINE` after each value that has an origin."""
    out: list[str] = []
    prefix = ""
    index = 0
    for line in text.splitlines():
        if m := _TABLE.match(line):
            name = m.group(2)
            if m.group(1):  # [[account]]
                index += 1
                prefix = f"{name}[{index}]"
            elif name.startswith("account.") and index:
                prefix = f"account[{index}].{name.removeprefix('account.')}"
            else:
                prefix = name
        elif (k := _KEY.match(line)) and (origin := origins.get(f"{prefix}.{k.group(1)}")) is not None:
            line = f"{line}  # {origin}"
        out.append(line)
    return "\n".join(out)


def check_text(config: ImportedConfig) -> str:
    """What `config check` prints for an imported config: the sources, then the annotated TOML."""
    head = ["# No mailtui config file: read from " + ", ".join(str(p) for p in config.sources)]
    head.append(
        "# Each value read from them is followed by its file:line; the others are mailtui's defaults."
    )
    return "\n".join(head) + "\n" + annotate(format_config(config), config.origins)


@dataclass(frozen=True)
class ImportResult:
    toml: str  # the config.toml text
    theme_toml: str | None  # a theme file to write to <config dir>/themes/mutt.toml
    hints: tuple[str, ...]  # what the admin must do (store an inline password in the keyring, ...)


def import_text(config: ImportedConfig) -> ImportResult:
    """config.toml for the imported setup: no inline password (a `mailtui passwd` hint instead)."""
    hints: list[str] = []
    text = annotate(format_config(config), config.origins)
    lines: list[str] = []
    prefix = ""
    index = 0
    for line in text.splitlines():
        if m := _TABLE.match(line):
            if m.group(1):
                index += 1
            prefix = m.group(2)
        if line.startswith("password = "):
            account = config.accounts[index - 1]
            kind = prefix.removeprefix("account.")
            origin = line.partition("#")[2].strip()
            hints.append(
                f"the {kind} password of account {account.name!r} is written inline in {origin}: it is not "
                f"copied; store it in the keyring with `mailtui passwd {account.name} {kind}`, or set "
                f"password_command in [account.{kind}]"
            )
            lines.append(f"# password: not copied from {origin}; run `mailtui passwd {account.name} {kind}`")
            continue
        if line.startswith("theme = ") and config.theme_toml is not None:
            line = f'theme = "{THEME_NAME}"  # mutt colours, written to themes/{THEME_NAME}.toml'
        lines.append(line)
        if line == "[[account]]":
            pass
        elif prefix == "account" and line.startswith("name = "):
            account = config.accounts[index - 1]
            if account.maildir is None and account.imap is None:
                where = local_spool() or "~/Maildir"
                lines.append(f'maildir = "{where}"  # msmtp accounts have no mailbox: point this at yours')
            log = config.logs.get(account.name)
            if log is not None and log.time_format is not None:
                hints.append(
                    f"logfile_time_format {log.time_format!r} (account {account.name!r}): config.toml has "
                    "no such key; the log lines start with msmtp's default time stamp"
                )
    head = [
        "# Written by `mailtui config import` from " + ", ".join(str(p) for p in config.sources) + ".",
        "# `# FILE:LINE` after a value says where it came from. What mailtui does not honour:",
    ]
    head += [f"#   {w}" for w in config.warnings] or ["#   (nothing)"]
    return ImportResult("\n".join(head + [""] + lines) + "\n", config.theme_toml, tuple(hints))
