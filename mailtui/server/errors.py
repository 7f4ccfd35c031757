"""Errors of the mail-server subsystem, written for an admin: what failed and what to do."""

from __future__ import annotations

from mailtui.core.errors import EX_NOINPUT, EX_NOPERM, EX_UNAVAILABLE, MailtuiError


class ServerError(MailtuiError):
    """A local MTA command or file failed (postqueue, postconf, exim, a log file)."""

    title = "Mail server error"
    exit_code = EX_UNAVAILABLE


class LogAccessError(ServerError):
    """A mail log exists but this user may not read it: says which group to join."""

    title = "Cannot read the mail log"
    exit_code = EX_NOPERM


class LogNotFoundError(ServerError):
    title = "No mail log"
    exit_code = EX_NOINPUT


def group_hint(path: str) -> str:
    """The advice for an unreadable log: the group that owns it (adm on Debian) or systemd-journal."""
    import grp
    import os

    try:
        group = grp.getgrgid(os.stat(path).st_gid).gr_name
    except (OSError, KeyError):
        group = "adm"
    if group == "root":
        return "it is readable by root only: run as root (sudo)"
    return f"join the {group!r} group (sudo usermod -aG {group} $USER, then log in again) or run with sudo"
