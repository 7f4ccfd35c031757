"""The Queue tab: Postfix's queue (`postqueue -j`) as a table, one message's recipients and delay
reasons explained below it (or the queue's shape: by reason and by destination domain), and the
admin's actions: flush all or one, hold, release, requeue, delete (asked first, naming the count),
view (postcat) and trace the message in the log.

Every Postfix command runs on a thread worker; results come back as messages. A refused command
(not root, not in postdrop) is shown as its `ServerError` text in the status line, and the rest
of the screen keeps working.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable, Static

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.server.queue import QueueEntry, by_domain, by_reason
from mailtui.ui.widgets.index.cells import format_size
from mailtui.ui.widgets.server.lines import Lines

if TYPE_CHECKING:
    from collections.abc import Sequence

    from textual.app import ComposeResult

    from mailtui.ui.screens.server.source import ServerSource

REFRESH_SECONDS = 5.0  # the list is re-read this often while the tab is shown (postqueue -j is cheap)


@dataclass
class QueueListed(Message):
    """A `postqueue -j` listing (or why there is none); `generation` orders overtaking listings."""

    entries: list[QueueEntry]
    error: MailtuiError | None
    generation: int


@dataclass
class QueueActed(Message):
    """An action finished: what was done, or the error (a refused postsuper says why)."""

    text: str
    error: MailtuiError | None
    action: str = ""


@dataclass
class QueuedMessageFetched(Message):
    """`postcat -q ID` output for the viewer, or why it failed."""

    queue_id: str
    text: str
    error: MailtuiError | None


@dataclass
class TraceRequested(Message):
    """The admin asked to follow this queue id in the log (the screen switches to Trace)."""

    query: str


def format_age(seconds: float) -> str:
    """An age in at most 4 cells: 45s, 12m, 3h, 2d."""
    s = max(int(seconds), 0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            return f"{s // size}{unit}"
    return f"{s}s"


def action_label(action: str) -> str:
    """An action's name as the status line shows it (the name itself is what `PostfixQueue` takes)."""
    labels = {
        "flush": tr("flush"), "hold": tr("hold"), "release": tr("release"),
        "requeue": tr("requeue"), "delete": tr("delete"),
    }  # fmt: skip
    return labels.get(action, action)


def entry_text(entry: QueueEntry, now: float) -> Lines:
    """One message in full: queue, age, size, sender, each recipient and its delay reason explained."""
    out = Lines()
    arrived = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(entry.arrival_time))
    line = out.add(entry.queue_id, style="bold")
    age = format_age(now - entry.arrival_time)
    line.append(
        tr(
            "  {queue}  since {arrived} ({age})  {size} bytes",
            queue=entry.queue_name,
            arrived=arrived,
            age=age,
            size=entry.size,
        )
    )
    out.add(tr("from <{sender}>", sender=clean_line(entry.sender)))
    for r in entry.recipients:
        out.add(tr("to <{address}>", address=clean_line(r.address)))
        if r.delay_reason:
            out.add(clean_line(r.delay_reason), 3, "italic")
        if r.explanation:
            out.add(f"=> {clean_line(r.explanation)}", 3)
    return out


def shape_text(entries: Sequence[QueueEntry]) -> Lines:
    """The queue's shape (qshape's view): recipients by delay reason, explained, and by domain."""
    out = Lines()
    out.add(tr("By delay reason"), style="bold")
    for reason, count, why in by_reason(entries):
        out.add(f"{count:>5}  {clean_line(reason)}")
        if why:
            out.add(f"=> {clean_line(why)}", 7)
    out.add(tr("By destination domain"), style="bold")
    for domain, count in by_domain(entries):
        out.add(f"{count:>5}  {clean_line(domain)}")
    return out


