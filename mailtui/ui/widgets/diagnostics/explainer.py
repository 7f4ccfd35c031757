"""The code explainer tab: a reply code, an enhanced code or a pasted bounce -> what it means.

Uses `core.codes.explain` in the configured language (`ui.language`); the output is plain
`Text` (the pasted bounce is untrusted server text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Static, TextArea

from mailtui.core.codes.explain import explain, format_explanation, normalize_lang
from mailtui.core.i18n import tr

if TYPE_CHECKING:
    from textual.app import ComposeResult


def explanation_text(text: str, lang: str) -> str:
    """Every code found in `text`, explained; or a hint when none is found."""
    found = explain(text, normalize_lang(lang))
    if not found:
        return (
            "No SMTP reply code (e.g. 550) or enhanced status code (e.g. 5.1.1) found in the text."
            if normalize_lang(lang) == "en"
            else "文本中没有找到 SMTP 回复码（如 550）或增强状态码（如 5.1.1）。"
        )
    return "\n\n".join(format_explanation(e) for e in found)


class DiagExplainer(VerticalScroll):
    """An Input for a code, a TextArea for a pasted bounce, the explanation below."""

    DEFAULT_CSS = """
    DiagExplainer #explain-input { height: 3; }
    DiagExplainer #explain-bounce { height: 5; }
    DiagExplainer Horizontal { height: auto; }
    DiagExplainer #explain-output { padding: 1 1; }
    """

    def __init__(self, lang: str = "en", *, initial: str = "") -> None:
        super().__init__()
        self.lang = normalize_lang(lang)
        self.initial = initial

    def compose(self) -> ComposeResult:
        yield Input(value=self.initial, placeholder="a code: 550 5.1.1, 4.7.1, 421 ...", id="explain-input")
        yield TextArea(id="explain-bounce")
        with Horizontal():
            yield Button(tr("Explain pasted bounce"), id="explain-bounce-button")
        yield Static(id="explain-output", markup=False)

    def on_mount(self) -> None:
        if self.initial.strip():
            self.show(self.initial)

    def show(self, text: str) -> None:
        """Explain `text` and show the result."""
        self.query_one("#explain-output", Static).update(Text(explanation_text(text, self.lang)))

    @on(Input.Submitted, "#explain-input")
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.show(event.value)

    @on(Button.Pressed, "#explain-bounce-button")
    def _on_bounce(self, event: Button.Pressed) -> None:
        event.stop()
        self.show(self.query_one("#explain-bounce", TextArea).text)
