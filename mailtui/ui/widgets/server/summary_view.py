"""The Summary tab: the log's counts (as pflogsumm counts them), the per-hour volume and deferrals
as bar plots, the top deferral and rejection reasons explained, tops and timed-out recipients.

`server.summary.summarize` runs on a thread worker over an optional time window typed as
`FROM [.. UNTIL]` (ISO dates and times, as the CLI's --since/--until).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from mailtui.core.errors import EX_USAGE, MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.server.summary import Summary, sparkline, summarize
from mailtui.ui.widgets.server.lines import Lines

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.ui.screens.server.source import ServerSource

MAX_HOURS = 24 * 62  # the plot covers at most two months of hours; the counts cover the window

PLOTS = ("received", "delivered", "deferred")


def plot_labels() -> dict[str, str]:
    """Each plot's label in the current language, by its key in `Summary.per_hour`."""
    return {"received": tr("received"), "delivered": tr("delivered"), "deferred": tr("deferred")}


@dataclass
class SummaryReady(Message):
    """The summary of the log over the window, or why there is none."""

    summary: Summary | None
    error: MailtuiError | None


def parse_window(text: str) -> tuple[datetime | None, datetime | None]:
    """`FROM [.. UNTIL]` (either may be empty) as datetimes; a bad time is a MailtuiError."""
    since_text, _, until_text = text.partition("..")
    out: list[datetime | None] = []
    for part in (since_text.strip(), until_text.strip()):
        if not part:
            out.append(None)
            continue
        try:
            out.append(datetime.fromisoformat(part))
        except ValueError:
            raise MailtuiError(
                tr("{text} is not a time (YYYY-MM-DD[ HH:MM[:SS]])", text=repr(part)),
                title="Bad time",
                exit_code=EX_USAGE,
            ) from None
    return out[0], out[1]


def hourly(summary: Summary, key: str) -> list[float]:
    """`key` per hour from the first to the last hour of the log, hours without mail as 0."""
    if not summary.per_hour:
        return []
    hours = sorted(summary.per_hour)
    start = datetime.strptime(hours[0], "%Y-%m-%d %H:%M")
    end = datetime.strptime(hours[-1], "%Y-%m-%d %H:%M")
    start = max(start, end - timedelta(hours=MAX_HOURS - 1))
    out: list[float] = []
    hour = start
    while hour <= end:
        out.append(float(summary.per_hour.get(f"{hour:%Y-%m-%d %H}:00", {}).get(key, 0)))
        hour += timedelta(hours=1)
    return out


def counts_text(s: Summary) -> Text:
    """The window and its counts, one per line; the counts right-aligned in one column (the
    labels of each language are of one width, so the numbers line up)."""
    text = Text()
    text.append(
        f"{s.first} .. {s.last}\n" if s.first else tr("(no mail lines in this window)") + "\n", style="bold"
    )
    rows = [
        tr("received  {count}   ({size} bytes)", count=f"{s.received:>7}", size=s.bytes_received),
        tr("delivered {count}   ({size} bytes)", count=f"{s.delivered:>7}", size=s.bytes_delivered),
        tr("deferred  {count}   ({deferrals} deferrals)", count=f"{s.deferred:>7}", deferrals=s.deferrals),
        tr("bounced   {count}", count=f"{s.bounced:>7}"),
        tr("rejected  {count}", count=f"{s.rejected:>7}"),
    ]
    if s.expired:
        rows.append(tr("expired   {count}", count=f"{s.expired:>7}"))
    text.append("\n".join("  " + row for row in rows))
    return text


def details_text(s: Summary) -> Lines:
    """Reasons explained first (what an admin acts on), then the tops and timed-out recipients."""
    out = Lines()
    for title, reasons in (
        (tr("Deferral reasons"), s.deferral_reasons),
        (tr("Rejection reasons"), s.rejection_reasons),
    ):
        if reasons:
            out.add(title, style="bold")
            for r in reasons:
                out.add(f"{r.count:>5}  {r.code}  {clean_line(r.text)}", 2)
                if r.explanation:
                    out.add(f"=> {clean_line(r.explanation)}", 9)
    if s.timed_out:
        out.add(tr("Timed out: {hosts}", hosts=", ".join(clean_line(a) for a in s.timed_out)))
    for title, rows in (
        (tr("Top senders"), s.top_senders),
        (tr("Top recipients"), s.top_recipients),
        (tr("Top destination domains"), s.top_domains),
    ):
        if rows:
            out.add(title, style="bold")
            for name, n in rows:
                out.add(f"{n:>5}  {clean_line(name)}", 2)
    return out


