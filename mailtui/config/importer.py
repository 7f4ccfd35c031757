"""An existing mutt + msmtp setup as a mailtui `Config`, every value with the file:line it came from.

`find_setup()` looks where mutt and msmtp look (`setup_files.find_muttrc`, `find_msmtprc`);
`import_setup(muttrc, msmtprc)` maps them. The muttrc gives the first account, the mailbox
(`mutt_map`); it sends through the msmtp account its `sendmail` names (or msmtp's default;
or mutt's own `smtp_url`). Every other msmtp account is an account of its own, for
`sendmail -a NAME`. What mailtui cannot honour is kept in `Config.warnings`, each once.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from mailtui.config.model import AccountConfig, Config, ServerConfig, UIConfig, server_config
from mailtui.config.msmtp import MsmtpRc, read_msmtprc
from mailtui.config.msmtp_map import MsmtpAccount, map_account
from mailtui.config.mutt import MuttRc, Origin, read_muttrc
from mailtui.config.mutt_colors import THEME_NAME, map_colors
from mailtui.config.mutt_map import MuttMapper, Notes, default_from, local_spool
from mailtui.config.mutt_notes import command_warnings, unused_variable_warnings
from mailtui.config.setup_files import find_msmtprc, find_muttrc

_MSMTP_NAMES = ("msmtp", "msmtpq", "msmtp-queue")

__all__ = ["ImportedConfig", "LogTarget", "find_setup", "import_setup", "local_spool", "source_note"]


@dataclass(frozen=True)
class LogTarget:
    """msmtp's `logfile` of an account (and its `logfile_time_format`), with where it was set."""

    path: str
    time_format: str | None = None
    origin: Origin | None = None


@dataclass(frozen=True)
class ImportedConfig(Config):
    """A `Config` read from a muttrc and/or an msmtprc, with where each value came from.

    `origins` maps the key paths `config check` prints (`account[1].imap.host`, `ui.theme`)
    to file:line; `logs` is msmtp's `logfile` per account (config.toml has no such key).
    """

    origins: dict[str, Origin] = field(default_factory=dict, compare=False)
    sources: tuple[Path, ...] = field(default=(), compare=False)
    logs: dict[str, LogTarget] = field(default_factory=dict, compare=False)
    theme_toml: str | None = field(default=None, compare=False)  # a theme file from the colours

    @property
    def logfiles(self) -> dict[str, str]:
        """account name -> msmtp logfile path."""
        return {name: log.path for name, log in self.logs.items()}

    @property
    def inline_secrets(self) -> tuple[str, ...]:
        """The servers ("ACCOUNT/imap") whose password is written inline in a mutt or msmtp file."""
        servers = [s for a in self.accounts for s in (a.imap, a.smtp) if s is not None]
        return tuple(s.keyring_user for s in servers if s.password.inline is not None)


def find_setup() -> ImportedConfig | None:
    """The user's mutt/msmtp setup as a config, or None when there is neither file."""
    muttrc, msmtprc = find_muttrc(), find_msmtprc()
    if muttrc is None and msmtprc is None:
        return None
    return import_setup(muttrc, msmtprc)


def source_note(config: Config) -> str | None:
    """For the UI: which mutt/msmtp files the settings came from (None for a config.toml)."""
    if not isinstance(config, ImportedConfig):
        return None
    home = str(Path.home())
    files = ", ".join(
        "~" + str(p)[len(home) :] if str(p).startswith(home + "/") else str(p) for p in config.sources
    )
    text = f"No config.toml: the settings are read from {files}."
    if config.warnings:
        text += f" Not honoured: {len(config.warnings)} (`mailtui config check` lists them)."
    return text


def import_setup(muttrc: Path | None, msmtprc: Path | None) -> ImportedConfig:
    """Map the two files (either may be None) onto a config; ConfigError when one cannot be read."""
    mutt = read_muttrc(muttrc) if muttrc is not None else None
    wanted: str | None = None
    if mutt is not None:
        msmtprc, wanted = _msmtp_of_sendmail(mutt, msmtprc)
    msmtp = read_msmtprc(msmtprc) if msmtprc is not None else None
    notes = Notes()
    relays: dict[str, MsmtpAccount] = {}
    if msmtp is not None:
        notes.extend(msmtp.problems)
        for name, settings in msmtp.accounts.items():
            relays[name] = map_account(name, settings, msmtp.path)
            notes.extend(relays[name].warnings)
    built: list[tuple[AccountConfig, dict[str, Origin], MsmtpAccount | None]] = []
    ui, theme_toml, ui_origins = UIConfig(), None, {}
    used: str | None = None
    if mutt is not None:
        account, origins, used = _mutt_account(mutt, msmtp, relays, wanted, notes)
        built.append((account, origins, relays.get(used) if used else None))
        colours = map_colors(mutt.commands)
        if colours.theme:
            ui = UIConfig(theme=colours.theme)
            if colours.origin is not None:
                ui_origins["ui.theme"] = colours.origin
        theme_toml = colours.theme_toml
        if theme_toml is not None and colours.origin is not None:
            notes.add(
                colours.origin,
                "mutt's colours are not applied until `mailtui config import` writes them as a theme "
                f"(themes/{THEME_NAME}.toml next to config.toml)",
            )
        notes.extend(colours.warnings)
        notes.extend(command_warnings(mutt.commands))
        notes.extend(unused_variable_warnings(mutt.settings))
        notes.extend(mutt.problems)
    if msmtp is not None and msmtp.accounts:
        default = msmtp.account()[0]
        for name in sorted(relays, key=lambda n: n != default):  # the default first, then file order
            if name != used:
                built.append((_send_account(relays[name]), dict(relays[name].origins), relays[name]))
    all_origins: dict[str, Origin] = dict(ui_origins)
    logs: dict[str, LogTarget] = {}
    for i, (account, origins, relay) in enumerate(built, start=1):
        all_origins.update({f"account[{i}].{key}": origin for key, origin in origins.items()})
        if relay is not None and relay.logfile:
            logs[account.name] = LogTarget(relay.logfile, relay.log_time_format, relay.origins.get("logfile"))
    sources = (*(mutt.files if mutt else ()), *((msmtp.path,) if msmtp else ()))
    return ImportedConfig(
        accounts=tuple(a for a, _, _ in built), ui=ui, path=muttrc or msmtprc, warnings=tuple(notes.warnings),
        origins=all_origins, sources=sources, logs=logs, theme_toml=theme_toml,
    )  # fmt: skip


