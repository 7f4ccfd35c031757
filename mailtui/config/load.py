"""Loading the config file: TOML text -> `Config`, with errors that name the file, line and key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mailtui.config.model import Config
from mailtui.config.schema import parse_config
from mailtui.config.toml_lines import index_lines
from mailtui.core.errors import ConfigError
from mailtui.paths import config_path


def load_config(path: Path | None = None, *, required: bool = False) -> Config:
    """Load and validate the config file.

    `path` is `--config`; without it, `paths.config_path()` ($MAILTUI_CONFIG, else the XDG
    config dir). A missing default file gives `Config()` (no accounts) unless `required`; a
    missing file named explicitly is always an error. Raises `ConfigError` (an
    `InvalidConfigError` listing every problem with file, line and key path).
    """
    explicit = path is not None
    file = Path(path).expanduser() if path is not None else config_path()
    if not file.exists():
        if not explicit and not os.environ.get("MAILTUI_CONFIG"):
            from mailtui.config.setup_files import find_msmtprc, find_muttrc

            if find_muttrc() is not None or find_msmtprc() is not None:  # else no parser is loaded
                from mailtui.config.importer import find_setup

                imported = find_setup()
                if imported is not None:
                    return imported
        if required or explicit:
            raise ConfigError(_missing_message(file, explicit), title="No config file")
        return Config()
    try:
        raw = file.read_bytes()
        mode = stat.S_IMODE(file.stat().st_mode)
    except IsADirectoryError:
        raise ConfigError(f"{file} is a directory; the config is a TOML file") from None
    except OSError as err:
        raise ConfigError(f"cannot read {file}: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ConfigError(f"{file}: not UTF-8 text (byte {err.start}); TOML files are UTF-8") from None
    import tomllib  # here: a start without a config file does not load the TOML parser

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # tomllib's message already ends with "(at line L, column C)".
        raise ConfigError(f"{file}: invalid TOML: {err}") from None
    return parse_config(data, file=file, lines=index_lines(text), mode=mode)


def _missing_message(file: Path, explicit: bool) -> str:
    if explicit:
        where = "given with --config"
    elif os.environ.get("MAILTUI_CONFIG"):
        where = "from $MAILTUI_CONFIG"
    else:
        where = "the default: $XDG_CONFIG_HOME/mailtui/config.toml, or set $MAILTUI_CONFIG"
    return (
        f"no config file at {file} ({where}). Copy config.example.toml from the mailtui "
        f"sources to {file} and edit it; `mailtui config check` validates it."
    )
