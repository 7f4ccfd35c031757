"""Suite-wide fixtures: every test runs with its own HOME-like XDG dirs, never the user's."""

from __future__ import annotations

import pytest

# `dovecot`, `user`: a real Dovecot per test module; `certs`, `relay_factory`: aiosmtpd relays.
pytest_plugins = ["tests.fixtures.dovecot", "tests.fixtures.smtp", "tests.fixtures.unprivileged"]


@pytest.fixture(autouse=True)
def isolated_xdg(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point config, data and cache dirs at a fresh temp dir; no keyring backend lookups."""
    base = tmp_path_factory.mktemp("xdg")
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache")):
        (base / sub).mkdir()
        monkeypatch.setenv(var, str(base / sub))
    monkeypatch.delenv("MAILTUI_CONFIG", raising=False)
    monkeypatch.delenv("MAILTUI_PASSWORD", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return base


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a `--lang zh` run in this process does not leak into the next."""
    from mailtui.core.i18n import set_language

    set_language("en")
    yield
    set_language("en")
