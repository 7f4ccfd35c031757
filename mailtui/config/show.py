"""Showing the effective config (`mailtui config check`): TOML text with every secret masked."""

from __future__ import annotations

from mailtui.config.model import Config
from mailtui.core.transcript import MASK


def format_config(config: Config) -> str:
    """The effective config as TOML text (defaults filled in), with every secret masked.

    Inline passwords become "********"; password and token commands are shown, since they
    are not secrets themselves. The output parses as TOML.
    """
    out: list[str] = ["[ui]"]
    ui = config.ui
    out += [
        _kv("theme", ui.theme),
        _kv("language", ui.language),
        _kv("trusted_authserv_ids", ui.trusted_authserv_ids),
        _kv("date_format", ui.date_format),
    ]
    if ui.keys:
        out += ["", "[ui.keys]"] + [_kv(k, v) for k, v in sorted(ui.keys.items())]
    diag = config.diagnostics
    out += ["", "[diagnostics]", _kv("dns_server", diag.dns_server), _kv("trusted_hosts", diag.trusted_hosts)]
    if diag.blocklists:
        out.append(_kv("blocklists", diag.blocklists))
    compose = config.compose
    out += ["", "[compose]", _kv("ask_no_subject", compose.ask_no_subject)]
    out += [_kv("ask_no_attachment", compose.ask_no_attachment)]
    out += [_kv("no_attachment_regex", compose.no_attachment_regex)]
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
            _kv("queue_lifetime", acc.queue_lifetime),
        ]
        # The sendmail and DKIM keys, where set (their defaults depend on the mode or the From address).
        optional: dict[str, object] = {
            "aliases": acc.aliases,
            "domain": acc.domain or None,
            "logfile": acc.logfile,
            "save_sent": acc.save_sent,
            "dkim_key": acc.dkim_key,
            "dkim_selector": acc.dkim_selector or None,
            "dkim_domain": acc.dkim_domain or None,
        }
        out += [_kv(k, v) for k, v in optional.items() if v is not None]
        for server in (acc.imap, acc.smtp):
            if server is None:
                continue
            out += ["", f"[account.{server.kind}]", _kv("host", server.host), _kv("port", server.port)]
            out += [_kv("tls", server.tls)]
            if server.kind == "smtp":
                out.append(_kv("auth", server.auth))
                if server.ehlo:
                    out.append(_kv("ehlo", server.ehlo))
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
