"""The config schema: which keys each table takes, their types and defaults, and the mapping
from parsed TOML to the `mailtui.config` dataclasses (`from` -> from_address, `delete` ->
delete_mode, password_* -> PasswordSource). Every problem is collected by a `Checker`.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import stat
from pathlib import Path
from typing import Any

from mailtui.config.model import (
    DEFAULT_QUEUE_LIFETIME,
    DEFAULT_TIMEOUT,
    OAUTH_MECHANISM_CHOICES,
    TLS_MODES,
    AccountConfig,
    ComposeConfig,
    Config,
    DiagnosticsConfig,
    PasswordSource,
    ServerConfig,
    ServerKind,
    UIConfig,
    server_config,
)
from mailtui.config.toml_lines import Checker, join_path
from mailtui.core.dsn_params import notify_value, ret_value

_TOP_KEYS = ("ui", "diagnostics", "compose", "account")
_COMPOSE_KEYS = ("ask_no_subject", "ask_no_attachment", "no_attachment_regex")
_UI_KEYS = ("theme", "language", "trusted_authserv_ids", "keys", "viewers", "date_format", "pager_stop")
_DIAGNOSTICS_KEYS = ("dns_server", "trusted_hosts", "blocklists")
_ACCOUNT_KEYS = (
    "name", "from", "realname", "signature", "maildir", "imap", "smtp", "delete", "trash_folder",
    "sent_folder", "drafts_folder", "mark_seen_on_open", "subscribed_only", "aliases", "domain", "save_sent",
    "queue_lifetime", "dkim_key", "dkim_selector", "dkim_domain", "logfile", "dsn_notify", "dsn_ret",
)  # fmt: skip
# A host name as DNS allows it (labels of letters, digits and inner hyphens), trailing dot optional.
_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$"
)
_DURATION_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SERVER_KEYS = (
    "host", "port", "tls", "user", "tls_verify", "ca_file", "allow_plaintext_auth", "timeout",
    "oauth2_token_command", "oauth2_mechanism", "password_command", "password_env", "password", "keyring",
)  # fmt: skip


def parse_config(data: dict[str, Any], *, file: Path, lines: dict[str, int], mode: int = 0o600) -> Config:
    """Build a `Config` from parsed TOML; `lines` maps key paths to lines, `mode` is the file's."""
    c = Checker(file, lines)
    c.known_keys(data, "", _TOP_KEYS)
    ui_table = c.table(data, "", "ui") or {}
    ui = _parse_ui(c, ui_table)
    diagnostics = _parse_diagnostics(c, c.table(data, "", "diagnostics") or {})
    compose = _parse_compose(c, c.table(data, "", "compose") or {})
    accounts: list[AccountConfig] = []
    raw_accounts = data.get("account", [])
    if not isinstance(raw_accounts, list) or not all(isinstance(a, dict) for a in raw_accounts):
        c.problem("account", "expected one or more [[account]] tables (double brackets)")
        raw_accounts = []
    seen: dict[str, str] = {}
    for i, table in enumerate(raw_accounts, start=1):
        path = f"account[{i}]"
        account = _parse_account(c, table, path, mode)
        if account is None:
            continue
        if account.name in seen:
            first = seen[account.name]
            where = f"{first}, line {c.lines[first + '.name']}" if first + ".name" in c.lines else first
            c.problem(join_path(path, "name"), f"duplicate account name {account.name!r} (also {where})")
            continue
        seen[account.name] = path
        accounts.append(account)
    c.raise_if_any()
    warnings = tuple(w.format() for w in c.warnings)
    return Config(
        accounts=tuple(accounts),
        ui=ui,
        diagnostics=diagnostics,
        compose=compose,
        path=file,
        warnings=warnings,
    )


def _parse_ui(c: Checker, t: dict[str, Any]) -> UIConfig:
    c.known_keys(t, "ui", _UI_KEYS)
    keys: dict[str, str] = {}
    for binding, key in (c.table(t, "ui", "keys") or {}).items():
        if isinstance(key, str) and key:
            keys[binding] = key
        else:
            c.problem(f"ui.keys.{binding}", f'expected a key name such as "x" or "ctrl+d", got {key!r}')
    viewers: dict[str, str] = {}
    for ctype, command in (c.table(t, "ui", "viewers") or {}).items():
        if isinstance(command, str) and command.strip() and "/" in ctype:
            viewers[ctype.lower()] = command
        else:
            c.problem(f"ui.viewers.{ctype}", f'expected "type/subtype" = "command %s", got {command!r}')
    default = UIConfig()
    date_format = c.string(t, "ui", "date_format") or default.date_format
    problem = _date_format_problem(date_format)
    if problem:
        c.problem("ui.date_format", problem)
        date_format = default.date_format
    return UIConfig(
        date_format=date_format,
        pager_stop=c.boolean(t, "ui", "pager_stop", default.pager_stop),
        theme=c.string(t, "ui", "theme") or default.theme,
        language=c.choice(t, "ui", "language", ("en", "zh"), default.language),
        keys=keys,
        trusted_authserv_ids=c.string_list(t, "ui", "trusted_authserv_ids"),
        viewers=viewers,
    )