class HourlyPlot(Static):
    """Per-hour counts as one row of bars from 0 to the peak (an empty hour is a blank).

    Textual's `Sparkline` scales from the smallest value to the largest, so a steady or a
    one-hour log would look like a full bar; counts need 0 as the baseline. Wider than the
    plot, neighbouring hours share a column, which shows their maximum.
    """

    DEFAULT_CSS = """
    HourlyPlot { width: 1fr; height: 1; color: $accent; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(Text(""), markup=False, id=id)
        self.values: list[float] = []

    def set_values(self, values: list[float]) -> None:
        self.values = values
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = max(self.size.width, 1)
        per = max(1, -(-len(self.values) // width))  # hours per column, rounded up
        columns = [int(max(self.values[i : i + per])) for i in range(0, len(self.values), per)]
        self.update(Text(sparkline(columns) if columns else ""))


class SummaryView(VerticalScroll):
    """Window input, counts, sparklines, reasons."""

    DEFAULT_CSS = """
    SummaryView { padding: 0 1; }
    SummaryView .plot { height: 1; }
    SummaryView .plot-label { width: 13; color: $text-muted; }
    SummaryView .plot-peak { width: 10; color: $text-muted; }
    SummaryView #summary-hours { color: $text-muted; height: 1; }
    """

    def __init__(self, source: ServerSource, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.source = source
        self.summary: Summary | None = None
        self.loaded_once = False

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder=tr(
                "time window (optional): {example}", example="2026-12-01 20:00 .. 2026-12-01 22:00"
            ),
            id="summary-window",
        )
        yield Static(Text(tr("Reading the log…")), id="summary-counts", markup=False)
        yield Static(Text(""), id="summary-hours", markup=False)
        for key, label in plot_labels().items():
            with Horizontal(classes="plot"):
                yield Static(Text(tr("{label}/h", label=label)), classes="plot-label", markup=False)
                yield HourlyPlot(id=f"plot-{key}")
                yield Static(Text(""), id=f"peak-{key}", classes="plot-peak", markup=False)
        yield Static(Text(""), id="summary-details", markup=False)

    def reload(self) -> None:
        """Summarize the log again over the window typed."""
        try:
            since, until = parse_window(self.query_one("#summary-window", Input).value)
        except MailtuiError as exc:
            self.query_one("#summary-counts", Static).update(
                Text(tr("{title}: {message}", title=exc.title, message=exc.message), style="bold")
            )
            return
        self.loaded_once = True
        self._summarize(since, until)

    @on(Input.Submitted, "#summary-window")
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.reload()

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False)
    def _summarize(self, since: datetime | None, until: datetime | None) -> None:
        try:
            self.post_message(SummaryReady(summarize(self.source.events(), since, until), None))
        except MailtuiError as exc:
            self.post_message(SummaryReady(None, exc))

    @on(SummaryReady)
    def _on_ready(self, message: SummaryReady) -> None:
        message.stop()
        counts = self.query_one("#summary-counts", Static)
        if message.error is not None or message.summary is None:
            error = message.error
            why = (
                tr("{title}: {message}", title=error.title, message=error.message)
                if error
                else tr("no summary")
            )
            counts.update(Text(why, style="bold"))
            return
        s = self.summary = message.summary
        counts.update(counts_text(s))
        hours = sorted(s.per_hour)
        span = tr("per hour, {first} .. {last}", first=hours[0], last=hours[-1]) if hours else tr("no hours")
        self.query_one("#summary-hours", Static).update(Text(span))
        for key in PLOTS:
            values = hourly(s, key)
            self.query_one(f"#plot-{key}", HourlyPlot).set_values(values)
            self.query_one(f"#peak-{key}", Static).update(
                Text(tr(" peak {count}", count=int(max(values, default=0))))
            )
        self.query_one("#summary-details", Static).update(details_text(s).render())
