"""A one-line progress bar for long folder jobs (bulk delete/move/flag, sort, threads)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

if TYPE_CHECKING:
    from textual.app import ComposeResult


class JobProgress(Horizontal):
    """`label  [#####-----]  n/total`; the screen mounts it while a job runs."""

    DEFAULT_CSS = """
    JobProgress {
        height: 1;
        background: $panel;
        padding: 0 1;
        & > Label { width: auto; margin-right: 1; }
    }
    """

    def __init__(self, label: str, total: int, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._label = label
        self._total = total
        self._done = 0

    def compose(self) -> ComposeResult:
        yield Label(self._label, markup=False)
        yield ProgressBar(total=max(self._total, 1), show_eta=False)

    def on_mount(self) -> None:
        self._show()

    def update_progress(self, label: str, done: int, total: int) -> None:
        """Show `done` of `total` under `label` (mail text never reaches here: no markup)."""
        self._label, self._done, self._total = label, done, total
        if self.is_mounted:
            self._show()

    def _show(self) -> None:
        labels = self.query(Label)
        bars = self.query(ProgressBar)
        if labels and bars:  # children are composed after this widget mounts
            labels.first().update(self._label)
            bars.first().update(total=max(self._total, 1), progress=self._done)
