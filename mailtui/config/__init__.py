"""Configuration: the TOML file -> frozen dataclasses (`model`), loaded and checked with errors
that name the file, line and key path (`load`, `schema`, `toml_lines`), and shown masked (`show`).

The names below are the package's public face; the rest of mailtui imports them from here.
"""

from __future__ import annotations

from mailtui.config.load import load_config
from mailtui.config.model import (
    ADHOC_ACCOUNTS,
    DEFAULT_PORTS,
    DEFAULT_QUEUE_LIFETIME,
    DEFAULT_TLS,
    TLS_MODES,
    AccountConfig,
    ComposeConfig,
    Config,
    DeleteMode,
    DiagnosticsConfig,
    Language,
    PasswordSource,
    ServerConfig,
    ServerKind,
    TLSMode,
    UIConfig,
    default_port,
    server_config,
    table_of,
)
from mailtui.config.show import format_config
from mailtui.config.toml_lines import ConfigProblem, InvalidConfigError
from mailtui.core.errors import ConfigError

__all__ = [
    "ADHOC_ACCOUNTS", "DEFAULT_PORTS", "DEFAULT_QUEUE_LIFETIME", "DEFAULT_TLS", "TLS_MODES",
    "AccountConfig", "ComposeConfig", "Config", "ConfigError", "ConfigProblem", "DeleteMode", "DiagnosticsConfig", "InvalidConfigError", "Language",
    "PasswordSource", "ServerKind", "TLSMode",
    "ServerConfig", "UIConfig", "default_port", "format_config", "load_config", "server_config", "table_of",
]  # fmt: skip
