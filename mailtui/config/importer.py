"""An existing mutt + msmtp setup as a mailtui `Config`, every value with the file:line it came from.

`find_setup()` looks where mutt and msmtp look (`mutt.find_muttrc`, `msmtp.find_msmtprc`);
`import_setup(muttrc, msmtprc)` maps them. The mailbox account comes from the muttrc
(folder/spoolfile as imap(s):// or a local Maildir/mbox, imap_user/imap_pass, ssl_*,
postponed/record/trash) and sends through the msmtp account its `sendmail` names (or
msmtp's default); every other msmtp account is an account of its own, for `sendmail -a`.
What mailtui cannot honour is kept in `Config.warnings`, each kind once.
"""

from __future__ import annotations

import getpass
import os
import shlex
import socket
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mailtui.config.model import (
    AccountConfig,
    Config,
    DeleteMode,
    PasswordSource,
    ServerConfig,
    TLSMode,
    UIConfig,
    server_config,
)
from mailtui.config.msmtp import MsmtpRc, find_msmtprc, read_msmtprc
from mailtui.config.msmtp_map import MsmtpAccount, file_is_private, map_account
from mailtui.config.mutt import MuttRc, Origin, Setting, find_muttrc, read_muttrc
from mailtui.config.mutt_colors import map_colors
from mailtui.config.mutt_notes import command_warnings, unused_variable_warnings


@dataclass(frozen=True)
class ImportedConfig(Config):
    """A `Config` read from a muttrc and/or an msmtprc, with where each value came from.

    `origins` maps the key paths `config check` prints (`account[1].imap.host`, `ui.theme`)
    to file:line; `logfiles` is msmtp's `logfile` per account (the TOML file has no such key).
    """

    origins: dict[str, Origin] = field(default_factory=dict, compare=False)
    sources: tuple[Path, ...] = field(default=(), compare=False)
    logfiles: dict[str, str] = field(default_factory=dict, compare=False)
    theme_toml: str | None = field(default=None, compare=False)  # a theme file from the colours
    inline_secrets: tuple[str, ...] = field(
        default=(), compare=False
    )  # "ACCOUNT/imap" with an inline password


def find_setup() -> ImportedConfig | None:
    """The user's mutt/msmtp setup as a config, or None when there is neither file."""
    muttrc, msmtprc = find_muttrc(), find_msmtprc()
    if muttrc is None and msmtprc is None:
        return None
    return import_setup(muttrc, msmtprc)


@dataclass
class _Out:
    origins: dict[str, Origin] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def note(self, where: Origin | Path | str, text: str) -> None:
        line = f"{where}: {text}"
        if line not in self.warnings:
            self.warnings.append(line)


def import_setup(muttrc: Path | None, msmtprc: Path | None) -> ImportedConfig:
    """Map the two files (either may be None) onto a config; raises ConfigError if one is unreadable."""
    mutt = read_muttrc(muttrc) if muttrc is not None else None
    sendmail_account: str | None = None
    if mutt is not None:
        msmtprc, sendmail_account = _msmtp_of_sendmail(mutt, msmtprc)
    msmtp = read_msmtprc(msmtprc) if msmtprc is not None else None
    out = _Out()
    relays: dict[str, MsmtpAccount] = {}
    if msmtp is not None:
        out.warnings += msmtp.problems
        for name, settings in msmtp.accounts.items():
            relays[name] = map_account(name, settings, msmtp.path)
            out.warnings += [w for w in relays[name].warnings if w not in out.warnings]
    accounts: list[tuple[AccountConfig, dict[str, Origin]]] = []
    logfiles: dict[str, str] = {}
    secrets: list[str] = []
    ui = UIConfig()
    used: str | None = None
    if mutt is not None:
        account, origins, used = _mutt_account(mutt, msmtp, relays, sendmail_account, out)
        accounts.append((account, origins))
        if used and relays[used].logfile:
            logfiles[account.name] = relays[used].logfile or ""
        colours = map_colors(mutt.commands)
        out.warnings += colours.warnings
        theme_origin = colours.origin
        if colours.theme:
            ui = UIConfig(theme=colours.theme)
            if theme_origin is not None:
                out.origins["ui.theme"] = theme_origin
        out.warnings += command_warnings(mutt.commands)
        out.warnings += unused_variable_warnings(mutt.settings)
        out.warnings += mutt.problems
        theme_toml = colours.theme_toml
    else:
        theme_toml = None
    if msmtp is not None:
        default_name = msmtp.account()[0] if msmtp.accounts else None
        order = sorted(relays, key=lambda n: n != default_name)
        for name in order:
            if name == used:
                continue
            relay = relays[name]
            account = AccountConfig(
                name=name, from_address=relay.from_address or _default_from(), smtp=relay.smtp,
                maildir=local_spool(), aliases=relay.aliases, domain=relay.domain, save_sent=False,
            )  # fmt: skip
            accounts.append((account, dict(relay.origins)))
            if relay.logfile:
                logfiles[name] = relay.logfile
    for i, (account, origins) in enumerate(accounts, start=1):
        for key, origin in origins.items():
            out.origins[f"account[{i}].{key}"] = origin
        for server in (account.imap, account.smtp):
            if server is not None and server.password.inline is not None:
                secrets.append(server.keyring_user)
    sources = tuple(p for p in [*(mutt.files if mutt else []), *([msmtp.path] if msmtp else [])])
    return ImportedConfig(
        accounts=tuple(a for a, _ in accounts), ui=ui, path=muttrc or msmtprc, warnings=tuple(out.warnings),
        origins=out.origins, sources=sources, logfiles=logfiles, theme_toml=theme_toml,
        inline_secrets=tuple(secrets),
    )  # fmt: skip


