"""Chinese for the DNS checks' findings, fixes and errors (diagnostics.dns_*), the resolver hint."""

from __future__ import annotations

CATALOG: dict[str, str] = {}
