"""mutt patterns in the browser, as an admin uses them: `/` with n / p, `l` limit, `T` tag.

On the test Maildir of conftest (newest first): 测试邮件 (unread, new/), [/PATCH] from
dev@, Disk report (flagged, 13 Nov), Backup finished (cron, 12 Nov), Certificate expires
soon (unread, certbot). Keys are pressed and the rows, status bar, tags and prompts shown
are asserted, waiting with `wait_until` only.
"""

from __future__ import annotations

from pathlib import Path

from mailtui.ui.app import MailApp
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.browser.search import SearchDialog
from mailtui.ui.widgets.index.message_index import MessageIndex
from mailtui.ui.widgets.status_bar import StatusBar

from .conftest import BASE_TIME, make_app, notifications, settle, wait_until, write_message


def index_of(app: MailApp) -> MessageIndex:
    return app.screen.query_one(MessageIndex)


def status_of(app: MailApp) -> str:
    return str(app.screen.query_one(StatusBar).status_text())


def shown(app: MailApp) -> list[str]:
    index = index_of(app)
    return [index.row_text(i) for i in range(index.row_count)]


def has_rows(app: MailApp, *words: str) -> bool:
    """True when the index shows exactly one row per word, each holding it."""
    rows = shown(app)
    return len(rows) == len(words) and all(any(w in row for row in rows) for w in words)


def matched(app: MailApp) -> list[str]:
    """The rows the last search matched (the index keeps every row: / moves the cursor)."""
    index = index_of(app)
    keys = app.screen.search.matches  # type: ignore[attr-defined]
    return [index.row_text(i) for i, ref in enumerate(index.rows) if ref.key in keys]


def matches_are(app: MailApp, *words: str) -> bool:
    rows = matched(app)
    return len(rows) == len(words) and all(any(w in row for row in rows) for w in words)


async def prompt(pilot: object, key: str, text: str) -> None:
    """Open the prompt of `key`, type `text` and press Enter."""
    app = pilot.app  # type: ignore[attr-defined]
    await pilot.press(key)  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, SearchDialog), what=f"the prompt of {key}")
    await pilot.press(*text, "enter")  # type: ignore[attr-defined]


async def test_limit_shows_the_matches_through_sorts_and_threads_until_cleared(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await prompt(pilot, "l", "~N")
        await wait_until(pilot, lambda: has_rows(app, "测试邮件", "Certificate"), what="the unread two")
        await wait_until(pilot, lambda: "limit: ~N  2 of 5" in status_of(app), what="the limit in the status")
        await pilot.press("o", "o")  # by subject
        await wait_until(pilot, lambda: "by subject" in status_of(app), what="the subject order")
        assert has_rows(app, "测试邮件", "Certificate")
        await pilot.press("ctrl+t")
        await wait_until(pilot, lambda: "threads" in status_of(app), what="threads")
        assert has_rows(app, "测试邮件", "Certificate") and "limit: ~N" in status_of(app)
        await pilot.press("escape")  # Esc clears a search, not the limit
        await settle(pilot)
        assert has_rows(app, "测试邮件", "Certificate")
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchDialog), what="the limit prompt")
        await pilot.press("ctrl+u", ".")
        assert app.screen.query_one("#search-input").value == "."  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_until(pilot, lambda: index_of(app).row_count == 5, what="every message again")
        assert "limit" not in status_of(app)
        await prompt(pilot, "l", "~F | ~s backup")
        await wait_until(pilot, lambda: has_rows(app, "Disk report", "Backup finished"), what="or")
        await pilot.press("l")
        await wait_until(pilot, lambda: isinstance(app.screen, SearchDialog), what="the limit prompt")
        assert app.screen.query_one("#search-input").value == "~F | ~s backup"  # type: ignore[attr-defined]
        await pilot.press("ctrl+u", *"all")
        assert app.screen.query_one("#search-input").value == "all"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await wait_until(pilot, lambda: index_of(app).row_count == 5, what="l all")


