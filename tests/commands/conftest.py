"""Fixtures of the CLI tests that send: a STARTTLS relay on loopback and a config pointing at it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands.test_cli_send import write_config
from tests.sending.relay import Relay


@pytest.fixture
def relay(relay_factory) -> Relay:
    return relay_factory("starttls")


@pytest.fixture
def config(tmp_path: Path, relay: Relay) -> Path:
    return write_config(tmp_path, relay)
