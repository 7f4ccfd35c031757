"""The message index: a virtual list (Line API) over a folder's refs, headers fetched lazily.

`refs` (cheap: names or UIDs) set the virtual height. Only rows on screen plus a page are
ever asked for: a missing envelope draws a placeholder row and the index posts
`EnvelopesWanted` to its screen, whose worker answers with `add_envelopes`. Envelopes live
in a bounded LRU dict; a pending set makes sure no key is requested twice. Mail text is
sanitized and drawn as Segments, so it is never parsed as markup.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.core.sanitize import clean_line
from mailtui.ui.widgets.index.cells import (
    DATE_FORMAT,
    display_sender,
    display_subject,
    flag_cells,
    format_date,
    format_size,
    pending_flag_cells,
    row_line,
)
from mailtui.ui.widgets.index.folding import ThreadFolding
from mailtui.ui.widgets.index.limit import limited, refs_of, row_of, without
from mailtui.ui.widgets.index.tree import shown_depths, tree_prefix

CACHE_SIZE = 5000


class MessageIndex(ScrollView, can_focus=True):
    """One row per message of a folder, newest first, with a cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Next message", id="cursor-down", show=False),
        Binding("k,up", "cursor_up", "Previous message", id="cursor-up", show=False),
        Binding("pagedown,space", "page_down", "Next page", id="page-down", show=False),
        Binding("pageup", "page_up", "Previous page", id="page-up", show=False),
        Binding("home,g", "first", "First message", id="first", show=False),
        Binding("end,G", "last", "Last message", id="last", show=False),
        Binding("enter", "open", "Open", id="open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "message-index--cursor",
        "message-index--unread",
        "message-index--flagged",
        "message-index--deleted",
        "message-index--placeholder",
    }

    DEFAULT_CSS = """
    MessageIndex {
        height: 1fr;
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;  /* rows are cut to the width: never a horizontal scrollbar */
        & > .message-index--cursor { background: $block-cursor-blurred-background; }
        &:focus > .message-index--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .message-index--unread { color: $unread; text-style: bold; }
        & > .message-index--flagged { color: $flagged; }
        & > .message-index--deleted { color: $deleted; text-style: strike; }
        & > .message-index--placeholder { color: $foreground-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)
    """Row of the cursor in the shown rows."""

    @dataclass
    class Opened(Message):
        """Enter on a row."""

        ref: MessageRef

    @dataclass
    class TagsChanged(Message):
        """The number of tagged messages changed (the status bar shows it)."""

        count: int

    @dataclass
    class EnvelopesWanted(Message):
        """These refs are (nearly) on screen and have no envelope yet."""

        refs: list[MessageRef]

    def __init__(self, *, id: str | None = None, date_format: str = DATE_FORMAT) -> None:  # noqa: A002
        super().__init__(id=id)
        self.date_format = date_format  # [ui] date_format
        # Every ref of the folder, newest first: a compact RefList (keys only) from Maildir.
        self._refs: Sequence[MessageRef] = []
        self._rows: Sequence[MessageRef] = []  # what is shown: refs or their order, under the limit
        self._ordered: Sequence[MessageRef] | None = None  # sorted or threaded order of _refs
        self.folding = ThreadFolding()  # reply depths and collapsed threads of _ordered
        self._tagged: set[str] = set()
        self._limit: frozenset[str] | None = None  # `l`: only these keys, in any order shown
        self._drawn_depth: dict[str, int] | None = None  # threads under a limit: see shown_depths
        self._envelopes: OrderedDict[str, Envelope] = OrderedDict()
        self._pending: set[str] = set()
        self._stale: dict[str, Envelope] = {}  # drawn until fresh envelopes arrive
        self._request_scheduled = False
        self._listed = False  # refs have arrived (an empty folder says so instead of blank)

    # -- data -----------------------------------------------------------------
    @property
    def refs(self) -> Sequence[MessageRef]:
        """Every ref of the folder (not only the limited ones), newest first."""
        return self._refs

    @property
    def rows(self) -> Sequence[MessageRef]:
        """The refs as shown, in display order."""
        return self._rows

    @property
    def ordered(self) -> bool:
        """True while a sort or thread order (not the default) is shown."""
        return self._ordered is not None

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def current_ref(self) -> MessageRef | None:
        return self._rows[self.cursor] if 0 <= self.cursor < len(self._rows) else None

    @property
    def current_envelope(self) -> Envelope | None:
        ref = self.current_ref
        return None if ref is None else self.envelope(ref.key)

    def envelope(self, key: str) -> Envelope | None:
        """The loaded envelope of `key` (or the one drawn until a re-read replaces it)."""
        return self._envelopes.get(key) or self._stale.get(key)

    def cached_envelopes(self) -> dict[str, Envelope]:
        """A snapshot of the cache (safe to hand to a worker thread)."""
        return dict(self._envelopes)

    def row_text(self, row: int) -> str:
        """The plain text of one row as drawn (for tests and screen readers)."""
        return "".join(seg.text for seg in self._row_segments(row, max(self.size.width, 80)))

    def reset(self) -> None:
        """Forget everything (another folder: IMAP UIDs repeat across folders)."""
        self._envelopes.clear()
        self._stale.clear()
        self._pending.clear()
        self._limit = None
        self._listed = False
        self._refs = self._rows = []
        self._ordered = None
        self.folding.reset()
        self._tagged.clear()
        self._place_cursor(None)

    def invalidate(self) -> None:
        """The folder changed outside: re-read visible envelopes, drawing the old ones meanwhile."""
        self._stale = dict(self._envelopes)
        self._envelopes.clear()
        self._pending.clear()
        self._schedule_request()
        self.refresh()

    def set_refs(self, refs: Sequence[MessageRef], keep_key: str | None = None) -> None:
        """Show a (new) list of refs; keep the cursor on `keep_key` when it is still there."""
        self._listed = True
        # No copy: a Maildir RefList stays compact (one key string per message).
        self._refs = refs if isinstance(refs, Sequence) else list(refs)
        self._ordered = None  # the screen re-applies a sort or thread order on the new refs
        self.folding.reset()
        self._rows = self._shown_rows()
        self._pending.clear()
        self._place_cursor(keep_key)

    def set_limit(self, keys: frozenset[str] | None) -> None:
        """Show only the messages of `keys` (mutt's limit) in every order, or all with None."""
        keep = self.current_ref.key if self.current_ref else None
        self._limit = keys
        self._rows = self._shown_rows()
        self._place_cursor(keep)

    def _shown_rows(self) -> Sequence[MessageRef]:
        rows = self._refs if self._ordered is None else self.folding.shown(self._ordered, self._envelopes)
        threaded = self._limit is not None and self._ordered is not None and self.folding.threaded
        self._drawn_depth = shown_depths(rows, self.folding.depth, self._limit) if threaded else None  # type: ignore[arg-type]
        return rows if self._limit is None else limited(rows, self._limit)

    def set_order(
        self,
        order: Sequence[MessageRef] | None,
        depths: dict[str, int] | None = None,
        unread: frozenset[str] = frozenset(),
    ) -> None:
        """Show the folder in another order (sorted or threaded), or by date again with None."""
        keep = self.current_ref.key if self.current_ref else None
        self._ordered = order
        self.folding.reset(depths, unread)
        self._rows = self._shown_rows()
        self._place_cursor(keep)

    def depth(self, key: str) -> int:
        """Thread depth of a message (0 when not threaded or a thread root)."""
        return self.folding.depth.get(key, 0)

    # -- threads ------------------------------------------------------------------
    def fold_thread(self, fold: bool | None = None) -> bool:
        """Collapse or expand (None: toggle) the thread under the cursor; False when not threaded."""
        if self._ordered is None or not self.folding.threaded or self.current_ref is None:
            return False
        root = self.folding.fold_at(self._rows, self.cursor, fold)
        self._rows = self._shown_rows()
        self._place_cursor(root)
        return True

    def fold_all_threads(self, fold: bool) -> bool:
        """Collapse or expand every thread; False when not threaded."""
        if self._ordered is None or not self.folding.threaded:
            return False
        keep = self.current_ref.key if self.current_ref else None
        keep = self.folding.fold_all(self._ordered, fold, keep)
        self._rows = self._shown_rows()
        self._place_cursor(keep)
        return True

    @property
    def expanded_rows(self) -> Sequence[MessageRef]:
        """The rows as shown with every thread expanded: what a search goes through."""
        if self._ordered is None or not self.folding.folded:
            return self._rows
        return self._ordered if self._limit is None else limited(self._ordered, self._limit)

    def show_key(self, key: str) -> None:
        """Put the cursor on `key`, expanding the collapsed thread that hides it (as mutt's search)."""
        if self._ordered is not None and self.folding.expand_to(self._ordered, key):
            self._rows = self._shown_rows()
        self._place_cursor(key)

    @property
    def folded_count(self) -> int:
        """How many threads are collapsed."""
        return self.folding.folded_count

    # -- tags -------------------------------------------------------------------
    @property
    def tagged_count(self) -> int:
        return len(self._tagged)

    def toggle_tag(self, key: str) -> None:
        """Tag or untag one message."""
        if key in self._tagged:
            self._tagged.discard(key)
        else:
            self._tagged.add(key)
        self._tags_changed()

    def tag_keys(self, keys: Iterable[str]) -> None:
        """Tag these messages (more tags, as mutt's T)."""
        self._tagged.update(keys)
        self._tags_changed()

    def clear_tags(self) -> None:
        self._tagged.clear()
        self._tags_changed()

    def _tags_changed(self) -> None:
        self.post_message(self.TagsChanged(len(self._tagged)))
        self.refresh()

    def tagged_refs(self) -> list[MessageRef]:
        """Tagged messages, newest first."""
        return refs_of(self._refs, self._tagged)

    def marked_deleted_refs(self) -> list[MessageRef]:
        """Messages marked deleted (delete_mode "mark"), newest first."""
        # Only loaded envelopes can carry the flag: walk those, not every ref of a 100k folder.
        return refs_of(self._refs, {key for key, env in self._envelopes.items() if Flag.DELETED in env.flags})

    def add_envelopes(self, envelopes: Iterable[Envelope], requested: Iterable[str] = ()) -> None:
        """Store fetched envelopes and draw their rows."""
        self._pending.difference_update(requested)
        for env in envelopes:
            self._pending.discard(env.ref.key)
            self._envelopes[env.ref.key] = env
            self._envelopes.move_to_end(env.ref.key)
            self._stale.pop(env.ref.key, None)
        while len(self._envelopes) > CACHE_SIZE:
            self._envelopes.popitem(last=False)
        self.refresh()

    def replace_envelopes(self, old_keys: Sequence[str], envelopes: Sequence[Envelope]) -> None:
        """After set_flags: the refs (keys may change) and envelopes of changed messages."""
        new_by_old = dict(zip(old_keys, envelopes, strict=False))
        for old, env in new_by_old.items():
            self._envelopes.pop(old, None)
            self._envelopes[env.ref.key] = env
        if any(env.ref.key != old for old, env in new_by_old.items()):
            # Keys changed (IMAP-like backends): rebuild the lists; Maildir keys never change.
            self._refs = [new_by_old[r.key].ref if r.key in new_by_old else r for r in self._refs]
            if self._ordered is not None:
                self._ordered = [new_by_old[r.key].ref if r.key in new_by_old else r for r in self._ordered]
            self._rows = self._shown_rows()
        self.refresh()

    def remove_keys(self, keys: Iterable[str]) -> None:
        """Drop messages that left the folder; the cursor stays on the same row number."""
        gone = set(keys)
        self._refs = without(self._refs, gone)
        if self._ordered is not None:
            self._ordered = without(self._ordered, gone)
        self._rows = self._shown_rows()
        if self._tagged & gone:
            self._tagged -= gone
            self.post_message(self.TagsChanged(len(self._tagged)))
        for key in gone:
            self._envelopes.pop(key, None)
        self._update_virtual_size()
        self.cursor = min(self.cursor, max(len(self._rows) - 1, 0))

    def _place_cursor(self, keep_key: str | None) -> None:
        # The kept message stays on its screen line (a relisting after a flag change shows
        # the date order, then the sorted one again: the row must not jump to the top).
        line = self.cursor - int(self.scroll_offset.y)
        self._update_virtual_size()
        row = 0 if keep_key is None else row_of(self._rows, keep_key, self.cursor)
        self.cursor = min(row, max(len(self._rows) - 1, 0))
        height = max(self.scrollable_content_region.height, 1)
        if keep_key is not None and 0 <= line < height:
            self.scroll_to(y=max(self.cursor - line, 0), animate=False, immediate=True)
        self.refresh()
        self._schedule_request()

    def _update_virtual_size(self) -> None:
        # Width 0: rows are drawn to whatever width the view has (a vertical scrollbar that
        # appears as search results stream in must not make them wider than the view).
        self.virtual_size = Size(0, len(self._rows))

    # -- lazy loading -----------------------------------------------------------
    def _schedule_request(self) -> None:
        if not self._request_scheduled:
            self._request_scheduled = True
            self.call_later(self._request_window)

    def _request_window(self) -> None:
        """Ask for the envelopes of the visible rows plus one page either side."""
        self._request_scheduled = False
        page = max(self.scrollable_content_region.height, 1)
        top = int(self.scroll_offset.y)
        start, stop = max(top - page, 0), min(top + 2 * page, len(self._rows))
        # Visible rows first, then the page below, then the page above.
        order = list(range(top, stop)) + list(range(start, top))
        visible: list[MessageRef] = []
        rest: list[MessageRef] = []
        for i in order:
            ref = self._rows[i]
            key = ref.key
            if key not in self._envelopes and key not in self._pending:
                (visible if top <= i < top + page else rest).append(ref)
                self._pending.add(key)
        # The visible rows in a request of their own: they are drawn before the pages
        # around them are read (the first screen of a big folder waits for less).
        for wanted in (visible, rest):
            if wanted:
                self.post_message(self.EnvelopesWanted(wanted))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._schedule_request()

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._schedule_request()

    # -- drawing ----------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = int(self.scroll_offset.y) + y
        base = self.rich_style
        if row >= len(self._rows):
            if row == 0 and self._listed:
                note = "  (no messages match)" if self._limit is not None else "  (no messages)"
                style = base + self.get_component_rich_style("message-index--placeholder")
                return Strip([Segment(note, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        segments = self._row_segments(row, width)
        return Strip(segments).crop_extend(0, width, base)

    def _row_style(self, row: int, env: Envelope | None) -> Style:
        style = self.rich_style
        if env is None:
            style += self.get_component_rich_style("message-index--placeholder")
        else:
            if env.is_unread:
                style += self.get_component_rich_style("message-index--unread")
            if Flag.FLAGGED in env.flags:
                style += self.get_component_rich_style("message-index--flagged")
            if Flag.DELETED in env.flags:
                style += self.get_component_rich_style("message-index--deleted")
        if row == self.cursor:
            style += self.get_component_rich_style("message-index--cursor")
        return style

    def _row_segments(self, row: int, width: int) -> list[Segment]:
        ref = self._rows[row]
        env = self._envelopes.get(ref.key)
        if env is not None:
            self._envelopes.move_to_end(ref.key)
        else:
            if ref.key not in self._pending:
                self._schedule_request()
            env = self._stale.get(ref.key)
        style = self._row_style(row, env)
        if env is None:
            flags = pending_flag_cells(ref.key in self._tagged)
            date, sender, subject, size = format_date(ref.timestamp or None, self.date_format), "…", "", ""
        else:
            tagged = ref.key in self._tagged
            flags, date, size = (
                flag_cells(env, tagged),
                format_date(env.sort_date, self.date_format),
                format_size(env.size),
            )
            folding = self.folding
            if ref.key in folding.hidden_unread and flags[0] == " ":
                flags = "N" + flags[1:]  # a collapsed thread with unread replies, as in mutt
            sender, subject = clean_line(display_sender(env)), clean_line(display_subject(env))
            depths = folding.depth if self._drawn_depth is None else self._drawn_depth
            if depths.get(ref.key, 0):  # replies under their parent, as mutt's tree
                subject = tree_prefix(self._rows, row, depths) + subject
            elif ref.key in folding.hidden:
                subject = f"(+{folding.hidden[ref.key]}) {subject}"  # a collapsed thread
        return [Segment(row_line(flags, date, sender, subject, size, width), style)]

    # -- cursor -----------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._rows) - 1)) if self._rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        height = max(self.scrollable_content_region.height, 1)
        if new < self.scroll_offset.y:
            self.scroll_to(y=new, animate=False, immediate=True)
        elif new >= self.scroll_offset.y + height:
            self.scroll_to(y=new - height + 1, animate=False, immediate=True)
        self.refresh()

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(self.scrollable_content_region.height - 1, 1)

    def action_page_up(self) -> None:
        self.cursor -= max(self.scrollable_content_region.height - 1, 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._rows) - 1

    def action_open(self) -> None:
        ref = self.current_ref
        if ref is not None:
            self.post_message(self.Opened(ref))

    def on_click(self, event: events.Click) -> None:
        row = int(self.scroll_offset.y) + event.y
        if 0 <= row < len(self._rows):
            self.cursor = row
            if event.chain >= 2:
                self.action_open()
