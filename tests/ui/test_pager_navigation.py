"""The pager moves between messages in the index's order (J, K, Tab) and has one meaning per key."""

from __future__ import annotations

import mailbox
import time
from pathlib import Path

import pytest
from textual.binding import Binding

from mailtui.ui.app import MailApp
from mailtui.ui.screens.pager.pager import PagerScreen
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.pager import Pager
from tests.ui.conftest import MESSAGES, make_app, notifications, wait_until


def shown_subject(app: MailApp) -> str:
    """The Subject line the pager shows now ("" while loading or outside the pager)."""
    if not isinstance(app.screen, PagerScreen):
        return ""
    lines = app.screen.query_one(Pager).plain.splitlines()
    return next((line.removeprefix("Subject: ") for line in lines if line.startswith("Subject: ")), "")


def rows_loaded(app: MailApp) -> bool:
    index = app.screen.query_one(MessageIndex)
    return index.row_count == 5 and "Certificate" in index.row_text(4)


async def open_pager(pilot: object, app: MailApp, *keys: str) -> None:
    await wait_until(pilot, lambda: rows_loaded(app),
                     what="the index rows")  # fmt: skip
    await pilot.press(*keys, "enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: shown_subject(app) != "", what="the first message in the pager")


async def test_j_and_k_follow_the_index_and_stop_at_the_end(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pager(pilot, app)
        assert shown_subject(app) == "测试邮件"
        await pilot.press("J")
        await wait_until(pilot, lambda: shown_subject(app).startswith("[/PATCH]"), what="the second message")
        await pilot.press("J")
        await wait_until(pilot, lambda: shown_subject(app) == "Disk report", what="the third message")
        await pilot.press("K")
        await wait_until(pilot, lambda: shown_subject(app).startswith("[/PATCH]"), what="back to the second")
        await pilot.press("J", "J", "J")
        await wait_until(pilot, lambda: shown_subject(app) == "Certificate expires soon", what="the last")
        await pilot.press("J")  # past the end: said, not wrapped round to the first
        await wait_until(pilot, lambda: any("last message" in n.message for n in notifications(app)),
                         what="the end of the index said")  # fmt: skip
        assert shown_subject(app) == "Certificate expires soon"
        await pilot.press("q")
        await wait_until(pilot, lambda: not isinstance(app.screen, PagerScreen), what="the index")
        assert app.screen.query_one(MessageIndex).cursor == 4  # the index follows what was read


async def test_k_on_the_first_message_says_so(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pager(pilot, app)
        await pilot.press("K")
        await wait_until(pilot, lambda: any("first message" in n.message for n in notifications(app)),
                         what="the start of the index said")  # fmt: skip
        assert shown_subject(app) == "测试邮件"


async def test_tab_jumps_to_the_next_unread_message(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pager(pilot, app, "j")  # the second message; the next unread is the fifth
        assert shown_subject(app).startswith("[/PATCH]")
        await pilot.press("tab")
        await wait_until(pilot, lambda: shown_subject(app) == "Certificate expires soon", what="next unread")
        await pilot.press("tab")
        await wait_until(pilot, lambda: any("No unread message" in n.message for n in notifications(app)),
                         what="no more unread said")  # fmt: skip


async def test_j_follows_the_order_the_index_shows(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: rows_loaded(app),
                         what="the index rows")  # fmt: skip
        index = app.screen.query_one(MessageIndex)
        before = [r.key for r in index.rows]
        await pilot.press("O")  # reversed: oldest first
        await wait_until(pilot, lambda: [r.key for r in index.rows] != before, what="the reversed order")
        first, second = (index.envelope(r.key) for r in index.rows[:2])
        assert first is not None and second is not None
        await pilot.press("g", "enter")  # the first row as shown now
        await wait_until(pilot, lambda: shown_subject(app) == first.subject, what="the first shown row")
        await pilot.press("J")
        await wait_until(pilot, lambda: shown_subject(app) == second.subject, what="the second shown row")
        assert second.subject != "[/PATCH] broken [bold]markup[/bold]"  # not the listing's second


async def test_j_after_an_mbox_rewrote_the_open_message(tmp_path: Path) -> None:
    """Opening an unread mbox message marks it seen, which rewrites it under a new key."""
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for _, _, _, data in reversed(MESSAGES):
        box.add(mailbox.mboxMessage(data))  # all unread
    box.flush()
    box.close()
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pager(pilot, app)
        await wait_until(pilot, lambda: b"Status: RO" in path.read_bytes() or b"Status: R" in path.read_bytes(),
                         what="the first message marked seen in the file")  # fmt: skip
        await pilot.press("J")
        await wait_until(pilot, lambda: shown_subject(app).startswith("[/PATCH]"), what="the second message")


def test_no_pager_key_has_two_meanings() -> None:
    seen: dict[str, str] = {}
    twice: list[str] = []
    for owner in (PagerScreen, Pager, MailApp):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            for key in binding.key.split(","):
                key = key.strip()
                if key in seen and seen[key] != binding.action:
                    twice.append(f"{key}: {seen[key]} and {binding.action}")
                seen[key] = binding.action
    assert twice == []


async def test_only_space_at_the_end_goes_on_lines_and_pages_up_stay(maildir: Path) -> None:
    """mutt's pager (checked on mutt 2.2.12) without pager_stop: next-page (Space) at the
    end is the next message; next-line (j) at the end, previous-line (k) and previous-page
    (b) at the top stay, and say so."""
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pager(pilot, app)
        assert shown_subject(app) == "测试邮件"
        pager = app.screen.query_one(Pager)
        await pilot.press("end")
        await wait_until(pilot, lambda: pager.scroll_y >= pager.max_scroll_y, what="the end of the message")
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_subject(app).startswith("[/PATCH]"), what="space: the next one")
        await pilot.press("end", "j", "down", "j")  # held at the end: it stays, said once
        await wait_until(pilot, lambda: said(app, "Bottom of message is shown."), what="j at the end said")
        await pilot.press("home", "k", "b", "up", "k")
        await wait_until(pilot, lambda: said(app, "Top of message is shown."), what="k and b said")
        assert shown_subject(app).startswith("[/PATCH]")
        assert [n.message for n in notifications(app)].count("Bottom of message is shown.") == 1
        assert not said(app, "This is the first message.") and not said(app, "This is the last message.")


def said(app: MailApp, text: str) -> bool:
    return any(n.message == text for n in notifications(app))


async def test_a_message_that_failed_to_load_is_left_as_an_empty_one(maildir: Path) -> None:
    """The error shown in place of the message: Space goes on, as past an empty message."""
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: rows_loaded(app), what="the index rows")
        first = app.screen.query_one(MessageIndex).current_envelope
        assert first is not None
        for path in maildir.glob("*/*"):  # the file of the first row goes away
            if path.is_file() and first.message_id.encode() in path.read_bytes():
                path.unlink()
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen)
                         and "could not be loaded" in app.screen.query_one(Pager).plain,
                         what="the load error")  # fmt: skip
        await pilot.press("space")  # a later message (the gone one may have left the index by now)
        await wait_until(pilot, lambda: shown_subject(app) not in ("", "测试邮件"), what="space: a next one")


