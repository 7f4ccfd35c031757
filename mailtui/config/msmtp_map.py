"""One msmtp account -> mailtui's pieces: the SMTP relay, From, aliases, logfile.

msmtp's defaults are kept: `tls` off, `tls_starttls` on, `tls_certcheck` on, `auth` off,
port 25 (465 for TLS without STARTTLS). `passwordeval` becomes a password command; an
inline `password` is used only from a file of mode 0600 (msmtp refuses others too).
`tls_certcheck off` is honoured, and always warned about. Each value's origin is recorded
under the key path `config check` prints (`smtp.host`, `from`, ...).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path

from mailtui.config.model import PasswordSource, ServerConfig, TLSMode, server_config
from mailtui.config.mutt import Origin, Setting

# What mailtui takes from an account; anything else set there is listed as not used.
USED = frozenset({
    "host", "port", "from", "user", "password", "passwordeval", "auth", "tls", "tls_starttls",
    "tls_trust_file", "tls_certcheck", "aliases", "logfile", "logfile_time_format", "timeout", "domain",
    "dsn_notify", "dsn_return",
})  # fmt: skip
_OAUTH = ("oauthbearer", "xoauth2")
# What mailtui does instead of the msmtp settings it does not take.
_INSTEAD = {
    "tls_fingerprint": "not used: the certificate is verified against tls_trust_file (or the system CAs) instead",
    "tls_key_file": "client certificates are not supported: a relay that requires one refuses mailtui",
    "tls_cert_file": "client certificates are not supported: a relay that requires one refuses mailtui",
    "syslog": "not used: mailtui sendmail logs to the account's logfile only",
    "auto_from": "not used: the envelope sender is the account's from (or -f)",
    "maildomain": "not used: the envelope sender is the account's from (or -f)",
    "keepbcc": "not honoured: Bcc headers are always removed",
    "protocol": "only SMTP is spoken (no LMTP)",
    "proxy_host": "not supported: mailtui connects directly",
}


@dataclass
class MsmtpAccount:
    """What one msmtp account gives mailtui, with origins and the problems to list."""

    name: str
    smtp: ServerConfig
    from_address: str = ""
    aliases: str | None = None
    domain: str = ""
    logfile: str | None = None
    log_time_format: str | None = None  # strftime format of the log's stamp; "none": no stamp
    dsn_notify: str | None = None  # msmtp's dsn_notify / dsn_return, as mailtui's dsn_notify / dsn_ret
    dsn_ret: str | None = None
    origins: dict[str, Origin] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    inline_password: bool = False


def _on(value: str | None) -> bool:
    return (value or "").strip().lower() in ("on", "yes", "true", "1")


def file_is_private(path: Path) -> bool:
    try:
        return not stat.S_IMODE(path.stat().st_mode) & 0o077
    except OSError:
        return False


def map_account(name: str, s: dict[str, Setting], rc_path: Path) -> MsmtpAccount:
    """The relay and account settings of msmtp account `name` (its settings resolved)."""
    origins: dict[str, Origin] = {}
    warnings: list[str] = []

    def get(key: str, target: str | None = None) -> str | None:
        setting = s.get(key)
        if setting is None:
            return None
        if target:
            origins[target] = setting.origin
        return setting.value

    host = get("host", "smtp.host") or ""
    if not host:
        warnings.append(f"{rc_path}: account {name}: no host; it cannot send")
        host = "localhost"
    tls_on = _on(get("tls", "smtp.tls"))
    starttls = s.get("tls_starttls") is None or _on(get("tls_starttls", "smtp.tls"))
    mode: TLSMode = "none" if not tls_on else ("starttls" if starttls else "ssl")
    port_text = get("port", "smtp.port")
    port = 465 if mode == "ssl" else 25
    if port_text:
        if port_text.isdigit() and 0 < int(port_text) < 65536:
            port = int(port_text)
        else:
            warnings.append(f"{s['port'].origin}: port {port_text!r} is not a port number; using {port}")
    auth_text = (get("auth", "smtp.auth") or "off").strip().lower()
    auth = auth_text != "off"
    user = get("user", "smtp.user") or None
    if user and not auth:
        warnings.append(
            f"{s['user'].origin}: user {user} is set but auth is off (msmtp's default): mailtui does "
            "not log in either; add `auth on`"
        )
    command = get("passwordeval", "smtp.password_command")
    oauth = None
    if auth_text in _OAUTH and command:
        oauth, command = command, None
        origins["smtp.oauth2_token_command"] = origins.pop("smtp.password_command")
    inline = get("password")
    if auth and user and inline is None and command is None and oauth is None:
        warnings.append(
            f"{s['user'].origin}: account {name}: no password or passwordeval; msmtp would look in ~/.netrc "
            f"and its own keyring entry, mailtui in its keyring (`mailtui passwd {name} smtp`) and then asks"
        )
    private = file_is_private(rc_path)
    if inline is not None:
        if private:
            origins["smtp.password"] = s["password"].origin
        else:
            warnings.append(
                f"{s['password'].origin}: password ignored: {rc_path} is readable by group/others "
                f"(msmtp refuses it too); chmod 600 {rc_path}, or use passwordeval or `mailtui passwd {name} smtp`"
            )
            inline = None
    ca_file = get("tls_trust_file", "smtp.ca_file")
    if ca_file == "system":
        ca_file = None
        origins.pop("smtp.ca_file", None)
    verify = s.get("tls_certcheck") is None or _on(get("tls_certcheck", "smtp.tls_verify"))
    if not verify:
        warnings.append(
            f"{s['tls_certcheck'].origin}: tls_certcheck off: the certificate of {host} is NOT verified "
            "(honoured because it is written there; a man in the middle can read the password)"
        )
    timeout_text = get("timeout", "smtp.timeout")
    timeout = float(timeout_text) if timeout_text and timeout_text.isdigit() else None
    smtp = server_config(
        "smtp", host, port, tls=mode, account=name, user=user, auth=auth, tls_verify=verify, ca_file=ca_file,
        oauth2_token_command=oauth, timeout=timeout,
        password=PasswordSource(command=command, inline=inline),
    )  # fmt: skip
    if (domain := s.get("domain")) is not None:
        warnings.append(
            f"{domain.origin}: domain {domain.value} (msmtp's EHLO name) is not used: mailtui says EHLO "
            "with this host's name"
        )
    for key in sorted(set(s) - USED):
        why = _INSTEAD.get(key, "not used by mailtui sendmail")
        warnings.append(f"{s[key].origin}: {key}: {why}")
    return MsmtpAccount(
        name=name,
        smtp=smtp,
        from_address=get("from", "from") or "",
        aliases=get("aliases", "aliases"),
        logfile=get("logfile", "logfile"),
        log_time_format=get("logfile_time_format"),
        dsn_notify=_dsn(s, "dsn_notify", "dsn_notify", origins, warnings),
        dsn_ret=_dsn(s, "dsn_return", "dsn_ret", origins, warnings),
        origins=origins,
        warnings=warnings,
        inline_password=inline is not None,
    )


def _dsn(
    s: dict[str, Setting], key: str, target: str, origins: dict[str, Origin], warnings: list[str]
) -> str | None:
    """msmtp's dsn_notify (off, never, success,failure,delay) / dsn_return (off, full, headers)."""
    from mailtui.core.dsn_params import notify_value, ret_value

    setting = s.get(key)
    if setting is None or not setting.value or setting.value.strip().lower() == "off":
        return None
    text = setting.value.strip().lower()
    try:
        value = (
            notify_value(text) if key == "dsn_notify" else ret_value("hdrs" if text == "headers" else text)
        )
    except ValueError as err:
        warnings.append(f"{setting.origin}: {key}: {err}; not used")
        return None
    origins[target] = setting.origin
    return value
