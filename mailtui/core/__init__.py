"""Pure, UI-free and I/O-free building blocks: bytes and str in, values out (stdlib only)."""
