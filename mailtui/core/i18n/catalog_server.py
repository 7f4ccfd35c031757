"""Chinese for the mail-server screen and commands (server/, ui/screens/server, commands/server)."""

from __future__ import annotations

CATALOG: dict[str, str] = {}