class QueueView(Vertical):
    """The queue table, the detail (or shape) pane and a status line."""

    DEFAULT_CSS = """
    QueueView #queue-table { height: 1fr; min-height: 4; }
    QueueView #queue-detail-scroll { height: 9; border-top: solid $primary; padding: 0 1; }
    QueueView #queue-status { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    QueueView #queue-status.-error { color: $error; text-style: bold; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "view", "View", id="queue-view", tooltip="View the queued message (postcat)"),
        Binding("f", "flush", "Flush", id="queue-flush", tooltip="Retry this message now (postqueue -i)"),
        Binding("F", "flush_all", "Flush all", id="queue-flush-all", tooltip="Retry all (postqueue -f)"),
        Binding("h", "hold", "Hold", id="queue-hold", tooltip="Put on hold (postsuper -h)"),
        Binding("u", "release", "Release", id="queue-release", tooltip="Release from hold (postsuper -H)"),
        Binding("d", "delete", "Delete", id="queue-delete", tooltip="Delete (postsuper -d), asked first"),
        Binding("R", "requeue", "Requeue", id="queue-requeue", show=False),
        Binding("t", "tag", "Tag", id="queue-tag", show=False),
        Binding("T", "tag_all", "Tag all", id="queue-tag-all", show=False),
        Binding("s", "toggle_shape", "Shape", id="queue-shape", show=False, tooltip="By reason / domain"),
        Binding("l", "trace", "Trace in log", id="queue-trace", show=False),
    ]

    def __init__(self, source: ServerSource, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.source = source
        self.entries: list[QueueEntry] = []
        self.tagged: set[str] = set()
        self.show_shape = False
        self.loaded_once = False
        self._generation = 0
        self._shown_generation = -1
        self._notice: tuple[str, bool] = ("", False)  # the last action's result, and whether it failed
        self._list_error = ""  # why the last listing failed (not installed, not allowed)
        self._lock = threading.Lock()

    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(id="queue-table", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="queue-detail-scroll"):
            yield Static(Text(tr("Reading the queue…")), id="queue-detail", markup=False)
        yield Static(Text(""), id="queue-status", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for label, key in (("", "tag"), (tr("Queue ID"), "id"), (tr("Queue"), "queue"), (tr("Age"), "age"),
                           (tr("Size"), "size"), (tr("From"), "from"), (tr("To"), "to")):  # fmt: skip
            table.add_column(label, key=key)
        self.set_interval(REFRESH_SECONDS, self._refresh_if_shown)

    # -- listing --------------------------------------------------------------------
    def reload(self) -> None:
        """Read the queue again (on a worker)."""
        self.loaded_once = True
        self._list()

    def _refresh_if_shown(self) -> None:
        if self.is_on_screen and not any(w.is_running for w in self.workers if w.group == "queue-act"):
            self._list()

    def _next_generation(self) -> int:
        with self._lock:
            self._generation += 1
            return self._generation

    def _listing(self) -> QueueListed:
        generation = self._next_generation()
        try:
            return QueueListed(self.source.queue().list(), None, generation)
        except MailtuiError as exc:
            return QueueListed([], exc, generation)

    @work(thread=True, exclusive=True, group="queue-list", exit_on_error=False)
    def _list(self) -> None:
        self.post_message(self._listing())

    @on(QueueListed)
    def _on_listed(self, message: QueueListed) -> None:
        message.stop()
        if message.generation < self._shown_generation:
            return  # an older listing overtaken by a newer one
        self._shown_generation = message.generation
        if message.error is not None:
            self.entries = []
            self._fill_table()
            error = message.error
            self._list_error = tr("{title}: {message}", title=error.title, message=error.message)
            self._status(tr("the queue could not be read"), error=True)
            self._show_detail()
            return
        self._list_error = ""
        # Newest first: what the admin just sent or changed is at the top.
        self.entries = sorted(message.entries, key=lambda e: (-e.arrival_time, e.queue_id))
        self.tagged &= {e.queue_id for e in self.entries}
        self._fill_table()
        self._show_status()
        self._show_detail()

    def _fill_table(self) -> None:
        table = self.query_one(DataTable)
        keep = self.current_id()
        table.clear()
        now = time.time()
        for e in self.entries:
            rcpts = ", ".join(clean_line(r.address) for r in e.recipients)
            table.add_row(
                Text("*" if e.queue_id in self.tagged else " "), Text(e.queue_id), Text(e.queue_name),
                Text(format_age(now - e.arrival_time), justify="right"),
                Text(format_size(e.size), justify="right"), Text(clean_line(e.sender) or "<>"),
                Text(rcpts), key=e.queue_id,
            )  # fmt: skip
        if keep is not None and any(e.queue_id == keep for e in self.entries):
            table.move_cursor(row=table.get_row_index(keep), animate=False)

    def _show_status(self) -> None:
        tagged = tr(" · {count} tagged", count=len(self.tagged)) if self.tagged else ""
        notice, failed = self._notice
        read = tr(" · read {when}", when=time.strftime("%H:%M:%S"))
        self._status(
            tr("{count} message(s)", count=len(self.entries))
            + tagged
            + read
            + (f" · {notice}" if notice else ""),
            error=failed,
        )

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#queue-status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")

    def _show_detail(self) -> None:
        detail = self.query_one("#queue-detail", Static)
        if self.show_shape:
            detail.update(shape_text(self.entries).render())
            return
        entry = self.current_entry()
        if entry is not None:
            detail.update(entry_text(entry, time.time()).render())
        elif self._list_error:
            detail.update(Text(self._list_error, style="bold"))
        else:
            detail.update(Text(tr("The queue is empty.")))

    @on(DataTable.RowHighlighted)
    def _on_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_detail()

    @on(DataTable.RowSelected)
    def _on_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_view()

    def current_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.entries or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), table.row_count - 1)
        key = table.coordinate_to_cell_key(Coordinate(row, 0)).row_key.value
        return str(key) if key is not None else None

    def current_entry(self) -> QueueEntry | None:
        qid = self.current_id()
        return next((e for e in self.entries if e.queue_id == qid), None)

    def selected_ids(self) -> list[str]:
        """The tagged messages, else the one under the cursor."""
        if self.tagged:
            return [e.queue_id for e in self.entries if e.queue_id in self.tagged]
        qid = self.current_id()
        return [qid] if qid else []

    # -- actions --------------------------------------------------------------------
    def action_tag(self) -> None:
        qid = self.current_id()
        if qid is None:
            return
        self.tagged ^= {qid}
        table = self.query_one(DataTable)
        table.update_cell(qid, "tag", Text("*" if qid in self.tagged else " "))
        table.action_cursor_down()
        self._show_status()

    def action_tag_all(self) -> None:
        ids = {e.queue_id for e in self.entries}
        self.tagged = set() if self.tagged == ids else ids
        self._fill_table()
        self._show_status()

    def action_toggle_shape(self) -> None:
        self.show_shape = not self.show_shape
        self._show_detail()

    def action_view(self) -> None:
        qid = self.current_id()
        if qid is not None:
            self._status(f"postcat -q {qid} …")
            self._fetch(qid)

    def action_trace(self) -> None:
        qid = self.current_id()
        if qid is not None:
            self.post_message(TraceRequested(qid))

    def action_flush(self) -> None:
        qid = self.current_id()
        if qid is not None:
            self._act("flush", [qid])

    def action_flush_all(self) -> None:
        self._act("flush", [])

    def action_hold(self) -> None:
        self._act("hold", self.selected_ids())

    def action_release(self) -> None:
        self._act("release", self.selected_ids())

    def action_requeue(self) -> None:
        self._act("requeue", self.selected_ids())

    def action_delete(self) -> None:
        from mailtui.ui.screens.confirm import ConfirmDialog

        ids = self.selected_ids()
        if not ids:
            return
        shown = ", ".join(ids[:3]) + (", …" if len(ids) > 3 else "")
        question = tr(
            "Delete {count} queued message(s) for good ({shown})? This cannot be undone.",
            count=len(ids),
            shown=shown,
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._act("delete", ids)

        self.app.push_screen(ConfirmDialog(question), answered)

    def _act(self, action: str, ids: list[str]) -> None:
        if action != "flush" and not ids:
            return
        what = (
            tr("all deferred mail")
            if action == "flush" and not ids
            else tr("{count} message(s)", count=len(ids))
        )
        self._status(tr("{action}: {what} …", action=action_label(action), what=what))
        self._run_action(action, ids)

    @work(thread=True, group="queue-act", exit_on_error=False)
    def _run_action(self, action: str, ids: list[str]) -> None:
        queue = self.source.queue()
        try:
            if action == "flush":
                queue.flush(ids[0] if ids else None)
                text = (
                    tr("flushed {queue_id}", queue_id=ids[0])
                    if ids
                    else tr("flushed all deferred mail (postqueue -f)")
                )
            else:
                count = queue.act(action, ids)  # type: ignore[arg-type]  # one of the four actions
                text = tr("{action}: {count} message(s)", action=action_label(action), count=count)
        except MailtuiError as exc:
            self.post_message(QueueActed("", exc, action))
        else:
            self.post_message(QueueActed(text, None, action))
        self.post_message(self._listing())

    @on(QueueActed)
    def _on_acted(self, message: QueueActed) -> None:
        message.stop()
        if message.error is not None:
            error = message.error
            self._notice = (tr("{title}: {message}", title=error.title, message=error.message), True)
            self.notify(message.error.message, title=message.error.title, severity="error", markup=False)
        else:
            self._notice = (message.text, False)
            # A flush acts on the cursor's message or on all, not on the tagged ones: they stay tagged.
            if message.action != "flush":
                self.tagged.clear()
        self._show_status()

    @work(thread=True, exclusive=True, group="queue-show", exit_on_error=False)
    def _fetch(self, qid: str) -> None:
        try:
            self.post_message(QueuedMessageFetched(qid, self.source.queue().show(qid), None))
        except MailtuiError as exc:
            self.post_message(QueuedMessageFetched(qid, "", exc))

    @on(QueuedMessageFetched)
    def _on_fetched(self, message: QueuedMessageFetched) -> None:
        message.stop()
        if message.error is not None:
            error = message.error
            self._status(tr("{title}: {message}", title=error.title, message=error.message), error=True)
            return
        from mailtui.ui.screens.server.queued_message import QueuedMessageScreen

        self._show_status()
        self.app.push_screen(QueuedMessageScreen(message.queue_id, message.text))
