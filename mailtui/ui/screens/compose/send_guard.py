"""What compose asks before sending: an empty Subject, a body that promises an attachment
when nothing is attached (mutt's abort_nosubject and abort_noattach, `[compose]` keys).

`send_questions` lists the questions for a draft; `SendAnywayDialog` asks one (y sends,
n or Esc goes back to the draft untouched). `promised_attachment` is pure: the lines the
user wrote are searched, not the quoted ones (`>`, as mutt skips $quote_regex lines), nor
the signature below "-- ", nor a message forwarded inline below its marker line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from mailtui.core.sanitize import clean_line

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.config import ComposeConfig
    from mailtui.core.compose import Draft

_QUOTED = re.compile(r"^[ \t]*[>|]")
# Where the user's own text ends: the signature, an inline forward (someone else's words).
_ENDS = ("-- ", "---------- Forwarded message ----------")
Guard = Literal["subject", "attachment"]


def promised_attachment(body: str, regex: str) -> str | None:
    """The first word of `body` matching `regex` outside quoted lines and the signature, or None.

    A regex that does not compile matches nothing (the config check refuses it anyway).
    """
    try:
        pattern = re.compile(regex)
    except re.error:
        return None
    for line in body.splitlines():
        if line in _ENDS:
            break
        if _QUOTED.match(line):
            continue
        found = pattern.search(line)
        if found:
            return found.group(0)
    return None


def send_questions(draft: Draft, config: ComposeConfig) -> list[tuple[Guard, str]]:
    """The questions to ask before sending `draft`, in order (empty: send at once)."""
    questions: list[tuple[Guard, str]] = []
    if config.ask_no_subject and not draft.subject.strip():
        questions.append(("subject", "No subject. Send anyway?"))
    if config.ask_no_attachment and not draft.attachments:
        word = promised_attachment(draft.body, config.no_attachment_regex)
        if word is not None:
            questions.append(
                ("attachment", f"The text says {clean_line(word)!r} but nothing is attached. Send anyway?")
            )
    return questions


class SendAnywayDialog(ModalScreen[bool]):
    """One question before sending: y sends, n or Esc goes back to the draft."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Send anyway", id="send-anyway-yes"),
        Binding("n,escape", "answer(False)", "Back to the draft", id="send-anyway-no"),
    ]

    DEFAULT_CSS = """
    SendAnywayDialog {
        align: center middle;
        & > Vertical {
            width: 72; max-width: 95%; height: auto;
            background: $panel; border: round $warning; padding: 0 1;
        }
        #send-anyway-keys { color: $text-muted; margin-top: 1; }
    }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question, style="bold"), markup=False, id="send-anyway-question")
            yield Static("y: send anyway   n / Esc: back to the draft", markup=False, id="send-anyway-keys")

    def action_answer(self, send: bool) -> None:
        self.dismiss(send)
