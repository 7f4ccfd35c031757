"""Pilot tests of the compose screen without a relay: drafts (autosave, postpone, crash
recovery), $EDITOR, reply/forward prefill, presets, preview, attachments and path completion."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.app import App
from textual.widgets import Input

from mailtui.core.compose import GTUBE, Draft
from mailtui.core.message.view import parse_message
from mailtui.paths import data_dir
from mailtui.store.drafts import Drafts, recovered_drafts
from mailtui.ui.compose_actions import (
    check_recovered_drafts,
    open_compose,
    open_drafts,
    open_forward,
    open_reply,
)
from mailtui.ui.screens.compose.compose import ComposeScreen
from mailtui.ui.screens.compose.drafts import DraftsDialog, PresetDialog, parse_size
from mailtui.ui.screens.compose.send_transcript import MimePreviewDialog
from mailtui.ui.widgets.compose.attachment_list import AttachmentList, PathSuggester, guess_type
from tests.store.full_disk import fill_up, tiny_tmpfs
from tests.ui.conftest import make_app, notifications, screen_text, settle, wait_until

ORIGINAL = (
    b'From: "Doe, John" <john@example.org>\nTo: admin@example.org, Carol <carol@example.org>\n'
    b"Cc: dave@example.org\nSubject: Re: RE: Disk full\nMessage-ID: <abc@example.org>\n"
    b"References: <r1@example.org>\nDate: Mon, 13 Nov 2023 08:00:00 +0000\n\nline one\n\nline two\n"
)


async def start_compose(pilot: object, draft: Draft | None = None, **kw: object) -> ComposeScreen:
    app = pilot.app  # type: ignore[attr-defined]
    await settle(pilot)
    open_compose(app, draft, **kw)  # type: ignore[arg-type]
    await settle(pilot)
    assert isinstance(app.screen, ComposeScreen)
    return app.screen


async def test_autosaved_draft_is_recovered_by_a_new_app(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_compose(pilot)
        await pilot.press(*"bob@example.org")
        screen.query_one("#compose-subject", Input).value = "half written"
        screen.autosave()  # what the 3-second timer calls
        await settle(pilot)
        (saved,) = Drafts().list()
        assert saved.subject == "half written" and saved.to == "bob@example.org"
        screen.body.focus()
        await pilot.press("end", *"more")
        await pilot.pause()
        # the app stops with compose open (as when the terminal closes): nothing is lost
    assert Drafts().load(saved.draft_id).body == "more"

    app2 = make_app(maildir)
    async with app2.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        check_recovered_drafts(app2)
        await settle(pilot)
        assert isinstance(app2.screen, DraftsDialog)
        assert "half written" in screen_text(app2)
        await pilot.press("enter")
        await settle(pilot)
        resumed = app2.screen
        assert isinstance(resumed, ComposeScreen)
        assert resumed.query_one("#compose-subject", Input).value == "half written"
        assert resumed.field("to").value == "bob@example.org"
        assert resumed.draft_id == saved.draft_id  # the same file keeps being saved
        await pilot.press("escape")  # postpone
        await settle(pilot)
        assert not isinstance(app2.screen, ComposeScreen)
    assert recovered_drafts(Drafts()) == []  # postponed: not offered at start again
    assert [d.draft_id for d in Drafts().list()] == [saved.draft_id]


def _asked(app: App[object]) -> bool:
    return "keep editing" in screen_text(app)  # type: ignore[arg-type]


def _said(app: App[object], text: str) -> bool:
    return any(text in (n.title or "") or text in n.message for n in notifications(app))


async def test_full_disk_esc_keeps_the_text_and_saves_it_elsewhere(maildir: Path, tmp_path: Path) -> None:
    with tiny_tmpfs(data_dir()) as data:
        app = make_app(maildir)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_compose(pilot)
            fill_up(data)
            await pilot.press(*"bob@example.org")
            screen.body.focus()
            await pilot.press(*"the only copy of this text")
            screen.autosave()  # what the 3-second timer calls
            await wait_until(pilot, lambda: _said(app, "No space left on device"), what="the autosave error")
            await pilot.press("escape")
            await wait_until(
                pilot, lambda: _asked(app) or screen not in app.screen_stack, what="Esc's answer"
            )
            assert not _said(app, "Draft saved") and not _said(app, "Draft postponed")
            assert _asked(app)
            await wait_until(
                pilot,
                lambda: "save to another path" in screen_text(app) and "discard" in screen_text(app),
                what="the dialog drawn",
            )
            assert screen in app.screen_stack and screen.body.text == "the only copy of this text"
            assert Drafts().list() == []  # nothing claimed: R would list nothing, and nothing is said
            await pilot.press("p")
            target = tmp_path / "rescued.txt"
            await pilot.press(*str(target), "enter")
            await wait_until(pilot, lambda: screen not in app.screen_stack, what="compose to close")
            assert _said(app, str(target))
        assert target.read_text("utf-8").endswith("\n\nthe only copy of this text")
        assert "To: bob@example.org\n" in target.read_text("utf-8")


async def test_full_disk_keep_editing_then_space_frees_and_esc_saves(maildir: Path) -> None:
    with tiny_tmpfs(data_dir()) as data:
        app = make_app(maildir)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_compose(pilot)
            filler = fill_up(data)
            await pilot.press(*"bob@example.org")
            screen.body.focus()
            await pilot.press(*"draft text")
            await pilot.press("escape")
            await wait_until(
                pilot, lambda: _asked(app) or screen not in app.screen_stack, what="Esc's answer"
            )
            assert not _said(app, "Draft saved") and _asked(app)
            await pilot.press("k")
            await wait_until(pilot, lambda: app.screen is screen, what="back in compose")
            await pilot.press(*" and more")
            assert screen.body.text == "draft text and more"
            filler.unlink()  # the admin made room
            await pilot.press("escape")
            await wait_until(pilot, lambda: screen not in app.screen_stack, what="compose to close")
            assert _said(app, "Draft saved")
            (saved,) = Drafts().list()
            assert Drafts().load(saved.draft_id).body == "draft text and more"


async def test_full_disk_discard_from_the_dialog(maildir: Path) -> None:
    with tiny_tmpfs(data_dir()) as data:
        app = make_app(maildir)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await start_compose(pilot)
            fill_up(data)
            await pilot.press(*"bob@example.org")
            await pilot.press("escape")
            await wait_until(
                pilot, lambda: _asked(app) or screen not in app.screen_stack, what="Esc's answer"
            )
            assert not _said(app, "Draft saved") and _asked(app)
            await pilot.press("d")
            await wait_until(pilot, lambda: screen not in app.screen_stack, what="compose to close")
            assert not _said(app, "Draft saved")
            assert Drafts().list() == []


async def test_draft_of_killed_process_is_offered(maildir: Path) -> None:
    # A process that is gone (the SIGKILL case): its PID is in the open marker.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    drafts = Drafts()
    drafts.save("20260101-000000-deadbeef", Draft("admin@example.org", "ops@example.org", subject="killed"))
    (drafts.root / "20260101-000000-deadbeef.open").write_text(dead.stdout.strip())
    drafts.save(
        "20260101-000000-postpone", Draft("admin@example.org", "x@example.org", subject="kept for later")
    )
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the app offers it by itself once the mailbox is on screen
        assert isinstance(app.screen, DraftsDialog)
        text = screen_text(app)
        assert "killed" in text and "kept for later" not in text
        await pilot.press("escape")  # keep it as a postponed draft
        await settle(pilot)
    assert recovered_drafts(drafts) == []
    assert {d.subject for d in drafts.list()} == {"killed", "kept for later"}


async def test_postponed_drafts_picker_resumes_and_deletes(maildir: Path) -> None:
    drafts = Drafts()
    drafts.save("20260101-000000-aaaaaaaa", Draft("admin@example.org", "a@example.org", subject="first"))
    drafts.save("20260101-000000-bbbbbbbb", Draft("admin@example.org", "b@example.org", subject="second"))
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_drafts(app)
        await settle(pilot)
        assert isinstance(app.screen, DraftsDialog)
        await pilot.press("delete")  # the highlighted (newest) one
        await settle(pilot)
        assert len(drafts.list()) == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        remaining = drafts.list()[0]
        assert app.screen.query_one("#compose-subject", Input).value == remaining.subject


async def test_editor_runner_edits_body_and_headless_suspend_is_reported(maildir: Path) -> None:
    def fake_editor(app: App[object], path: Path) -> None:
        path.write_text(path.read_text("utf-8") + "typed in vim ✓\n", "utf-8")

    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_compose(pilot, editor_runner=fake_editor)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert screen.body.text.endswith("typed in vim ✓\n")
        await pilot.press("escape")
        await settle(pilot)
        screen = await start_compose(pilot)  # the real runner: run_test cannot suspend
        before = screen.body.text
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert screen.body.text == before
        assert any("cannot hand over to an editor" in n.message for n in notifications(app))


async def test_reply_prefill_and_group_reply(maildir: Path) -> None:
    view = parse_message(ORIGINAL)
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_reply(app, view, group=False)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        draft = screen.current_draft()
        assert draft.subject == "Re: Disk full"
        assert draft.to == '"Doe, John" <john@example.org>'  # the comma in the name survives
        assert draft.cc == ""
        assert draft.in_reply_to == "<abc@example.org>"
        assert draft.references == ("<r1@example.org>", "<abc@example.org>")
        assert "> line one\n>\n> line two\n" in draft.body
        assert not screen.field("to").has_class("-invalid")
        assert screen.body.has_focus
        await pilot.press("escape")
        await settle(pilot)
        open_reply(app, view, group=True)
        await settle(pilot)
        group = app.screen.current_draft()  # type: ignore[attr-defined]
        assert group.cc == "admin@example.org, Carol <carol@example.org>, dave@example.org"


async def test_forward_as_attachment_and_inline(maildir: Path) -> None:
    view = parse_message(ORIGINAL)
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        open_forward(app, view, ORIGINAL, as_attachment=True)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ComposeScreen)
        (att,) = screen.query_one(AttachmentList).specs
        assert att.content_type == "message/rfc822" and att.data == ORIGINAL
        assert screen.current_draft().subject == "Fwd: Re: RE: Disk full"
        assert screen.field("to").input.has_focus
        await pilot.press("escape")
        await settle(pilot)
        open_forward(app, view, ORIGINAL, as_attachment=False)
        await settle(pilot)
        body = app.screen.current_draft().body  # type: ignore[attr-defined]
        assert "---------- Forwarded message ----------" in body and "line two" in body


async def test_presets_preview_and_attachment_removal(maildir: Path, tmp_path: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_compose(pilot)
        screen.field("from").value = "Admin <admin@example.org>"
        screen.field("to").value = "ops@example.org"
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, PresetDialog)
        app.screen.query_one("#preset-size", Input).value = "64K"
        await pilot.press("down", "down", "enter")  # the attachment preset
        await settle(pilot)
        assert app.screen is screen
        (att,) = screen.query_one(AttachmentList).specs
        assert len(att.data) == 65536
        assert screen.field("to").value == "ops@example.org"  # kept
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, MimePreviewDialog)
        tree = app.screen.mime_lines
        assert tree[0] == "multipart/mixed"
        assert tree[1].startswith("  text/plain  charset=utf-8")
        assert tree[2].startswith('  application/octet-stream  "mailtui-test-65536.bin"  64K  base64')
        await pilot.press("escape")
        await settle(pilot)
        screen.query_one(AttachmentList).focus()
        await pilot.press("delete")
        assert screen.query_one(AttachmentList).specs == []
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("end", "enter")  # GTUBE
        await settle(pilot)
        assert GTUBE in screen.body.text


async def test_path_suggester_and_mime_guess(tmp_path: Path) -> None:
    (tmp_path / "report-2024.pdf").write_bytes(b"%PDF")
    (tmp_path / "reports").mkdir()
    suggester = PathSuggester()
    assert await suggester.get_suggestion(str(tmp_path / "report-")) == str(tmp_path / "report-2024.pdf")
    assert await suggester.get_suggestion(str(tmp_path / "reports")) == str(tmp_path / "reports") + "/"
    assert await suggester.get_suggestion(str(tmp_path / "nothing")) is None
    assert guess_type("a.pdf") == "application/pdf"
    assert guess_type("a.tar.gz") == "application/gzip"
    assert guess_type("noext") == "application/octet-stream"
    assert parse_size("5M") == 5 * 1024 * 1024 and parse_size("100000") == 100000 and parse_size("x") is None


LAUNCHER = """
from pathlib import Path