def _date_format_problem(fmt: str) -> str | None:
    """Why `fmt` cannot be the index's date column (None: it can)."""
    import time

    try:
        shown = time.strftime(fmt, time.localtime(0))
    except ValueError as exc:
        return f"not a strftime format ({exc}): {fmt!r}"
    if not shown.strip() or len(shown) > 24 or "\n" in shown:
        return f'expected a short strftime format such as "%Y-%m-%d" or "%d %b %H:%M", got {fmt!r}'
    return None


def _parse_compose(c: Checker, t: dict[str, Any]) -> ComposeConfig:
    c.known_keys(t, "compose", _COMPOSE_KEYS)
    default = ComposeConfig()
    regex = c.string(t, "compose", "no_attachment_regex")
    if regex is not None:
        try:
            re.compile(regex)
        except re.error as exc:
            c.problem("compose.no_attachment_regex", f"not a valid regular expression: {exc}")
            regex = None
    return ComposeConfig(
        ask_no_subject=c.boolean(t, "compose", "ask_no_subject", default.ask_no_subject),
        ask_no_attachment=c.boolean(t, "compose", "ask_no_attachment", default.ask_no_attachment),
        no_attachment_regex=regex or default.no_attachment_regex,
    )


def _parse_diagnostics(c: Checker, t: dict[str, Any]) -> DiagnosticsConfig:
    c.known_keys(t, "diagnostics", _DIAGNOSTICS_KEYS)
    dns_server = (c.string(t, "diagnostics", "dns_server") or "").strip()
    if dns_server and not _is_host_port(dns_server):
        c.problem(
            "diagnostics.dns_server",
            f'expected HOST[:PORT] such as "127.0.0.1", "192.0.2.53:5353", "[::1]:53" or "ns1.example.com", '
            f"got {dns_server!r}",
        )
        dns_server = ""
    hosts = c.string_list(t, "diagnostics", "trusted_hosts")
    for i, host in enumerate(hosts, start=1):
        if not _is_trusted_host(host):
            c.problem(
                "diagnostics.trusted_hosts",
                f'item {i}: expected a host name, ".suffix", IP or CIDR such as "mx1.example.com", '
                f'".example.com", "192.0.2.25" or "10.0.0.0/8", got {host!r}',
            )
            hosts = ()
            break
    blocklists = tuple(z.strip().rstrip(".").lower() for z in c.string_list(t, "diagnostics", "blocklists"))
    for i, zone in enumerate(blocklists, start=1):
        if not (_HOSTNAME.match(zone) and "." in zone):
            c.problem(
                "diagnostics.blocklists",
                f'item {i}: expected a DNS zone such as "zen.spamhaus.org", got {zone!r}',
            )
            blocklists = ()
            break
    return DiagnosticsConfig(dns_server=dns_server, trusted_hosts=hosts, blocklists=blocklists)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_host_port(text: str) -> bool:
    """HOST[:PORT] as `diagnostics.verdicts.resolver.server_address` takes it (not resolved here)."""
    host, port = text, ""
    if text.startswith("["):
        host, bracket, port = text[1:].partition("]")
        if not bracket or port and not port.startswith(":"):
            return False
        port = port[1:] if port else ""
        if not _is_ip(host):
            return False
    elif text.count(":") == 1:
        host, port = text.split(":")
    if port and not (port.isdigit() and 0 < int(port) < 65536):
        return False
    return _is_ip(host) or bool(_HOSTNAME.match(host))


def _is_trusted_host(text: str) -> bool:
    entry = text.strip()
    if "/" in entry:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            return False
        return True
    return _is_ip(entry) or bool(_HOSTNAME.match(entry.removeprefix(".")))


