"""Admin-facing sentences in the configured language: `tr(msgid, **values)`.

A msgid is the English template with `{named}` placeholders; the catalogs (one per area:
`catalog_probe`, `catalog_send`, `catalog_headers`, `catalog_verdicts`,
`catalog_verdict_reasons`, `catalog_errors`, `catalog_relay`,
`catalog_probe_console`, `catalog_queue_usage`) map it to its Chinese template. The
language is set once at start (`--lang`, else `ui.language`) by the CLI and the app;
`tr` then formats in it. A msgid without a Chinese entry falls back to English (the test
suite makes sure there is none: every literal passed to `tr` is in a catalog).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from mailtui.core.i18n.catalog_errors import CATALOG as _ERRORS
from mailtui.core.i18n.catalog_headers import CATALOG as _HEADERS
from mailtui.core.i18n.catalog_probe import CATALOG as _PROBE
from mailtui.core.i18n.catalog_probe_console import CATALOG as _CONSOLE
from mailtui.core.i18n.catalog_queue_usage import CATALOG as _QUEUE
from mailtui.core.i18n.catalog_relay import CATALOG as _RELAY
from mailtui.core.i18n.catalog_send import CATALOG as _SEND
from mailtui.core.i18n.catalog_verdict_reasons import CATALOG as _REASONS
from mailtui.core.i18n.catalog_verdicts import CATALOG as _VERDICTS

Language = Literal["en", "zh"]

CATALOG: dict[str, str] = {
    **_PROBE,
    **_SEND,
    **_HEADERS,
    **_VERDICTS,
    **_REASONS,
    **_ERRORS,
    **_RELAY,
    **_CONSOLE,
    **_QUEUE,
}

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
    template = CATALOG.get(msgid, msgid) if _current[0] == "zh" else msgid
    return template.format(**values)
