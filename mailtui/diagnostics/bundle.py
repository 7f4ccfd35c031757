"""The diagnostic bundle: one text file an admin can attach to a ticket.

It gathers what the session learned: the versions of mailtui, Python, the OS and the key
libraries; the effective config (secrets masked); the last SMTP/IMAP probe reports
(capabilities before and after TLS, the TLS session and certificate, each step); the DNS
checks run; the header section of the message that was open or last inspected; the
outbox (each queued message, its attempts and the relay's last reply); the transcript.
Addresses can be replaced by stable tokens (`redact_addresses`). Transcript lines are
masked when they are recorded; the whole bundle gets a final masking pass before it is
written, with every secret the transcript registered and every password the accounts'
config can produce (`credentials.configured_secrets`: asked each time, so a bundle saved
before the first login is masked too), so a password that slipped into a header, a message or a probe note is caught.
"""

from __future__ import annotations

import datetime
import os
import platform
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from mailtui.config import AccountConfig, Config
from mailtui.core.errors import EX_IOERR, MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.message.header_block import split_message
from mailtui.core.sanitize import clean_line
from mailtui.core.transcript import MASK, Transcript, TranscriptLine, secret_forms
from mailtui.credentials import configured_secrets
from mailtui.diagnostics.imap_probe import ImapProbeResult
from mailtui.diagnostics.report import render_imap, render_smtp
from mailtui.diagnostics.smtp_probe import SmtpProbeResult
from mailtui.paths import data_dir
from mailtui.sending.outbox import QueuedMessage

# The distributions whose versions explain most behaviour differences between two machines.
LIBRARIES = ("textual", "rich", "imapclient", "aiosmtplib", "dnspython", "cryptography", "dkimpy", "keyring")

# Header fields that may carry credentials of their own (never useful in a support ticket).
_SECRET_HEADERS = re.compile(r"^(authorization|x-[a-z-]*(token|password|secret)[a-z-]*)\s*:", re.IGNORECASE)


class BundleError(MailtuiError):
    """The bundle file could not be written."""

    title = "Bundle not saved"
    exit_code = EX_IOERR


def header_section(raw: bytes) -> list[str]:
    """The header lines of a raw message (folded lines kept), cleaned of control characters."""
    head, _body = split_message(raw)
    lines = head.decode("utf-8", "replace").splitlines()
    out: list[str] = []
    hiding = False
    for line in lines:
        if line[:1] in (" ", "\t"):  # a folded continuation of the field above
            if not hiding:
                out.append("    " + clean_line(line))  # keep the fold visible
            continue
        hiding = bool(_SECRET_HEADERS.match(line))
        name = line.split(":", 1)[0]
        out.append(f"{clean_line(name)}: {MASK}" if hiding else clean_line(line))
    return out


def versions_section() -> list[str]:
    """mailtui, Python, the OS and the key libraries, one `name: version` line each."""
    from importlib import metadata

    from mailtui import __version__

    out = [
        f"mailtui: {__version__}",
        f"Python: {sys.version.split()[0]} ({platform.python_implementation()})",
    ]
    out.append(f"OS: {platform.platform()}")
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = tr("(not installed)")
        out.append(f"{name}: {version}")
    return out


def config_section(config: Config | None) -> list[str]:
    """The effective config as TOML, inline passwords masked (as `mailtui config check` shows it)."""
    if config is None:
        return [tr("(no config given)")]
    from mailtui.config.show import format_config

    return [clean_line(line) for line in format_config(config).splitlines()]


def read_outbox() -> list[QueuedMessage] | str:
    """The queued messages, or why the outbox could not be read (said in the bundle)."""
    from mailtui.sending.outbox import Outbox, OutboxError

    try:
        return Outbox().list()
    except OutboxError as exc:
        return tr("(the outbox could not be read: {error})", error=exc.message)