async def test_a_search_looks_among_the_limited_messages(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await prompt(pilot, "l", "!~s backup ~d 11/11/2023-13/11/2023")
        await wait_until(pilot, lambda: has_rows(app, "Disk report", "Certificate"), what="the date range")
        await prompt(pilot, "slash", "~f cert | ~f cron")  # cron's message is outside the limit
        await wait_until(pilot, lambda: "1 match)" in status_of(app), what="the search in the limit")
        assert matches_are(app, "Certificate") and "Certificate" in index_of(app).row_text(
            index_of(app).cursor
        )
        assert has_rows(app, "Disk report", "Certificate")  # the rows stay: / moves the cursor
        await pilot.press("escape")
        await wait_until(pilot, lambda: "search" not in status_of(app), what="Esc")
        assert has_rows(app, "Disk report", "Certificate")


async def test_a_broken_pattern_is_refused_in_the_prompt_with_its_column(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("l", "slash", "T"):
            await prompt(pilot, key, "~f root (~s x")
            await pilot.pause()
            dialog = app.screen
            assert isinstance(dialog, SearchDialog)  # still open: nothing ran
            assert dialog.problem_text == "this parenthesis is not closed (column 9)"
            await pilot.press("escape")
            await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen), what="the index")
        assert index_of(app).row_count == 5 and index_of(app).tagged_count == 0
        await prompt(pilot, "slash", "~s (a+)+$")
        await pilot.pause()
        assert isinstance(app.screen, SearchDialog)
        assert "a repeat of a repeat" in app.screen.problem_text


async def test_tag_by_any_pattern_then_limit_to_the_tagged(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await prompt(pilot, "T", "~F | (~N ~f certbot)")
        await wait_until(
            pilot, lambda: any("2 messages tagged" in n.message for n in notifications(app)), what="the end"
        )
        assert index_of(app).tagged_count == 2
        await prompt(pilot, "l", "~T")
        await wait_until(pilot, lambda: has_rows(app, "Disk report", "Certificate"), what="the tagged")
        await prompt(pilot, "T", "~b renew")  # among the limited: the body of the certbot one
        await settle(pilot)
        assert index_of(app).tagged_count == 2


async def test_slash_with_patterns_and_n_p_walk_the_matches_after_esc(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await wait_until(
            pilot, lambda: any("No search yet" in n.message for n in notifications(app)), what="no search"
        )
        await prompt(pilot, "slash", "~f cron | =s certificate")
        await wait_until(pilot, lambda: "2 matches)" in status_of(app), what="the matches")
        assert matches_are(app, "Backup finished", "Certificate") and index_of(app).row_count == 5
        await pilot.press("escape")
        await wait_until(pilot, lambda: "search" not in status_of(app), what="Esc")
        index = index_of(app)
        index.cursor = 0
        await pilot.press("n")
        await wait_until(pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="n: backup")
        await pilot.press("n")
        await wait_until(pilot, lambda: "Certificate" in index.row_text(index.cursor), what="n: certificate")
        await pilot.press("n")  # round to the first again
        await wait_until(pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="n wraps")
        assert any("wrapped to the top" in n.message for n in notifications(app))
        await pilot.press("p")
        await wait_until(pilot, lambda: "Certificate" in index.row_text(index.cursor), what="p wraps back")
        await pilot.press("p")
        await wait_until(pilot, lambda: "Backup finished" in index.row_text(index.cursor), what="p")


async def test_body_and_header_terms_on_a_maildir(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await prompt(pilot, "slash", "~b 这是 | ~h ^message-id: <att1@")  # base64 body; a header line
        await wait_until(pilot, lambda: "2 matches)" in status_of(app), what="body and header")
        assert matches_are(app, "测试邮件", "Disk report")
        assert "(search '~b 这是 | ~h ^message-id: <att1@': 2 matches)" in status_of(app)


async def test_new_mail_is_matched_against_the_limit(maildir: Path) -> None:
    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await prompt(pilot, "l", "~N")
        await wait_until(pilot, lambda: "limit: ~N  2 of 5" in status_of(app), what="the limit")
        head = "Date: Wed, 15 Nov 2023 00:00:00 +0000\n\nhi\n"
        write_message(
            maildir, "new", BASE_TIME + 100, 98, "", f"From: a@x\nSubject: Fresh unread\n{head}".encode()
        )
        write_message(
            maildir, "cur", BASE_TIME + 101, 99, "S", f"From: b@x\nSubject: Fresh read\n{head}".encode()
        )
        await wait_until(pilot, lambda: "limit: ~N  3 of 7" in status_of(app), 60, "the limit again")
        await wait_until(pilot, lambda: has_rows(app, "Fresh unread", "测试邮件", "Certificate"), what="rows")
