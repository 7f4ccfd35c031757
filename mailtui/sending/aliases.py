"""Local recipients for `mailtui sendmail`: an aliases file (/etc/aliases format), then a domain.

cron and mail(1) address mail to bare local names ("root"). A relay needs addresses, so,
as msmtp does, a bare name is looked up in the account's `aliases` file and otherwise gets
"@" + the account's domain. The file format is /etc/aliases: `name: value, value`, lines
starting with whitespace continue the previous entry, `#` starts a comment; a value that is
itself a bare name is looked up again (loops stop); a `default:` entry catches every name
not listed. Pipes, files and `:include:` cannot be handed to a relay and are skipped.
"""

from __future__ import annotations

from pathlib import Path

from mailtui.core.errors import ConfigError

__all__ = ["parse_aliases", "read_aliases", "resolve_local"]


def parse_aliases(text: str) -> dict[str, list[str]]:
    """name (lower case) -> its values, from /etc/aliases-format text."""
    entries: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        if line[:1] in (" ", "\t") and entries:
            entries[-1] += " " + line.strip()
        else:
            entries.append(line.strip())
    table: dict[str, list[str]] = {}
    for entry in entries:
        name, sep, values = entry.partition(":")
        if not sep or not name.strip():
            continue
        items = [v.strip().strip('"').strip() for v in values.split(",")]
        table[name.strip().lower()] = [v for v in items if v]
    return table


def read_aliases(path: str) -> dict[str, list[str]]:
    """The aliases file at `path`; ConfigError naming it when it cannot be read."""
    try:
        return parse_aliases(Path(path).read_text("utf-8", "replace"))
    except OSError as exc:
        raise ConfigError(f"cannot read the aliases file {path}: {exc.strerror or exc}") from exc


def _deliverable(value: str) -> bool:
    return not value.startswith(("|", "/", ":include:"))


def resolve_local(recipients: list[str], aliases: dict[str, list[str]], domain: str) -> list[str]:
    """Every bare name replaced by its aliases (recursively) or name@domain; addresses kept."""
    out: list[str] = []

    def add(item: str, seen: frozenset[str]) -> None:
        if "@" in item or not item:
            if item and item.lower() not in {o.lower() for o in out}:
                out.append(item)
            return
        key = item.lower()
        values = aliases.get(key)
        if values is None and key not in seen and "default" in aliases and "default" not in seen:
            values, key = aliases["default"], "default"
        if values is None or key in seen:
            add(f"{item}@{domain}" if domain else item, seen)
            return
        for value in values:
            if _deliverable(value):
                add(value, seen | {key})

    for recipient in recipients:
        add(recipient.strip(), frozenset())
    return out
