"""A muttrc's mailbox account -> mailtui's `AccountConfig`, each value's origin recorded.

The mailbox is `spoolfile` (else an imap(s):// `folder`, else mutt's default, $MAIL):
imaps:// is implicit TLS, imap:// STARTTLS (plain text only with `ssl_starttls = no` and
no `ssl_force_tls`, and then warned). imap_user (or the URL's user), imap_pass (inline only
from a 0600 file; a backtick command becomes password_command), the CA file, OAuth.
postponed / record / trash become the drafts / sent / trash folders (`unset record`: no Sent
copy; no $trash: delete marks, as mutt's mark-and-expunge). Mutt's certificate checks are
never turned off: `ssl_verify_host = no` is warned about, not honoured.
"""

from __future__ import annotations

import dataclasses
import getpass
import os
import socket
from dataclasses import dataclass, field
from email.utils import formataddr, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mailtui.config.model import (
    AccountConfig,
    DeleteMode,
    PasswordSource,
    ServerConfig,
    TLSMode,
    server_config,
)
from mailtui.config.msmtp_map import MsmtpAccount, file_is_private
from mailtui.config.mutt import MuttRc, Origin, Setting


@dataclass
class Notes:
    """Warnings in order, each once."""

    warnings: list[str] = field(default_factory=list)

    def add(self, where: Origin | Path, text: str) -> None:
        self.extend([f"{where}: {text}"])

    def extend(self, lines: list[str]) -> None:
        self.warnings += [w for w in lines if w not in self.warnings]


def default_from() -> str:
    """user@host, as mutt and msmtp build a From without one configured."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "root"
    return f"{user}@{socket.getfqdn() or 'localhost'}"


def local_spool() -> str | None:
    """The local mail spool, mutt's default spoolfile: $MAIL, else /var/mail/$USER (if there)."""
    if os.environ.get("MAIL"):
        return os.environ["MAIL"]
    try:
        path = Path("/var/mail") / getpass.getuser()
    except (KeyError, OSError):
        return None
    return str(path) if path.exists() else None


def _url(value: str) -> tuple[str, str, str, int | None, str]:
    """(scheme, user, host, port, folder) of an imap(s):// or smtp(s):// URL."""
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
    user, host, path = unquote(parts.username or ""), parts.hostname or "", unquote(parts.path.lstrip("/"))
    return parts.scheme.lower(), user, host, port, path


def _collection(spool: str, folder: str | None) -> str:
    """The Maildir to open: `folder` when the spoolfile is its `inbox` (mailtui's folder collection,
    whose inbox subdirectory is the INBOX and the others its folders), else the spoolfile."""
    path = Path(spool)
    if folder and path.parent == Path(folder) and path.name.lower() == "inbox" and path.parent.is_dir():
        return folder
    return spool


def is_imap(value: str | None) -> bool:
    return (value or "").lower().startswith(("imap://", "imaps://"))


