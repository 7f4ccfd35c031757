"""The one error tree: every error carries a title and a message written for an admin.

The CLI prints `title: message` and exits with `exit_code` (sysexits.h); the UI shows the
title as a heading. Subclass per area; never raise bare Exception from our code.
"""

from __future__ import annotations

from mailtui.core.error_titles import error_title

# sysexits.h codes, as msmtp and sendmail use them.
EX_OK = 0
EX_USAGE = 64
EX_DATAERR = 65
EX_NOINPUT = 66
EX_NOUSER = 67
EX_UNAVAILABLE = 69
EX_SOFTWARE = 70
EX_IOERR = 74
EX_TEMPFAIL = 75
EX_PROTOCOL = 76
EX_NOPERM = 77
EX_CONFIG = 78


class MailtuiError(Exception):
    """Root of every error mailtui raises on purpose."""

    title = "Error"
    exit_code = EX_SOFTWARE

    def __init__(self, message: str, *, title: str | None = None, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The title an admin reads, in the current language (raise sites write it in English).
        self.title = error_title(title if title is not None else type(self).title)
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class ConfigError(MailtuiError):
    """The configuration file is missing, unreadable or invalid."""

    title = "Configuration error"
    exit_code = EX_CONFIG


class CredentialsError(MailtuiError):
    """No password could be obtained (keyring, command, environment)."""

    title = "Credentials error"
    exit_code = EX_CONFIG


class BackendError(MailtuiError):
    """A mailbox backend failed (Maildir, mbox, IMAP)."""

    title = "Mailbox error"
    exit_code = EX_UNAVAILABLE


class UnsupportedError(BackendError):
    """The backend does not offer this operation (see its `IMPLEMENTS_*` flags)."""

    title = "Not supported here"


class FolderNotFoundError(BackendError):
    title = "No such folder"
    exit_code = EX_NOINPUT


class MessageNotFoundError(BackendError):
    title = "No such message"
    exit_code = EX_NOINPUT


class ConnectionLostError(BackendError):
    """The server went away; the operation may be retried after reconnecting."""

    title = "Connection lost"
    exit_code = EX_TEMPFAIL


class AuthenticationError(BackendError):
    """The server refused the credentials (never retried automatically)."""

    title = "Login failed"
    exit_code = EX_NOPERM


class TLSError(BackendError):
    """TLS negotiation or certificate verification failed."""

    title = "TLS error"
    exit_code = EX_PROTOCOL


class SendError(MailtuiError):
    """Sending through the SMTP relay failed; `temporary` tells whether to queue and retry."""

    title = "Send failed"
    exit_code = EX_UNAVAILABLE

    def __init__(
        self,
        message: str,
        *,
        temporary: bool = False,
        title: str | None = None,
        exit_code: int | None = None,
    ) -> None:
        super().__init__(message, title=title, exit_code=exit_code)
        self.temporary = temporary