def _parse_account(c: Checker, t: dict[str, Any], path: str, mode: int) -> AccountConfig | None:
    c.known_keys(t, path, _ACCOUNT_KEYS)
    name = c.string(t, path, "name", required=True)
    from_address = c.string(t, path, "from", required=True)
    if name == "":
        c.problem(join_path(path, "name"), "the account name is empty")
    maildir = c.path_string(t, path, "maildir")
    imap_t = c.table(t, path, "imap")
    smtp_t = c.table(t, path, "smtp")
    if "maildir" in t and "imap" in t:
        c.problem(path, "both 'maildir' and [account.imap] are set: an account reads exactly one source")
    elif "maildir" not in t and "imap" not in t:
        c.problem(path, "no mail source: set 'maildir' (a Maildir or mbox path) or an [account.imap] table")
    imap = _parse_server(c, imap_t, f"{path}.imap", "imap", name or "", mode) if imap_t is not None else None
    smtp = _parse_server(c, smtp_t, f"{path}.smtp", "smtp", name or "", mode) if smtp_t is not None else None
    d = AccountConfig(name="")
    account = AccountConfig(
        name=name or "",
        from_address=from_address or "",
        maildir=maildir,
        imap=imap,
        smtp=smtp,
        realname=c.string(t, path, "realname") or "",
        signature=c.string(t, path, "signature") or "",
        delete_mode=c.choice(t, path, "delete", ("trash", "mark"), d.delete_mode),
        trash_folder=c.string(t, path, "trash_folder") or d.trash_folder,
        sent_folder=c.string(t, path, "sent_folder") or d.sent_folder,
        drafts_folder=c.string(t, path, "drafts_folder") or d.drafts_folder,
        mark_seen_on_open=c.boolean(t, path, "mark_seen_on_open", d.mark_seen_on_open),
        subscribed_only=c.boolean(t, path, "subscribed_only", d.subscribed_only),
        aliases=_aliases_file(c, t, path),
        domain=_domain(c, t, path),
        logfile=c.path_string(t, path, "logfile"),
        save_sent=c.boolean(t, path, "save_sent", False) if "save_sent" in t else None,
        queue_lifetime=_duration(c, t, path, "queue_lifetime", DEFAULT_QUEUE_LIFETIME),
        **_dkim(c, t, path),
        **_dsn(c, t, path),
    )
    if not name or from_address is None:
        return None
    return account


def _dsn(c: Checker, t: dict[str, Any], path: str) -> dict[str, Any]:
    """dsn_notify and dsn_ret, checked as sendmail's -N and -R are."""
    out: dict[str, Any] = {}
    for key, check in (("dsn_notify", notify_value), ("dsn_ret", ret_value)):
        value = c.string(t, path, key)
        if value is None:
            continue
        try:
            out[key] = check(value)
        except ValueError as exc:
            c.problem(join_path(path, key), str(exc))
    return out


def _dkim(c: Checker, t: dict[str, Any], path: str) -> dict[str, Any]:
    """dkim_key (a private key file, 0600), dkim_selector (needed with it) and dkim_domain."""
    key = c.path_string(t, path, "dkim_key")
    selector = (c.string(t, path, "dkim_selector") or "").strip()
    domain = (c.string(t, path, "dkim_domain") or "").strip()
    if selector and (
        any(ch.isspace() for ch in selector) or "@" in selector or not _HOSTNAME.match(selector)
    ):
        c.problem(
            join_path(path, "dkim_selector"), f'expected a selector such as "mail2024", got {selector!r}'
        )
        selector = ""
    if domain and not _HOSTNAME.match(domain):
        c.problem(
            join_path(path, "dkim_domain"), f'expected a domain name such as "example.com", got {domain!r}'
        )
        domain = ""
    make = "make one with `openssl genrsa -out dkim.pem 2048` and publish its public half"
    if key:
        file = Path(key)
        where = join_path(path, "dkim_key")
        try:
            mode = file.stat().st_mode
        except FileNotFoundError:
            c.problem(where, f"no such file: {key} (the DKIM private key, PEM; {make})")
        except OSError as err:
            c.problem(where, f"cannot read the DKIM key {key}: {err.strerror or err}")
        else:
            if not stat.S_ISREG(mode):
                c.problem(where, f"{key} is not a file (the DKIM private key, PEM)")
            elif stat.S_IMODE(mode) & 0o077:
                c.warn(
                    where,
                    f"the DKIM private key {key} is mode {stat.S_IMODE(mode):04o}, readable by "
                    f"group/others: anyone on this machine can sign mail as your domain; run chmod 600 {key}",
                )
        if not selector and "dkim_selector" not in t:
            c.missing(
                path, "dkim_selector", " (dkim_key is set: the selector its public key is published under)"
            )
    elif selector or domain:
        which = "dkim_selector" if selector else "dkim_domain"
        c.missing(path, "dkim_key", f" ({which} is set, but without a key nothing is signed)")
    return {"dkim_key": key or None, "dkim_selector": selector, "dkim_domain": domain}


