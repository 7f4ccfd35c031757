"""Configuration: TOML -> frozen dataclasses, with errors that name the file, key path and line.

The dataclasses below are the contract the rest of mailtui reads; `load_config` builds them.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mailtui.config_check import ConfigProblem, InvalidConfigError, index_lines
from mailtui.core.errors import ConfigError

__all__ = [
    "AccountConfig", "Config", "ConfigError", "ConfigProblem", "InvalidConfigError", "PasswordSource",
    "ServerConfig", "UIConfig", "format_config", "load_config",
]  # fmt: skip

TLSMode = Literal["ssl", "starttls", "none"]
DeleteMode = Literal["trash", "mark"]
Language = Literal["en", "zh"]


@dataclass(frozen=True)
class PasswordSource:
    """Where a server's password comes from, tried in this order: command, env, inline, keyring.

    The keyring entry is service `mailtui`, username `ACCOUNT/SERVER` (SERVER is "imap"/"smtp").
    """

    command: str | None = None  # password_command, run through the shell, first line of stdout
    env: str | None = None  # password_env, name of an environment variable
    inline: str | None = None  # password, only accepted from a file of mode 0600
    keyring: bool = True


@dataclass(frozen=True)
class ServerConfig:
    """An IMAP server or an SMTP relay of one account."""

    kind: Literal["imap", "smtp"]
    account: str
    host: str
    port: int
    tls: TLSMode = "ssl"
    user: str | None = None
    auth: bool = True  # SMTP: log in at all
    tls_verify: bool = True
    ca_file: str | None = None
    allow_plaintext_auth: bool = False
    oauth2_token_command: str | None = None
    timeout: float = 30.0
    password: PasswordSource = field(default_factory=PasswordSource)

    @property
    def keyring_user(self) -> str:
        return f"{self.account}/{self.kind}"

    @property
    def table(self) -> str:
        """Where this server is configured, for messages: `[account.smtp] of account "work"`."""
        return table_of(self.account, self.kind)


def table_of(account: str, kind: str) -> str:
    """`[account.<kind>] of account "<name>"`: the config file's table of an account's server."""
    return f'[account.{kind}] of account "{account}"'


@dataclass(frozen=True)
class AccountConfig:
    name: str
    from_address: str = ""
    realname: str = ""
    signature: str = ""
    maildir: str | None = None  # a local Maildir (or mbox file) as the source
    imap: ServerConfig | None = None
    smtp: ServerConfig | None = None
    delete_mode: DeleteMode = "trash"
    trash_folder: str = "Trash"
    sent_folder: str = "Sent"
    drafts_folder: str = "Drafts"
    mark_seen_on_open: bool = True
    subscribed_only: bool = False

    @property
    def source_url(self) -> str:
        """The URL `backends.open_backend` takes for this account's mailbox."""
        if self.imap is not None:
            scheme = "imaps" if self.imap.tls == "ssl" else "imap"
            user = f"{self.imap.user}@" if self.imap.user else ""
            return f"{scheme}://{user}{self.imap.host}:{self.imap.port}"
        return self.maildir or ""


@dataclass(frozen=True)
class UIConfig:
    theme: str = "textual-dark"
    language: Language = "en"
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s)
    trusted_authserv_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    accounts: tuple[AccountConfig, ...] = ()
    ui: UIConfig = field(default_factory=UIConfig)
    path: Path | None = None  # the file it was loaded from, None for built-in defaults

    def account(self, name: str | None = None) -> AccountConfig:
        """The named account, or the first one."""
        if not self.accounts:
            raise ConfigError("no account is configured", title="No account")
        if name is None:
            return self.accounts[0]
        for acc in self.accounts:
            if acc.name == name:
                return acc
        known = ", ".join(a.name for a in self.accounts)
        raise ConfigError(f"no account named {name!r} (configured: {known})")


# ---------------------------------------------------------------------------------------------
# Loading


def load_config(path: Path | None = None, *, required: bool = False) -> Config:
    """Load and validate the config file.

    `path` is `--config`; without it, `paths.config_path()` ($MAILTUI_CONFIG, else the XDG
    config dir). A missing default file gives `Config()` (no accounts) unless `required`; a
    missing file named explicitly is always an error. Raises `ConfigError` (an
    `InvalidConfigError` listing every problem with file, line and key path).
    """
    from mailtui.paths import config_path

    explicit = path is not None
    file = Path(path).expanduser() if path is not None else config_path()
    if not file.exists():
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
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        # tomllib's message already ends with "(at line L, column C)".
        raise ConfigError(f"{file}: invalid TOML: {err}") from None
    from mailtui.config_schema import parse_config  # it imports the dataclasses above

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


# ---------------------------------------------------------------------------------------------
# Showing


def format_config(config: Config) -> str:
    """The effective config as TOML text (defaults filled in), with every secret masked.

    Inline passwords become "********"; password and token commands are shown, since they
    are not secrets themselves. The output parses as TOML.
    """
    from mailtui.core.transcript import MASK

    out: list[str] = ["[ui]"]
    ui = config.ui
    out += [
        _kv("theme", ui.theme),
        _kv("language", ui.language),
        _kv("trusted_authserv_ids", ui.trusted_authserv_ids),
    ]
    if ui.keys:
        out += ["", "[ui.keys]"] + [_kv(k, v) for k, v in sorted(ui.keys.items())]
    for acc in config.accounts:
        out += ["", "[[account]]", _kv("name", acc.name), _kv("from", acc.from_address)]
        out += [_kv("realname", acc.realname), _kv("signature", acc.signature)]
        if acc.maildir is not None:
            out.append(_kv("maildir", acc.maildir))
        out += [
            _kv("delete", acc.delete_mode),
            _kv("trash_folder", acc.trash_folder),
            _kv("sent_folder", acc.sent_folder),
            _kv("drafts_folder", acc.drafts_folder),
            _kv("mark_seen_on_open", acc.mark_seen_on_open),
            _kv("subscribed_only", acc.subscribed_only),
        ]
        for server in (acc.imap, acc.smtp):
            if server is None:
                continue
            out += ["", f"[account.{server.kind}]", _kv("host", server.host), _kv("port", server.port)]
            out += [_kv("tls", server.tls)]
            if server.kind == "smtp":
                out.append(_kv("auth", server.auth))
            values: dict[str, object] = {
                "user": server.user,
                "tls_verify": server.tls_verify,
                "ca_file": server.ca_file,
                "allow_plaintext_auth": server.allow_plaintext_auth,
                "timeout": server.timeout,
                "oauth2_token_command": server.oauth2_token_command,
                "password_command": server.password.command,
                "password_env": server.password.env,
                "password": MASK if server.password.inline is not None else None,
                "keyring": server.password.keyring,
            }
            out += [_kv(k, v) for k, v in values.items() if v is not None]
            if not server.tls_verify:
                out.append("# WARNING: TLS certificates are NOT verified for this server")
    return "\n".join(out)


def _kv(key: str, value: object) -> str:
    return f"{key} = {_toml_value(value)}"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    escaped = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in escaped)
    return f'"{escaped}"'
