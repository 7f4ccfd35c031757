"""The result of a send through a relay on this host: the relay's reply, and the offer to follow
its queue id in this host's mail log live until its final status (`f`).

The id is looked for in the log first (`server.after_send.appears_in_log`, on a thread
worker of the app, compose having closed): the dialog opens only once it is there. A relay
on loopback may be a tunnel to another host or a test server that writes no mail log (the
demo's): then a notification says why there is nothing to follow, and no dialog is in the way. `f` opens the
mail-server screen's Trace tab following the id. Relay and log text is untrusted: plain
`Text`, never markup.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from mailtui.core.errors import MailtuiError
from mailtui.core.sanitize import clean_line

if TYPE_CHECKING:
    from textual.app import App, ComposeResult

    from mailtui.config import ServerConfig
    from mailtui.sending.dispatch import SendOutcome
    from mailtui.ui.screens.server.source import ServerSource

PROBE_SECONDS = 5.0  # an MTA logs the queue id before its 250 reply; this is slack for a busy host


@dataclass
class LogChecked(Message):
    """Whether the queue id showed up in the mail log, or why the log could not be read."""

    queue_id: str
    found: bool
    error: MailtuiError | None = None


class SendResultDialog(ModalScreen[None]):
    """ "Sent: 250 ... queued as ID", then "f  Follow ID in the mail log" or why not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "follow", "Follow in the mail log", id="send-result-follow"),
        Binding("escape,enter,q", "close", "Close", id="send-result-close"),
    ]

    DEFAULT_CSS = """
    SendResultDialog {
        align: center middle;
        & > Vertical {
            width: 90%; max-width: 100; height: auto; max-height: 90%;
            background: $panel; border: round $primary; padding: 0 1;
        }
        #send-result-title { color: $reply-2xx; text-style: bold; }
        #send-result-follow { margin-top: 1; }
        #send-result-follow.-offered { color: $accent; text-style: bold; }
        #send-result-follow.-not-offered { color: $text-muted; }
        #send-result-keys { margin-top: 1; color: $text-muted; }
    }
    """

    def __init__(
        self,
        lines: list[str],
        queue_id: str,
        relay: str,
        source: ServerSource,
        sent_at: datetime | None = None,
        found: bool = False,
    ) -> None:
        super().__init__()
        self.lines = lines
        self.queue_id = queue_id
        self.relay = relay
        self.source = source
        self.sent_at = sent_at or datetime.now()
        self._found = found  # already seen in the log (offer_follow looked): no second look
        self.followable = False
        self.follow_hint = ""  # the offer or why there is none, as plain text (for tests and copy)
        self._stop = threading.Event()

    @property
    def log_name(self) -> str:
        return ", ".join(self.source.logs) or "this host's mail log"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Message sent", id="send-result-title", markup=False)
            yield Static(
                Text("\n".join(clean_line(s) for s in self.lines)), id="send-result-reply", markup=False
            )
            yield Static(
                Text(f"Looking for {self.queue_id} in {self.log_name} …"),
                id="send-result-follow",
                markup=False,
            )
            yield Static("Esc closes", id="send-result-keys", markup=False)

    def on_mount(self) -> None:
        if self._found:
            self.post_message(LogChecked(self.queue_id, True))
        else:
            self._check(self.queue_id)

    def on_unmount(self) -> None:
        self._stop.set()

    @work(thread=True, exclusive=True, group="send-result-log", exit_on_error=False)
    def _check(self, queue_id: str) -> None:
        from mailtui.server.after_send import appears_in_log

        sources = self.source.follow_sources(recent=True)  # just sent: not in a rotated log
        try:
            found = appears_in_log(
                queue_id, sources, since=self.sent_at - timedelta(minutes=5),
                timeout=PROBE_SECONDS, sleep=self._stop.wait, should_stop=self._stop.is_set,
            )  # fmt: skip
        except MailtuiError as exc:
            self.post_message(LogChecked(queue_id, False, exc))
        else:
            self.post_message(LogChecked(queue_id, found))
        finally:
            for source in sources or ():
                source.close()

    @on(LogChecked)
    def _on_checked(self, message: LogChecked) -> None:
        message.stop()
        hint = self.query_one("#send-result-follow", Static)
        keys = self.query_one("#send-result-keys", Static)
        self.followable = message.found
        if message.found:
            hint.add_class("-offered")
            self._hint(hint, f"f  Follow {self.queue_id} in the mail log until its final status")
            keys.update(Text("f follows · Esc closes"))
            return
        hint.add_class("-not-offered")
        if message.error is not None:
            why = f"{self.log_name} cannot be read ({message.error.title}: {message.error.message})"
        else:
            why = not_in_log(self)
        self._hint(hint, f"Not offered to follow in the log: {why}.")

    def _hint(self, hint: Static, text: str) -> None:
        self.follow_hint = text
        hint.update(Text(text))

    def action_follow(self) -> None:
        """Open the mail-server screen's Trace tab following the queue id."""
        if not self.followable:
            self.app.bell()
            return
        from mailtui.ui.screens.server.server import ServerScreen

        since = self.sent_at - timedelta(minutes=5)
        self.dismiss(None)
        self.app.push_screen(ServerScreen(self.source, follow=self.queue_id, since=since))

    def action_close(self) -> None:
        self.dismiss(None)


def offer_follow(
    app: App[object], server: ServerConfig | None, outcome: SendOutcome, lines: list[str]
) -> list[str]:
    """After a send through a relay on this host with a queue id: open the result dialog that
    offers to follow it (once the id is in the log). Else the lines to add to the send's
    notification saying why there is nothing to follow (none for a relay elsewhere, whose log
    is obviously not here)."""
    from mailtui.server.after_send import follow_offer

    if server is None:
        return []
    offer = follow_offer(server.host, outcome)
    source = getattr(app, "server_source", None)
    if offer.queue_id and source is not None:
        relay = f"{server.host}:{server.port}"
        look_in_log(app, SendResultDialog(lines, offer.queue_id, relay, source))
        return []
    return [f"Not followed in the mail log: {offer.why_not}."] if offer.local else []


def look_in_log(app: App[object], dialog: SendResultDialog) -> None:
    """Open `dialog` once its queue id is in the log; else notify why it is not offered."""
    from mailtui.server.after_send import appears_in_log

    def look() -> None:
        worker = get_current_worker()  # cancelled when the app quits: the look stops then
        sources = dialog.source.follow_sources(recent=True)
        why = ""
        try:
            found = appears_in_log(
                dialog.queue_id, sources, since=dialog.sent_at - timedelta(minutes=5), timeout=PROBE_SECONDS,
                should_stop=lambda: worker.is_cancelled,
            )  # fmt: skip
        except MailtuiError as exc:
            found, why = False, f"{dialog.log_name} cannot be read ({exc.title}: {exc.message})"
        finally:
            for source in sources or ():
                source.close()
        if worker.is_cancelled:
            return
        if found:
            dialog._found = True
            app.call_from_thread(app.push_screen, dialog)
            return
        why = why or not_in_log(dialog)
        app.call_from_thread(
            app.notify, f"Not followed in the mail log: {why}.", title="Message sent", timeout=8, markup=False
        )

    app.run_worker(look, thread=True, group="send-follow", exclusive=True, exit_on_error=False)


def not_in_log(dialog: SendResultDialog) -> str:
    return (
        f"{dialog.queue_id} did not appear in {dialog.log_name} within {PROBE_SECONDS:.0f} s: the relay "
        f"{dialog.relay} logs somewhere else (a tunnel to another host, or a server that writes no "
        "mail log); start mailtui with --log FILE if this host's log is elsewhere"
    )