def _send_account(relay: MsmtpAccount) -> AccountConfig:
    """An msmtp account without a muttrc behind it: sending only (its mailbox: the local spool)."""
    return AccountConfig(
        name=relay.name, from_address=relay.from_address or default_from(), smtp=relay.smtp,
        maildir=local_spool(), aliases=relay.aliases, domain=relay.domain, save_sent=False, logfile=relay.logfile,
        dsn_notify=relay.dsn_notify, dsn_ret=relay.dsn_ret,
    )  # fmt: skip


def _mutt_account(
    mutt: MuttRc, msmtp: MsmtpRc | None, relays: dict[str, MsmtpAccount], wanted: str | None, notes: Notes
) -> tuple[AccountConfig, dict[str, Origin], str | None]:
    """(the muttrc's account, its origins, the msmtp account it sends through)."""
    mapper = MuttMapper(mutt, notes)
    sendmail = mutt.get("sendmail")
    used: str | None = None
    relay: MsmtpAccount | None = None
    smtp: ServerConfig | None = mapper.smtp_url("mutt")
    if smtp is None and msmtp is not None and msmtp.accounts:
        if sendmail is not None and sendmail.value and not _is_msmtp(sendmail.value):
            notes.add(
                sendmail.origin,
                f"sendmail = {sendmail.value!r} is not msmtp; mailtui sends through msmtp's default account",
            )
        try:
            used = msmtp.account(wanted)[0]
        except Exception as err:  # noqa: BLE001 - a ConfigError naming the missing account
            notes.add(sendmail.origin if sendmail else msmtp.path, f"{err}; using msmtp's default account")
            used = msmtp.account()[0]
        relay = relays[used]
        smtp = relay.smtp
        mapper.origins.update(relay.origins)
    elif smtp is None:
        # mutt's default sendmail is /usr/sbin/sendmail: the MTA on this host.
        smtp = server_config("smtp", "localhost", 25, tls="none", auth=False)
        what = (
            f"sendmail = {sendmail.value!r}" if sendmail is not None and sendmail.value else "no sendmail set"
        )
        where = sendmail.origin if sendmail is not None else mutt.path
        if sendmail is not None:
            mapper.origins["smtp.host"] = sendmail.origin
        notes.add(
            where,
            f"{what}: mailtui sends through the relay on localhost:25 (the MTA mutt's sendmail hands to)",
        )
    account = mapper.account(used or "mutt", smtp, relay)
    return account, mapper.origins, used


def _is_msmtp(command: str) -> bool:
    try:
        argv = shlex.split(command)
    except ValueError:
        return False
    return bool(argv) and Path(argv[0]).name in _MSMTP_NAMES


def _msmtp_of_sendmail(mutt: MuttRc, msmtprc: Path | None) -> tuple[Path | None, str | None]:
    """(msmtprc, account) as `set sendmail = "msmtp [-C FILE] [-a NAME]"` names them."""
    sendmail = mutt.value("sendmail")
    if not sendmail or not _is_msmtp(sendmail):
        return msmtprc, None
    account: str | None = None
    args = shlex.split(sendmail)[1:]
    for i, arg in enumerate(args):
        nxt = args[i + 1] if i + 1 < len(args) else None
        if arg in ("-a", "--account") and nxt:
            account = nxt
        elif arg.startswith("--account="):
            account = arg.split("=", 1)[1]
        elif arg.startswith("-a") and len(arg) > 2:
            account = arg[2:]
        elif arg in ("-C", "--file") and nxt:
            msmtprc = Path(os.path.expanduser(nxt))
        elif arg.startswith("--file="):
            msmtprc = Path(os.path.expanduser(arg.split("=", 1)[1]))
    return msmtprc, account
