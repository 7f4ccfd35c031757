"""Configuration: the TOML file -> frozen dataclasses (`model`), loaded and checked with errors
that name the file, line and key path (`load`, `schema`, `toml_lines`), and shown masked (`show`).

The names below are the package's public face; the rest of mailtui imports them from here.
"""

from __future__ import annotations

from mailtui.config.load import load_config
from mailtui.config.model import (
    AccountConfig,
    Config,
    DeleteMode,
    Language,
    PasswordSource,
    ServerConfig,
    TLSMode,
    UIConfig,
    table_of,
)
from mailtui.config.show import format_config
from mailtui.config.toml_lines import ConfigProblem, InvalidConfigError
from mailtui.core.errors import ConfigError

__all__ = [
    "AccountConfig", "Config", "ConfigError", "ConfigProblem", "DeleteMode", "InvalidConfigError", "Language",
    "PasswordSource", "TLSMode",
    "ServerConfig", "UIConfig", "format_config", "load_config", "table_of",
]  # fmt: skip
