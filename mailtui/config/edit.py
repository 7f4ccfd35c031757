"""Small, careful edits of the user's config.toml: one key set in place, the rest kept as written.

Used when the app changes a setting for the user (the theme chosen in the command
palette). Only `[ui] theme` for now: the value is replaced on its line (a comment after
it is dropped), added under `[ui]` when the table has no such key, or a `[ui]` table is
appended. The result must parse and hold the new value before it replaces the file
(written next to it, then renamed, with the same mode); otherwise nothing changes and
`ConfigEditError` says why. A config that sets the key in a form this does not edit (an
inline table `ui = { ... }`) is left alone, with that reason.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from pathlib import Path

from mailtui.core.errors import ConfigError


class ConfigEditError(ConfigError):
    """The config could not be changed; the file is as it was."""


_TABLE = re.compile(r"^\s*\[{1,2}\s*([^\[\]]+?)\s*\]{1,2}\s*(#.*)?$")  # [table] or [[array]]
_UI_INLINE = re.compile(r"^\s*ui\s*=")


def set_ui_theme(path: Path, theme: str) -> None:
    """Set `[ui] theme = "<theme>"` in the config file at `path` (a symlink's target: a config
    kept in a dotfiles repository stays linked)."""
    path = path.resolve()
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode & 0o7777
    except OSError as err:
        raise ConfigEditError(f"cannot read {path}: {err.strerror or err}") from None
    updated = _with_theme(text, theme, path)
    try:
        if tomllib.loads(updated).get("ui", {}).get("theme") != theme:
            raise ConfigEditError(f"{path}: the edit would not set ui.theme; the file is unchanged")
    except tomllib.TOMLDecodeError as err:
        raise ConfigEditError(f"{path}: the edit would break the file ({err}); it is unchanged") from None
    _replace(path, updated, mode)


def _with_theme(text: str, theme: str, path: Path) -> str:
    value = f"theme = {json.dumps(theme, ensure_ascii=False)}"
    lines = text.splitlines(keepends=True)
    table = ""
    ui_at: int | None = None
    for i, line in enumerate(lines):
        header = _TABLE.match(line)
        if header is not None:
            table = header.group(1).replace(" ", "")
            if table == "ui":
                ui_at = i
            continue
        if table == "" and _UI_INLINE.match(line):
            raise ConfigEditError(f"{path}:{i + 1}: ui is an inline table here; set theme in it by hand")
        key = re.match(r"^\s*(ui\s*\.\s*)?theme\s*=", line)
        if key is not None and (table == "ui" or (table == "" and key.group(1))):
            ending = "\n" if line.endswith("\n") else ""
            lines[i] = (f"ui.{value}" if table == "" else value) + ending
            return "".join(lines)
    if ui_at is not None:
        lines.insert(ui_at + 1, value + "\n")
        return "".join(lines)
    tail = "" if not text or text.endswith("\n") else "\n"
    return text + tail + ("\n" if text.strip() else "") + "[ui]\n" + value + "\n"


def _replace(path: Path, text: str, mode: int) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise ConfigEditError(f"cannot write {path}: {err.strerror or err}; it is unchanged") from None
