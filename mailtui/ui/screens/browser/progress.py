"""The progress bar of the browser's long jobs (ordering a whole folder, tagging, bulk actions).

Jobs post `JobProgressed`; the screen shows one bar above the status bar while they run
and removes it when the job's result arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen

from mailtui.ui.widgets.job_progress import JobProgress


@dataclass
class JobProgressed(Message):
    """A long job advanced: `done` of `total`."""

    label: str
    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, JobProgressed)


def show_progress(screen: Screen[None], message: JobProgressed) -> None:
    """Show (or advance) the bar, mounted above the status bar."""
    try:
        bar = screen.query_one("#job-progress", JobProgress)
    except NoMatches:
        bar = JobProgress(message.label, message.total, id="job-progress")
        try:
            screen.mount(bar, before=screen.query_one("#status"))
        except NoMatches:
            screen.mount(bar)
    bar.update_progress(message.label, message.done, message.total)


def remove_progress(screen: Screen[None]) -> None:
    """Take the bar away (the job finished or was replaced)."""
    for bar in screen.query("#job-progress"):
        bar.remove()
