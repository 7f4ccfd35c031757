"""Issue 15: an index row cut at the edge says so with "…" (wide characters counted as two cells)."""

from __future__ import annotations

from rich.cells import cell_len

from mailtui.ui.widgets.index.cells import FLAG_WIDTH, row_line


def test_a_long_subject_and_sender_end_in_an_ellipsis_and_fill_the_width() -> None:
    line = row_line(" " * FLAG_WIDTH, "2026-12-01", "Salvatore Bonaccorso-Long", "x" * 200, "1.2K", 80)
    assert cell_len(line) == 80
    assert " Salvatore Bonac… x" in line  # 16 cells under 90 columns, the last one "…"
    assert line.endswith("x…  1.2K")


def test_wide_characters_are_cut_on_a_cell_boundary() -> None:
    line = row_line(" " * FLAG_WIDTH, "2026-12-01", "监控中心", "关于数据库备份失败的报告" * 4, "666", 60)
    assert cell_len(line) == 60
    assert "…" in line and "\ufffd" not in line


def test_what_fits_is_not_marked() -> None:
    line = row_line(" " * FLAG_WIDTH, "2026-12-01", "Bob", "disk full", "1K", 100)
    assert "…" not in line and cell_len(line) == 100
