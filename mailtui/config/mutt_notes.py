"""What in a muttrc mailtui does not honour, each kind listed once with every file:line.

Hooks, macros, key bindings, `score`, and the variables the importer does not map (quit,
sort, header_cache, pager_index_lines, ...) become warnings that say what mailtui does
instead; nothing is dropped without a word.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mailtui.config.mutt import Command, Origin, Setting
from mailtui.core.transcript import MASK

# Variables the importer maps onto the config (mutt.py's names after synonyms).
MAPPED = frozenset({
    "folder", "spoolfile", "imap_user", "imap_pass", "ssl_starttls", "ssl_force_tls", "ssl_ca_certificates_file",
    "ssl_verify_host", "ssl_verify_dates", "postponed", "record", "trash", "from", "realname", "signature",
    "sendmail", "smtp_url", "smtp_pass", "imap_authenticators", "imap_oauth_refresh_command", "connect_timeout",
})  # fmt: skip
# What mailtui does instead, for variables an admin will miss.
INSTEAD = {
    "sort": "mailtui opens folders in its own order; o / O in the index cycle and reverse the sort, "
    "ctrl+t shows threads",
    "sort_aux": "mailtui opens folders in its own order; o / O in the index cycle and reverse the sort",
    "quit": "q quits mailtui without a confirmation (it asks only when mail waits in the outbox, "
    "and whether to purge messages marked deleted)",
    "delete": "mailtui asks before purging messages marked deleted (on quit, on leaving a folder, with $), "
    "as mutt's ask-yes",
    "header_cache": "mailtui keeps its own header cache under $XDG_CACHE_HOME/mailtui",
    "message_cachedir": "mailtui keeps its own cache under $XDG_CACHE_HOME/mailtui",
    "pager_index_lines": "the pager has no mini-index",
    "indent_str": 'replies quote with "> "',
    "editor": "mailtui runs $VISUAL / $EDITOR",
    "mail_check": "mailtui checks for new mail itself",
    "imap_keepalive": "mailtui keeps the connection alive itself",
    "timeout": "mailtui checks for new mail itself",
}
_HOOK_INSTEAD = "hooks are not run: mailtui has one set of settings per account"
_KIND_TEXT = {
    "macro": "macros are not run; mailtui has its own keys ([ui.keys] rebinds them)",
    "bind": "key bindings are not read; [ui.keys] in config.toml rebinds mailtui's keys",
    "score": "score lines are not used: mailtui has no scoring",
    "unscore": "score lines are not used: mailtui has no scoring",
    "push": "push is not run",
    "mailboxes": "mailtui lists the mailbox's folders itself",
    "named-mailboxes": "mailtui lists the mailbox's folders itself",
    "subscribe": "mailtui lists the mailbox's folders itself (subscribed_only = true lists only subscribed ones)",
    "alias": "aliases are not read: mailtui has no address book",
    "my_hdr": "custom headers are not added to mail you write",
    "ignore": "the pager shows its own set of headers (h shows them all)",
    "unignore": "the pager shows its own set of headers (h shows them all)",
    "hdr_order": "the pager shows its own set of headers (h shows them all)",
    "auto_view": "mailtui shows text parts itself; other parts are attachments",
    "alternative_order": "mailtui prefers text/plain over text/html",
    "exec": "exec is not run",
}
_COLOUR_COMMANDS = ("color", "mono", "uncolor", "unmono")


def _where(origins: Iterable[Origin]) -> str:
    places = list(origins)
    return f"{places[0]}" + (
        f" (and {', '.join(f'line {o.line}' if o.file == places[0].file else str(o) for o in places[1:])})"
        if len(places) > 1
        else ""
    )


def command_warnings(commands: Iterable[Command]) -> list[str]:
    """One warning per kind of command mailtui does not honour (colours are the colour mapper's)."""
    groups: dict[str, list[Origin]] = {}
    for cmd in commands:
        if cmd.name in _COLOUR_COMMANDS:
            continue
        kind = "hook" if cmd.name.endswith("-hook") else cmd.name
        groups.setdefault(kind, []).append(cmd.origin)
    out = []
    for kind, origins in groups.items():
        if kind == "hook":
            text = _HOOK_INSTEAD
        else:
            text = _KIND_TEXT.get(kind, f"`{kind}` is not used by mailtui")
        count = f"{len(origins)} lines" if len(origins) > 1 else "1 line"
        out.append(f"{_where(origins)}: {kind}: {text} ({count})")
    return out


def _secret(name: str) -> bool:
    """pop_pass, nntp_pass, smime_pass, ...: their values are never shown."""
    return name.endswith(("pass", "password", "passphrase", "secret", "token"))


def unused_variable_warnings(settings: Mapping[str, Setting]) -> list[str]:
    """One warning per variable set but not mapped, saying what mailtui does instead where known."""
    out = []
    for name, s in settings.items():
        if name in MAPPED or name.startswith("my_"):
            continue
        value = "unset" if s.value is None else f"= {MASK if _secret(name) else s.value}"
        if name == "delete" and (s.value or "").lower().startswith("ask-"):
            continue  # mailtui asks before purging, as ask-yes / ask-no do
        if name == "sort" and (s.value or "").endswith("score"):
            out.append(f"{s.origin}: sort {value}: mailtui has no scoring; {INSTEAD['sort']}")
        elif name in INSTEAD:
            out.append(f"{s.origin}: {name} {value}: not honoured; {INSTEAD[name]}")
        else:
            out.append(f"{s.origin}: {name} {value}: not used by mailtui")
    return out
