"""The configuration as frozen dataclasses: the contract the rest of mailtui reads.

`mailtui.config.load.load_config` builds them from the TOML file (through `schema`).
`server_config` is the one way to build a `ServerConfig`, from the file, a URL or
command-line flags: it fills the port from `DEFAULT_PORTS` and the TLS mode by kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mailtui.core.errors import ConfigError

TLSMode = Literal["ssl", "starttls", "none"]
ServerKind = Literal["imap", "smtp"]
DeleteMode = Literal["trash", "mark"]
Language = Literal["en", "zh"]

TLS_MODES: tuple[TLSMode, ...] = ("ssl", "starttls", "none")
# Which SASL mechanism carries the OAuth2 token: "auto" prefers OAUTHBEARER when offered.
OAuthMechanism = Literal["auto", "oauthbearer", "xoauth2"]
OAUTH_MECHANISM_CHOICES: tuple[OAuthMechanism, ...] = ("auto", "oauthbearer", "xoauth2")
# The port a server listens on for each TLS mode: implicit TLS, STARTTLS, plaintext.
DEFAULT_PORTS: dict[ServerKind, dict[TLSMode, int]] = {
    "imap": {"ssl": 993, "starttls": 143, "none": 143},
    "smtp": {"ssl": 465, "starttls": 587, "none": 25},
}
# Without a TLS mode given: IMAP servers offer implicit TLS, relays take submission with STARTTLS.
DEFAULT_TLS: dict[ServerKind, TLSMode] = {"imap": "ssl", "smtp": "starttls"}
DEFAULT_TIMEOUT = 30.0
# How long a queued message is retried before it is returned to the sender (Postfix's
# maximal_queue_lifetime default, 5 days).
DEFAULT_QUEUE_LIFETIME = 5 * 86400.0


def default_port(kind: ServerKind, tls: TLSMode) -> int:
    """The usual port of an IMAP server or SMTP relay with this TLS mode (993, 143, 465, 587, 25)."""
    return DEFAULT_PORTS[kind][tls]


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

    kind: ServerKind
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
    oauth2_mechanism: OAuthMechanism = "auto"
    timeout: float = DEFAULT_TIMEOUT
    password: PasswordSource = field(default_factory=PasswordSource)
    ehlo: str | None = None  # SMTP: the name sent in EHLO (None: this host's FQDN, sending/ehlo.py)

    @property
    def keyring_user(self) -> str:
        return f"{self.account}/{self.kind}"

    @property
    def table(self) -> str:
        """Where this server is configured, for messages: `[account.smtp] of account "work"`."""
        return table_of(self.account, self.kind)

    @property
    def from_command_line(self) -> bool:
        """Named by flags, not by the config (`send --server`, `-f imaps://...`): advice names flags."""
        return self.account in ADHOC_ACCOUNTS

    @property
    def password_origin(self) -> str:
        """Where the password came from, for advice after a refused login."""
        if self.from_command_line:
            return "the password in $MAILTUI_PASSWORD, or the one typed at the prompt"
        if self.password.command:
            return f"what password_command prints ({self.table})"
        if self.password.env:
            return f"${self.password.env} (password_env in {self.table})"
        if self.password.inline is not None:
            return f"the password in {self.table}"
        return f"the keyring entry (service mailtui, user {self.keyring_user}; mailtui passwd {self.account} sets it)"


def server_config(
    kind: ServerKind,
    host: str,
    port: int | None = None,
    *,
    tls: TLSMode | None = None,
    account: str = "",
    user: str | None = None,
    auth: bool | None = None,
    tls_verify: bool = True,
    ca_file: str | None = None,
    allow_plaintext_auth: bool = False,
    oauth2_token_command: str | None = None,
    oauth2_mechanism: OAuthMechanism = "auto",
    timeout: float | None = None,
    password: PasswordSource | None = None,
) -> ServerConfig:
    """A `ServerConfig` from a config table, a URL or command-line flags, defaults filled in.

    No `tls`: the kind's usual mode (`DEFAULT_TLS`); no `port` (or 0): the mode's usual port
    (`DEFAULT_PORTS`); no `auth`: log in when a `user` is given; no `timeout`: 30 s.
    """
    mode = tls or DEFAULT_TLS[kind]
    return ServerConfig(
        kind=kind, account=account, host=host, port=port or default_port(kind, mode), tls=mode, user=user,
        auth=bool(user) if auth is None else auth, tls_verify=tls_verify, ca_file=ca_file,
        allow_plaintext_auth=allow_plaintext_auth, oauth2_token_command=oauth2_token_command,
        oauth2_mechanism=oauth2_mechanism, timeout=DEFAULT_TIMEOUT if timeout is None else timeout, password=password or PasswordSource(),
    )  # fmt: skip


# The account names of servers given on the command line: `send --server` (dispatch.adhoc_server)
# and `-f imaps://...` (cli.adhoc_imap_account).
ADHOC_ACCOUNTS = ("adhoc", "-f")


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
    # `mailtui sendmail`: bare local recipients ("root") are looked up in `aliases` (a file in
    # /etc/aliases format), else get "@" + `domain` (default: the domain of `from`), as msmtp.
    aliases: str | None = None
    domain: str = ""
    # `mailtui sendmail` appends one line per message here, in msmtp's logfile format (-X overrides).
    logfile: str | None = None
    # Keep a Sent copy: None = the default of each mode (yes for compose and `mailtui send`,
    # no for `mailtui sendmail`, whose cron and script mail would fill the Sent folder).
    save_sent: bool | None = None
    queue_lifetime: float = DEFAULT_QUEUE_LIFETIME  # seconds
    # DKIM-sign what compose and `mailtui send` send from this account (the --dkim-* flags
    # override each one): a PEM RSA private key, its selector, and d= (default: the From domain).
    dkim_key: str | None = None
    dkim_selector: str = ""
    dkim_domain: str = ""
    # Delivery status notifications asked for by default (RFC 3461, msmtp's dsn_notify/dsn_return):
    # NOTIFY "never" or a list of success, failure, delay; RET "full" or "hdrs". None: the relay's.
    dsn_notify: str | None = None
    dsn_ret: str | None = None

    @property
    def local_domain(self) -> str:
        """The domain appended to bare local recipients: `domain`, else the From address's."""
        from email.utils import parseaddr

        return self.domain or parseaddr(self.from_address)[1].rpartition("@")[2]

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
    # MIME type (or "text/*") -> command for an attachment, before mailcap: "pdftotext %s -".
    viewers: dict[str, str] = field(default_factory=dict)
    date_format: str = "%Y-%m-%d"  # the index's date column (strftime), as mutt's date_format
    # mutt's pager_stop: False = Space and j past the end of a message (k above its top) go
    # on to the next (previous) message of the index; True = they stop there.
    pager_stop: bool = False


