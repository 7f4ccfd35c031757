"""The pager's verdicts (V): DKIM, ARC, SPF and DMARC verified here, beside the server's results.

`compute_verdicts` is what the screen's thread worker runs (every check asks DNS, which
blocks: never on the event loop), with the config's `[diagnostics] dns_server` and
`trusted_hosts` and `[ui] trusted_authserv_ids`. It returns `format_text(report)`, plain
text the Pager draws as Segments, never parsed as markup: domains, selectors and HELO
names in it come from the mail. Lines starting with "!" are disagreements with the
receiving server; `VerdictsComputed` carries the text back to the screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from mailtui.config import Config
from mailtui.core.errors import MailtuiError
from mailtui.core.models import MessageRef
from mailtui.core.sanitize import clean_line

VERIFY_TIMEOUT = 3.0  # seconds per DNS query, as `mailtui verify`


def verifying_text(config: Config) -> str:
    """What the pager shows while the worker runs."""
    server = config.diagnostics.dns_server or "the system resolver"
    return f"Verifying DKIM, ARC, SPF, DMARC and PGP/S/MIME signatures here (DNS: {clean_line(server)})…"


def compute_verdicts(config: Config, raw: bytes) -> str:
    """The verdicts of `raw` as text; a setting that cannot be used (dns_server) says so instead."""
    from mailtui.diagnostics.verdicts.report import format_text, verify_message

    try:
        report = verify_message(
            raw,
            config.diagnostics.dns_server,
            trusted_hosts=config.diagnostics.trusted_hosts,
            trusted_authserv_ids=config.ui.trusted_authserv_ids,
            timeout=VERIFY_TIMEOUT,
        )
    except MailtuiError as exc:
        return f"Could not verify: {exc.title}: {clean_line(exc.message)}"
    return format_text(report)


@dataclass
class VerdictsComputed(Message):
    """The worker verified the message `ref` of `folder` (dropped if another one is shown now)."""

    folder: str
    ref: MessageRef
    text: str