def _aliases_file(c: Checker, t: dict[str, Any], path: str) -> str | None:
    aliases = c.path_string(t, path, "aliases")
    if aliases and not Path(aliases).is_file():
        c.problem(join_path(path, "aliases"), f"no such file: {aliases} (an aliases file as /etc/aliases)")
    return aliases


def _domain(c: Checker, t: dict[str, Any], path: str) -> str:
    domain = c.string(t, path, "domain") or ""
    if domain and ("@" in domain or any(ch.isspace() for ch in domain) or domain.startswith(".")):
        c.problem(join_path(path, "domain"), f'expected a domain name such as "example.com", got {domain!r}')
        return ""
    return domain


def _duration(c: Checker, t: dict[str, Any], path: str, key: str, default: float) -> float:
    """Seconds from a number of seconds or a Postfix-style time ("5d", "12h", "30m", "90s", "1w")."""
    value = t.get(key)
    if value is None:
        return default
    if isinstance(value, str):
        text = value.strip().lower()
        unit = _DURATION_UNITS.get(text[-1:]) if text else None
        number = text[:-1] if unit else text
        try:
            seconds = float(number) * (unit or 1)
        except ValueError:
            seconds = -1.0
        if seconds > 0:
            return seconds
        c.problem(
            join_path(path, key), f'expected a time such as "5d", "12h" or a number of seconds, got {value!r}'
        )
        return default
    return c.number(t, path, key, default)


def _parse_server(
    c: Checker, t: dict[str, Any], path: str, kind: ServerKind, account: str, mode: int
) -> ServerConfig | None:
    c.known_keys(t, path, _SERVER_KEYS + (("auth", "ehlo") if kind == "smtp" else ()))
    host = c.string(t, path, "host", required=True)
    tls = c.choice(t, path, "tls", TLS_MODES, "ssl")
    port = c.integer(t, path, "port", 1, 65535)
    auth = c.boolean(t, path, "auth", True) if kind == "smtp" else True
    user = c.string(t, path, "user")
    if auth and "user" not in t:
        why = " (the login name)" + (
            "; or set auth = false for a relay without login" if kind == "smtp" else ""
        )
        c.missing(path, "user", why)
    ca_file = c.path_string(t, path, "ca_file")
    if ca_file and not Path(ca_file).is_file():
        c.problem(join_path(path, "ca_file"), f"no such file: {ca_file}")
    inline = c.string(t, path, "password")
    if inline is not None and mode & 0o077:
        c.problem(
            join_path(path, "password"),
            f"inline password refused: the file is mode {mode:04o}, readable by group/others; "
            f"run chmod 600 {c.file} or use password_command / password_env / the keyring (mailtui passwd)",
        )
        inline = None
    password = PasswordSource(
        command=c.string(t, path, "password_command"),
        env=c.string(t, path, "password_env"),
        inline=inline,
        keyring=c.boolean(t, path, "keyring", True),
    )
    timeout = c.number(t, path, "timeout", DEFAULT_TIMEOUT)
    ehlo = c.string(t, path, "ehlo") if kind == "smtp" else None
    if ehlo is not None and not _HOSTNAME.match(ehlo) and not re.fullmatch(r"\[[0-9A-Fa-f.:]+\]", ehlo):
        c.problem(join_path(path, "ehlo"), f"expected a host name or an [address] literal, got {ehlo!r}")
        ehlo = None
    if not host:
        if host == "":
            c.problem(join_path(path, "host"), "the host name is empty")
        return None
    server = server_config(
        kind,
        host,
        port,
        tls=tls,
        account=account,
        user=user,
        auth=auth,
        tls_verify=c.boolean(t, path, "tls_verify", True),
        ca_file=ca_file,
        allow_plaintext_auth=c.boolean(t, path, "allow_plaintext_auth", False),
        oauth2_token_command=c.string(t, path, "oauth2_token_command"),
        oauth2_mechanism=c.choice(t, path, "oauth2_mechanism", OAUTH_MECHANISM_CHOICES, "auto"),
        timeout=timeout,
        password=password,
    )
    return dataclasses.replace(server, ehlo=ehlo) if ehlo else server
