"""The Trace tab: a queue id, Message-ID or address in, each message's timeline out.

The log is read and traced on a thread worker (`server.trace`); the timeline is drawn as plain
`Text` (log lines may hold `[`: never markup), every recipient's reply and delays explained.
ctrl+f follows the message: the log is traced again every second until each timeline has its
final status (sent, bounced, expired) and left the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from mailtui.core.errors import MailtuiError
from mailtui.core.sanitize import clean_line
from mailtui.server.trace import Trace, trace
from mailtui.ui.widgets.server.lines import Lines

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.ui.screens.server.source import ServerSource

FOLLOW_SECONDS = 1.0
# Emphasis only: colours come from the theme (CSS), never from here.
STATUS_STYLE = {"sent": "bold", "bounced": "bold underline", "expired": "bold underline", "deferred": "bold"}


@dataclass
class TraceFound(Message):
    """A trace of `query` in the log, or why the log could not be read."""

    query: str
    result: Trace | None
    error: MailtuiError | None


def trace_text(result: Trace) -> Lines:
    """The timelines and SMTP rejects as plain lines, explanations on their own (indented) lines."""
    out = Lines()
    if not result.timelines and not result.rejects:
        out.add(f"Nothing in the log matches {result.query!r}.")
        return out
    for tl in result.timelines:
        head = out.add(f"message {' -> '.join(tl.queue_ids)} ({tl.mta}): ", style="bold")
        head.append(tl.status + (" (final)" if tl.final else ""), style=STATUS_STYLE.get(tl.status, "bold"))
        facts = [f"Message-ID <{clean_line(tl.message_id)}>" if tl.message_id else ""]
        facts += [f"from <{clean_line(tl.sender)}>" if tl.sender or tl.size is not None else ""]
        facts += [f"{tl.size} bytes" if tl.size is not None else ""]
        facts += [f"client {clean_line(tl.client)}" if tl.client else ""]
        if any(facts):
            out.add(", ".join(f for f in facts if f), 2)
        for r in tl.recipients:
            line = out.add(f"to <{clean_line(r.address)}> ", 2)
            line.append(r.status or "attempt", style=STATUS_STYLE.get(r.status, ""))
            details = [f"dsn {r.dsn}" if r.dsn else "", f"via {clean_line(r.relay)}" if r.relay else ""]
            details += [f"queue id {r.queue_id}"]
            line.append(" (" + ", ".join(d for d in details if d) + ")")
            if r.reply:
                out.add(clean_line(r.reply), 5, "italic")
            for part in (r.explanation, r.delay):
                if part:
                    out.add(f"=> {clean_line(part)}", 5)
        if tl.steps:
            out.add(f"timeline ({tl.steps[0].time:%Y-%m-%d}):", 2)
        for step in tl.steps:
            out.add(f"{step.time:%H:%M:%S} {step.queue_id:<12} {clean_line(step.what)}", 2)
            for part in step.explanation.split("; ") if step.explanation else []:
                out.add(f"=> {clean_line(part)}", 11, "dim")
        out.add("")
    if result.rejects:
        out.add("Refused during SMTP:", style="bold")
        for rj in result.rejects:
            out.add(f"{rj.time:%Y-%m-%d %H:%M:%S} {rj.stage} from {clean_line(rj.client)}", 2)
            if rj.sender or rj.address:
                out.add(f"from <{clean_line(rj.sender)}> to <{clean_line(rj.address)}>", 5)
            out.add(clean_line(rj.reply), 5, "italic")
            if rj.explanation:
                out.add(f"=> {clean_line(rj.explanation)}", 5)
    return out


class TraceView(Vertical):
    """The query input and the timeline below it."""

    DEFAULT_CSS = """
    TraceView #trace-query { margin: 0 0; }
    TraceView #trace-scroll { height: 1fr; padding: 0 1; }
    TraceView #trace-status { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+f", "follow", "Follow", id="trace-follow", tooltip="Follow until the final status"),
        Binding("pagedown", "page(1)", "Next page", id="trace-page-down", show=False),
        Binding("pageup", "page(-1)", "Previous page", id="trace-page-up", show=False),
    ]

    def __init__(self, source: ServerSource, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.source = source
        self.query_text = ""
        self.result: Trace | None = None
        self.loaded_once = False
        self._follow: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder="queue id, Message-ID or address; Enter traces it", id="trace-query")
        yield Static(Text(""), id="trace-status", markup=False)
        with VerticalScroll(id="trace-scroll"):
            yield Static(
                Text("Type a queue id (12BDBE6FEE9), a Message-ID or an address and press Enter."),
                id="trace-output",
                markup=False,
            )

    @property
    def following(self) -> bool:
        return self._follow is not None

    def start(self, query: str) -> None:
        """Trace `query` (also what the queue's `l` calls)."""
        self.query_one("#trace-query", Input).value = query
        self.query_text = query.strip()
        if self.query_text:
            self._status(f"reading the log for {self.query_text} …")
            self._trace(self.query_text)

    def reload(self) -> None:
        """Trace the last query again (the log may have grown)."""
        if self.query_text:
            self._trace(self.query_text)

    @on(Input.Submitted, "#trace-query")
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.stop_following()
        self.start(event.value)

    @work(thread=True, exclusive=True, group="trace", exit_on_error=False)
    def _trace(self, query: str) -> None:
        try:
            result = trace(self.source.events(), query)
        except MailtuiError as exc:
            self.post_message(TraceFound(query, None, exc))
        else:
            self.post_message(TraceFound(query, result, None))

    @on(TraceFound)
    def _on_found(self, message: TraceFound) -> None:
        message.stop()
        if message.query != self.query_text:
            return  # an answer to an earlier query
        output = self.query_one("#trace-output", Static)
        if message.error is not None:
            self.stop_following()
            output.update(Text(f"{message.error.title}: {message.error.message}", style="bold"))
            self._status("")
            return
        assert message.result is not None
        self.result = message.result
        output.update(trace_text(message.result).render())
        count = len(message.result.timelines)
        done = bool(message.result.timelines) and all(tl.final for tl in message.result.timelines)
        if self.following and done:
            self.stop_following()
        state = " · following (ctrl+f stops)" if self.following else ""
        self._status(f"{count} message(s), {len(message.result.rejects)} SMTP reject(s){state}")

    def action_follow(self) -> None:
        """Trace the query again every second until every message has its final status."""
        if self.following:
            self.stop_following()
            self._status("stopped following")
            return
        if not self.query_text:
            self.start(self.query_one("#trace-query", Input).value)
        if self.query_text:
            self._follow = self.set_interval(FOLLOW_SECONDS, self.reload)
            self._status("following (ctrl+f stops) …")

    def stop_following(self) -> None:
        if self._follow is not None:
            self._follow.stop()
            self._follow = None

    def action_page(self, direction: int) -> None:
        """Scroll the timeline a page while the cursor stays in the query."""
        scroll = self.query_one("#trace-scroll", VerticalScroll)
        if direction > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)

    def _status(self, text: str) -> None:
        self.query_one("#trace-status", Static).update(Text(text))
