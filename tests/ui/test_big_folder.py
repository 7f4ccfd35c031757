"""Pilot tests of the big-folder features: early listing, sort, threads, tags, bulk jobs.

A real temp Maildir of 1,200 messages (more than two bulk batches); no timings asserted.
"""

from __future__ import annotations

from email.utils import formatdate
from pathlib import Path

from textual.widgets import OptionList

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.core.transcript import Transcript
from mailtui.session.preload import Preload
from mailtui.ui.app import MailApp
from mailtui.ui.messages import EnvelopesLoaded, FoldersListed
from mailtui.ui.screens.browser.folder_picker import FolderPickerDialog
from mailtui.ui.screens.browser.search import SearchDialog
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import BASE_TIME, make_app, notifications, screen_text, settle, wait_until

COUNT = 1200
SENDERS = ["Carol <carol@example.org>", "alice <alice@example.org>", "Bob <bob@example.org>"]


def big_maildir(root: Path) -> Path:
    """COUNT messages: every 10th starts a thread whose next two messages reply to it."""
    for folder in (root, root / ".Trash", root / ".Archive"):
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
    for i in range(COUNT):
        head = i - i % 10
        refs = ""
        if i % 10 in (1, 2):
            refs = f"References: <m{head}@x>\nIn-Reply-To: <m{head}@x>\n"
        subject = f"Re: topic {head}" if refs else f"topic {i}" + (" backup" if i % 7 == 0 else "")
        data = (
            f"From: {SENDERS[i % 3]}\nTo: admin@example.org\nSubject: {subject}\n"
            f"Message-ID: <m{i}@x>\n{refs}Date: {formatdate(BASE_TIME + i * 60)}\n\n" + "x" * (i % 50)
        ).encode()
        (root / "cur" / f"{BASE_TIME + i * 60}.M{i}P1.host:2,").write_bytes(data)
    return root


def status_of(app: MailApp) -> str:
    return str(app.screen.query_one(StatusBar).status_text())


def index_of(app: MailApp) -> MessageIndex:
    return app.screen.query_one(MessageIndex)


async def choose(pilot: object, label: str) -> None:
    """Pick `label` in the open option dialog with the keyboard."""
    app = pilot.app  # type: ignore[attr-defined]
    assert isinstance(app.screen, FolderPickerDialog)
    options = app.screen.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).id) for i in range(options.option_count)]
    options.focus()
    options.highlighted = labels.index(label)
    await pilot.press("enter")  # type: ignore[attr-defined]


