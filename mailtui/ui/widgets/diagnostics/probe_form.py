"""Form pieces the SMTP and IMAP probe widgets share: titled inputs and the account's password.

The password of the account is offered to a probe only while the form still names that
account's server and user (probing another server must not send it there).
"""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Input

from mailtui.config import ServerConfig
from mailtui.core.errors import MailtuiError


def titled_input(id_: str, title: str, value: str, **kwargs: object) -> Input:
    """An input with its title on the border (and as placeholder when empty)."""
    widget = Input(value=value, placeholder=title, id=id_, **kwargs)  # type: ignore[arg-type]
    widget.border_title = title
    return widget


def input_value(parent: Widget, id_: str) -> str:
    """The stripped text of input `#id_` under `parent`."""
    return parent.query_one(f"#{id_}", Input).value.strip()


def configured_password(own: ServerConfig | None, host: str, user: str | None) -> str | None:
    """The account's password for `own` when the form names its host and user, else None."""
    from mailtui import credentials

    if own is None or not user or (own.host, own.user) != (host, user):
        return None
    try:
        return credentials.get_password(own, prompt=False)
    except MailtuiError:
        return None  # the login stage then says that no password was given
