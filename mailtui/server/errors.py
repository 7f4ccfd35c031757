"""Errors of the mail-server subsystem, written for an admin: what failed and what to do."""

from __future__ import annotations

from mailtui.core.errors import EX_NOINPUT, EX_NOPERM, EX_UNAVAILABLE, MailtuiError
from mailtui.core.i18n import tr


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


def permission_denied(path: object) -> str:
    """The message for a log this user may not read: the path and the group to join."""
    return tr("{path}: permission denied; {hint}", path=path, hint=group_hint(str(path)))


def no_mail_log() -> str:
    """The message for a host with neither a mail log file nor a journal."""
    return tr("no mail log file (/var/log/mail.log, /var/log/maillog) and no journalctl")


def group_hint(path: str) -> str:
    """The advice for an unreadable log: the group that owns it (adm on Debian) or systemd-journal."""
    import grp
    import os

    try:
        group = grp.getgrgid(os.stat(path).st_gid).gr_name
    except (OSError, KeyError):
        group = "adm"
    if group == "root":
        return tr("it is readable by root only: run as root (sudo)")
    return tr(
        "join the {quoted} group (sudo usermod -aG {group} $USER, then log in again) or run with sudo",
        quoted=repr(group), group=group,
    )  # fmt: skip
