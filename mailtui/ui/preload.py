"""Open the mailbox and list the first folder while Textual starts (issue 6: first screen).

`run_app` starts a `Preload` before `App.run`, so the listing (directory scans release
the GIL) overlaps Textual's start-up and first layout instead of following it. The
browser's workers then take the backend and the refs from here instead of asking again.
No textual import here: the thread starts before the UI exists.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from mailtui.backends.base import MailBackend
from mailtui.config import AccountConfig
from mailtui.core.models import MessageRef
from mailtui.core.transcript import Transcript


class Preload:
    """A thread that opens the account's backend and lists its default folder."""

    def __init__(self, account: AccountConfig, transcript: Transcript) -> None:
        self._account = account
        self._transcript = transcript
        self._done = threading.Event()
        self._lock = threading.Lock()
        self.backend: MailBackend | None = None
        self.error: BaseException | None = None
        self._folder: str | None = None
        self._refs: Sequence[MessageRef] | None = None
        self._thread = threading.Thread(target=self._run, name="mailtui-preload", daemon=True)

    def start(self) -> Preload:
        self._thread.start()
        return self

    def _run(self) -> None:
        from mailtui.backends import open_account

        try:
            backend = open_account(self._account, self._transcript)
            self.backend = backend
            folder = backend.default_folder
            refs = backend.list_refs(folder)
            with self._lock:
                self._folder, self._refs = folder, refs
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

    def take_refs(self, folder: str) -> Sequence[MessageRef] | None:
        """The preloaded refs of `folder`, once (None when another folder or already taken)."""
        if not self._done.is_set():
            return None
        with self._lock:
            if self._refs is None or self._folder != folder:
                return None
            refs, self._refs = self._refs, None
            return refs