def _yes(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("yes", "ask-yes", "on", "true", "1")


class MuttMapper:
    """Builds the mailbox account of one muttrc; `origins` keys are `config check` key paths."""

    def __init__(self, mutt: MuttRc, notes: Notes) -> None:
        self.mutt = mutt
        self.notes = notes
        self.origins: dict[str, Origin] = {}

    def _take(self, var: str, target: str) -> str | None:
        s = self.mutt.get(var)
        if s is None or not s.value:
            return None
        self.origins[target] = s.origin
        return s.value

    def account(self, name: str, smtp: ServerConfig | None, relay: MsmtpAccount | None) -> AccountConfig:
        """The account named `name`, sending through `smtp` (`relay` is its msmtp account, if any)."""
        mutt = self.mutt
        spool, folder = mutt.get("spoolfile"), mutt.get("folder")
        source = (
            spool
            if spool is not None and spool.value
            else folder
            if folder and is_imap(folder.value)
            else None
        )
        imap: ServerConfig | None = None
        maildir: str | None = None
        if source is not None and is_imap(source.value):
            imap = self._imap(source, name)
            box = _url(source.value or "")[4]
            if imap is not None and source is spool and box and box.upper() != "INBOX":
                self.notes.add(
                    source.origin, f"spoolfile {box}: mailtui opens INBOX first; {box} is in the folder list"
                )
        elif source is not None and source.value:
            maildir = _collection(source.value, mutt.value("folder"))
            self.origins["maildir"] = source.origin
        else:
            maildir = local_spool()
        root = None if imap is not None else maildir
        drafts = self._folder("postponed", "drafts_folder", root)
        sent = self._folder("record", "sent_folder", root)
        trash = self._folder("trash", "trash_folder", root)
        record = mutt.get("record")
        save_sent: bool | None = None
        if record is not None and not record.value:
            save_sent = False  # `unset record`: mutt keeps no copy
            self.origins["save_sent"] = record.origin
        delete_mode: DeleteMode = "trash" if trash else "mark"  # without $trash mutt marks, then expunges
        if trash:
            self.origins["delete"] = self.origins["trash_folder"]
        d = AccountConfig(name="")
        return AccountConfig(
            name=name, from_address=self._from(relay), realname=self._take("realname", "realname") or "",
            signature=self._signature(), maildir=maildir, imap=imap,
            smtp=dataclasses.replace(smtp, account=name) if smtp is not None else None,
            delete_mode=delete_mode, trash_folder=trash or d.trash_folder, sent_folder=sent or d.sent_folder,
            drafts_folder=drafts or d.drafts_folder, save_sent=save_sent,
            aliases=relay.aliases if relay else None, domain=relay.domain if relay else "",
            logfile=relay.logfile if relay else None,
            dsn_notify=relay.dsn_notify if relay else None,
            dsn_ret=relay.dsn_ret if relay else None,
        )  # fmt: skip

    def _from(self, relay: MsmtpAccount | None) -> str:
        """mutt's from (with realname), else the msmtp account's, else user@host."""
        address = self._take("from", "from")
        if address is None and relay is not None and relay.from_address:
            address = relay.from_address
            if "from" in relay.origins:
                self.origins["from"] = relay.origins["from"]
        if address is None:
            address = default_from()
            self.notes.add(self.mutt.path, f"no from (mutt's or msmtp's): using {address}")
        realname = self.mutt.value("realname")
        if realname and not parseaddr(address)[0]:
            address = formataddr((realname, parseaddr(address)[1]))
        return address

    def _signature(self) -> str:
        s = self.mutt.get("signature")
        if s is None or not s.value:
            return ""
        if s.value.endswith("|"):
            self.notes.add(s.origin, f"signature {s.value}: the output of a command is not read (not run)")
            return ""
        try:
            text = Path(s.value).read_text(encoding="utf-8", errors="replace").rstrip("\n")
        except OSError as err:
            self.notes.add(
                s.origin, f"signature file {s.value} cannot be read ({err.strerror or err}); no signature"
            )
            return ""
        self.origins["signature"] = s.origin
        return text

    def _folder(self, var: str, target: str, root: str | None) -> str | None:
        """The folder name `var` names on the account's mailbox (IMAP, or the Maildir at `root`),
        or None (and why, when set)."""
        s = self.mutt.get(var)
        if s is None or not s.value:
            return None
        value = s.value
        name: str | None = None
        if root is None and is_imap(value):
            name = _url(value)[4] or None
        elif root is not None and not is_imap(value) and Path(value).is_relative_to(root):
            name = str(Path(value).relative_to(root)).lstrip(".") or None  # Maildir++ ".Sent" is "Sent"
        if name is None:
            self.notes.add(s.origin, f"{var} = {value}: not a folder of the mailbox mailtui opens; not used")
            return None
        self.origins[target] = s.origin
        return name

    def _imap(self, source: Setting, account: str) -> ServerConfig | None:
        mutt = self.mutt
        scheme, url_user, host, port, _ = _url(source.value or "")
        if not host:
            self.notes.add(source.origin, f"{source.value}: no host name; no mailbox")
            return None
        for key in ("imap.host", "imap.port", "imap.tls"):
            self.origins[key] = source.origin
        tls: TLSMode = "ssl" if scheme == "imaps" else "starttls"
        starttls = mutt.get("ssl_starttls")
        if scheme == "imap" and starttls is not None and not _yes(starttls.value, True):
            if not _yes(mutt.value("ssl_force_tls"), False):
                tls = "none"
                self.origins["imap.tls"] = starttls.origin
                self.notes.add(
                    starttls.origin, "ssl_starttls = no on an imap:// folder: the connection is NOT encrypted"
                )
        user = url_user or None
        if user:
            self.origins["imap.user"] = source.origin
        else:
            user = self._take("imap_user", "imap.user") or getpass.getuser()
        oauth = None
        if any(m in (mutt.value("imap_authenticators") or "").lower() for m in ("oauthbearer", "xoauth2")):
            oauth = self._take("imap_oauth_refresh_command", "imap.oauth2_token_command")
        for var in ("ssl_verify_host", "ssl_verify_dates"):
            s = mutt.get(var)
            if s is not None and not _yes(s.value, True):
                self.notes.add(
                    s.origin,
                    f"{var} = no: not honoured; mailtui verifies the certificate fully "
                    "(ssl_ca_certificates_file trusts a private CA)",
                )
        timeout = self._take("connect_timeout", "imap.timeout")
        return server_config(
            "imap", host, port, tls=tls, account=account, user=user,
            ca_file=self._take("ssl_ca_certificates_file", "imap.ca_file"), oauth2_token_command=oauth,
            timeout=float(timeout) if timeout and timeout.isdigit() and int(timeout) > 0 else None,
            password=self.password("imap_pass", "imap", account),
        )  # fmt: skip

    def password(self, var: str, kind: str, account: str) -> PasswordSource:
        """imap_pass / smtp_pass: a backtick -> password_command; inline only from a 0600 file."""
        s = self.mutt.get(var)
        if s is None or not s.value:
            return PasswordSource()
        if s.command is not None:
            self.origins[f"{kind}.password_command"] = s.origin
            return PasswordSource(command=s.command)
        if file_is_private(s.origin.file):
            self.origins[f"{kind}.password"] = s.origin
            return PasswordSource(inline=s.value)
        self.notes.add(
            s.origin,
            f"{var} ignored: {s.origin.file} is readable by group/others; chmod 600 it, or use "
            f'`set {var} = "`pass show ...`"` or `mailtui passwd {account} {kind}`',
        )
        return PasswordSource()

    def smtp_url(self, account: str) -> ServerConfig | None:
        """mutt's own SMTP (`smtp_url = smtps://user@host:465/`), when set."""
        s = self.mutt.get("smtp_url")
        if s is None or not s.value:
            return None
        scheme, user, host, port, _ = _url(s.value)
        for key in ("smtp.host", "smtp.port", "smtp.tls"):
            self.origins[key] = s.origin
        if user:
            self.origins["smtp.user"] = s.origin
        tls: TLSMode = "ssl" if scheme == "smtps" else "starttls"
        return server_config(
            "smtp", host or "localhost", port, tls=tls, account=account, user=user or None,
            password=self.password("smtp_pass", "smtp", account),
        )  # fmt: skip
