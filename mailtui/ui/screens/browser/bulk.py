"""The browser's tags and bulk operations: `t`, `T`, `ctrl+a` tag, `;` acts on the tagged.

`BrowserBulk` is the part of `BrowserScreen` (`screen.bulk`): `t` tags a message, `T`
every message matching a pattern (as mutt's T, found by a worker), `ctrl+a` all shown;
`;` applies an action to the tagged messages (delete, move, mark read/unread, flag/unflag)
in batches on a worker, with a progress bar. The tags themselves are the index's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.worker import get_current_worker

from mailtui.core.errors import BackendError
from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.session.search_scan import parse_query, pattern_problem, scan_folder, with_tags
from mailtui.ui.screens.browser.part_worker import part_worker
from mailtui.ui.screens.browser.progress import JobProgressed, remove_progress

if TYPE_CHECKING:
    from mailtui.backends.base import MailBackend
    from mailtui.session.session import Session
    from mailtui.ui.screens.browser.browser import BrowserScreen

BATCH = 500  # refs per backend call in bulk jobs (one rename pass / one UID set each)

# Bulk action label -> (operation, flags to add, flags to remove). Harmless actions first:
# a hasty Enter marks read instead of deleting.
BULK_ACTIONS: dict[str, tuple[str, frozenset[Flag], frozenset[Flag]]] = {
    "Mark read": ("flags", frozenset({Flag.SEEN}), frozenset()),
    "Mark unread": ("flags", frozenset(), frozenset({Flag.SEEN})),
    "Flag": ("flags", frozenset({Flag.FLAGGED}), frozenset()),
    "Unflag": ("flags", frozenset(), frozenset({Flag.FLAGGED})),
    "Untag all": ("untag", frozenset(), frozenset()),
    "Move to folder": ("move", frozenset(), frozenset()),
    "Delete": ("delete", frozenset(), frozenset()),
}


@dataclass
class BulkFinished(Message):
    """A bulk job ended (possibly early on an error): what left the folder, what changed."""

    folder: str
    note: str
    removed: frozenset[str]
    changed_flags: bool


@dataclass
class TagsFound(Message):
    """More keys matching a tag pattern; `finished` with the last chunk."""

    folder: str
    keys: list[str]
    finished: bool


def bulk_label(op: str, destination: str) -> str:
    """How a bulk job is named on its progress bar and in its final notice."""
    return {"delete": "Deleting", "move": f"Moving to {destination}", "flags": "Changing flags"}[op]


def apply_in_batches(
    call: Callable[[Callable[[MailBackend], Any]], Any],
    folder: str,
    refs: Sequence[MessageRef],
    op: str,
    add: frozenset[Flag],
    remove: frozenset[Flag],
    destination: str,
) -> Iterator[Sequence[MessageRef]]:
    """Delete, move or change flags of `refs`, BATCH per backend call; yields each batch done."""

    def one(batch: Sequence[MessageRef], backend: MailBackend) -> object:
        if op == "delete":
            return backend.delete(folder, batch)
        if op == "move":
            return backend.move(folder, batch, destination)
        return backend.set_flags(folder, batch, add=add, remove=remove)

    for start in range(0, len(refs), BATCH):
        batch = refs[start : start + BATCH]
        call(partial(one, batch))
        yield batch


class BrowserBulk:
    """Tagging and the bulk jobs of the browser screen."""

    def __init__(self, screen: BrowserScreen, session: Session) -> None:
        self.screen = screen
        self.session = session

    # -- tags -------------------------------------------------------------------------
    def tag(self) -> None:
        """Tag or untag the message under the cursor and move on."""
        index = self.screen.index
        ref = index.current_ref
        if ref is not None:
            index.toggle_tag(ref.key)
            index.action_cursor_down()

    def tag_all(self) -> None:
        """Tag every shown message (search results when searching); again: untag all."""
        index = self.screen.index
        if index.tagged_count and index.tagged_count >= index.row_count:
            index.clear_tags()
            self.screen.notify("Tags cleared.", timeout=2)
            return
        rows = index.rows
        keys = getattr(rows, "keys", None)
        index.tag_keys(keys() if callable(keys) else (r.key for r in rows))
        self.screen.notify(f"{index.tagged_count} messages tagged: press ; to act on them.", timeout=3)

    def tag_pattern(self) -> None:
        """Ask for a pattern and tag every message of the folder matching it."""
        from mailtui.ui.screens.browser.search import SearchDialog

        screen = self.screen

        def chosen(query: str | None) -> None:
            if query is None or screen.folder is None:
                return
            if not query.strip():
                screen.notify("No pattern given: the tags are unchanged.", timeout=3)
                return
            index = screen.index
            tagged = frozenset(r.key for r in index.tagged_refs())
            scope = screen.search.limit.scope()  # a limit: among the limited (mutt's T)
            self.tag_matching(screen.folder, query.strip(), scope, index.cached_envelopes(), tagged)

        prompt = "Tag the messages matching (mutt patterns: ~f ~s ~b ~N ~F ~d <7d, | ! ( )):"
        screen.app.push_screen(SearchDialog("", prompt, check=pattern_problem), chosen)

    @part_worker(group="tag-pattern", exclusive=True)
    def tag_matching(
        self,
        folder: str,
        query: str,
        refs: Sequence[MessageRef],
        cached: dict[str, Envelope],
        tagged: frozenset[str] = frozenset(),
    ) -> None:
        worker = get_current_worker()
        parsed = with_tags(parse_query(query), tagged)
        post = self.screen.post_message
        for done, found in scan_folder(
            self.session.call, folder, parsed, refs, cached, lambda: worker.is_cancelled
        ):
            keys = [e.ref.key if isinstance(e, Envelope) else e.key for e in found]
            if keys:
                post(TagsFound(folder, keys, finished=False))
            post(JobProgressed(f"Tagging {query}", done, len(refs)))
        if not worker.is_cancelled:
            post(TagsFound(folder, [], finished=True))

    def tags_found(self, message: TagsFound) -> None:
        """Tag what the pattern worker found."""
        screen = self.screen
        if message.folder != screen.folder:
            return
        index = screen.index
        index.tag_keys(message.keys)
        if message.finished:
            remove_progress(screen)
            screen.notify(f"{index.tagged_count} messages tagged: press ; to act on them.", timeout=3)

    # -- bulk jobs ----------------------------------------------------------------------
    def choose_action(self) -> None:
        """Choose an action for every tagged message."""
        from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog

        screen = self.screen
        index = screen.index
        folder = screen.folder
        if folder is None or not index.tagged_count:
            screen.notify("No message is tagged: t tags one, T a pattern, ctrl+a all.", timeout=4)
            return
        refs = index.tagged_refs()

        def chosen(label: str | None) -> None:
            if label is None:
                return
            op, add, remove = BULK_ACTIONS[label]
            if op == "untag":
                index.clear_tags()
            elif op == "move":
                self._choose_destination(folder, refs)
            else:
                self.bulk_apply(folder, refs, op, add, remove, "")

        title = f"{len(refs)} tagged message(s):"
        screen.app.push_screen(FolderPickerDialog(list(BULK_ACTIONS), title=title), chosen)

    def _choose_destination(self, folder: str, refs: list[MessageRef]) -> None:
        from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog

        names = [f.name for f in self.screen.folder_list.folders if f.name != folder]

        def chosen(destination: str | None) -> None:
            if destination:
                self.bulk_apply(folder, refs, "move", frozenset(), frozenset(), destination)

        title = f"Move {len(refs)} message(s) to"
        self.screen.app.push_screen(FolderPickerDialog(names, title=title), chosen)

    @part_worker(group="bulk", exclusive=True)
    def bulk_apply(
        self,
        folder: str,
        refs: Sequence[MessageRef],
        op: str,
        add: frozenset[Flag],
        remove: frozenset[Flag],
        destination: str,
    ) -> None:
        """Delete, move or change flags of `refs` in batches, reporting progress."""
        backend = self.session.backend
        if op == "delete" and backend is not None and not backend.capabilities.has_trash:
            # No Trash (an mbox): delete marks, and purge removes (the browser's d as well).
            op, add, remove = "flags", frozenset({Flag.DELETED}), frozenset()
        label = "Marking deleted" if Flag.DELETED in add else bulk_label(op, destination)
        removes = op == "move" or (op == "delete" and self.session.account.delete_mode != "mark")
        post = self.screen.post_message
        removed: list[str] = []
        done = 0
        try:
            for batch in apply_in_batches(self.session.call, folder, refs, op, add, remove, destination):
                done += len(batch)
                if removes:
                    removed.extend(r.key for r in batch)
                post(JobProgressed(label, done, len(refs)))
        except BackendError:
            note = f"{label}: stopped after {done} of {len(refs)} message(s)."
            post(BulkFinished(folder, note, frozenset(removed), not removes))
            raise
        note = f"{label}: {done} message(s) done."
        post(BulkFinished(folder, note, frozenset(removed), not removes))

    def bulk_finished(self, message: BulkFinished) -> None:
        """Show what the bulk job changed, then count the folders again."""
        screen = self.screen
        remove_progress(screen)
        if message.folder == screen.folder:
            index = screen.index
            if message.removed:
                index.remove_keys(message.removed)
                screen.update_counts()
            if message.changed_flags:
                index.invalidate()  # re-read the visible rows' flags
            index.clear_tags()
        screen.notify(message.note, timeout=3, markup=False)  # names a folder: untrusted
        screen.jobs.list_folders()
