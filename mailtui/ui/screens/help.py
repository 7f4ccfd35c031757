"""The help screen (`?`): every key binding of the screen below, generated from the bindings.

Reads the bindings of the app, the screen and each of its widgets (with the config's
keymap applied), so the list can never drift from the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

if TYPE_CHECKING:
    from textual.app import App, ComposeResult


# Headings an admin recognises, for mailtui's screens and widgets.
SECTION_NAMES = {
    "BrowserScreen": "Index",
    "MessageIndex": "Message list",
    "FolderList": "Folder list",
    "PagerScreen": "Message (pager)",
    "ComposeScreen": "Compose",
    "AttachmentList": "Attachments",
    "DiagnosticsScreen": "Diagnostics",
    "ServerScreen": "Mail server (S)",
    "QueueView": "Mail server: queue",
    "TraceView": "Mail server: trace",
    "QueuedMessageScreen": "Queued message (postcat)",
}

INDEX_LEGEND = (
    "Index columns: flags, date, from, subject, size.\n"
    "  N new (unread)   D marked deleted   ! flagged   * tagged\n"
    "  r replied   f forwarded   @ has attachments   (one column each)\n\n"
)


def _section_name(node: DOMNode, app: App[object]) -> str | None:
    """The heading for `node`'s keys; None for Textual's own widgets (their keys are generic)."""
    if node is app:
        return "Everywhere"
    name = type(node).__name__
    if name in SECTION_NAMES:
        return SECTION_NAMES[name]
    return name if type(node).__module__.startswith("mailtui.") else None


def binding_table(app: App[Any], screen: Screen[Any]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """[(section, [(keys, description, id)])] for the app, `screen` and its widgets."""
    keymap = getattr(app, "_keymap", {})
    nodes: list[DOMNode] = [screen, *screen.query("*"), app]
    sections: list[tuple[str, list[tuple[str, str, str]]]] = []
    seen_types: set[type] = set()
    for node in nodes:
        if type(node) in seen_types:
            continue
        seen_types.add(type(node))
        bindings_map = node._bindings.copy()
        if keymap:
            bindings_map.apply_keymap(keymap)
        grouped: dict[tuple[str, str], list[str]] = {}
        for key, binding in bindings_map:
            if not binding.description:
                continue
            # The footer keeps words short; the tooltip, where a binding has one, says it in full.
            ident = (binding.action, binding.tooltip or binding.description)
            grouped.setdefault(ident, []).append(app.get_key_display(Binding(key, binding.action)))
        by_id = {(b.action, b.tooltip or b.description): b.id or "" for _, b in bindings_map}
        rows = [(", ".join(keys), desc, by_id[(action, desc)]) for (action, desc), keys in grouped.items()]
        # mailtui's own bindings (they have ids) first, Textual's generic ones after.
        rows.sort(key=lambda row: row[2] == "")
        name = _section_name(node, app)
        if rows and name is not None:
            sections.append((name, rows))
    return sections


class HelpScreen(ModalScreen[None]):
    """Lists every binding with its key(s), description and id (for `[ui.keys]`)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help-close"),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 90%; max-width: 100; height: 90%;
            background: $panel; border: round $primary; padding: 0 1;
        }
    }
    """

    def __init__(self, sections: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    def help_text(self) -> Text:
        text = Text()
        text.append('Keys (rebind in the config: [ui.keys] id = "key")\n\n', style="bold")
        if any(section == "Index" for section, _ in self.sections):
            text.append(INDEX_LEGEND)
        for section, rows in self.sections:
            text.append(f"{section}\n", style="bold underline")
            for keys, description, ident in rows:
                text.append(f"  {keys:<14} {description:<26} {ident}\n")
            text.append("\n")
        return text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.help_text(), markup=False, id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)
