"""The decoder tab: paste RFC 2047 words, a header line, Base64 or quoted-printable -> text.

Shows the decoded text, each encoded word with its charset and encoding, and what was
wrong with the input when only part of it decoded (`core.transfer_decode.decode_pasted`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static, TextArea

from mailtui.core.i18n import tr
from mailtui.core.message.transfer_decode import PastedDecoding, decode_pasted
from mailtui.core.sanitize import clean_line, clean_text

if TYPE_CHECKING:
    from textual.app import ComposeResult


def decoding_text(result: PastedDecoding) -> Text:
    """The decoding as plain Text: status, decoded text, words, notes and problems."""
    if result.partial:
        status = (
            tr("PARTIAL decode as {kind} (detected)", kind=result.kind)
            if result.detected
            else tr("PARTIAL decode as {kind} (given)", kind=result.kind)
        )
    else:
        status = (
            tr("Decoded as {kind} (detected)", kind=result.kind)
            if result.detected
            else tr("Decoded as {kind} (given)", kind=result.kind)
        )
    charset = tr(", charset {charset}", charset=clean_line(result.charset)) if result.charset else ""
    out = Text(f"{status}{charset}\n\n", style="bold")
    out.append(clean_text(result.text) + "\n")
    encoded = [w for w in result.words if w.encoding]
    if encoded:
        out.append("\n" + tr("Words:") + "\n", style="bold")
        for word in encoded:
            out.append(f"  {clean_line(word.raw)}\n")
            detail = f"charset={clean_line(word.charset or '?')} encoding={word.encoding}"
            out.append(f"    -> {clean_line(word.text)}   {detail}\n")
            for note in word.notes:
                out.append(f"       ! {clean_line(note)}\n", style="bold")
    for note in result.info:
        out.append(tr("note: {note}", note=clean_line(note)) + "\n")
    for note in result.notes:
        out.append(tr("problem: {note}", note=clean_line(note)) + "\n", style="bold")
    return out


class DiagDecoder(VerticalScroll):
    """An Input (one line) and a TextArea (multi-line paste) -> the decoding below."""

    DEFAULT_CSS = """
    DiagDecoder #decode-input { height: 3; }
    DiagDecoder #decode-area { height: 5; }
    DiagDecoder Horizontal { height: auto; }
    DiagDecoder #decode-output { padding: 1 1; }
    """

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="=?UTF-8?B?...?=, Subject: ..., Base64 or quoted-printable", id="decode-input"
        )
        yield TextArea(id="decode-area")
        with Horizontal():
            yield Button(tr("Decode pasted text"), id="decode-button")
        yield Static(id="decode-output", markup=False)

    def show(self, text: str) -> None:
        """Decode `text` and show the result."""
        output = self.query_one("#decode-output", Static)
        if not text.strip():
            output.update(
                Text(tr("Nothing to decode: paste encoded words, Base64 or quoted-printable text."))
            )
            return
        output.update(decoding_text(decode_pasted(text)))

    @on(Input.Submitted, "#decode-input")
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.show(event.value)

    @on(Button.Pressed, "#decode-button")
    def _on_button(self, event: Button.Pressed) -> None:
        event.stop()
        self.show(self.query_one("#decode-area", TextArea).text)
