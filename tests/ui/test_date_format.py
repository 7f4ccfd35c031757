"""Issue 15: the index's date column takes a format ([ui] date_format, as mutt's date_format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.config import load_config
from mailtui.config.toml_lines import InvalidConfigError
from mailtui.ui.widgets.index.cells import date_width, format_date
from mailtui.ui.widgets.index.message_index import MessageIndex
from tests.ui.conftest import BASE_TIME, make_app, make_maildir, settle, wait_until


def test_format_date_pads_to_the_formats_width() -> None:
    assert format_date(BASE_TIME, "%Y-%m-%d").count("-") == 2 and len(format_date(BASE_TIME)) == 10
    assert len(format_date(BASE_TIME, "%d %b %H:%M")) == date_width("%d %b %H:%M") == 12
    assert format_date(None, "%d %b %H:%M") == "?" * 12


async def test_the_index_draws_dates_in_the_configured_format(tmp_path: Path) -> None:
    app = make_app(make_maildir(tmp_path / "Mail"), date_format="%d %b %H:%M")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        index = app.screen.query_one(MessageIndex)
        await wait_until(pilot, lambda: index.row_count > 0 and "…" not in index.row_text(0), what="the rows")
        env = index.envelope(index.rows[0].key)
        assert env is not None
        assert format_date(env.sort_date, "%d %b %H:%M") in index.row_text(0)
        assert format_date(env.sort_date, "%Y-%m-%d") not in index.row_text(0)


def test_the_config_key_is_checked(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[ui]\ndate_format = "%d.%m. %H:%M"\n')
    assert load_config(config).ui.date_format == "%d.%m. %H:%M"
    config.write_text('[ui]\ndate_format = "%Y %Y %Y %Y %Y %Y %Y"\n')
    with pytest.raises(InvalidConfigError, match="ui.date_format"):
        load_config(config)
