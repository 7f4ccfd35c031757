"""The diagnostics screen: transcript, SMTP/IMAP probes, code explainer, decoder, headers, DNS.

One `TabbedContent`, one widget per tab (ui/widgets/diag_*.py). The screen owns what the
tabs share: the session (config, account, transcript), the raw bytes of the message that
was open, and the two file actions: ctrl+s saves the transcript as filtered on its tab,
ctrl+b saves the diagnostic bundle (versions, config, probes, TLS, DNS, headers, outbox,
transcript; ctrl+r the same with every address redacted), both masked and written under the data dir; the path is shown at the bottom.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane, Tabs
from textual.worker import Worker, WorkerState

from mailtui.core.errors import MailtuiError
from mailtui.core.i18n import tr
from mailtui.core.transcript import TranscriptLine
from mailtui.ui.widgets.diagnostics.decoder import DiagDecoder
from mailtui.ui.widgets.diagnostics.dns import DiagDns
from mailtui.ui.widgets.diagnostics.explainer import DiagExplainer
from mailtui.ui.widgets.diagnostics.headers import DiagHeaders
from mailtui.ui.widgets.diagnostics.imap_probe import DiagImapProbe
from mailtui.ui.widgets.diagnostics.smtp_probe import DiagSmtpProbe
from mailtui.ui.widgets.diagnostics.transcript import DiagTranscript
from mailtui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.app import ComposeResult

    from mailtui.config import AccountConfig
    from mailtui.session.learned import Learned
    from mailtui.session.session import Session

# tab name (as open_diagnostics takes it) -> tab label
TABS: dict[str, str] = {
    "transcript": "Transcript",
    "smtp": "SMTP probe",
    "imap": "IMAP probe",
    "explain": "Codes",
    "decode": "Decoder",
    "headers": "Headers",
    "dns": "DNS",
}


def tab_labels() -> dict[str, str]:
    """The tabs' labels in the current language, by tab name (as TABS)."""
    return {
        "transcript": tr("Transcript"), "smtp": tr("SMTP probe"), "imap": tr("IMAP probe"),
        "explain": tr("Codes"), "decode": tr("Decoder"), "headers": tr("Headers"), "dns": "DNS",
    }  # fmt: skip


