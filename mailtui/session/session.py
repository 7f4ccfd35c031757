"""What the screens of one running app share: config, account, transcript and the backend.

A backend instance is used from one thread at a time (see backends/base.py): every call
from a worker goes through `Session.call`, which holds a lock. `wait_for_changes` is the
exception the Protocol allows and runs without it.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import TypeVar

from mailtui.backends.base import MailBackend
from mailtui.config import AccountConfig, Config
from mailtui.core.errors import BackendError
from mailtui.core.transcript import Transcript

T = TypeVar("T")


class Session:
    """Mutable state of one app run (the backend arrives after the app starts)."""

    def __init__(
        self,
        config: Config,
        account: AccountConfig,
        backend: MailBackend | None = None,
        transcript: Transcript | None = None,
    ) -> None:
        self.config = config
        self.account = account
        self.backend = backend
        self.transcript = transcript if transcript is not None else Transcript()
        self._lock = threading.Lock()

    def sending_config(self) -> Config:
        """The config with this session's account in it, as the outbox needs it to reach a relay.

        The session's account may differ from the config's (under --demo it has the demo
        relay's port; under -f it is in no config at all)."""
        account = self.account
        accounts = tuple(account if a.name == account.name else a for a in self.config.accounts)
        return dataclasses.replace(self.config, accounts=accounts or (account,))

    def call(self, fn: Callable[[MailBackend], T]) -> T:
        """Run `fn(backend)` with the backend lock held (from a worker thread)."""
        backend = self.backend
        if backend is None:
            raise BackendError("the mailbox is not open yet", title="Not connected")
        with self._lock:
            return fn(backend)

    def close(self) -> None:
        """Close the backend (waits for a running call to finish)."""
        backend, self.backend = self.backend, None
        if backend is not None:
            with self._lock:
                backend.close()
