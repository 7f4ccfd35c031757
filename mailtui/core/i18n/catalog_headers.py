"""Chinese for the header inspector: its advice and verdict sentences."""

from __future__ import annotations

CATALOG: dict[str, str] = {}
