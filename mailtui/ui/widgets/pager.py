"""The pager: one message as text (weeded or full headers, body, attachment list) or raw source.

A Line-API `ScrollView`: the message is kept as logical lines with styled spans, wrapped
to the width once per resize, and only the visible rows are drawn, so a 1 MB cron mail
opens at once. Everything comes from the message and is drawn as Segments after
sanitizing, never parsed as markup: a subject `[/PATCH] x` shows literally. The same view
shows the verdicts of the message (`show_verdicts`), disagreements with the server
highlighted. Styles come from component classes (theme variables), not hard-coded colours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from rich.cells import cell_len, chop_cells
from rich.segment import Segment
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mailtui.core.sanitize import clean_line, clean_text
from mailtui.ui.widgets.index.cells import format_size

if TYPE_CHECKING:
    from mailtui.core.message.view import MessageView

PagerMode = Literal["weeded", "full", "raw"]

WEEDED_HEADERS = ("Date", "From", "To", "Cc", "Reply-To", "Subject")
MAX_BODY_CHARS = 10_000_000  # beyond this the pager shows a note; the raw view shows it all

# A logical line: its text and (start, end, component) spans; "" component = plain.
Span = tuple[int, int, str]
Line = tuple[str, tuple[Span, ...]]


def wrap_line(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) offsets of `text` cut into pieces of at most `width` cells, at a space
    when the piece has one (the space at the break is not drawn), else at the width (a URL,
    a base64 line, text without spaces such as Chinese)."""
    if not text:
        return [(0, 0)]
    pieces: list[tuple[int, int]] = []
    start, length, ascii_text = 0, len(text), text.isascii()
    while start < length:
        if ascii_text:
            end = min(start + width, length)
        else:  # `width` cells hold at most `width` characters
            end = start + len(chop_cells(text[start : start + width], width)[0])
        if end >= length:
            pieces.append((start, length))
            break
        space = text.rfind(" ", start, end + 1)
        if space > start:
            pieces.append((start, space))
            start = space + 1
        else:
            pieces.append((start, end))
            start = end
    return pieces


