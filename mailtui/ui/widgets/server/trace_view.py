"""The Trace tab: a queue id, Message-ID or address in, each message's timeline out.

The log is read and traced on a thread worker (`server.trace`); the timeline is drawn as plain
`Text` (log lines may hold `[`: never markup), every recipient's reply and delays explained.
ctrl+f follows the message live (`server.follow` on a thread worker, the log read as it grows)
until each timeline has its final status (sent, bounced, expired) and left the queue; closing
the view stops it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.server.follow import FollowUpdate, follow
from mailtui.server.trace import Trace, trace
from mailtui.ui.widgets.server.lines import Lines

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.ui.screens.server.source import ServerSource

FOLLOW_TIMEOUT = 600.0  # seconds, as `mailtui server trace --follow`
DEFERRED_TIMEOUT = 60.0


def follow_reasons() -> dict[str, str]:
    """Why a follow ended, for the status line, in the current language (by `FollowUpdate.reason`)."""
    return {
        "final": tr("final status reached"),
        "removed": tr("left the queue without a final status (deleted?)"),
        "deferred": tr(
            "deferred, and nothing more for a minute; the MTA retries later (ctrl+f follows again)"
        ),
        "timeout": tr("no final status within 10 minutes (ctrl+f follows again)"),
        "stopped": tr("stopped following"),
    }


# Emphasis only: colours come from the theme (CSS), never from here.
STATUS_STYLE = {"sent": "bold", "bounced": "bold underline", "expired": "bold underline", "deferred": "bold"}


@dataclass
class TraceFound(Message):
    """A trace of `query` in the log, or why the log could not be read."""

    query: str
    result: Trace | None
    error: MailtuiError | None


@dataclass
class FollowProgressed(Message):
    """The followed message's trace grew, or the follow ended (`update.done`)."""

    query: str
    update: FollowUpdate


