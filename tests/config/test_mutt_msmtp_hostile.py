"""Hostile or broken mutt and msmtp files: reading them never raises anything but ConfigError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mailtui.config.importer import import_setup
from mailtui.config.msmtp import read_msmtprc
from mailtui.config.mutt import read_muttrc
from mailtui.core.errors import ConfigError

WORDS = st.sampled_from(
    ["set", "unset", "source", "color", "index", "folder", "=", "+", "'", '"', "\\", "`", "$", ";", "#",
     "spoolfile", "imaps://h/", "no", "inv", "&", "?", "~", "account", "defaults", ":", ",", "host", "tls",
     "port", "x", "\t", " ", "\n"]
)  # fmt: skip
TEXT = st.lists(st.one_of(WORDS, st.text(max_size=4)), max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_any_muttrc_text_is_read_without_an_exception(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "muttrc"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        rc = read_muttrc(path)
        assert rc.files[0] == path
        import_setup(path, None)  # the mapping copes with whatever values came out


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_any_msmtprc_text_is_read_or_refused_with_a_config_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "msmtprc"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
        try:
            read_msmtprc(path)
            import_setup(None, path)
        except ConfigError as err:
            assert str(path) in err.message
