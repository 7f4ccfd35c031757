"""Pilot tests of the compose screen's guards: removing an attachment is a deliberate key with
an undo, sending asks about a missing subject or a missing attachment (mutt's
abort_nosubject / abort_noattach), and $EDITOR gets a file that ends with a newline."""

from __future__ import annotations

from pathlib import Path

from mailtui.core.compose import AttachmentSpec, Draft
from mailtui.ui.compose_actions import open_compose
from mailtui.ui.screens.compose.compose import ComposeScreen
from mailtui.ui.widgets.compose.attachment_list import AttachmentList
from tests.ui.conftest import make_app, notifications, screen_text, settle, wait_until

LOGS = AttachmentSpec("/tmp/logs.tar", "logs.tar", "application/x-tar", b"tar" * 100)
REPORT = AttachmentSpec("/tmp/report.pdf", "report.pdf", "application/pdf", b"%PDF" * 10)


async def start_compose(pilot: object, draft: Draft | None = None, **kw: object) -> ComposeScreen:
    app = pilot.app  # type: ignore[attr-defined]
    await settle(pilot)
    open_compose(app, draft, **kw)  # type: ignore[arg-type]
    await settle(pilot)
    assert isinstance(app.screen, ComposeScreen)
    return app.screen


def names(screen: ComposeScreen) -> list[str]:
    return [s.filename for s in screen.query_one(AttachmentList).specs]


async def test_typing_in_the_attachment_list_removes_nothing(maildir: Path) -> None:
    draft = Draft("admin@example.org", "ops@example.org", subject="logs", attachments=(LOGS, REPORT))
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_compose(pilot, draft)
        assert screen.body.has_focus
        await pilot.press("shift+tab")  # one step back from the body, as the user did
        assert screen.query_one(AttachmentList).has_focus
        await pilot.press(*"added the old dd output")  # typeahead meant for the body
        await settle(pilot)
        assert names(screen) == ["logs.tar", "report.pdf"]
        assert "logs.tar" in screen_text(app) and "report.pdf" in screen_text(app)


async def test_delete_removes_with_a_toast_and_u_restores_in_place(maildir: Path) -> None:
    draft = Draft("admin@example.org", "ops@example.org", subject="logs", attachments=(LOGS, REPORT))
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_compose(pilot, draft)
        await pilot.press("shift+tab")
        listing = screen.query_one(AttachmentList)
        assert listing.has_focus and listing.highlighted == 0
        await pilot.press("delete")
        await settle(pilot)
        assert names(screen) == ["report.pdf"]
        assert "logs.tar" not in "\n".join(screen_text(app).splitlines()[:8])  # gone from the form
        assert any("Removed logs.tar" in n.message and "u to undo" in n.message for n in notifications(app))
        assert screen.current_draft().attachments == (REPORT,)  # what would be sent
        await pilot.press("u")
        await settle(pilot)
        assert names(screen) == ["logs.tar", "report.pdf"]  # back at its place
        assert screen.current_draft().attachments == (LOGS, REPORT)
        assert any("Restored logs.tar" in n.message for n in notifications(app))


async def test_removing_the_last_attachment_can_still_be_undone(maildir: Path) -> None:
    draft = Draft("admin@example.org", "ops@example.org", subject="logs", attachments=(LOGS,))
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_compose(pilot, draft)
        await pilot.press("shift+tab")
        listing = screen.query_one(AttachmentList)
        assert listing.has_focus
        await pilot.press("delete")
        await settle(pilot)
        assert names(screen) == []
        # The list stays on screen (and focused) saying how to get it back.
        assert listing.has_focus
        await wait_until(pilot, lambda: "u restores" in screen_text(app), what="the undo hint")
        await pilot.press("u")
        await settle(pilot)
        assert names(screen) == ["logs.tar"]
        assert "u restores" not in screen_text(app)
