"""Admin-facing sentences in the configured language: `tr(msgid, **values)`.

A msgid is the English template with `{named}` placeholders; the catalogs (one per area:
`catalog_probe`, `catalog_send`, `catalog_headers`, `catalog_verdicts`,
`catalog_verdict_reasons`, `catalog_errors`, `catalog_relay`,
`catalog_probe_console`, `catalog_queue_usage`, `catalog_dns`, `catalog_diagnostics`,
`catalog_notes`, `catalog_server`) map it to its Chinese template. The
language is set once at start (`--lang`, else `ui.language`) by the CLI and the app;
`tr` then formats in it. A msgid without a Chinese entry falls back to English (the test
suite makes sure there is none: every literal passed to `tr` is in a catalog).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

Language = Literal["en", "zh"]

_loaded: dict[str, str] = {}


def catalog() -> dict[str, str]:
    """Every msgid with its Chinese template; imported on first use (English never needs it,
    so `mailtui --help` and an English start load no catalog)."""
    if not _loaded:
        from mailtui.core.i18n import (
            catalog_diagnostics,
            catalog_dns,
            catalog_errors,
            catalog_headers,
            catalog_notes,
            catalog_probe,
            catalog_probe_console,
            catalog_queue_usage,
            catalog_relay,
            catalog_send,
            catalog_server,
            catalog_verdict_reasons,
            catalog_verdicts,
        )

        for part in (
            catalog_probe, catalog_send, catalog_headers, catalog_verdicts, catalog_verdict_reasons,
            catalog_errors, catalog_relay, catalog_probe_console, catalog_queue_usage,
            catalog_dns, catalog_diagnostics, catalog_notes, catalog_server,
        ):  # fmt: skip
            _loaded.update(part.CATALOG)
    return _loaded


_current: list[Language] = ["en"]


def set_language(lang: str | None) -> None:
    """Use `lang` from now on ("zh"; anything else is English)."""
    _current[0] = "zh" if (lang or "").lower().startswith("zh") else "en"


def current_language() -> Language:
    """The language `tr` formats in."""
    return _current[0]


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Use `lang` inside the block (JSON for scripts is built in English), then the previous one."""
    before = _current[0]
    set_language(lang)
    try:
        yield
    finally:
        _current[0] = before


def tr(msgid: str, /, **values: object) -> str:
    """`msgid` in the current language, its `{placeholders}` filled from `values`."""
    template = catalog().get(msgid, msgid) if _current[0] == "zh" else msgid
    return template.format(**values)
