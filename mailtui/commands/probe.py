"""`mailtui probe smtp|imap HOST`: test a relay or an IMAP server step by step, like swaks.

Prints a report (banner, capabilities before/after TLS, TLS and certificate, steps with
times and reply meanings, transcript, verdict), or JSON with --json. Exits 0 when the probe
reached its stage, else a sysexits code: 69 unavailable, 75 temporary, 76 protocol/TLS,
77 login refused, 64 usage. SMTP delivers a test message only with --quit-after data.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: the work is imported inside the handler
    from mailtui.config import ServerConfig
    from mailtui.diagnostics.smtp_probe import Stage

SMTP_STAGES = ("connect", "ehlo", "tls", "auth", "mail", "rcpt", "data")


def _common(parser: argparse.ArgumentParser, ports: str) -> None:
    parser.add_argument("host", nargs="?", help="server host name or address (or take it from --account)")
    parser.add_argument("--port", type=int, help=f"port (default by --tls: {ports})")
    parser.add_argument("--tls", choices=["ssl", "starttls", "none"], help="implicit TLS, STARTTLS, or none")
    parser.add_argument("--user", help="log in as NAME (password from $MAILTUI_PASSWORD or a prompt)")
    parser.add_argument("--ca-file", metavar="PEM", help="trust only this certificate / CA bundle")
    parser.add_argument(
        "--no-verify", action="store_true", help="do not verify the certificate (still shown)"
    )
    parser.add_argument(
        "--allow-plaintext-auth",
        action="store_true",
        help="allow a login without TLS (trusted networks only)",
    )
    parser.add_argument(
        "--account",
        dest="probe_account",
        metavar="NAME",
        help="take host, port, tls and user from this account",
    )
    parser.add_argument("--timeout", type=float, help="seconds to wait for each answer (default 30)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--no-transcript", action="store_true", help="leave the transcript out of the report")


def register(sub: argparse._SubParsersAction) -> None:
    from mailtui.core.exit_codes import exit_table_text

    parser = sub.add_parser(
        "probe", help="test an SMTP relay or IMAP server step by step (like swaks)",
        epilog=exit_table_text(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    kinds = parser.add_subparsers(dest="probe_kind", metavar="smtp|imap", required=True)
    smtp = kinds.add_parser(
        "smtp",
        help="connect, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA; stop after a stage",
        description="Probe an SMTP relay. Without --quit-after it stops after RCPT when --to is given, "
        "else after AUTH (with --user) or TLS. Only --quit-after data delivers a test message.",
        epilog=exit_table_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(smtp, "465 ssl, 587 starttls, 25 none")
    smtp.add_argument("--from", dest="sender", metavar="ADDR", help="MAIL FROM address")
    smtp.add_argument("--to", dest="recipient", metavar="ADDR", help="RCPT TO address")
    smtp.add_argument("--quit-after", choices=SMTP_STAGES, help="the last stage to run")
    smtp.add_argument("--ehlo", metavar="NAME", help="the name to send in EHLO (default: this host's FQDN)")
    imap = kinds.add_parser(
        "imap", help="greeting, CAPABILITY before/after TLS and login, LIST",
        epilog=exit_table_text(), formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    _common(imap, "993 ssl, 143 otherwise")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from mailtui.core.errors import EX_USAGE

    server = _server(args)
    if server is None:
        return EX_USAGE
    token = _oauth2_token(args, server)
    password = None if token is not None else _password(args, server)
    if args.probe_kind == "smtp":
        return _run_smtp(args, server, password, token)
    return _run_imap(args, server, password, token)


def _server(args: argparse.Namespace) -> ServerConfig | None:
    """The server to probe: from --account (flags override it), else from HOST and the flags."""
    import sys
    from dataclasses import replace

    from mailtui.commands.common import config_from_args
    from mailtui.config import server_config
    from mailtui.core.errors import ConfigError

    kind = args.probe_kind
    account_name = args.probe_account or getattr(args, "account", None)
    if not account_name:
        if not args.host:
            print(f"mailtui probe {kind}: give a HOST or --account NAME", file=sys.stderr)
            return None
        args.account_from = ""
        return server_config(
            kind, args.host, args.port, tls=args.tls, user=args.user or None, ca_file=args.ca_file or None,
            tls_verify=not args.no_verify, allow_plaintext_auth=args.allow_plaintext_auth,
            timeout=args.timeout or None,
        )  # fmt: skip
    account = config_from_args(args, required=True).account(account_name)
    server = account.smtp if kind == "smtp" else account.imap
    if server is None:
        raise ConfigError(f"account {account_name!r} has no [{kind}] server to probe")
    args.account_from = account.from_address
    # Each option given on the command line overrides the account's value; the rest are kept.
    return replace(
        server,
        host=args.host or server.host,
        tls=args.tls or server.tls,
        port=args.port or server.port,
        user=args.user or server.user,
        ca_file=args.ca_file or server.ca_file,
        tls_verify=False if args.no_verify else server.tls_verify,
        allow_plaintext_auth=True if args.allow_plaintext_auth else server.allow_plaintext_auth,
        timeout=args.timeout or server.timeout,
    )


def _password(args: argparse.Namespace, server: ServerConfig) -> str | None:
    from mailtui import credentials

    if not server.user or (server.kind == "smtp" and not server.auth):
        return None
    if server.tls == "none" and not server.allow_plaintext_auth:
        return None  # the probe refuses to send it anyway: do not ask for it
    if args.probe_account or getattr(args, "account", None):
        return credentials.get_password(server, prompt=True)
    return credentials.password_for_adhoc(f"{server.user}@{server.host}:{server.port}")


def _oauth2_token(args: argparse.Namespace, server: ServerConfig) -> str | None:
    """The access token of an account's oauth2_token_command (the probe logs in with it), else None."""
    from mailtui import credentials

    if not server.oauth2_token_command or not server.user or (server.kind == "smtp" and not server.auth):
        return None
    if server.tls == "none" and not server.allow_plaintext_auth:
        return None  # the probe refuses to send it anyway: do not run the command
    return credentials.get_oauth2_token(server)