async def test_pager_stop_keeps_space_and_j_in_the_message(maildir: Path) -> None:
    app = make_app(maildir, pager_stop=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pager(pilot, app)
        pager = app.screen.query_one(Pager)
        await pilot.press("end", "space", "j", "j", "home", "k")
        await wait_until(pilot, lambda: pager.scroll_y == 0, what="the keys handled")
        await pilot.press("J")  # J still moves: the keys before it were handled by then
        await wait_until(pilot, lambda: shown_subject(app).startswith("[/PATCH]"), what="J")
        assert not any("first message" in n.message for n in notifications(app))


async def test_the_edge_note_comes_again_once_its_toast_is_gone(
    maildir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """j tapped at the end while the note is shown adds no second toast; once its time is
    over, the next j says it again (the taps kept it silent for as long as they went on)."""
    from mailtui.ui.screens.pager import pager as pager_module

    monkeypatch.setattr(pager_module, "EDGE_NOTE_SECONDS", 1.0)
    bottom = "Bottom of message is shown."
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pager(pilot, app)
        pager = app.screen.query_one(Pager)
        await pilot.press("end")
        await wait_until(pilot, lambda: pager.scroll_y >= pager.max_scroll_y, what="the end of the message")
        await pilot.press("j")
        await wait_until(pilot, lambda: said(app, bottom), what="the first note")
        first = time.monotonic()

        def count() -> int:
            return [n.message for n in notifications(app)].count(bottom)

        # Tapping on while the note is shown (1 s here): no second toast meanwhile (a press
        # handled up to 0.7 s late on a busy machine is still inside)...
        while time.monotonic() - first < 0.3:
            await pilot.press("j")
            assert count() == 1
        # ...and tapping on past its time: said again (the taps do not keep it silent).
        while time.monotonic() - first < 1.3:
            await pilot.press("j")
        await wait_until(pilot, lambda: count() >= 2, what="the note again after its toast went")


async def test_end_then_space_in_one_burst_goes_to_the_next_message(tmp_path: Path) -> None:
    """End jumps to the bottom at once (no scrolling animation for Space to land inside),
    so End Space typed together is the bottom and then the next message."""
    root = tmp_path / "Mail"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    body = "".join(f"line {i} of a long report\n" for i in range(200))
    (root / "cur" / "1700000100.M1P1.host:2,S").write_text(
        f"From: a@example.org\nSubject: Long report\nDate: Tue, 14 Nov 2023 22:01:40 +0000\n\n{body}"
    )
    (root / "cur" / "1700000000.M2P1.host:2,S").write_text(
        "From: b@example.org\nSubject: Short note\nDate: Tue, 14 Nov 2023 22:00:00 +0000\n\nshort\n"
    )
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        index = app.screen.query_one(MessageIndex)
        await wait_until(
            pilot, lambda: index.row_count == 2 and "Short note" in index.row_text(1), what="rows"
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: shown_subject(app) == "Long report", what="the long one in the pager")
        app.animation_level = "full"  # as in a terminal (tests run without animations)
        pager = app.screen.query_one(Pager)
        # Pilot waits for animations between keys, which a terminal's burst does not: the
        # key's action must leave the view at the end before the next key is read.
        pager.action_scroll_end()
        assert pager.scroll_y == pager.max_scroll_y > 0
        pager.action_scroll_home()
        assert pager.scroll_y == 0
        await pilot.press("end", "space")
        await wait_until(pilot, lambda: shown_subject(app) == "Short note", what="End Space: the next one")