@dataclass(frozen=True)
class DiagnosticsConfig:
    """What the verdicts and DNS checks ask, and whose Received headers they believe."""

    dns_server: str = ""  # HOST[:PORT] asked for every DNS record; "" = the system resolver
    # Hosts of your own mail path (names, ".suffix", IPs, CIDRs): SPF is checked for the
    # client that handed the message to the first of them.
    trusted_hosts: tuple[str, ...] = ()
    # DNS blocklist zones `mailtui dns` asks about the MX addresses; () = no blocklist lookups.
    blocklists: tuple[str, ...] = ()


# Words that promise an attachment (mutt's abort_noattach_regex, in the languages admins
# write in); CJK has no word boundaries, so 附件 matches anywhere.
DEFAULT_NO_ATTACHMENT_REGEX = (
    r"(?i)\b(?:attach(?:ed|ing|ments?)?|anbei|ci-joint(?:e|s|es)?|adjunt(?:o|a|os|as))\b|附件"
)


@dataclass(frozen=True)
class ComposeConfig:
    """What compose asks before sending (mutt's abort_nosubject and abort_noattach)."""

    ask_no_subject: bool = True  # an empty Subject: "No subject, send anyway?"
    # A body (its unquoted lines) matching `no_attachment_regex` with nothing attached: ask.
    ask_no_attachment: bool = True
    no_attachment_regex: str = DEFAULT_NO_ATTACHMENT_REGEX


@dataclass(frozen=True)
class Config:
    accounts: tuple[AccountConfig, ...] = ()
    ui: UIConfig = field(default_factory=UIConfig)
    diagnostics: DiagnosticsConfig = field(default_factory=DiagnosticsConfig)
    compose: ComposeConfig = field(default_factory=ComposeConfig)
    path: Path | None = None  # the file it was loaded from, None for built-in defaults
    # Things that work but should be fixed ("file:line: key: ..."), for `config check` to print;
    # not part of what the config says, so two loads of the same settings compare equal.
    warnings: tuple[str, ...] = field(default=(), compare=False)

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
