"""The README's exit-code table is the code's table, row for row."""

from __future__ import annotations

from pathlib import Path

from mailtui.core.exit_codes import exit_table_markdown

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_holds_the_same_table() -> None:
    assert exit_table_markdown() in README.read_text(encoding="utf-8")
