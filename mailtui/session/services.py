"""Services started beside the UI for its account, such as the demo's local SMTP relay.

The CLI decides which services run (`mailtui --demo` starts the demo relay); the app only
starts them off the event loop, takes the account as each service leaves it (the relay's
port), and stops them when it exits. So the UI never imports the demo.
"""

from __future__ import annotations

from typing import Protocol

from mailtui.config import AccountConfig


class AccountService(Protocol):
    """Something that runs while the app runs, for its account."""

    title: str  # for a notification when it cannot start ("Demo relay")

    def start(self, account: AccountConfig) -> AccountConfig:
        """Start (blocking: the app calls it on a worker thread); the account as it is now."""
        ...

    def stop(self) -> None:
        """Stop and free what it holds; a service that never started does nothing."""
        ...
