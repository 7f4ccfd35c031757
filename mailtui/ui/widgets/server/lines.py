"""Indented plain-text lines for the server tabs: a wrapped line keeps its indent.

Log lines and explanations are long; wrapped at 80 columns, a continuation that starts at
column 0 hides the outline. Each line is a `Text` padded on the left, so Rich wraps it inside
its indent. Text only, never markup: log text may hold `[`.

Labels padded to a column are measured in terminal cells (`rich.cells.cell_len`), not
characters: a Chinese character takes two cells, so `str.ljust` would misalign them.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Group
from rich.padding import Padding
from rich.text import Text


def pad_cells(text: str, width: int, align: str = "<") -> str:
    """`text` padded with spaces to `width` terminal cells: "<" left, ">" right, "^" centred."""
    room = max(width - cell_len(text), 0)
    if align == ">":
        return " " * room + text
    if align == "^":
        return " " * (room // 2) + text + " " * (room - room // 2)
    return text + " " * room


class Lines:
    """Collects (indent, text, style) lines; `render()` gives one renderable for a Static."""

    def __init__(self) -> None:
        self._lines: list[tuple[int, Text]] = []

    def add(self, text: str | Text, indent: int = 0, style: str = "") -> Text:
        """Append a line (no newline in it); returns its Text so parts can be appended."""
        line = text if isinstance(text, Text) else Text(text, style=style)
        self._lines.append((indent, line))
        return line

    def render(self) -> Group:
        return Group(*(Padding(line, (0, 0, 0, indent)) if indent else line for indent, line in self._lines))

    @property
    def plain(self) -> str:
        """The lines unwrapped (for copying and tests)."""
        return "\n".join(" " * indent + line.plain for indent, line in self._lines)
