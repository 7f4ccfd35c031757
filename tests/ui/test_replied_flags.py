"""A reply or forward sent (or queued) marks its source: Maildir R / P, IMAP \\Answered /
$Forwarded, mbox X-Status A; the index shows each flag in its own column."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.config import AccountConfig, Config, ServerConfig, UIConfig
from mailtui.core.models import Envelope, Flag, MessageRef
from mailtui.demo.relay import DemoRelay
from mailtui.ui.app import MailApp
from mailtui.ui.screens.compose.compose import ComposeScreen
from mailtui.ui.screens.pager.pager import PagerScreen
from mailtui.ui.widgets.index.cells import flag_cells
from mailtui.ui.widgets.index.message_index import MessageIndex
from tests.backends.imap_helpers import new_user
from tests.ui.conftest import MESSAGES, make_maildir, notifications, wait_until


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[DemoRelay]:
    with DemoRelay(tmp_path / "delivered") as running:
        yield running


def smtp(relay: DemoRelay) -> ServerConfig:
    return ServerConfig(
        kind="smtp", account="test", host="127.0.0.1", port=relay.port, tls="none", auth=False
    )


def send_app(relay: DemoRelay, source: str, **kw: object) -> MailApp:
    account = AccountConfig(
        name="test", from_address="admin@demo.test", maildir=source, smtp=smtp(relay)
    )  # fmt: skip
    return MailApp(Config(accounts=(account,), ui=UIConfig(theme="textual-dark")), account, **kw)  # type: ignore[arg-type]


def index_of(app: MailApp) -> MessageIndex:
    from mailtui.ui.screens.browser.browser import BrowserScreen

    browser = next(s for s in app.screen_stack if isinstance(s, BrowserScreen))
    return browser.query_one(MessageIndex)


def is_seen(app: MailApp, row: int) -> bool:
    env = index_of(app).envelope(index_of(app).rows[row].key)
    return env is not None and not env.is_unread


def row_flags(app: MailApp, row: int) -> str:
    return index_of(app).row_text(row)[:7]


async def rows_shown(pilot: object, app: MailApp, count: int = 5) -> None:
    await wait_until(pilot, lambda: index_of(app).row_count == count and index_of(app).envelope(
        index_of(app).rows[count - 1].key) is not None, what="the index rows")  # fmt: skip


async def open_in_pager(pilot: object, app: MailApp, *keys: str) -> None:
    """Press `keys` then Enter in the index; wait for the message to be shown."""
    await pilot.press(*keys, "enter")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, PagerScreen) and app.screen.view is not None,
                     what="the message in the pager")  # fmt: skip


def flags_written(app: MailApp) -> bool:
    from textual.worker import WorkerState

    busy = (WorkerState.PENDING, WorkerState.RUNNING)
    return not any(w.group == "source-flags" and w.state in busy for w in app.workers)


async def send_from_compose(pilot: object, app: MailApp, to: str = "bob@demo.test") -> None:
    """In the compose screen now: address it to `to` (the demo relay takes only demo.test),
    send with ctrl+s, wait for the screen to close."""
    await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="the compose screen")
    screen = app.screen
    assert isinstance(screen, ComposeScreen)
    screen.field("to").value = to
    await pilot.press("ctrl+s")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: not isinstance(app.screen, ComposeScreen), what="the send to finish")


def inbox_names(maildir: Path) -> list[str]:
    return sorted(p.name for sub in ("cur", "new") for p in (maildir / sub).iterdir())


def name_of(maildir: Path, seq: int) -> str:
    """The current file name of the fixture message number `seq` (its unique name holds M<seq>)."""
    return next(n for n in inbox_names(maildir) if f".M{seq}P" in n)


def test_every_flag_has_its_own_column() -> None:
    env = Envelope(
        MessageRef("k"),
        flags=frozenset({Flag.FLAGGED, Flag.ANSWERED, Flag.FORWARDED, Flag.DELETED}),
        has_attachments=True,
    )
    assert flag_cells(env, tagged=True) == "ND!*rf@"  # tagged does not hide flagged, r not @
    assert flag_cells(Envelope(MessageRef("k"), flags=frozenset({Flag.SEEN}))) == "       "


async def test_reply_and_forward_mark_the_maildir_file_and_the_index(
    tmp_path: Path, relay: DemoRelay
) -> None:
    maildir = make_maildir(tmp_path / "Mail")
    app = send_app(relay, str(maildir))
    async with app.run_test(size=(80, 24)) as pilot:
        await rows_shown(pilot, app)
        assert name_of(maildir, 1).endswith(":2,S") and "r" not in row_flags(app, 1)
        await open_in_pager(pilot, app, "j")  # the second message
        await pilot.press("r")
        await send_from_compose(pilot, app)
        await wait_until(pilot, lambda: name_of(maildir, 1).endswith(":2,RS"), what="R in the file name")
        await wait_until(pilot, lambda: row_flags(app, 1) == "    r  ", what="r in the index row")

        await pilot.press("q", "j")  # the third (flagged, with an attachment): forward from the index
        await wait_until(pilot, lambda: index_of(app).cursor == 2, what="the cursor on the third")
        await pilot.press("f")
        await send_from_compose(pilot, app)
        await wait_until(pilot, lambda: name_of(maildir, 2).endswith(":2,FPS"), what="P in the file name")
        await wait_until(pilot, lambda: row_flags(app, 2) == "  !  f@", what="f beside ! and @")


async def test_group_reply_from_the_pager_marks_replied(tmp_path: Path, relay: DemoRelay) -> None:
    maildir = make_maildir(tmp_path / "Mail")
    app = send_app(relay, str(maildir))
    async with app.run_test(size=(80, 24)) as pilot:
        await rows_shown(pilot, app)
        await open_in_pager(pilot, app, "j", "j", "j")  # "Backup finished"
        await pilot.press("g")  # group reply, not the top of the message
        await send_from_compose(pilot, app)
        await wait_until(pilot, lambda: name_of(maildir, 3).endswith(":2,RS"), what="R in the file name")


async def test_a_queued_reply_marks_too_a_postponed_one_does_not(tmp_path: Path, relay: DemoRelay) -> None:
    maildir = make_maildir(tmp_path / "Mail")
    app = send_app(relay, str(maildir))
    async with app.run_test(size=(80, 24)) as pilot:
        await rows_shown(pilot, app)
        await pilot.press("j", "r")  # reply from the index, postponed: nothing changes
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="the compose screen")
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ComposeScreen), what="compose closed")
        await pilot.press("j", "r")  # the third; to a greylisting address: queued in the outbox
        await wait_until(pilot, lambda: isinstance(app.screen, ComposeScreen), what="the compose screen")
        await send_from_compose(pilot, app, to="greylist@demo.test")
        assert any(n.title == "Queued in the outbox" for n in notifications(app))
        await wait_until(pilot, lambda: name_of(maildir, 2).endswith(":2,FRS"), what="R after queueing")
        assert name_of(maildir, 1).endswith(":2,S")  # the postponed reply's source is untouched


async def test_mbox_gets_x_status_a_and_no_forwarded_letter(tmp_path: Path, relay: DemoRelay) -> None:
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for _, _, _, data in reversed(MESSAGES):
        msg = mailbox.mboxMessage(data)
        msg.set_flags("RO")
        box.add(msg)
    box.flush()
    box.close()
    app = send_app(relay, str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await rows_shown(pilot, app)
        await pilot.press("r")  # the newest: 测试邮件
        await send_from_compose(pilot, app)
        await wait_until(pilot, lambda: row_flags(app, 0) == "    r  ", what="r in the index row")
        await pilot.press("j", "f")
        await send_from_compose(pilot, app)
        await wait_until(pilot, lambda: flags_written(app), what="the flags written")
    box = mailbox.mbox(path)
    by_subject = {str(m["Subject"]): m for m in box}
    assert "A" in str(by_subject["=?UTF-8?B?5rWL6K+V6YKu5Lu2?="]["X-Status"])
    assert "X-Status" not in by_subject["[/PATCH] broken [bold]markup[/bold]"]  # mutt keeps no forwarded


async def test_mbox_reply_from_the_pager_after_opening_rewrote_it(tmp_path: Path, relay: DemoRelay) -> None:
    """Opening an unread mbox message marks it seen, which gives it a new key: the reply
    still marks that message (found by its Message-ID in the index), not a stale ref."""
    path = tmp_path / "inbox.mbox"
    box = mailbox.mbox(path)
    for _, _, _, data in reversed(MESSAGES):
        box.add(mailbox.mboxMessage(data))  # all unread
    box.flush()
    box.close()
    app = send_app(relay, str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await rows_shown(pilot, app)
        await open_in_pager(pilot, app)
        await wait_until(pilot, lambda: is_seen(app, 0), what="the message marked seen")
        await pilot.press("r")
        await send_from_compose(pilot, app)
        await wait_until(pilot, lambda: row_flags(app, 0) == "    r  ", what="r in the index row")
        assert not any("not marked" in n.message for n in notifications(app))
    first = next(m for m in mailbox.mbox(path) if "5rWL" in str(m["Subject"]))
    assert "A" in str(first["X-Status"]) and "R" in str(first["Status"])


@pytest.mark.dovecot
async def test_reply_and_forward_over_imap_set_answered_and_forwarded(dovecot, relay: DemoRelay) -> None:  # type: ignore[no-untyped-def]
    user = new_user(dovecot)
    dovecot.seed(user.name, [data for _, _, _, data in reversed(MESSAGES)], flags="S")
    account = AccountConfig(name="imap-test", from_address="admin@demo.test", smtp=smtp(relay))
    app = MailApp(Config(accounts=(account,), ui=UIConfig()), account, backend=user.open())
    async with app.run_test(size=(80, 24)) as pilot:
        await rows_shown(pilot, app)
        index = index_of(app)
        first, second = (int(r.key) for r in index.rows[:2])
        await open_in_pager(pilot, app)
        await pilot.press("r")
        await send_from_compose(pilot, app)
        await wait_until(pilot, lambda: row_flags(app, 0) == "    r  ", what="r in the index row")
        await pilot.press("q", "j", "f")
        await send_from_compose(pilot, app)
        await wait_until(pilot, lambda: row_flags(app, 1) == "     f ", what="f in the index row")
    client = user.client()
    client.select_folder("INBOX")
    flags = client.get_flags([first, second])
    client.logout()
    assert b"\\Answered" in flags[first] and b"$Forwarded" not in flags[first]
    assert b"$Forwarded" in flags[second] and b"\\Answered" not in flags[second]
