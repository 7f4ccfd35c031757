"""What the compose screen shows around a send: the live SMTP conversation, the outgoing
MIME tree (preview), and the password prompt.

Server replies are untrusted: every line is sanitized and drawn as `rich.text.Text`, never
markup. Each final reply line is annotated with `core.codes.short_explanation` and coloured
by its class with the theme variables `$reply-2xx`, `$reply-4xx`, `$reply-5xx`.
"""

from __future__ import annotations

import re
from email.message import EmailMessage, Message
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from mailtui.core.codes.explain import explain_reply, format_explanation, short_explanation
from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.sanitize import clean_line, clean_text
from mailtui.core.transcript import Direction, TranscriptLine
from mailtui.ui.widgets.index.cells import format_size

if TYPE_CHECKING:
    from textual.app import ComposeResult

_REPLY = re.compile(r"^([2-5]\d\d)([ -])(.*)$")


def describe_line(line: TranscriptLine, lang: str = "en") -> tuple[Text, str]:
    """(text to show, CSS class) for one transcript line; final replies get an explanation."""
    text = clean_line(line.text)
    if line.direction is Direction.RECEIVED:
        match = _REPLY.match(text)
        if match:
            code, sep, rest = int(match.group(1)), match.group(2), match.group(3)
            shown = Text(f"S: {text}")
            if sep == " ":  # the last line of a (multi-line) reply carries the meaning
                meaning = short_explanation(code, rest, lang, with_code=False)
                if meaning:
                    shown.append(f"  ({meaning})", style="italic")
            return shown, f"-reply-{code // 100}xx"
        return Text(f"S: {text}"), "-received"
    if line.direction is Direction.SENT:
        return Text(f"C: {text}"), "-sent"
    return Text(f"*  {text}"), "-info"


def failure_text(error: MailtuiError, lang: str = "en") -> str:
    """A failed send in plain words: what failed, each refused recipient, the reply explained."""
    from mailtui.sending.smtp import RelayError

    parts = [tr("NOT SENT ({title}): {why}", title=error.title, why=error.message)]
    if isinstance(error, RelayError):
        if error.refused:
            parts.append(tr("Refused recipients:"))
            for rcpt, (code, text) in error.refused.items():
                parts.append(f"  {rcpt}: {short_explanation(code, text, lang)}")
        if error.code is not None and error.code > 0:
            parts.append("")
            parts.append(format_explanation(explain_reply(error.code, error.reply, lang)))
    return "\n".join(parts)


class SendTranscript(VerticalScroll):
    """The conversation of the running send, one line per widget (a send is a few dozen lines)."""

    DEFAULT_CSS = """
    SendTranscript {
        height: 10;
        border-top: solid $primary;
        background: $surface;
        &.-hidden { display: none; }
        &.-expanded { height: 2fr; }
        Static { width: 1fr; }
        .-sent { color: $text-muted; }
        .-info { color: $text-muted; text-style: italic; }
        .-reply-2xx { color: $reply-2xx; }
        .-reply-3xx { color: $reply-2xx; }
        .-reply-4xx { color: $reply-4xx; }
        .-reply-5xx { color: $reply-5xx; }
        .-outcome-ok { color: $reply-2xx; text-style: bold; }
        .-outcome-later { color: $reply-4xx; text-style: bold; }
        .-outcome-failed { color: $reply-5xx; }
    }
    """

    def __init__(self, *, lang: str = "en", id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="-hidden")
        self.lang = lang
        self.texts: list[str] = []  # what was shown, as plain text (for tests and copy)

    def start(self, title: str) -> None:
        """Clear and show the panel for a new send."""
        self.remove_children()
        self.texts.clear()
        self.remove_class("-hidden", "-expanded")
        self._add(Text(title), "-info")

    def add_line(self, line: TranscriptLine) -> None:
        """One line of the conversation."""
        text, css = describe_line(line, self.lang)
        self._add(text, css)

    def add_outcome(self, text: str, kind: str) -> None:
        """The end of the send: kind is "ok", "later" or "failed" (multi-line text allowed).

        A failure enlarges the panel and scrolls to the start of the explanation.
        """
        widget = self._add(Text(clean_text(text)), f"-outcome-{kind}")
        if kind == "failed":
            self.add_class("-expanded")
            self.call_after_refresh(self.scroll_to_widget, widget, top=True, animate=False)

    def _add(self, text: Text, css: str) -> Static:
        self.texts.append(text.plain)
        widget = Static(text, classes=css, markup=False)
        self.mount(widget)
        self.scroll_end(animate=False)
        return widget


