"""Reading an msmtprc as msmtp does: `defaults`, `account NAME [: PARENT,...]`, one setting a line.

`read_msmtprc(path)` returns each account's settings, inherited ones included, each with
the file and line that gave it (a `defaults` line, the parent account's line, or its own),
and the name of the default account. Nothing is run: `passwordeval` stays a command.
Files named by `tls_trust_file`, `logfile`, `aliases` (and the TLS key files) get `~` expanded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from mailtui.config.mutt import Origin, Setting
from mailtui.core.errors import ConfigError
from mailtui.core.i18n import tr

_FILE_SETTINGS = frozenset(
    {"tls_trust_file", "logfile", "aliases", "tls_key_file", "tls_cert_file", "tls_crl_file"}
)
# Old spellings msmtp still takes -> the current ones.
_SYNONYMS = {
    "tls_nocertcheck": "tls_certcheck",
    "tls_nostarttls": "tls_starttls",
    "connect_timeout": "timeout",
}
_INVERTED = {"tls_nocertcheck", "tls_nostarttls"}  # an argument-less old form meaning "off"
_BOOLEAN_DEFAULT_ON = frozenset({"tls", "tls_starttls", "tls_certcheck", "auth", "auto_from", "keepbcc"})


@dataclass
class MsmtpRc:
    """Accounts in file order (inherited settings resolved), the default's name, problems."""

    path: Path
    accounts: dict[str, dict[str, Setting]] = field(default_factory=dict)
    defaults: dict[str, Setting] = field(default_factory=dict)
    default_account: str | None = None  # the account "default" copies, or "default" itself
    account_lines: dict[str, Origin] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def account(self, name: str | None = None) -> tuple[str, dict[str, Setting]]:
        """(name, settings) of `name`, else of the default account, else of the first one."""
        if name is not None:
            if name == "default" and "default" not in self.accounts and self.default_account:
                name = self.default_account
            if name not in self.accounts:
                known = ", ".join(self.accounts) or "none"
                raise ConfigError(
                    tr(
                        "{path}: no msmtp account {name} (accounts: {known})",
                        path=self.path,
                        name=repr(name),
                        known=known,
                    )
                )
            return name, self.accounts[name]
        if self.default_account and self.default_account in self.accounts:
            return self.default_account, self.accounts[self.default_account]
        if not self.accounts:
            raise ConfigError(tr("{path}: no account is defined", path=self.path), title="No msmtp account")
        first = next(iter(self.accounts))
        return first, self.accounts[first]


def _split(line: str) -> tuple[str, str]:
    """(command, argument): the argument unquoted as msmtp does ("..." with \\ escapes)."""
    text = line.strip()
    command, _, rest = text.partition(" ") if " " in text else text.partition("\t")
    rest = rest.strip()
    if rest.startswith('"'):
        out: list[str] = []
        i = 1
        while i < len(rest) and rest[i] != '"':
            if rest[i] == "\\" and i + 1 < len(rest):
                i += 1
            out.append(rest[i])
            i += 1
        rest = "".join(out)
    return command.strip(), rest


def read_msmtprc(path: Path) -> MsmtpRc:
    """Parse `path`; raises ConfigError when it cannot be read or an account line is malformed."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise ConfigError(
            tr("cannot read {path}: {why}", path=path, why=err.strerror or err),
            title="Cannot read the msmtprc",
        ) from None
    rc = MsmtpRc(path=path)
    current: dict[str, Setting] | None = None  # None: in `defaults` (or before any section)
    own: dict[str, dict[str, Setting]] = {}  # each account's own lines, for `account X : Y`
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        origin = Origin(path, number)
        command, arg = _split(raw)
        if command == "defaults":
            current = None
            continue
        if command == "account":
            name, colon, parents = arg.partition(":")
            name = name.strip()
            if not name:
                raise ConfigError(tr("{origin}: `account` needs a name", origin=origin), title="Bad msmtprc")
            settings = dict(rc.defaults)
            own[name] = {}
            for parent in (p.strip() for p in parents.split(",") if colon):
                if parent not in own:
                    raise ConfigError(
                        tr(
                            "{origin}: account {name} inherits {parent}, which is not defined above",
                            origin=origin,
                            name=repr(name),
                            parent=repr(parent),
                        )
                    )
                settings.update(rc.accounts[parent])
            if colon and name == "default" and len([p for p in parents.split(",") if p.strip()]) == 1:
                rc.default_account = parents.strip()
            rc.accounts[name] = settings
            rc.account_lines[name] = origin
            current = settings
            continue
        if command == "eval":
            rc.problems.append(
                tr(
                    "{origin}: eval {command}: not run; the settings its output would give are missing",
                    origin=origin,
                    command=arg,
                )  # fmt: skip
            )
            continue
        key = _SYNONYMS.get(command, command)
        value = arg
        if command in _INVERTED and not arg:
            value = "off"
        elif key in _BOOLEAN_DEFAULT_ON and not arg:
            value = "on"  # `tls` alone means on
        if key in _FILE_SETTINGS and value.startswith("~"):
            value = os.path.expanduser(value)
        setting = Setting(value, origin)
        if current is None:
            rc.defaults[key] = setting
        else:
            current[key] = setting
            own[next(reversed(rc.accounts))][key] = setting
    if "default" in rc.accounts and (rc.default_account is None or own.get("default")):
        rc.default_account = "default"  # msmtp uses the account named "default"
    # An account "default" that only names another one is that one, not an account of its own.
    if rc.default_account and rc.default_account != "default":
        rc.accounts.pop("default", None)
    return rc
