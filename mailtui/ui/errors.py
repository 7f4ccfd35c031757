"""Errors shown to the admin: one notification format for every screen, never a traceback."""

from __future__ import annotations

from textual.widget import Widget

from mailtui.core.errors import MailtuiError


def error_text(error: BaseException) -> tuple[str, str]:
    """(title, message) of an error: ours carry both; anything else is named by its type."""
    if isinstance(error, MailtuiError):
        return error.title, error.message
    return "Unexpected error", f"{type(error).__name__}: {error}"


def show_error(node: Widget, error: BaseException) -> None:
    """A failed job as an error notification (text from servers is never parsed as markup)."""
    title, message = error_text(error)
    node.notify(message, title=title, severity="error", timeout=8, markup=False)