# -- MIME preview -------------------------------------------------------------------------------------


def mime_tree(message: EmailMessage | Message) -> list[str]:
    """The parts of `message` as indented lines: type, file name, decoded size, encoding."""
    lines: list[str] = []

    def walk(part: Message, depth: int) -> None:
        ctype = part.get_content_type()
        pad = "  " * depth
        if part.is_multipart() and ctype != "message/rfc822":
            lines.append(f"{pad}{ctype}")
            for sub in part.get_payload():  # parts are Messages; the payload type also allows str
                if isinstance(sub, Message):
                    walk(sub, depth + 1)
            return
        payload = part.get_payload()
        if isinstance(payload, list):  # message/rfc822 holding a parsed message
            size = sum(len(p.as_bytes()) for p in payload if isinstance(p, Message))
        elif ctype == "message/rfc822":
            size = len(str(payload).encode("utf-8", "surrogateescape"))
        else:
            size = len(part.get_payload(decode=True) or b"")
        details = [ctype]
        charset = part.get_content_charset()
        if charset:
            details.append(f"charset={charset}")
        name = part.get_filename()
        if name:
            details.append(f'"{clean_line(name)}"')
        details.append(format_size(size))
        cte = part.get("Content-Transfer-Encoding")
        if cte:
            details.append(str(cte).lower())
        lines.append(pad + "  ".join(details))

    walk(message, 0)
    return lines


class MimePreviewDialog(ModalScreen[None]):
    """The envelope and MIME tree of the outgoing message, before sending."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close", id="compose-preview-close"),
    ]

    DEFAULT_CSS = """
    MimePreviewDialog {
        align: center middle;
        & > VerticalScroll {
            width: 90%; max-width: 100; height: auto; max-height: 90%;
            background: $panel; border: round $primary; padding: 0 1;
        }
        .preview-heading { margin-top: 1; color: $text-muted; }
    }
    """

    def __init__(self, summary: list[str], tree: list[str]) -> None:
        super().__init__()
        self.summary = summary
        self.mime_lines = tree

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(tr("Outgoing message (Esc closes)"), markup=False)
            yield Static(
                Text("\n".join(clean_line(s) for s in self.summary)), markup=False, id="preview-summary"
            )
            yield Static(tr("MIME parts (decoded sizes):"), markup=False, classes="preview-heading")
            yield Static(Text("\n".join(self.mime_lines)), markup=False, id="preview-tree")

    def action_close(self) -> None:
        self.dismiss(None)


# -- password prompt ------------------------------------------------------------------------------------


class PasswordDialog(ModalScreen[str | None]):
    """A masked password input; the value is only returned, never shown or logged."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="compose-password-cancel"),
    ]

    DEFAULT_CSS = """
    PasswordDialog {
        align: center middle;
        & > Vertical {
            width: 70; max-width: 95%; height: auto;
            background: $panel; border: round $primary; padding: 0 1;
        }
        Input { margin-top: 1; }
    }
    """

    def __init__(self, prompt: str, reason: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.prompt, markup=False)
            if self.reason:
                yield Static(Text(clean_text(self.reason.splitlines()[0])), markup=False, classes="reason")
            yield Input(password=True, id="password-input", placeholder="password (Enter sends, Esc cancels)")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