def trace_text(result: Trace) -> Lines:
    """The timelines and SMTP rejects as plain lines, explanations on their own (indented) lines."""
    out = Lines()
    if not result.timelines and not result.rejects:
        out.add(tr("Nothing in the log matches {query}.", query=repr(result.query)))
        return out
    for tl in result.timelines:
        ids = " -> ".join(tl.queue_ids)
        head = out.add(tr("message {ids} ({mta}): ", ids=ids, mta=tl.mta), style="bold")
        # The status word stays as logged (sent, deferred, bounced): admins and scripts match on it.
        head.append(
            tl.status + (tr(" (final)") if tl.final else ""), style=STATUS_STYLE.get(tl.status, "bold")
        )
        facts = [f"Message-ID <{clean_line(tl.message_id)}>" if tl.message_id else ""]
        sender = tr("from <{sender}>", sender=clean_line(tl.sender))
        facts += [sender if tl.sender or tl.size is not None else ""]
        facts += [tr("{size} bytes", size=tl.size) if tl.size is not None else ""]
        facts += [tr("client {client}", client=clean_line(tl.client)) if tl.client else ""]
        if any(facts):
            out.add(tr(", ").join(f for f in facts if f), 2)
        for r in tl.recipients:
            line = out.add(tr("to <{address}> ", address=clean_line(r.address)), 2)
            line.append(r.status or tr("attempt"), style=STATUS_STYLE.get(r.status, ""))
            details = [f"dsn {r.dsn}" if r.dsn else ""]
            details += [tr("via {relay}", relay=clean_line(r.relay)) if r.relay else ""]
            details += [tr("queue id {queue_id}", queue_id=r.queue_id)]
            line.append(tr(" ({details})", details=tr(", ").join(d for d in details if d)))
            if r.reply:
                out.add(clean_line(r.reply), 5, "italic")
            for part in (r.explanation, r.delay):
                if part:
                    out.add(f"=> {clean_line(part)}", 5)
        if tl.steps:
            out.add(tr("timeline ({date}):", date=f"{tl.steps[0].time:%Y-%m-%d}"), 2)
        for step in tl.steps:
            out.add(f"{step.time:%H:%M:%S} {step.queue_id:<12} {clean_line(step.what)}", 2)
            for part in step.explanation.split("; ") if step.explanation else []:
                out.add(f"=> {clean_line(part)}", 11, "dim")
        out.add("")
    if result.rejects:
        out.add(tr("Refused during SMTP:"), style="bold")
        for rj in result.rejects:
            when = f"{rj.time:%Y-%m-%d %H:%M:%S}"
            out.add(
                tr("{time} {stage} from {client}", time=when, stage=rj.stage, client=clean_line(rj.client)), 2
            )
            if rj.sender or rj.address:
                sender, address = clean_line(rj.sender), clean_line(rj.address)
                out.add(tr("from <{sender}> to <{address}>", sender=sender, address=address), 5)
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
        self._stop: threading.Event | None = None  # set: the follow worker ends
        self.last_update: FollowUpdate | None = None

    def compose(self) -> ComposeResult:
        yield Input(placeholder=tr("queue id, Message-ID or address; Enter traces it"), id="trace-query")
        yield Static(Text(""), id="trace-status", markup=False)
        with VerticalScroll(id="trace-scroll"):
            yield Static(
                Text(tr("Type a queue id (12BDBE6FEE9), a Message-ID or an address and press Enter.")),
                id="trace-output",
                markup=False,
            )

    @property
    def following(self) -> bool:
        return self._stop is not None

    def start(self, query: str) -> None:
        """Trace `query` (also what the queue's `l` calls)."""
        self.stop_following()
        self.query_one("#trace-query", Input).value = query
        self.query_text = query.strip()
        if self.query_text:
            self._status(tr("reading the log for {query} …", query=self.query_text))
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
            error = message.error
            output.update(
                Text(tr("{title}: {message}", title=error.title, message=error.message), style="bold")
            )
            self._status("")
            return
        assert message.result is not None
        self.result = message.result
        output.update(trace_text(message.result).render())
        count = len(message.result.timelines)
        rejects = len(message.result.rejects)
        self._status(tr("{count} message(s), {rejects} SMTP reject(s)", count=count, rejects=rejects))

    def action_follow(self) -> None:
        """Follow the query live until every message has its final status; again: stop."""
        if self.following:
            self.stop_following()
            self._status(follow_reasons()["stopped"])
            return
        query = self.query_one("#trace-query", Input).value.strip() or self.query_text  # what is typed
        if query:
            self.follow(query)

    def follow(self, query: str, since: datetime | None = None) -> None:
        """Follow `query` (a queue id; a Message-ID or address too) in the log as it grows."""
        self.stop_following()
        self.query_one("#trace-query", Input).value = query
        self.query_text = query.strip()
        self.last_update = None
        self._stop = threading.Event()
        self._status(tr("following {query} in the log (ctrl+f stops) …", query=self.query_text))
        self._follow_log(self.query_text, since, self._stop)

    @work(thread=True, exclusive=True, group="trace-follow", exit_on_error=False)
    def _follow_log(self, query: str, since: datetime | None, stop: threading.Event) -> None:
        # A follow from a send (`since` given) reads the current log only, not its rotations.
        sources = self.source.follow_sources(recent=since is not None)
        try:
            for update in follow(
                query, sources, since=since, timeout=FOLLOW_TIMEOUT,
                deferred_timeout=DEFERRED_TIMEOUT, sleep=stop.wait, should_stop=stop.is_set,
            ):  # fmt: skip
                self.post_message(FollowProgressed(query, update))
        except MailtuiError as exc:
            self.post_message(TraceFound(query, None, exc))
        finally:
            for source in sources or ():
                source.close()

    @on(FollowProgressed)
    def _on_progress(self, message: FollowProgressed) -> None:
        message.stop()
        if message.query != self.query_text or not self.following:
            return  # an earlier follow, or one stopped since
        update = message.update
        self.last_update = update
        self.result = update.trace
        output = self.query_one("#trace-output", Static)
        if update.trace.timelines or update.trace.rejects:
            output.update(trace_text(update.trace).render())
        else:
            output.update(Text(tr("{query} is not in the log yet; waiting for it …", query=self.query_text)))
        if update.done:
            self._stop = None
            ids = (
                " -> ".join(update.trace.timelines[0].queue_ids)
                if update.trace.timelines
                else self.query_text
            )
            why = follow_reasons().get(update.reason, update.reason)
            elapsed = f"{update.elapsed:.1f}"
            self._status(
                tr(
                    "{ids}: {status} ({why}, {elapsed} s)",
                    ids=ids,
                    status=update.status,
                    why=why,
                    elapsed=elapsed,
                )
            )
        else:
            self._status(
                tr(
                    "following {query}: {status}, {elapsed} s (ctrl+f stops) …",
                    query=self.query_text,
                    status=update.status,
                    elapsed=f"{update.elapsed:.0f}",
                )  # fmt: skip
            )

    def stop_following(self) -> None:
        """End the follow worker (at its next poll; it waits on the event, so at once)."""
        if self._stop is not None:
            self._stop.set()
            self._stop = None

    def on_unmount(self) -> None:
        self.stop_following()

    def action_page(self, direction: int) -> None:
        """Scroll the timeline a page while the cursor stays in the query."""
        scroll = self.query_one("#trace-scroll", VerticalScroll)
        if direction > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)

    def _status(self, text: str) -> None:
        self.query_one("#trace-status", Static).update(Text(text))
