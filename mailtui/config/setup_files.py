"""Where a mutt + msmtp setup lives: the files looked for when there is no config.toml.

Apart from the parsers (`mutt`, `msmtp`) and the importer so that starting without a
config.toml costs a few `stat` calls, not their imports, when there is no such file (issue 18).
"""

from __future__ import annotations

import os
from pathlib import Path

SYSTEM_MSMTPRC = Path("/etc/msmtprc")


def _config_home() -> Path:
    xdg = os.environ.get("XDG_CONFIG_HOME")
    return Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".config"


def find_muttrc() -> Path | None:
    """mutt's user files, in its order: ~/.muttrc, ~/.mutt/muttrc, $XDG_CONFIG_HOME/mutt/muttrc."""
    home = Path.home()
    for candidate in (home / ".muttrc", home / ".mutt" / "muttrc", _config_home() / "mutt" / "muttrc"):
        if candidate.is_file():
            return candidate
    return None


def find_msmtprc() -> Path | None:
    """msmtp's user file, then the system one: ~/.msmtprc, $XDG_CONFIG_HOME/msmtp/config, /etc/msmtprc."""
    for candidate in (Path.home() / ".msmtprc", _config_home() / "msmtp" / "config", SYSTEM_MSMTPRC):
        if candidate.is_file():
            return candidate
    return None