class DiagnosticsScreen(Screen[None]):
    """Diagnostics tabs over the running session."""

    DEFAULT_CSS = """
    DiagnosticsScreen #diag-status { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    DiagnosticsScreen TabbedContent { height: 1fr; }
    DiagnosticsScreen TabPane { padding: 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="diag-back"),
        Binding("ctrl+s", "save_transcript", "Save transcript", id="save-transcript"),
        Binding("ctrl+b", "save_bundle", "Save bundle", id="save-bundle"),
        Binding(
            "ctrl+r", "save_bundle(True)", "Bundle, addresses redacted", id="save-bundle-redacted", show=False
        ),
        Binding("ctrl+right", "next_tab", "Next tab", id="diag-next-tab", show=False, priority=True),
        Binding(
            "ctrl+left", "previous_tab", "Previous tab", id="diag-previous-tab", show=False, priority=True
        ),
    ]

    def __init__(
        self,
        session: Session,
        tab: str = "transcript",
        *,
        raw_message: bytes | None = None,
        code_text: str = "",
    ) -> None:
        super().__init__()
        if tab not in TABS:
            raise ValueError(f"unknown diagnostics tab {tab!r}; tabs: {', '.join(TABS)}")
        self.session = session
        self.tab = tab
        self.raw_message = raw_message
        self.code_text = code_text
        self.saved_path: Path | None = None
        if raw_message is not None:
            self._learned().inspected(raw_message)

    def compose(self) -> ComposeResult:
        config, account, transcript = self.session.config, self.session.account, self.session.transcript
        lang = config.ui.language
        widgets = {
            "transcript": DiagTranscript(transcript, lang),
            "smtp": DiagSmtpProbe(account, transcript),
            "imap": DiagImapProbe(account, transcript),
            "explain": DiagExplainer(lang, initial=self.code_text),
            "decode": DiagDecoder(),
            "headers": DiagHeaders(self.raw_message, config.ui.trusted_authserv_ids),
            "dns": DiagDns(_domain_of(account.from_address)),
        }
        with TabbedContent(initial=f"tab-{self.tab}"):
            for name, label in tab_labels().items():
                with TabPane(label, id=f"tab-{name}"):
                    yield widgets[name]
        yield Static(
            Text(tr("ctrl+←/→ switch tabs · ctrl+s saves the transcript, ctrl+b the diagnostic bundle")),
            id="diag-status",
        )
        yield KeyBar()

    def show_tab(self, tab: str) -> None:
        """Switch to the tab named as in TABS ("transcript", "smtp", ...)."""
        if tab not in TABS:
            raise ValueError(f"unknown diagnostics tab {tab!r}; tabs: {', '.join(TABS)}")
        tabbed = self.query_one(TabbedContent)
        # A focused widget in the old pane would pull the tab back when it is hidden: drop the focus first.
        self.set_focus(None)
        tabbed.active = f"tab-{tab}"
        tabbed.query_one(Tabs).focus()

    def on_mount(self) -> None:
        self._focus_pane(f"tab-{self.tab}")

    @on(TabbedContent.TabActivated)
    def _on_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._focus_pane(event.pane.id)

    def _focus_pane(self, pane_id: str) -> None:
        """Put the cursor in the tab's first field, so typing goes where the admin looks."""
        pane = self.query_one(f"#{pane_id}", TabPane)
        fields = [w for w in pane.query("Input, TextArea, Select") if w.focusable]
        if fields:
            self.call_after_refresh(fields[0].focus)

    def action_next_tab(self) -> None:
        self._step_tab(1)

    def action_previous_tab(self) -> None:
        self._step_tab(-1)

    def _step_tab(self, step: int) -> None:
        names = list(TABS)
        current = (self.query_one(TabbedContent).active or "tab-transcript").removeprefix("tab-")
        self.show_tab(names[(names.index(current) + step) % len(names)])

    def set_message(self, raw: bytes | None) -> None:
        """Inspect another message (the pager opened a new one)."""
        self.raw_message = raw
        if raw is not None:
            self._learned().inspected(raw)
        self.query_one(DiagHeaders).show(raw)

    def _learned(self) -> Learned:
        from mailtui.session.learned import learned_for

        return learned_for(self.session)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The tabs' workers catch the errors they expect; anything else is shown, never a traceback.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            from mailtui.ui.errors import show_error

            show_error(self, event.worker.error)

    def action_back(self) -> None:
        self.dismiss(None)

    def _status(self, text: str) -> None:
        self.query_one("#diag-status", Static).update(Text(text))

    def _accounts(self) -> list[AccountConfig]:
        """The accounts whose configured secrets are masked in saved files (the session's too)."""
        accounts = list(self.session.config.accounts)
        if all(a.name != self.session.account.name for a in accounts):
            accounts.append(self.session.account)
        return accounts

    def action_save_transcript(self) -> None:
        """Write the transcript lines shown (the filter applies) to a file; show the path."""
        from mailtui.credentials import configured_secrets
        from mailtui.diagnostics.bundle import mask_all, write_text

        lines: list[TranscriptLine] = self.query_one(DiagTranscript).shown_lines()
        transcript, accounts = self.session.transcript, self._accounts()

        def write() -> Path:  # on the worker thread: a password_command may take a while
            text = transcript.format(lines) + "\n"
            return write_text(
                mask_all(text, transcript, user_secrets=configured_secrets(accounts)), "transcript"
            )

        self._saved(write, tr("Transcript"))

    def action_save_bundle(self, redact: bool = False) -> None:
        """Write the diagnostic bundle (every configured secret masked, with `redact` every
        address replaced by a token) to a file; show the path."""
        from mailtui.diagnostics.bundle import build_bundle, read_outbox, write_text

        smtp, imap = self.query_one(DiagSmtpProbe).result, self.query_one(DiagImapProbe).result
        transcript, raw, accounts = self.session.transcript, self.raw_message, self._accounts()
        config = self.session.sending_config()
        inspected, dns_reports = self._learned().snapshot()

        def write() -> Path:  # on the worker thread: a password_command may take a while
            text = build_bundle(
                transcript=transcript,
                smtp=smtp,
                imap=imap,
                raw_message=raw,
                accounts=accounts,
                config=config,
                outbox=read_outbox(),
                inspected=inspected,
                dns_reports=dns_reports,
                redact=redact,
            )
            return write_text(text, "bundle")

        self._saved(write, tr("Diagnostic bundle"))

    @work(thread=True, group="save", exit_on_error=False)
    def _saved(self, write: Callable[[], Path], what: str) -> None:
        """Write the file on a worker thread (file I/O stays off the event loop)."""
        try:
            path = write()
        except MailtuiError as exc:
            self.app.call_from_thread(
                self.notify, exc.message, title=exc.title, severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._show_saved, path, what)

    def _show_saved(self, path: Path, what: str) -> None:
        self.saved_path = path
        said = tr("{what} saved to {path}", what=what, path=path)
        self._status(said)
        self.notify(said, title=tr("Saved"), markup=False)


def _domain_of(address: str) -> str:
    """The domain of an address ("Name <a@b>" too), or ""."""
    from email.utils import parseaddr

    addr = parseaddr(address)[1]
    return addr.rpartition("@")[2] if "@" in addr else ""
