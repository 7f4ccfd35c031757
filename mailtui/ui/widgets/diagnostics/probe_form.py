"""Form pieces the SMTP and IMAP probe widgets share: titled inputs and the account's secret.

The password (or, for an account with `oauth2_token_command`, the OAuth2 access token) of
the account is offered to a probe only while the form still names that account's server
and user (probing another server must not send it there).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, TypeVar

from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input, Select

from mailtui.config import ServerConfig
from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr

T = TypeVar("T")
InputType = Literal["integer", "number", "text"]  # Input's `type` (textual exports no name for it)


def titled_input(
    id_: str,
    title: str,
    value: str,
    *,
    type: InputType = "text",  # noqa: A002 - Input's own name
    password: bool = False,
) -> Input:
    """An input with its title on the border (and as placeholder when empty).

    Entering it puts the cursor at the end, it does not select the text: a port 37373 must
    not become "1" when the user types 1 after Tab (issue 16)."""
    widget = Input(
        value=value, placeholder=title, id=id_, type=type, password=password, select_on_focus=False
    )
    widget.border_title = title
    return widget


def input_value(parent: Widget, id_: str) -> str:
    """The stripped text of input `#id_` under `parent`."""
    return parent.query_one(f"#{id_}", Input).value.strip()


def select_choice(parent: Widget, id_: str, choices: Sequence[T]) -> T | None:
    """The value of Select `#id_` under `parent` as one of `choices`; None when it is none of them."""
    value = parent.query_one(f"#{id_}", Select).value
    return next((choice for choice in choices if choice == value), None)


def configured_password(own: ServerConfig | None, host: str, user: str | None) -> str | None:
    """The account's password for `own` when the form names its host and user, else None."""
    from mailtui import credentials

    if own is None or not user or (own.host, own.user) != (host, user):
        return None
    try:
        return credentials.get_password(own, prompt=False)
    except MailtuiError:
        return None  # the login stage then says that no password was given


def uses_oauth(own: ServerConfig | None) -> bool:
    """True when the account logs in with an OAuth2 token: the form's secret field takes a token."""
    return own is not None and bool(own.oauth2_token_command)


def secret_title(own: ServerConfig | None) -> str:
    """The title of the form's secret field (a password, or a token for an OAuth2 account)."""
    if uses_oauth(own):
        return tr("OAuth2 token (empty: oauth2_token_command)")
    return tr("password (empty: from config)")


def tls_choices(first: str) -> list[tuple[str, str]]:
    """The TLS modes for a Select, `first` ("starttls" or "ssl") on top."""
    choices = [("STARTTLS", "starttls"), (tr("implicit TLS"), "ssl"), (tr("no TLS"), "none")]
    return sorted(choices, key=lambda choice: choice[1] != first)


def field_titles() -> dict[str, str]:
    """The titles of the fields both forms have, in the current language."""
    return {"host": tr("host"), "port": tr("port"), "user": tr("user")}


def next_stage_line(stage: str | None) -> str:
    """The report's first line while the probe has a stage left ("" when done)."""
    return tr("Next stage: {stage} (press Step)", stage=stage) + "\n\n" if stage else ""


def is_problem_line(line: str) -> bool:
    """A report line that says something failed (drawn bold), in either language."""
    return any(mark in line for mark in ("FAILED", " NO:", "EXPIRED", "失败", "否：", "已过期"))


def probe_secrets(
    own: ServerConfig | None, server: ServerConfig, typed: str
) -> tuple[str | None, str | None]:
    """(password, token) a probe of the form's `server` logs in with, as `mailtui probe --account`.

    For an OAuth2 account the typed text is a token, else the account's oauth2_token_command
    runs (only while the form names its host and user; CredentialsError when it fails);
    otherwise the typed text is a password, else the account's. Blocking: call it in a thread.
    """
    from mailtui import credentials

    if not uses_oauth(own):
        return typed or configured_password(own, server.host, server.user), None
    assert own is not None
    if typed:
        return None, typed
    if not server.user or (own.host, own.user) != (server.host, server.user):
        return None, None
    if (own.kind == "smtp" and not own.auth) or (server.tls == "none" and not server.allow_plaintext_auth):
        return None, None  # no login, or the probe refuses to send it: do not run the command
    return None, credentials.get_oauth2_token(own)


# Page keys scroll the whole form and its report, whichever input has the focus (priority:
# Textual's Input takes pageup/pagedown for itself): the verdict at the bottom is reachable
# at 24 rows.
SCROLL_BINDINGS = [
    Binding("pagedown", "page_down", "Page down", show=False, priority=True),
    Binding("pageup", "page_up", "Page up", show=False, priority=True),
    Binding("ctrl+end", "scroll_end", "Report end", show=False, priority=True),
    Binding("ctrl+home", "scroll_home", "Form top", show=False, priority=True),
]


def ui_wording(line: str) -> str:
    """A report line of the CLI as the UI says it (no exit statuses, no command-line flags)."""
    return re.sub(r" \(exit \d+\)|（退出码 \d+）", "", line)