class Pager(ScrollView, can_focus=True):
    """A scrollable, wrapped message view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "scroll_down", "Scroll down", id="pager-down", show=False),
        Binding("k,up", "scroll_up", "Scroll up", id="pager-up", show=False),
        Binding("space,pagedown", "page_down", "Next page", id="pager-page-down", show=False),
        Binding("b,pageup", "page_up", "Previous page", id="pager-page-up", show=False),
        Binding("home", "scroll_home", "Top", id="pager-top", show=False),
        Binding("end,G", "scroll_end", "Bottom", id="pager-bottom", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pager--header-name",
        "pager--subject",
        "pager--quote",
        "pager--note",
        "pager--attachment",
        "pager--disagreement",
    }

    DEFAULT_CSS = """
    Pager {
        height: 1fr;
        background: $surface;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        & > .pager--header-name { color: $header-name; text-style: bold; }
        & > .pager--subject { text-style: bold; }
        & > .pager--quote { color: $quote; }
        & > .pager--note { color: $warning; text-style: italic; }
        & > .pager--attachment { color: $secondary; }
        & > .pager--disagreement { color: $error; text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual convention
        super().__init__(id=id)
        self._lines: list[Line] = [("loading…", ())]
        self._rows: list[tuple[int, int, int]] = []  # (logical line, start, end) per screen row
        self._wrap_width = 0

    # -- content --------------------------------------------------------------------
    @property
    def plain(self) -> str:
        """The shown text, unwrapped (tests and copying)."""
        return "\n".join(text for text, _ in self._lines)

    def set_lines(self, lines: list[Line]) -> None:
        self._lines = lines or [("", ())]
        self._wrap_width = 0
        self._rewrap()
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def show_plain(self, text: str) -> None:
        self.set_lines([(line, ()) for line in text.splitlines()])

    def show_message(self, view: MessageView, mode: PagerMode) -> None:
        """Render `view` with weeded ("weeded") or all ("full") headers."""
        self.set_lines(message_lines(view, full=mode == "full"))

    def show_raw(self, source: str) -> None:
        self.show_plain(clean_text(source).expandtabs(8))

    def show_verdicts(self, text: str) -> None:
        """The verdicts report (`diagnostics.verdicts.report.format_text`), disagreements highlighted."""
        self.set_lines(verdict_lines(text))

    # -- layout -----------------------------------------------------------------------
    def _rewrap(self) -> None:
        width = max(self.scrollable_content_region.width, 10)
        if width == self._wrap_width:
            return
        self._wrap_width = width
        rows: list[tuple[int, int, int]] = []
        for index, (text, _) in enumerate(self._lines):
            rows.extend((index, start, end) for start, end in wrap_line(text, width))
        self._rows = rows
        self.virtual_size = Size(width, len(rows))

    def on_resize(self, event: events.Resize) -> None:
        self._rewrap()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = int(self.scroll_offset.y) + y
        if row >= len(self._rows):
            return Strip.blank(width, base)
        index, start, end = self._rows[row]
        text, spans = self._lines[index]
        segments: list[Segment] = []
        pos = start
        for s_start, s_end, component in spans:
            a, b = max(s_start, start), min(s_end, end)
            if a >= b:
                continue
            if a > pos:
                segments.append(Segment(text[pos:a], base))
            style = base + self.get_component_rich_style(component) if component else base
            segments.append(Segment(text[a:b], style))
            pos = b
        if pos < end:
            segments.append(Segment(text[pos:end], base))
        return Strip(segments, cell_len(text[start:end])).crop_extend(0, width, base)

    class PastEdge(Message):
        """A key past the edge of the message: down (step 1) at the end, up (-1) at the top;
        `page` for Space / b (next-page, previous-page), else j / k (next-line, previous-line).
        The screen decides what that does (mutt: only next-page goes on, unless pager_stop)."""

        def __init__(self, step: int, *, page: bool) -> None:
            super().__init__()
            self.step = step
            self.page = page

    def _scroll_or_edge(self, step: int, *, page: bool) -> None:
        """Scroll a line or a page in the direction of `step`, or say the edge was reached."""
        if (self.scroll_y >= self.max_scroll_y) if step > 0 else (self.scroll_y <= 0):
            self.post_message(self.PastEdge(step, page=page))
        elif page:
            (self.scroll_page_down if step > 0 else self.scroll_page_up)(animate=False)
        else:
            (self.scroll_down if step > 0 else self.scroll_up)(animate=False)

    def action_scroll_home(self) -> None:
        # At once, not animated: a key typed right after (Space, k) must find the view
        # at the top or the bottom already, as in mutt.
        self.scroll_home(animate=False, immediate=True, x_axis=False)

    def action_scroll_end(self) -> None:
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def action_scroll_down(self) -> None:
        self._scroll_or_edge(1, page=False)

    def action_scroll_up(self) -> None:
        self._scroll_or_edge(-1, page=False)

    def action_page_down(self) -> None:
        self._scroll_or_edge(1, page=True)

    def action_page_up(self) -> None:
        self._scroll_or_edge(-1, page=True)


def message_lines(view: MessageView, *, full: bool) -> list[Line]:
    """Headers, notes, attachment list and body as styled logical lines."""
    lines: list[Line] = []
    if full:
        headers = [(clean_line(n), clean_line(v)) for n, v in view.headers]
    else:
        values = {
            "Date": view.date,
            "From": view.sender,
            "To": view.to,
            "Cc": view.cc,
            "Reply-To": view.reply_to,
            "Subject": view.subject,
        }
        headers = [(n, clean_line(str(values[n]))) for n in WEEDED_HEADERS if values[n]]
    for name, value in headers:
        head = f"{name}: "
        spans: tuple[Span, ...] = ((0, len(head), "pager--header-name"),)
        if name.lower() == "subject":
            spans += ((len(head), len(head) + len(value), "pager--subject"),)
        lines.append((head + value, spans))
    for note in view.notes:
        text = f"note: {clean_line(note)}"
        lines.append((text, ((0, len(text), "pager--note"),)))
    for found in view.security:
        text = f"[-- {found}: V verifies it here --]"
        lines.append((text, ((0, len(text), "pager--attachment"),)))
    for att in view.attachments:
        text = (
            f"[-- attachment {att.index}: {clean_line(att.filename)}, {clean_line(att.content_type)}, "
            f"{format_size(att.size)} (v to save) --]"
        )
        lines.append((text, ((0, len(text), "pager--attachment"),)))
    lines.append(("", ()))
    body = clean_text(view.body)
    if len(body) > MAX_BODY_CHARS:
        body = body[:MAX_BODY_CHARS]
        text = "note: body cut at 10,000,000 characters; ctrl+u shows the raw source"
        lines.append((text, ((0, len(text), "pager--note"),)))
    for line in body.expandtabs(8).splitlines():
        quoted = line.lstrip().startswith(">")
        lines.append((line, ((0, len(line), "pager--quote"),) if quoted else ()))
    return lines


# The note under a "!" line, in each language the verdicts are written in.
_DISAGREES = ("DISAGREES:", "不一致：")


def verdict_lines(text: str) -> list[Line]:
    """The verdicts as lines; a disagreement ("! ..." and its "DISAGREES:" note) is highlighted."""
    lines: list[Line] = []
    flagged = False
    for line in clean_text(text).expandtabs(8).splitlines():
        stripped = line.lstrip()
        flagged = stripped.startswith("!") or (flagged and stripped.startswith(_DISAGREES))
        lines.append((line, ((0, len(line), "pager--disagreement"),) if flagged and line else ()))
    return lines
