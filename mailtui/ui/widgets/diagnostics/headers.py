"""The header inspector tab: hops, dates, Authentication-Results, SPF/DKIM/ARC and the MIME tree.

Works on the raw bytes of the open message (passed in by the pager/browser); the text
comes from `core.inspect` (already sanitized) and is drawn as plain `Text`, with lines
flagging a problem ("!") and untrusted results in the warning colour. The inspection runs
in a thread worker (a hostile message can take a while even with the core's caps): the
screen answers keys meanwhile, and leaving it (the widget unmounted) cancels the worker,
whose late result is then dropped. V (with the inspection focused) verifies DKIM, ARC, SPF
and DMARC here in another thread worker (DNS blocks) and shows the report below it, each
disagreement with the server in the warning colour.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from mailtui.core.headers.inspection import format_inspection, inspect_message
from mailtui.core.i18n import tr
from mailtui.ui.themes import theme_styles

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from mailtui.config import Config

# The English texts (as tests compare them); shown through `_inspecting`/`_verify_hint` in the language.
INSPECTING = "Inspecting the headers…"
VERIFY_HINT = (
    "Tab to this inspection, then V: verify DKIM, ARC, SPF and DMARC here, beside the server's results"
)
# Line starts that mark a disagreement or an untrusted result, in English and Chinese.
_DISAGREES = ("DISAGREES:", "不一致：")
_UNTRUSTED = ("UNTRUSTED", "不可信：")


def _inspecting() -> str:
    return tr("Inspecting the headers…")


def _verify_hint() -> str:
    return tr(
        "Tab to this inspection, then V: verify DKIM, ARC, SPF and DMARC here, beside the server's results"
    )


def inspection_text(raw: bytes | None, trusted: Sequence[str], warning: Style | None = None) -> Text:
    """The inspection of `raw` as Text (a hint when no message is open)."""
    if raw is None:
        return Text(tr("No message is open. Open a message in the pager and press H to inspect its headers."))
    return _styled(format_inspection(inspect_message(raw, trusted)), warning)


def _styled(plain: str, warning: Style | None) -> Text:
    out = Text()
    for line in plain.splitlines():
        flagged = line.lstrip().startswith("!") or any(mark in line for mark in _UNTRUSTED)
        out.append(line + "\n", (warning or Style(bold=True)) if flagged else Style())
    return out


def verdicts_text(plain: str, warning: Style | None = None) -> Text:
    """The verdicts report as Text: each disagreement ("!" and its DISAGREES note) flagged."""
    out = Text()
    flagged = False
    for line in plain.splitlines():
        stripped = line.lstrip()
        flagged = stripped.startswith("!") or (flagged and stripped.startswith(_DISAGREES))
        out.append(line + "\n", (warning or Style(bold=True)) if flagged else Style())
    return out


class DiagHeaders(ScrollableContainer):
    """A scrollable inspection of one message, and its verdicts on V."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "V",
            "verify",
            "Verify",
            id="verify-headers",
            tooltip="Verify DKIM, ARC, SPF and DMARC here, beside the server's results",
        ),
    ]

    DEFAULT_CSS = """
    DiagHeaders #headers-output { padding: 0 1; width: auto; }
    DiagHeaders #headers-verdicts { padding: 1 1 0 1; width: auto; }
    """

    @dataclass
    class Inspected(Message):
        """The worker finished the inspection of `raw` (compared on arrival: a newer one wins)."""

        raw: bytes
        text: str

    @dataclass
    class Verified(Message):
        """The verdicts of `raw` were computed (dropped when another message is shown by then)."""

        raw: bytes
        text: str

    def __init__(self, raw: bytes | None, trusted: Sequence[str] = ()) -> None:
        super().__init__()
        self.raw = raw
        self.trusted = tuple(trusted)

    def compose(self) -> ComposeResult:
        yield Static(id="headers-output", markup=False)
        yield Static(id="headers-verdicts", markup=False)

    def on_mount(self) -> None:
        self.show(self.raw)

    @property
    def output(self) -> Static:
        return self.query_one("#headers-output", Static)

    @property
    def verdicts(self) -> Static:
        return self.query_one("#headers-verdicts", Static)

    def show(self, raw: bytes | None) -> None:
        """Inspect `raw` (None: no message) in a worker and show it when done."""
        self.raw = raw
        self.workers.cancel_group(self, "verdicts")
        self.verdicts.update(Text("" if raw is None else _verify_hint()))
        if raw is None:
            self.workers.cancel_group(self, "inspect")
            self.output.update(inspection_text(None, self.trusted))
            return
        self.output.update(Text(_inspecting()))
        self.inspect(raw)

    @work(thread=True, exclusive=True, group="inspect", exit_on_error=False)
    def inspect(self, raw: bytes) -> None:
        text = format_inspection(inspect_message(raw, self.trusted))
        if not get_current_worker().is_cancelled:
            self.post_message(self.Inspected(raw, text))

    @on(Inspected)
    def _on_inspected(self, message: Inspected) -> None:
        if message.raw is not self.raw:
            return  # a result for a message no longer shown
        styles = theme_styles(self.app.get_css_variables(), ("status-warning",))
        warning = styles["status-warning"] + Style(bold=True) if styles else None
        self.output.update(_styled(message.text, warning))

    def _config(self) -> Config:
        return self.app.session.config  # type: ignore[attr-defined]  # a MailApp (ui/app.py)

    def action_verify(self) -> None:
        """Verify the shown message (with the config's dns_server and trusted hosts) in a worker."""
        from mailtui.ui.screens.pager.verdicts import verifying_text

        if self.raw is None:
            self.notify(tr("No message is open: open one in the pager and press H, then V."), markup=False)
            return
        self.verdicts.update(Text(verifying_text(self._config())))
        self.run_verdicts(self.raw, self._config())

    @work(thread=True, exclusive=True, group="verdicts", exit_on_error=False)
    def run_verdicts(self, raw: bytes, config: Config) -> None:
        from mailtui.ui.screens.pager.verdicts import compute_verdicts

        text = compute_verdicts(config, raw)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Verified(raw, text))

    @on(Verified)
    def _on_verified(self, message: Verified) -> None:
        if message.raw is not self.raw:
            return  # verdicts of a message no longer shown
        styles = theme_styles(self.app.get_css_variables(), ("status-warning",))
        warning = styles["status-warning"] + Style(bold=True) if styles else None
        self.verdicts.update(verdicts_text(message.text, warning))
