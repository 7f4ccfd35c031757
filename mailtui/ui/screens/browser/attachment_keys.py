"""`v` in the index: the attachment list of the message under the cursor (as mutt's v).

`AttachmentKeysScreen` sits between the browser screen and `PatternKeysScreen` so the
binding lives here and browser.py stays at its size limit. The message is read and parsed
by the browser's "compose" job (`jobs.load_for_compose`, a thread worker of the screen);
the dialog (`pager/attachments.py`) then saves, views and pipes as it does from the pager.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.binding import Binding, BindingType

from mailtui.ui.screens.browser.limit import PatternKeysScreen

if TYPE_CHECKING:
    from mailtui.core.message.view import MessageView
    from mailtui.ui.screens.browser.browser import BrowserScreen


class AttachmentKeysScreen(PatternKeysScreen):
    """The browser screen's base for `v`: the attachments of the current message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("v", "view_attachments", "Attachments", id="index-attachments", show=False),
    ]

    def action_view_attachments(self) -> None:
        """List the attachments of the message under the cursor, to save, view or pipe them."""
        browser = cast("BrowserScreen", self)
        ref, folder = browser.index.current_ref, browser.folder
        if ref is None or folder is None:
            return
        browser.jobs.load_for_compose(folder, ref, self._show_attachments)

    def _show_attachments(self, view: MessageView) -> None:
        from mailtui.ui.screens.pager.attachments import AttachmentsDialog

        if not view.attachments:
            self.notify("This message has no attachments.")
            return
        self.app.push_screen(AttachmentsDialog(view))