def _default_sender(args: argparse.Namespace, user: str | None) -> str:
    import getpass
    import socket

    if args.sender:
        return args.sender
    if args.account_from:
        from email.utils import parseaddr

        return parseaddr(args.account_from)[1] or args.account_from  # "Name <addr>" -> addr
    if user and "@" in user:
        return user
    try:
        return f"{getpass.getuser()}@{socket.getfqdn()}"
    except (KeyError, OSError):
        return "postmaster@localhost"


def _run_smtp(
    args: argparse.Namespace, server: ServerConfig, password: str | None, token: str | None = None
) -> int:
    import asyncio

    from mailtui.diagnostics.report import render_smtp, to_json
    from mailtui.diagnostics.smtp_probe import SmtpProbeSession

    quit_after: Stage = args.quit_after or ("rcpt" if args.recipient else "auth" if server.user else "tls")
    session = SmtpProbeSession(
        server if server.auth else _without_user(server), password,
        sender=_default_sender(args, server.user), recipient=args.recipient or "",
        quit_after=quit_after, ehlo_hostname=args.ehlo, oauth2_token=token,
    )  # fmt: skip
    result = asyncio.run(session.run_to())
    print(to_json(result) if args.json else render_smtp(result, transcript=not args.no_transcript))
    return result.exit_code


def _without_user(server: ServerConfig) -> ServerConfig:
    """An account with auth = false: probe it without logging in."""
    from dataclasses import replace

    return replace(server, user=None)


def _run_imap(
    args: argparse.Namespace, server: ServerConfig, password: str | None, token: str | None = None
) -> int:
    from mailtui.diagnostics.imap_probe import ImapProbeSession
    from mailtui.diagnostics.report import render_imap, to_json

    result = ImapProbeSession(server, password, oauth2_token=token).run_to()
    print(to_json(result) if args.json else render_imap(result, transcript=not args.no_transcript))
    return result.exit_code
