"""`mailtui -f imaps://user@host` end to end: the CLI's ad-hoc account, the UI, a real Dovecot."""

from __future__ import annotations

import pytest

from mailtui.cli import adhoc_imap_account, build_parser
from mailtui.config import Config
from mailtui.core.models import TLSState
from mailtui.ui.app import MailApp
from tests.backends.conftest import make_message
from tests.backends.imap_helpers import new_user
from tests.ui.conftest import screen_text, settle, wait_until


def test_adhoc_account_takes_the_url_and_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILTUI_PASSWORD", "s3cret")
    args = build_parser().parse_args(
        [
            "-f",
            "imap://bob@mail.example.org",
            "--tls",
            "none",
            "--allow-plaintext-auth",
            "--ca-file",
            "/x.pem",
        ]
    )
    server = adhoc_imap_account(args).imap
    assert server is not None
    assert (server.host, server.port, server.user, server.tls) == ("mail.example.org", 143, "bob", "none")
    assert server.allow_plaintext_auth and server.ca_file == "/x.pem" and server.tls_verify
    assert server.password.inline == "s3cret" and not server.password.keyring
    default = adhoc_imap_account(build_parser().parse_args(["-f", "imaps://bob@h:1993"])).imap
    assert default is not None and (default.tls, default.port, default.allow_plaintext_auth) == (
        "ssl",
        1993,
        False,
    )


async def test_ui_opens_an_imap_account_given_as_url(dovecot, monkeypatch: pytest.MonkeyPatch) -> None:
    user = new_user(dovecot)
    dovecot.seed(
        user.name, [make_message(1, subject="Über die Wartung"), make_message(2, subject="Newest one")]
    )
    monkeypatch.setenv("MAILTUI_PASSWORD", user.password)
    args = build_parser().parse_args(["-f", user.url(), "--ca-file", str(dovecot.ca_file)])
    account = adhoc_imap_account(args)
    app = MailApp(Config(accounts=(account,)), account)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "Newest one" in screen_text(app), what="the newest message")
        text = screen_text(app)
        assert "Newest one" in text and "Über die Wartung" in text
        assert text.index("Newest one") < text.index("Über die Wartung")
        assert app.session.backend is not None
        assert app.session.backend.capabilities.tls is TLSState.VERIFIED
    transcript = app.session.transcript.format()
    assert "LOGIN" in transcript and user.password not in transcript


async def test_status_bar_shows_a_lost_imap_server_and_its_return(
    dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailtui.ui.widgets.status_bar import StatusBar

    user = new_user(dovecot)
    dovecot.seed(user.name, [make_message(1, subject="Before the outage")])
    monkeypatch.setenv("MAILTUI_PASSWORD", user.password)
    args = build_parser().parse_args(["-f", user.url(), "--ca-file", str(dovecot.ca_file)])
    account = adhoc_imap_account(args)
    app = MailApp(Config(accounts=(account,)), account)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        status = app.screen.query_one(StatusBar)
        assert "Before the outage" in screen_text(app) and status.link == ""
        dovecot.halt()
        try:
            # The new-mail watcher notices within a few seconds.
            await wait_until(pilot, lambda: bool(status.link), timeout=60, what="the lost connection")
            assert status.link.startswith(("reconnecting", "offline")), status.link
            assert status.link in str(status.status_text()) and status.has_class("-warning")
        finally:
            dovecot.start()
        await wait_until(pilot, lambda: not status.link, timeout=60, what="the connection's return")
        assert status.link == "" and not status.has_class("-warning")


async def test_the_rest_of_the_folder_is_prefetched_after_the_first_screen(
    dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows on screen first, then the rest in the background, into the header cache."""
    user = new_user(dovecot)
    total = 700
    dovecot.seed(user.name, [make_message(i, subject=f"Bulk {i}") for i in range(total)])
    monkeypatch.setenv("MAILTUI_PASSWORD", user.password)
    args = build_parser().parse_args(["-f", user.url(), "--ca-file", str(dovecot.ca_file)])
    account = adhoc_imap_account(args)
    app = MailApp(Config(accounts=(account,)), account)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        assert f"Bulk {total - 1}" in screen_text(app)
        backend = app.session.backend
        refs = list(app.screen.index.refs)
        cache = backend._cache
        assert cache is not None and len(refs) == total
        validity = backend._conn.uidvalidity["INBOX"]
        uids = [int(r.key) for r in refs]
        await wait_until(
            pilot, lambda: len(cache.get("INBOX", validity, uids)) == total, timeout=60, what="the prefetch"
        )
        assert len(cache.get("INBOX", validity, uids)) == total  # far more than the ~60 rows on screen
    prefetched = [line for line in app.session.transcript.lines() if "(prefetch)" in line.connection]
    assert prefetched, "the prefetch runs on a connection of its own"