def _msmtp_of_sendmail(mutt: MuttRc, msmtprc: Path | None) -> tuple[Path | None, str | None]:
    """(msmtprc, account) named by `set sendmail = "msmtp [-C FILE] [-a NAME]"`."""
    sendmail = mutt.value("sendmail")
    if not sendmail:
        return msmtprc, None
    try:
        argv = shlex.split(sendmail)
    except ValueError:
        return msmtprc, None
    if not argv or Path(argv[0]).name not in ("msmtp", "msmtpq", "msmtp-queue"):
        return msmtprc, None
    account: str | None = None
    args = argv[1:]
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


def _default_from() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "root"
    return f"{user}@{socket.getfqdn() or 'localhost'}"


def local_spool() -> str | None:
    """The local mail spool, as mutt's default spoolfile: $MAIL, else /var/mail/$USER (if there)."""
    if os.environ.get("MAIL"):
        return os.environ["MAIL"]
    try:
        path = Path("/var/mail") / getpass.getuser()
    except (KeyError, OSError):
        return None
    return str(path) if path.exists() else None


def _imap_parts(url: str) -> tuple[str, str, str, int | None, str]:
    """(scheme, user, host, port, folder) of an imap(s):// URL."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return (
        parts.scheme.lower(),
        unquote(parts.username or ""),
        parts.hostname or "",
        port,
        unquote(parts.path.lstrip("/")),
    )


def _is_imap(value: str | None) -> bool:
    return bool(value) and (value or "").lower().startswith(("imap://", "imaps://"))


def _yes(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("yes", "ask-yes", "on", "true", "1")


def _mutt_account(
    mutt: MuttRc, msmtp: MsmtpRc | None, relays: dict[str, MsmtpAccount], wanted: str | None, out: _Out
) -> tuple[AccountConfig, dict[str, Origin], str | None]:
    origins: dict[str, Origin] = {}

    def take(name: str, target: str) -> Setting | None:
        s = mutt.get(name)
        if s is not None and s.value is not None:
            origins[target] = s.origin
        return s

    # Sending: the msmtp account `sendmail` names, else msmtp's default; or smtp_url.
    used: str | None = None
    smtp: ServerConfig | None = None
    relay: MsmtpAccount | None = None
    sendmail = mutt.get("sendmail")
    smtp_url = mutt.get("smtp_url")
    if smtp_url is not None and smtp_url.value:
        smtp = _smtp_from_url(mutt, smtp_url, out)
        origins["smtp.host"] = smtp_url.origin
    elif msmtp is not None and msmtp.accounts:
        if sendmail is not None and sendmail.value and Path(shlex.split(sendmail.value or "x")[0]).name not in (
            "msmtp", "msmtpq", "msmtp-queue",
        ):  # fmt: skip
            out.note(
                sendmail.origin,
                f"sendmail = {sendmail.value!r} is not msmtp; mailtui sends through msmtp's default account instead",
            )
        try:
            used = msmtp.account(wanted)[0]
        except Exception as err:  # noqa: BLE001 - a ConfigError naming the account
            out.note(sendmail.origin if sendmail else msmtp.path, f"{err}; using msmtp's default account")
            used = msmtp.account()[0]
        relay = relays[used]
        smtp = relay.smtp
        for key, origin in relay.origins.items():
            origins[key] = origin
    elif sendmail is not None and sendmail.value:
        smtp = server_config("smtp", "localhost", 25, tls="none", auth=False)
        origins["smtp.host"] = sendmail.origin
        out.note(
            sendmail.origin,
            f"sendmail = {sendmail.value!r}: mailtui sends through the relay on localhost:25 instead",
        )

    name = used or "mutt"
    # The mailbox: spoolfile, else folder, else mutt's default ($MAIL).
    spool = mutt.get("spoolfile")
    folder = mutt.get("folder")
    source = (
        spool
        if spool is not None and spool.value
        else folder
        if folder is not None and _is_imap(folder.value)
        else None
    )
    imap: ServerConfig | None = None
    maildir: str | None = None
    if source is not None and _is_imap(source.value):
        imap = _imap_server(mutt, source, name, origins, out)
        if imap is not None and source is spool:
            folder_name = _imap_parts(source.value or "")[4]
            if folder_name and folder_name.upper() != "INBOX":
                out.note(
                    spool.origin,
                    f"spoolfile {folder_name}: mailtui opens INBOX first; {folder_name} is in the folder list",
                )
    elif source is not None and source.value:
        maildir = source.value
        origins["maildir"] = source.origin
    else:
        maildir = local_spool()
    if smtp is not None:
        smtp = ServerConfig(**{**smtp.__dict__, "account": name})

    def folder_of(var: str) -> tuple[str | None, Setting | None]:
        s = mutt.get(var)
        if s is None or not s.value:
            return None, s
        value = s.value
        if imap is not None:
            if _is_imap(value):
                return _imap_parts(value)[4] or None, s
            out.note(s.origin, f"{var} = {value}: a local path, while the mailbox is on IMAP; not used")
            return None, s
        base = Path(os.path.expanduser(folder.value)) if folder is not None and folder.value else None
        path = Path(value)
        if base is not None and path.is_relative_to(base):
            return str(path.relative_to(base)).lstrip("."), s
        out.note(
            s.origin, f"{var} = {value}: not inside folder; mailtui keeps it in the mailbox's own folder"
        )
        return None, s

    d = AccountConfig(name="")
    drafts, drafts_s = folder_of("postponed")
    sent, record_s = folder_of("record")
    trash, trash_s = folder_of("trash")
    for value, s, key in (
        (drafts, drafts_s, "drafts_folder"),
        (sent, record_s, "sent_folder"),
        (trash, trash_s, "trash_folder"),
    ):
        if value and s is not None:
            origins[key] = s.origin
    save_sent: bool | None = None
    if record_s is not None and not record_s.value:
        save_sent = False  # `unset record`: mutt keeps no copy
        origins["save_sent"] = record_s.origin
    delete_mode: DeleteMode = "trash" if trash else "mark"  # mutt without $trash marks and expunges
    if trash_s is not None and trash_s.value:
        origins["delete"] = trash_s.origin
    # From: mutt's from/realname, else the msmtp account's from.
    from_s = take("from", "from")
    real_s = take("realname", "realname")
    from_address = (from_s.value if from_s else None) or (relay.from_address if relay else "")
    if not from_s or not from_s.value:
        if relay is not None and relay.from_address and "from" in relay.origins:
            origins["from"] = relay.origins["from"]
        elif not from_address:
            from_address = _default_from()
            out.note(mutt.path, f"no from (mutt's or msmtp's): using {from_address}")
    realname = (real_s.value if real_s else "") or ""
    if realname and from_address and not parseaddr(from_address)[0]:
        from_address = formataddr((realname, parseaddr(from_address)[1]))
    signature = ""
    sig_s = mutt.get("signature")
    if sig_s is not None and sig_s.value and not sig_s.value.endswith("|"):
        try:
            signature = Path(sig_s.value).read_text(encoding="utf-8", errors="replace").rstrip("\n")
            origins["signature"] = sig_s.origin
        except OSError:
            out.note(sig_s.origin, f"signature file {sig_s.value} cannot be read; no signature")
    account = AccountConfig(
        name=name, from_address=from_address, realname=realname, signature=signature,
        maildir=maildir, imap=imap, smtp=smtp, delete_mode=delete_mode,
        trash_folder=trash or d.trash_folder, sent_folder=sent or d.sent_folder, drafts_folder=drafts or d.drafts_folder,
        mark_seen_on_open=True, save_sent=save_sent,
        aliases=relay.aliases if relay else None, domain=relay.domain if relay else "",
    )  # fmt: skip
    if relay is not None:
        for key in ("aliases", "domain", "logfile"):
            if key in relay.origins:
                origins[key] = relay.origins[key]
    return account, origins, used


def _imap_server(
    mutt: MuttRc, source: Setting, account: str, origins: dict[str, Origin], out: _Out
) -> ServerConfig | None:
    scheme, url_user, host, port, _ = _imap_parts(source.value or "")
    if not host:
        out.note(source.origin, f"{source.value}: no host name; no mailbox")
        return None
    origins.update({"imap.host": source.origin, "imap.port": source.origin, "imap.tls": source.origin})
    tls: TLSMode = "ssl" if scheme == "imaps" else "starttls"
    starttls = mutt.get("ssl_starttls")
    force = mutt.get("ssl_force_tls")
    if (
        scheme == "imap"
        and starttls is not None
        and not _yes(starttls.value, True)
        and not _yes(force.value if force else None, False)
    ):
        tls = "none"
        origins["imap.tls"] = starttls.origin
        out.note(starttls.origin, "ssl_starttls = no on an imap:// folder: the connection is NOT encrypted")
    user_s = mutt.get("imap_user")
    user = url_user or (user_s.value if user_s and user_s.value else None)
    if url_user:
        origins["imap.user"] = source.origin
    elif user:
        origins["imap.user"] = user_s.origin  # type: ignore[union-attr]
    else:
        user = getpass.getuser()
    password = _password(mutt, "imap_pass", "imap", account, origins, out)
    oauth = None
    auths = (mutt.value("imap_authenticators") or "").lower()
    refresh = mutt.get("imap_oauth_refresh_command")
    if refresh is not None and refresh.value and ("oauthbearer" in auths or "xoauth2" in auths):
        oauth = refresh.value
        origins["imap.oauth2_token_command"] = refresh.origin
    ca = mutt.get("ssl_ca_certificates_file")
    ca_file = ca.value if ca is not None and ca.value else None
    if ca_file:
        origins["imap.ca_file"] = ca.origin  # type: ignore[union-attr]
    for var in ("ssl_verify_host", "ssl_verify_dates"):
        s = mutt.get(var)
        if s is not None and not _yes(s.value, True):
            out.note(
                s.origin,
                f"{var} = no: not honoured; mailtui verifies the certificate fully (use ssl_ca_certificates_file for a private CA)",
            )
    timeout_s = mutt.get("connect_timeout")
    timeout = (
        float(timeout_s.value)
        if timeout_s and timeout_s.value and timeout_s.value.isdigit() and int(timeout_s.value) > 0
        else None
    )
    if timeout is not None:
        origins["imap.timeout"] = timeout_s.origin  # type: ignore[union-attr]
    server = server_config(
        "imap", host, port, tls=tls, account=account, user=user, ca_file=ca_file,
        oauth2_token_command=oauth, timeout=timeout, password=password,
    )  # fmt: skip
    return server


def _password(
    mutt: MuttRc, var: str, kind: str, account: str, origins: dict[str, Origin], out: _Out
) -> PasswordSource:
    s = mutt.get(var)
    if s is None or not s.value:
        return PasswordSource()
    if s.command is not None:
        origins[f"{kind}.password_command"] = s.origin
        return PasswordSource(command=s.command)
    if file_is_private(s.origin.file):
        origins[f"{kind}.password"] = s.origin
        return PasswordSource(inline=s.value)
    out.note(
        s.origin,
        f"{var} ignored: {s.origin.file} is readable by group/others; chmod 600 it, or use "
        f'`set {var} = "`pass show ...`"` or `mailtui passwd {account} {kind}`',
    )
    return PasswordSource()


def _smtp_from_url(mutt: MuttRc, s: Setting, out: _Out) -> ServerConfig:
    parts = urlsplit(s.value or "")
    scheme = parts.scheme.lower()
    tls: TLSMode = "ssl" if scheme == "smtps" else "starttls"
    try:
        port = parts.port
    except ValueError:
        port = None
    user = unquote(parts.username or "") or None
    origins: dict[str, Origin] = {}
    password = _password(mutt, "smtp_pass", "smtp", "mutt", origins, out)
    return server_config("smtp", parts.hostname or "localhost", port, tls=tls, user=user, password=password)