import mailtui.ui.app
from mailtui.demo.mailbox import demo_config
from mailtui.demo.relay import DemoRelayService
from mailtui.ui.app import MailApp
from mailtui.ui.compose_actions import open_compose

class ComposeAtStart(MailApp):
    CSS_PATH = str(Path(mailtui.ui.app.__file__).with_name("app.tcss"))

    def on_ready(self) -> None:
        open_compose(self)

config = demo_config()
ComposeAtStart(config, config.accounts[0], services=[DemoRelayService()]).run()
"""


def _read_until(fd: int, wanted: bytes, deadline: float) -> bytes:
    import os
    import select
    import time

    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if wanted in seen:
                return seen
    raise AssertionError(f"{wanted!r} never appeared on the terminal; got {seen[-500:]!r}")


async def test_sigkilled_app_leaves_draft_offered_at_next_start(maildir: Path, tmp_path: Path) -> None:
    """A real mailtui process on a pty: type a draft, SIGKILL it, the next start offers it."""
    import fcntl
    import os
    import pty
    import signal
    import struct
    import termios
    import time

    launcher = tmp_path / "launch_compose.py"
    launcher.write_text(LAUNCHER)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    proc = subprocess.Popen(
        [sys.executable, str(launcher)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    try:
        deadline = time.monotonic() + 90
        _read_until(master, b"Subject:", deadline)
        os.write(master, "bob@demo.test, ops-ü@demo.test".encode())  # focus starts in To
        drafts = Drafts()
        while time.monotonic() < deadline:  # the autosave timer writes it within seconds
            saved = drafts.list()
            if saved and saved[0].to == "bob@demo.test, ops-ü@demo.test":
                break
            _read_until_quiet(master)
        else:
            raise AssertionError(f"no autosaved draft in {drafts.root}")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        os.close(master)
    (left,) = recovered_drafts(Drafts())
    assert left.to == "bob@demo.test, ops-ü@demo.test"

    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)  # the app offers it by itself once the mailbox is on screen
        assert isinstance(app.screen, DraftsDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ComposeScreen)
        assert app.screen.field("to").value == "bob@demo.test, ops-ü@demo.test"


def _read_until_quiet(fd: int) -> None:
    """Drain the terminal output for a moment (the app blocks if nobody reads its pty)."""
    import os
    import select

    ready, _, _ = select.select([fd], [], [], 0.3)
    if ready:
        try:
            os.read(fd, 65536)
        except OSError:
            pass


def test_keeper_never_puts_an_older_text_over_a_newer_one(tmp_path: Path) -> None:
    from mailtui.ui.screens.compose.draft_keeper import DraftKeeper

    drafts = Drafts(tmp_path / "drafts")
    keeper = DraftKeeper(drafts, "d1", Draft("a@example.org", ""), resumed=False)
    slow = keeper.begin()  # a background autosave that started first and lands last
    keeper.save(Draft("a@example.org", "", body="newer"))
    assert keeper.write(slow, Draft("a@example.org", "", body="older")) is False
    assert drafts.load("d1").body == "newer" and keeper.saved is not None
    keeper.remove()  # sent: no save may bring it back
    assert keeper.write(keeper.begin(), Draft("a@example.org", "", body="late")) is False
    assert drafts.list() == []
