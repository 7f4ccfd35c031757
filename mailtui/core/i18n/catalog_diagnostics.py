"""Chinese for the bundle, TLS verify advice, the verdict report's lines and the Authentication-Results notes."""

from __future__ import annotations

CATALOG: dict[str, str] = {}
