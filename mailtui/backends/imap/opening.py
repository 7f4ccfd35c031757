"""Opening an IMAP backend from a URL (`mailtui -f imaps://user@host/FOLDER`), options filled
from the account's [imap] table where it has one."""

from __future__ import annotations

from mailtui.backends.imap.backend import ImapBackend
from mailtui.backends.imap.header_cache import open_header_cache
from mailtui.backends.imap.offline import default_queue_path
from mailtui.backends.imap.settings import settings_from_server
from mailtui.backends.imap.url import parse_imap_url
from mailtui.backends.imap.watch import IDLE_RENEW
from mailtui.config import TLS_MODES, AccountConfig, TLSMode, server_config
from mailtui.core.errors import ConfigError
from mailtui.core.transcript import Transcript


def open_url(
    url: str,
    *,
    account: AccountConfig | None = None,
    transcript: Transcript | None = None,
    password: str | None = None,
    tls: str | None = None,
    ca_file: str | None = None,
    allow_plaintext_auth: bool = False,
    tls_verify: bool | None = None,
    timeout: float | None = None,
    connect: bool = True,
    cache: bool = True,
    prompt: bool = False,
    idle_renew: float = IDLE_RENEW,
) -> ImapBackend:
    """Open `imaps://user@host[:port]/FOLDER` (implicit TLS) or `imap://...` (STARTTLS).

    `tls` overrides the scheme ("ssl", "starttls", "none"); plaintext logins also need
    `allow_plaintext_auth`. Options not given come from `account.imap` when present.
    The password comes from `password`, else the account's sources, else $MAILTUI_PASSWORD
    (or a terminal prompt when `prompt=True`: only before the UI runs). Headers are cached
    in the XDG cache dir unless `cache=False`; changes made while offline are queued in the
    XDG data dir. `idle_renew` is the IDLE re-issue interval in seconds. Connects and logs in before returning.
    """
    from mailtui import credentials

    parsed = parse_imap_url(url)
    server = account.imap if account is not None else None
    mode = tls
    if mode is None:
        mode = parsed.default_tls
        if parsed.scheme == "imap" and server is not None and server.tls == "none":
            mode = "none"  # the account deliberately configured plaintext for this server
    if mode not in TLS_MODES:
        raise ConfigError(f"unknown TLS mode {mode!r} for {url}: use ssl, starttls or none")
    tls_mode: TLSMode = mode
    settings = settings_from_server(
        server_config(
            "imap",
            parsed.host,
            parsed.port,
            tls=tls_mode,
            account=account.name if account is not None else "",
            user=parsed.user,
            tls_verify=tls_verify if tls_verify is not None else (server.tls_verify if server else True),
            ca_file=ca_file or (server.ca_file if server else None),
            allow_plaintext_auth=allow_plaintext_auth or bool(server and server.allow_plaintext_auth),
            timeout=timeout or (server.timeout if server else None),
        )
    )
    if password is None:
        if server is not None:
            password = credentials.get_password(server)
        else:
            # No prompt unless asked: from a UI worker thread getpass would wreck the screen.
            password = credentials.password_for_adhoc(f"IMAP {parsed.label}", prompt=prompt)
    backend = ImapBackend(
        settings,
        password,
        transcript=transcript,
        account=account,
        default_folder=parsed.folder or "INBOX",
        cache=open_header_cache(settings.label) if cache else None,
        queue_path=default_queue_path(settings.label),
        idle_renew=idle_renew,
    )
    if connect:
        backend.connect_or_close()
    return backend
