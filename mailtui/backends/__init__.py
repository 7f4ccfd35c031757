"""Mailbox backends, picked by URL scheme: maildir://, mbox://, imap://, imaps:// (or a plain path).

`open_backend(location)` is the one entry point; `open_account(account)` picks from an
account's config. Backend modules are imported only when used, so the headless CLI never
loads imapclient for a Maildir (or the Maildir code for IMAP).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mailtui.core.errors import BackendError, ConfigError

if TYPE_CHECKING:
    from mailtui.backends.base import MailBackend
    from mailtui.config import AccountConfig
    from mailtui.core.transcript import Transcript

__all__ = ["open_account", "open_backend"]

_MAILDIR_HINT = "a Maildir (a directory with cur/ new/ tmp/) or an mbox file (starting with 'From ')"


def _path(text: str) -> Path:
    return Path(text).expanduser()


def _maildir(path: Path, account: AccountConfig | None) -> MailBackend:
    from mailtui.backends.maildir.backend import MaildirBackend

    if account is None:
        return MaildirBackend(path)
    return MaildirBackend(path, delete_mode=account.delete_mode, trash_folder=account.trash_folder)


def _mbox(path: Path) -> MailBackend:
    from mailtui.backends.mbox.backend import MboxBackend

    return MboxBackend(path)


def _describe_file(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError as exc:
        return f"a file that cannot be read ({exc.strerror or exc})"
    first = head.split(b"\n", 1)[0][:40].decode("ascii", "replace")
    if ":" in first:
        return f"a file starting with {first!r}, which looks like a single message, not an mbox"
    return f"a file starting with {first!r}, not an mbox"


def _detect(path: Path, account: AccountConfig | None) -> MailBackend:
    from mailtui.backends.maildir.folders import is_folder_collection, is_maildir

    if not path.exists():
        raise BackendError(f"{path} does not exist. Give {_MAILDIR_HINT}.", title="No such mailbox")
    if path.is_dir():
        if is_maildir(path) or is_folder_collection(path):
            return _maildir(path, account)
        raise BackendError(
            f"{path} is a directory but neither a Maildir (no cur/ and new/) nor a directory of "
            f"Maildir folders. Give {_MAILDIR_HINT}.",
            title="Not a mailbox",
        )
    if path.is_file():
        try:
            with open(path, "rb") as f:
                head = f.read(5)
        except OSError as exc:
            raise BackendError(f"cannot read {path}: {exc.strerror or exc}.") from exc
        if head in (b"", b"From "):
            return _mbox(path)
        raise BackendError(f"{path} is {_describe_file(path)}. Give {_MAILDIR_HINT}.", title="Not a mailbox")
    raise BackendError(
        f"{path} is neither a directory nor a regular file. Give {_MAILDIR_HINT}.", title="Not a mailbox"
    )


def open_backend(
    location: str,
    *,
    account: AccountConfig | None = None,
    transcript: Transcript | None = None,
) -> MailBackend:
    """Open the mailbox at `location`: a maildir://, mbox://, imap:// or imaps:// URL or a path.

    A plain path (`~` expanded) is a Maildir when it is a directory with cur/ and new/ or a
    directory holding Maildir folders, and an mbox when it is a file that is empty or
    starts with "From ". Anything else raises `BackendError` saying what was found.
    """
    text = location.strip()
    scheme, sep, rest = text.partition("://")
    scheme = scheme.lower() if sep else ""
    if scheme in ("imap", "imaps"):
        from mailtui.backends.imap.opening import open_url

        return open_url(text, account=account, transcript=transcript)
    if scheme == "maildir":
        path = _path(rest)
        from mailtui.backends.maildir.folders import is_folder_collection, is_maildir

        if not (path.is_dir() and (is_maildir(path) or is_folder_collection(path))):
            raise BackendError(
                f"{path} is not a Maildir (no cur/ and new/ there or in its subdirectories).",
                title="Not a Maildir",
            )
        return _maildir(path, account)
    if scheme == "mbox":
        path = _path(rest)
        if not path.is_file():
            raise BackendError(f"{path} is not an mbox file (it does not exist or is not a file).")
        return _mbox(path)
    if scheme:
        raise BackendError(
            f"unknown mailbox scheme {scheme!r} in {location!r}; use maildir://, mbox://, imap://, "
            "imaps:// or a plain path.",
            title="Unknown mailbox type",
        )
    if not text:
        raise BackendError(f"no mailbox location given. Give {_MAILDIR_HINT} or an imap(s):// URL.")
    return _detect(_path(text), account)


def open_account(account: AccountConfig, transcript: Transcript | None = None) -> MailBackend:
    """The backend for an account: its IMAP server if configured, else its local Maildir/mbox."""
    if account.imap is not None:
        from mailtui.backends.imap import backend as imap

        return imap.ImapBackend.from_account(account, transcript)
    if not account.maildir:
        raise ConfigError(
            f"account {account.name!r} has no mailbox: set `imap` or `maildir` in its section.",
            title="No mailbox configured",
        )
    return open_backend(account.maildir, account=account)