async def test_preloaded_first_screen_is_shown_without_a_worker_round_trip(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    account = AccountConfig(name="test", maildir=str(root))
    transcript = Transcript()
    preload = Preload(account, transcript).start()
    preload.wait_backend()  # done before the UI mounts, as when Textual starts slower
    config = Config(accounts=(account,), ui=UIConfig(theme="textual-dark"))
    app = MailApp(config, account, transcript=transcript, preload=preload)
    posted: list[object] = []
    counted_before_first_frame: list[bool] = []

    def hook(message: object) -> None:
        posted.append(message)
        if isinstance(message, FoldersListed):  # folder counts: a job for after the first frame
            counted_before_first_frame.append(not app.first_frame_shown)

    async with app.run_test(size=(100, 30), message_hook=hook) as pilot:
        # The browser took the backend, the refs and the first rows' envelopes from the
        # preload while mounting: no worker opened, listed or read them.
        assert app.session.backend is preload.backend
        assert preload.take("INBOX") is None  # taken by the browser
        await settle(pilot)
        index = index_of(app)
        assert index.row_count == COUNT
        assert f"topic {COUNT - 1}" in index.row_text(0) and f"topic {COUNT - 1}" in screen_text(app)
        names = {type(m).__name__ for m in posted}
        assert "BackendOpened" not in names and "RefsListed" not in names
        fetched = {e.ref.key for m in posted if isinstance(m, EnvelopesLoaded) for e in m.envelopes}
        assert index.refs[0].key not in fetched and index.refs[20].key not in fetched
        assert counted_before_first_frame and not any(counted_before_first_frame)


async def test_preload_still_running_hands_over_to_the_workers(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    account = AccountConfig(name="test", maildir=str(root))
    transcript = Transcript()
    preload = Preload(account, transcript)  # not started yet: not done when the browser mounts
    config = Config(accounts=(account,), ui=UIConfig(theme="textual-dark"))
    app = MailApp(config, account, transcript=transcript, preload=preload)
    posted: list[str] = []
    async with app.run_test(size=(100, 30), message_hook=lambda m: posted.append(type(m).__name__)) as pilot:
        preload.start()
        await settle(pilot)
        assert "BackendOpened" in posted  # the worker waited for the preload
        assert app.session.backend is preload.backend
        assert f"topic {COUNT - 1}" in index_of(app).row_text(0)


async def test_g_and_G_jump_over_the_whole_folder(tmp_path: Path) -> None:
    app = make_app(big_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        index = index_of(app)
        assert index.cursor == COUNT - 1
        assert "topic 0" in index.row_text(COUNT - 1)
        await pilot.press("g")
        assert index.cursor == 0


async def test_sort_cycle_and_reverse(tmp_path: Path) -> None:
    app = make_app(big_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        index = index_of(app)
        await pilot.press("o")  # from, A to Z
        await settle(pilot)
        assert index.ordered
        await pilot.press("g")  # the cursor stayed on its message: go to the top
        await settle(pilot)
        assert all("alice" in index.row_text(i) for i in range(20))
        # The last row is Carol's (i % 3 == 0): sender of message i from its name time.
        last = (int(index.rows[-1].key.split(".")[0]) - BASE_TIME) // 60
        assert last % 3 == 0
        await pilot.press("o", "o")  # subject, then size (biggest first)
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        sizes = [index.envelope(r.key).size for r in index.rows[:30]]  # type: ignore[union-attr]
        assert sizes == sorted(sizes, reverse=True)
        await pilot.press("O")  # smallest first
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert index.envelope(index.rows[0].key).size <= sizes[-1]  # type: ignore[union-attr]
        await pilot.press("o")  # back to date: the listing order
        await settle(pilot)
        assert not index.ordered and index.rows[0].key == index.refs[0].key


async def test_threads_toggle_indents_replies(tmp_path: Path) -> None:
    app = make_app(big_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        index = index_of(app)
        text = [index.row_text(i) for i in range(12)]
        # 1199..1193 are threads of their own, then topic 1190 with its two replies under it.
        assert "topic 1199" in text[0] and "topic 1193" in text[6]
        # two replies to it: the first with a later sibling (├>), the last a corner (└>)
        assert "topic 1190" in text[7] and "├>Re: topic 1190" in text[8] and "└>Re: topic 1190" in text[9]
        assert index.depth(index.rows[8].key) == 1 and index.depth(index.rows[7].key) == 0
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert not index.ordered and "└>" not in index.row_text(1)


async def test_collapse_one_thread_and_all_threads(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    name = f"{BASE_TIME + 1190 * 60}.M1190P1.host:2,"
    (root / "cur" / name).rename(root / "cur" / f"{name}S")  # topic 1190 read, its replies not
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("z")  # not threaded yet: says how
        await pilot.pause()
        assert index_of(app).row_count == COUNT
        assert any("ctrl+t" in n.message for n in notifications(app))
        await pilot.press("ctrl+t")
        await settle(pilot)
        index = index_of(app)
        status = status_of(app)  # the order stays on screen after the toast, after the TLS state
        assert "in threads" in status and status.index("LOCAL") < status.index("in threads")
        await pilot.press(*["j"] * 8, "z")  # on a reply of topic 1190: its whole thread folds
        await pilot.pause()
        assert index.row_count == COUNT - 2
        assert "(+2) topic 1190" in index.row_text(7) and "topic 1189" in index.row_text(8)
        assert index.cursor == 7  # on the collapsed thread's first message
        await pilot.press("z")
        await pilot.pause()
        assert index.row_count == COUNT and "├>Re: topic 1190" in index.row_text(8)
        await pilot.press("Z")  # every thread: 120 threads of three, 960 messages in all
        await pilot.pause()
        assert index.row_count == COUNT - 240 and "(+2) topic 1190" in index.row_text(7)
        # Its first message is read but a reply is not: the collapsed thread says N.
        assert index.row_text(7).startswith("N")
        assert "(+2)" in screen_text(app)
        await pilot.press("Z")
        await pilot.pause()
        assert index.row_count == COUNT and index.folded_count == 0


async def test_tag_all_then_mark_read_in_batches(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+a")
        index = index_of(app)
        assert index.tagged_count == COUNT
        await pilot.pause()
        assert f"{COUNT} tagged" in status_of(app)
        assert index.row_text(0)[3] == "*"
        await pilot.press("semicolon")
        await pilot.pause()
        await choose(pilot, "Mark read")
        await settle(pilot)
        names = list((root / "cur").iterdir())
        assert len(names) == COUNT and all(n.name.endswith(":2,S") for n in names)
        assert index.tagged_count == 0
        assert index.row_text(0).startswith("   ")  # no longer N


async def test_tag_pattern_then_move(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    app = make_app(root)
    expected = sum(1 for i in range(COUNT) if i % 7 == 0 and i % 10 not in (1, 2))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("T")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)
        await pilot.press(*"~s backup", "enter")
        await settle(pilot)
        index = index_of(app)
        assert index.tagged_count == expected
        await pilot.press("T")  # an empty pattern changes nothing (it used to drop every tag)
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert index.tagged_count == expected
        assert any("unchanged" in n.message for n in notifications(app))
        await pilot.press("semicolon")
        await pilot.pause()
        await choose(pilot, "Move to folder")
        await pilot.pause()
        await choose(pilot, "Archive")
        await settle(pilot)
        assert len(list((root / ".Archive" / "cur").iterdir())) == expected
        assert index.row_count == COUNT - expected


async def test_search_by_field_streams_to_the_end(tmp_path: Path) -> None:
    app = make_app(big_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"~f alice", "enter")
        await wait_until(pilot, lambda: index_of(app).row_count == COUNT // 3, 60, "the limit")
        await settle(pilot)
        assert "alice" in index_of(app).row_text(0)


async def test_body_search(tmp_path: Path) -> None:
    root = big_maildir(tmp_path / "Mail")
    (root / "cur" / f"{BASE_TIME}.M99999P1.host:2,S").write_bytes(
        b"From: x@example.org\nSubject: hidden\n\nthe NEEDLE is here\n"
    )
    # Only readable decoded: "a needle in base64" (a byte search would miss it).
    (root / "cur" / f"{BASE_TIME}.M99998P1.host:2,S").write_bytes(
        b"From: y@example.org\nSubject: encoded\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: base64\n\nYSBuZWVkbGUgaW4gYmFzZTY0Cg==\n"
    )
    # The word only in a header: not a body match.
    (root / "cur" / f"{BASE_TIME}.M99997P1.host:2,S").write_bytes(
        b"From: needle@example.org\nSubject: needle in the subject\n\nnothing\n"
    )
    app = make_app(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"~b needle", "enter")
        index = index_of(app)
        await wait_until(pilot, lambda: index.row_count < COUNT, 60, "the limit")
        await settle(pilot)
        shown = sorted(index.row_text(i) for i in range(index.row_count))
        assert index.row_count == 2, shown
        assert any("encoded" in row for row in shown) and any("hidden" in row for row in shown)


async def test_no_horizontal_scrollbar_after_a_short_limit_is_cleared(tmp_path: Path) -> None:
    app = make_app(big_maildir(tmp_path / "Mail"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        await pilot.press(*"~s topic 1199", "enter")
        index = index_of(app)
        await wait_until(pilot, lambda: index.row_count == 1, 60, "the limit")
        await pilot.press("l", "ctrl+u", "enter")  # the whole folder again: a vertical scrollbar comes back
        await wait_until(pilot, lambda: index.row_count == COUNT, 60, "every message")
        await settle(pilot)
        assert index.show_vertical_scrollbar and not index.show_horizontal_scrollbar
        assert index.virtual_size.width <= index.scrollable_content_region.width
