"""Form pieces the SMTP and IMAP probe widgets share: titled inputs and the account's password.

The password of the account is offered to a probe only while the form still names that
account's server and user (probing another server must not send it there).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, TypeVar

from textual.widget import Widget
from textual.widgets import Input, Select

from mailtui.config import ServerConfig
from mailtui.core.errors import MailtuiError

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
    """An input with its title on the border (and as placeholder when empty)."""
    widget = Input(value=value, placeholder=title, id=id_, type=type, password=password)
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