def outbox_section(outbox: Sequence[QueuedMessage] | str | None) -> list[str]:
    """Each queued message: id, sender, recipients, attempts, next try and the relay's last reply."""
    if outbox is None:
        return [tr("(outbox not read)")]
    if isinstance(outbox, str):
        return [outbox]
    if not outbox:
        return [tr("(the outbox is empty)")]
    out: list[str] = []
    for item in outbox:
        if item.in_flight:
            state = tr("being sent now")
        elif item.interrupted:
            state = tr("interrupted (the sending process died before the relay's answer)")
        elif item.next_attempt is None:
            state = tr("held (permanent failure; retry by hand)")
        else:
            stamp = datetime.datetime.fromtimestamp(item.next_attempt, datetime.UTC)
            state = tr("next try {when}", when=stamp.strftime("%Y-%m-%d %H:%M:%S UTC"))
        recipients = clean_line(", ".join(item.recipients))
        out += [
            clean_line(item.id) + "  " + tr("account {account}", account=clean_line(item.account)),
            "  " + tr("from {sender} to {recipients}", sender=clean_line(item.sender), recipients=recipients),
            "  " + tr("subject: {subject}", subject=clean_line(item.subject)),
            "  " + tr("attempts: {attempts}, {state}", attempts=item.attempts, state=state),
            "  " + tr("last reply: {reply}", reply=clean_line(item.last_error) or tr("(none yet)")),
        ]
    return out


_ADDRESS = re.compile(r"(?<![\w.%+-])([\w.%+-]+)@((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})(?![A-Za-z0-9-])")


def redact_addresses(text: str) -> str:
    """`text` with each email address replaced by a stable token (`user1@domain1.invalid`):
    the same address (any case) gets the same token everywhere, the same domain the same
    `domainN.invalid`, and those domains are replaced where they stand alone too (host
    names in Received lines, EHLO names, the config's hosts)."""
    users: dict[str, str] = {}
    domains: dict[str, str] = {}

    def domain_token(domain: str) -> str:
        return domains.setdefault(domain.lower(), f"domain{len(domains) + 1}.invalid")

    def address(match: re.Match[str]) -> str:
        key = match.group(0).lower()
        dom = domain_token(match.group(2))
        return users.setdefault(key, f"user{len(users) + 1}@{dom}")

    text = _ADDRESS.sub(address, text)
    for domain in sorted(domains, key=len, reverse=True):
        bare = re.compile(rf"(?<![A-Za-z0-9-]){re.escape(domain)}(?![A-Za-z0-9-])", re.IGNORECASE)
        text = bare.sub(domains[domain], text)
    return text


def _title(name: str) -> str:
    return "=" * 20 + f" {name} " + "=" * 20


def mask_all(
    text: str,
    transcript: Transcript | None,
    extra_secrets: Sequence[str] = (),
    user_secrets: Sequence[tuple[str, str | None]] = (),
) -> str:
    """Mask every registered secret, `extra_secrets` and `user_secrets` (secret, login user) in
    all their wire forms (plain, base64, the AUTH PLAIN blob) in `text`."""
    if transcript is not None:
        text = transcript.mask(text)
    forms = {f for s in extra_secrets for f in secret_forms(s)}
    forms |= {f for s, user in user_secrets for f in secret_forms(s, user)}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text


