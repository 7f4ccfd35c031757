"""Open the mailbox and list the first folder while Textual starts (the first screen of a big folder).

The CLI starts a `Preload` before it imports textual, so opening the mailbox and listing
its first folder (for a big Maildir by child processes on the other core, see
`backends/maildir_listing.py`) overlap the import, Textual's start-up and the first layout
instead of following them. It also reads the envelopes of the first screen's rows. When it
is done before the browser mounts (the usual case) the browser shows that first screen in
its very first frame, without a worker round trip; otherwise a worker waits for the backend,
and the first screen is taken from here once it has come. No textual import here: the thread starts before the UI exists.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from mailtui.backends.base import MailBackend
from mailtui.config import AccountConfig
from mailtui.core.models import Envelope, MessageRef
from mailtui.core.transcript import Transcript


@dataclass(frozen=True)
class FirstScreen:
    """A folder's refs and the envelopes of its first rows, read before the UI started."""

    folder: str
    refs: Sequence[MessageRef]
    envelopes: list[Envelope]


def first_screen_rows() -> int:
    """How many index rows the first screen can show (the terminal's height is the bound)."""
    return shutil.get_terminal_size((120, 50)).lines


class Preload:
    """A thread that opens the account's backend and lists its default folder."""

    def __init__(self, account: AccountConfig, transcript: Transcript) -> None:
        self._account = account
        self.transcript = transcript
        self._done = threading.Event()
        self._lock = threading.Lock()
        self.backend: MailBackend | None = None
        self.error: BaseException | None = None
        self._first: FirstScreen | None = None
        self._thread = threading.Thread(target=self._run, name="mailtui-preload", daemon=True)

    def start(self) -> Preload:
        self._thread.start()
        return self

    def _run(self) -> None:
        from mailtui.backends import open_account

        try:
            backend = open_account(self._account, self.transcript)
            self.backend = backend
            folder = backend.default_folder
            refs = backend.list_refs(folder)
            try:
                envelopes = backend.fetch_envelopes(folder, refs[: first_screen_rows()])
            except Exception:  # noqa: BLE001 - the index asks for its rows again
                envelopes = []
            with self._lock:
                self._first = FirstScreen(folder, refs, envelopes)
        except Exception as exc:  # noqa: BLE001 - handed to the UI, which shows it
            if self.backend is None:
                self.error = exc
            # A failed listing is not fatal: the browser lists the folder again itself.
        finally:
            self._done.set()

    def wait_backend(self) -> MailBackend:
        """The opened backend (blocks until the thread is done); raises the opening error."""
        self._done.wait()
        if self.backend is None:
            raise self.error if self.error is not None else RuntimeError("the mailbox was not opened")
        return self.backend

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def take(self, folder: str) -> FirstScreen | None:
        """The preloaded first screen of `folder`, once (None when not done, another folder or taken)."""
        if not self._done.is_set():
            return None
        with self._lock:
            if self._first is None or self._first.folder != folder:
                return None
            first, self._first = self._first, None
            return first
