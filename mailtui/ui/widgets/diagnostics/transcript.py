"""The live transcript tab: every SMTP/IMAP line of the running app, filtered, server replies explained.

Lines arrive through `Transcript.subscribe`; the listener runs on whatever thread appended
the line (IMAP workers, the event loop for SMTP), so it only posts a `TranscriptLineAdded`
message (thread-safe) and the widget draws on the event loop. `TranscriptView` is a Line
API `ScrollView`: filtering is a list comprehension and only the visible lines are built
(explained and styled), so 20,000 lines open and filter at once. Each line is a
`rich.text.Text` rendered to segments: server text is never parsed as markup.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import on
from textual.containers import Vertical
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from mailtui.core.codes.explain import short_explanation
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line
from mailtui.core.transcript import Direction, Transcript, TranscriptLine
from mailtui.ui.messages import TranscriptLineAdded
from mailtui.ui.themes import theme_styles

if TYPE_CHECKING:
    from textual.app import ComposeResult

_SMTP_REPLY = re.compile(r"^([2-5]\d\d)([ -]?)(.*)$")
MAX_LINES = 20_000  # the Transcript's own bound
_CACHE_LINES = 1000
_NOTE_WIDTH = 80  # room kept for a reply's explanation when sizing the horizontal scroll


def line_matches(line: TranscriptLine, query: str) -> bool:
    """Every word of `query` appears in the line's account, protocol or connection (any case)."""
    key = f"{line.account} {line.protocol} {line.connection}".lower()
    return all(word in key for word in query.lower().split())


def annotation(line: TranscriptLine, lang: str) -> str:
    """The short explanation of an SMTP server reply line (last line of a reply only), or ""."""
    if line.protocol != "smtp" or line.direction is not Direction.RECEIVED:
        return ""
    m = _SMTP_REPLY.match(line.text)
    if not m or m.group(2) == "-":  # "250-PIPELINING": a continuation, explained at its last line
        return ""
    return short_explanation(int(m.group(1)), m.group(3), lang)


class TranscriptView(ScrollView, can_focus=True):
    """The transcript lines, rendered only when visible (with an LRU cache of rendered lines)."""

    DEFAULT_CSS = """
    TranscriptView { background: $surface; }
    """

    def __init__(self, render: Callable[[TranscriptLine], Text], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._line_text = render  # not `_render`: that name is Widget's own
        self.lines: list[TranscriptLine] = []
        self._cache: OrderedDict[int, Strip] = OrderedDict()
        self._width = 0

    def set_lines(self, lines: list[TranscriptLine]) -> None:
        """Show `lines` (a new filter); scrolls to the newest."""
        self.lines = lines
        self._cache.clear()
        self._width = max((self._line_width(line) for line in lines), default=0)
        self._resize()
        self.scroll_end(animate=False)

    def append(self, line: TranscriptLine) -> None:
        """Add one line; follow the end when the view was at the end."""
        follow = self.is_vertical_scroll_end or self.max_scroll_y == 0
        self.lines.append(line)
        if len(self.lines) > MAX_LINES + 1000:  # as bounded as the transcript; trimmed in batches
            del self.lines[: len(self.lines) - MAX_LINES]
            self._cache.clear()
        self._width = max(self._width, self._line_width(line))
        self._resize()
        if follow:
            self.scroll_end(animate=False)

    @staticmethod
    def _line_width(line: TranscriptLine) -> int:
        note = _NOTE_WIDTH if line.direction is Direction.RECEIVED and line.protocol == "smtp" else 0
        return 16 + len(line.connection) + len(line.text) + note

    def _resize(self) -> None:
        self.virtual_size = Size(self._width, len(self.lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        strip = self._cache.get(index)
        if strip is None:
            strip = Strip(list(self._line_text(self.lines[index]).render(self.app.console)))
            self._cache[index] = strip
            if len(self._cache) > _CACHE_LINES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(index)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()


class DiagTranscript(Vertical):
    """A filter Input over a `TranscriptView` of the session transcript."""

    DEFAULT_CSS = """
    DiagTranscript { height: 1fr; }
    DiagTranscript #transcript-filter { height: 3; }
    DiagTranscript #transcript-log { height: 1fr; }
    """

    def __init__(self, transcript: Transcript, lang: str = "en") -> None:
        super().__init__()
        self.transcript = transcript
        self.lang = lang
        self.query_text = ""
        self._unsubscribe: Callable[[], None] | None = None
        self._styles: dict[str, Style] = {}

    def compose(self) -> ComposeResult:
        yield Input(placeholder=tr("filter: account, smtp/imap or connection words"), id="transcript-filter")
        yield TranscriptView(self.render_transcript_line, id="transcript-log")

    @property
    def view(self) -> TranscriptView:
        return self.query_one(TranscriptView)

    def on_mount(self) -> None:
        self._styles = theme_styles(self.app.get_css_variables(), ("reply-2xx", "reply-4xx", "reply-5xx"))
        self._unsubscribe = self.transcript.subscribe(self._post_line)
        self._redraw()

    def _post_line(self, line: TranscriptLine) -> None:
        """The listener: runs on the appending thread, so it only posts (thread-safe)."""
        self.post_message(TranscriptLineAdded(line))

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def shown_lines(self) -> list[TranscriptLine]:
        """The transcript lines that pass the current filter (what a save writes)."""
        return [line for line in self.transcript.lines() if line_matches(line, self.query_text)]

    def _redraw(self) -> None:
        self.view.set_lines(self.shown_lines())

    def render_transcript_line(self, line: TranscriptLine) -> Text:
        """time, connection, direction, text, then the reply's meaning (all plain Text)."""
        stamp = time.strftime("%H:%M:%S", time.localtime(line.time)) + f".{int(line.time * 1000) % 1000:03d}"
        muted = Style(dim=True)
        side = Style(bold=line.direction is Direction.SENT)
        text = Text.assemble(
            (stamp, muted),
            " ",
            (clean_line(line.connection), muted),
            " ",
            (line.direction.value, side),
            " ",
            clean_line(line.text),
        )
        note = annotation(line, self.lang)
        if note:
            cls = f"reply-{note[0]}xx"
            text.append("  ⟵ " + clean_line(note), self._styles.get(cls, Style(italic=True)))
        return text

    @on(TranscriptLineAdded)
    def _on_line(self, message: TranscriptLineAdded) -> None:
        message.stop()
        line = message.line
        # A line added while the widget mounted is both in the first snapshot and posted: once is enough.
        if line_matches(line, self.query_text) and not any(line is seen for seen in self.view.lines[-50:]):
            self.view.append(line)

    @on(Input.Changed, "#transcript-filter")
    def _on_filter(self, event: Input.Changed) -> None:
        event.stop()
        self.query_text = event.value.strip()
        self._redraw()