def build_bundle(
    *,
    transcript: Transcript | None,
    lines: Sequence[TranscriptLine] | None = None,
    smtp: SmtpProbeResult | None = None,
    imap: ImapProbeResult | None = None,
    raw_message: bytes | None = None,
    extra_secrets: Sequence[str] = (),
    accounts: Sequence[AccountConfig] = (),
    now: datetime.datetime | None = None,
    config: Config | None = None,
    outbox: Sequence[QueuedMessage] | str | None = None,
    inspected: bytes | None = None,
    dns_reports: Sequence[tuple[str, str]] = (),
    redact: bool = False,
) -> str:
    """The bundle text; `lines` defaults to the whole transcript. Every secret is masked:

    the transcript's, `extra_secrets`, and every password the config of `accounts` can
    produce (password_command is run, as a login would; nothing prompts). `outbox` is the
    queue as `read_outbox` gives it (None: not read); `inspected` the message last shown by
    the header inspector (used when no message is open); `dns_reports` (domain, report text).
    With `redact`, every address is replaced by a stable token (`redact_addresses`).
    """
    secrets = configured_secrets(accounts) if accounts else []
    names = {a.name for a in accounts}
    stamp = (now or datetime.datetime.now(datetime.UTC)).strftime("%Y-%m-%d %H:%M:%S UTC")
    out = [tr("mailtui diagnostic bundle, {stamp}", stamp=stamp), _masked_note(len(secrets), len(names)), ""]
    out += [_title(tr("Versions")), *versions_section(), ""]
    out += [_title(tr("Config (secrets masked)")), *config_section(config), ""]
    out += [_title(tr("SMTP probe"))]
    out += [render_smtp(smtp, transcript=False) if smtp is not None else tr("(no SMTP probe was run)"), ""]
    out += [_title(tr("IMAP probe"))]
    out += [render_imap(imap, transcript=False) if imap is not None else tr("(no IMAP probe was run)"), ""]
    out += [_title(tr("DNS checks"))]
    for domain, report in dns_reports:
        out += [f"--- {clean_line(domain)}", *(clean_line(line) for line in report.splitlines()), ""]
    if not dns_reports:
        out += [tr("(no DNS check was run)"), ""]
    if raw_message is not None:
        out += [_title(tr("Headers of the open message")), *header_section(raw_message), ""]
    elif inspected is not None:
        out += [_title(tr("Headers of the message last inspected (H)")), *header_section(inspected), ""]
    else:
        out += [_title(tr("Headers of the open message")), tr("(no message was open or inspected)"), ""]
    out += [_title(tr("Outbox")), *outbox_section(outbox), ""]
    out += [_title(tr("Transcript"))]
    if transcript is not None and lines is None:
        lines = transcript.lines()
    out += [clean_line(line.format()) for line in lines or ()] or [tr("(empty)")]
    if redact:
        out[1] += tr(" Addresses are redacted: each one is a stable token (userN at domainN.invalid).")
    text = mask_all("\n".join(out) + "\n", transcript, extra_secrets, secrets)
    return redact_addresses(text) if redact else text


def _masked_note(secrets: int, accounts: int) -> str:
    """The bundle's second line: what was masked (`accounts` 0: no account config given)."""
    if not accounts:
        return tr("Secrets (passwords, tokens) are masked as ********.")
    return tr(
        "Secrets (passwords, tokens) are masked as ********: {secrets} of {accounts} (password_command, "
        "password_env, inline, keyring), and those used in this session.",
        secrets=tr("{count} configured secret", count=secrets)
        if secrets == 1
        else tr("{count} configured secrets", count=secrets),
        accounts=tr("{count} account", count=accounts)
        if accounts == 1
        else tr("{count} accounts", count=accounts),
    )


def default_directory() -> Path:
    """Where bundles and saved transcripts go: the data dir's `diagnostics/`."""
    return data_dir() / "diagnostics"


def write_text(text: str, prefix: str, directory: Path | None = None) -> Path:
    """Write `text` to DIRECTORY/PREFIX-YYYYmmdd-HHMMSS.txt (mode 0600); returns the path."""
    folder = directory or default_directory()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{prefix}-{stamp}.txt"
        n = 1
        while path.exists():  # two saves within a second: keep both
            n += 1
            path = folder / f"{prefix}-{stamp}-{n}.txt"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        raise BundleError(
            tr(
                "cannot write to {folder}: {why}; check the directory's permissions or free space "
                "(XDG_DATA_HOME decides where it is)",
                folder=folder,
                why=exc.strerror or exc,
            )
        ) from None
    return path
