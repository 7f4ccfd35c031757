"""Chinese for transcript step notes (sending.smtp, diagnostics.imap_probe), the message view's date note, config titles."""

from __future__ import annotations

CATALOG: dict[str, str] = {}
