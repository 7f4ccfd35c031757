"""Where mailtui keeps things: XDG config, data (demo, outbox, drafts) and cache (header cache).

Environment overrides, for tests and unusual setups: MAILTUI_CONFIG (the config file),
XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "mailtui"


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var)
    base = Path(value) if value and os.path.isabs(value) else Path.home() / default
    return base / APP


def config_path() -> Path:
    """The config file: $MAILTUI_CONFIG, else $XDG_CONFIG_HOME/mailtui/config.toml."""
    override = os.environ.get("MAILTUI_CONFIG")
    if override:
        return Path(override)
    return _xdg("XDG_CONFIG_HOME", ".config") / "config.toml"


def data_dir() -> Path:
    """Persistent data: demo Maildir, outbox, drafts, local Sent fallback."""
    return _xdg("XDG_DATA_HOME", ".local/share")


def cache_dir() -> Path:
    """Disposable data: header caches."""
    return _xdg("XDG_CACHE_HOME", ".cache")
