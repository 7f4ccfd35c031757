"""A large IMAP message in the UI (real Dovecot): body at once, the attachment fetched when saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from mailtui.cli import adhoc_imap_account, build_parser
from mailtui.config import Config
from mailtui.core.transcript import Direction
from mailtui.ui.app import MailApp
from mailtui.ui.screens.pager.attachments import AttachmentsDialog
from mailtui.ui.screens.pager.pager import PagerScreen
from tests.backends.imap_helpers import new_user
from tests.backends.test_imap_parts import BODY, big_message, random_bytes
from tests.ui.conftest import screen_text, settle, wait_until


async def test_large_message_shows_the_body_and_saves_the_attachment(
    dovecot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    user = new_user(dovecot)
    payload = random_bytes(3_000_000, seed=11)
    dovecot.seed(user.name, [big_message(payload, filename="db-dump.gz")])
    monkeypatch.setenv("MAILTUI_PASSWORD", user.password)
    args = build_parser().parse_args(["-f", user.url(), "--ca-file", str(dovecot.ca_file)])
    account = adhoc_imap_account(args)
    app = MailApp(Config(accounts=(account,)), account)
    target = tmp_path / "saved"
    target.mkdir()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "Nightly backup" in screen_text(app), timeout=60)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PagerScreen)
        await wait_until(pilot, lambda: "backup report" in screen_text(app), timeout=60)
        text = screen_text(app)
        assert BODY.split(",")[0] in text and "Large message" in text
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, AttachmentsDialog)
        assert "db-dump.gz" in screen_text(app)
        app.screen.query_one("#attachment-dir", Input).value = str(target)
        await pilot.press("enter")
        saved = target / "db-dump.gz"
        await wait_until(pilot, lambda: saved.exists() and "saved:" in screen_text(app), timeout=60)
        assert saved.read_bytes() == payload
    sent = [line.text for line in app.session.transcript.lines() if line.direction is Direction.SENT]
    assert any("BODYSTRUCTURE" in t for t in sent) and not any("BODY.PEEK[]" in t for t in sent)
    assert any("BODY.PEEK[2]" in t for t in sent)  # the attachment, fetched on saving


async def test_forwarding_a_previewed_message_attaches_the_whole_original(
    dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mailtui.ui.screens.compose.compose import ComposeScreen

    user = new_user(dovecot)
    payload = random_bytes(2_500_000, seed=12)
    dovecot.seed(user.name, [big_message(payload, filename="db-dump.gz")])
    monkeypatch.setenv("MAILTUI_PASSWORD", user.password)
    args = build_parser().parse_args(["-f", user.url(), "--ca-file", str(dovecot.ca_file)])
    account = adhoc_imap_account(args)
    app = MailApp(Config(accounts=(account,)), account)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "Nightly backup" in screen_text(app), timeout=60)
        await pilot.press("enter")
        await settle(pilot)
        await wait_until(pilot, lambda: "Large message" in screen_text(app), timeout=60)
        await pilot.press("ctrl+f")
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen), timeout=60)
        await settle(pilot)  # pushed is not yet mounted: its attachment list fills on mount
        [forwarded] = app.screen.current_draft().attachments
        assert forwarded.content_type == "message/rfc822"
        assert len(forwarded.data) > len(payload)  # the whole original, not the small preview
