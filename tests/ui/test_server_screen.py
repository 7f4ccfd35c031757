"""The mail-server screen (S) driven like an admin: the private Postfix's queue held, released and
deleted after a counted confirmation, a queued message viewed, messages traced through a real
Postfix log, the summary with its plot and the relay check; errors shown, never a traceback.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.server.logparse import read_log
from mailtui.server.queue import PostfixQueue
from mailtui.server.summary import summarize
from mailtui.server.trace import events_of
from mailtui.ui.app import MailApp
from mailtui.ui.screens.browser.browser import BrowserScreen
from mailtui.ui.screens.confirm import ConfirmDialog
from mailtui.ui.screens.server.queued_message import QueuedMessageScreen
from mailtui.ui.screens.server.server import ServerScreen
from mailtui.ui.screens.server.source import ServerSource
from tests.server.conftest import PostfixLog, _send, postfix_log  # noqa: F401  (the session's Postfix)
from tests.ui.conftest import screen_text, wait_until

DOMAIN = "test.example"


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A temp dir with a short path: paths shown on screen then fit on one 80-column line."""
    path = Path(tempfile.mkdtemp(prefix="mt-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def server_app(maildir: Path, source: ServerSource) -> MailApp:
    """The app as `mailtui --server --log FILE -c DIR` builds it (without opening the screen)."""
    account = AccountConfig(name="test", maildir=str(maildir))
    return MailApp(Config(accounts=(account,), ui=UIConfig(theme="textual-dark")), account, server=source)


async def open_server(pilot: object) -> ServerScreen:
    app: MailApp = pilot.app  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen), 30, "the browser")
    await pilot.press("S")  # type: ignore[attr-defined]
    await wait_until(pilot, lambda: isinstance(app.screen, ServerScreen), 30, "the server screen")
    assert isinstance(app.screen, ServerScreen)
    return app.screen


def shown(app: MailApp, *parts: str) -> bool:
    text = screen_text(app)
    return all(p in text for p in parts)


def detail_id(app: MailApp) -> str:
    """The queue id the detail pane describes (its line that says "since")."""
    for line in screen_text(app).splitlines():
        words = line.split()
        if "since" in words and words:
            return words[0]
    return ""


async def cursor_to(pilot: object, app: MailApp, qid: str) -> None:
    """Move the table's cursor down (as an admin would) until the detail pane shows `qid`."""
    await wait_until(pilot, lambda: detail_id(app) != "", 30, "a message in the detail pane")
    await pilot.press("home")  # type: ignore[attr-defined]
    for _ in range(40):
        await wait_until(pilot, lambda: detail_id(app) != "", 10, "the detail pane")
        if detail_id(app) == qid:
            return
        await pilot.press("down")  # type: ignore[attr-defined]
    raise AssertionError(f"{qid} is not in the queue table:\n{screen_text(app)}")


def queue_state(queue: PostfixQueue, qid: str) -> str:
    return next((e.queue_name for e in queue.list() if e.queue_id == qid), "gone")


@pytest.mark.postfix
async def test_queue_hold_release_view_and_counted_delete(postfix_log: PostfixLog, maildir: Path) -> None:  # noqa: F811
    server = postfix_log.server
    ids: dict[str, str] = {}
    first = _send(server.port, "ui-queue-1", [f"greylist@{DOMAIN}"], ids)
    second = _send(server.port, "ui-queue-2", [f"greylist@{DOMAIN}"], ids)
    assert first and second
    for qid in (first, second):
        server.wait_for_log(rf"{qid}: to=<greylist@test\.example>.*status=deferred")
    queue = PostfixQueue(str(server.etc))
    app = server_app(maildir, ServerSource((str(server.maillog_path),), str(server.etc)))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_server(pilot)
        await wait_until(pilot, lambda: shown(app, first, second), 30, "both queued messages listed")
        # At 80x24 the table, the explained delay reason and the action keys all show.
        await cursor_to(pilot, app, first)
        await wait_until(pilot, lambda: shown(app, "Greylisted", "=>", "f Flush", "d Delete"), 10, "detail")

        await pilot.press("h")
        await wait_until(pilot, lambda: queue_state(queue, first) == "hold", 30, "postsuper -h")
        await wait_until(pilot, lambda: shown(app, f"{first}  hold"), 30, "hold shown")
        await pilot.press("u")
        await wait_until(pilot, lambda: queue_state(queue, first) != "hold", 30, "postsuper -H")
        await wait_until(pilot, lambda: not shown(app, f"{first}  hold"), 30, "release shown")
        assert queue_state(queue, first) in ("deferred", "active", "incoming")

        # v shows postcat's view of the queued message, read-only.
        await pilot.press("v")
        await wait_until(pilot, lambda: isinstance(app.screen, QueuedMessageScreen), 30, "postcat view")
        await wait_until(pilot, lambda: shown(app, "Subject: ui-queue-1", "MESSAGE CONTENTS"), 30, "postcat")
        await pilot.press("G")  # the envelope records follow the message
        await wait_until(pilot, lambda: shown(app, f"recipient: greylist@{DOMAIN}"), 10, "the envelope")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, ServerScreen), 10, "back to the queue")

        # Tag both, delete: the question names the count; answered yes, both leave the queue.
        await cursor_to(pilot, app, first)
        await pilot.press("t")
        await cursor_to(pilot, app, second)
        await pilot.press("t")
        await wait_until(pilot, lambda: shown(app, "2 tagged"), 10, "two tagged")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog), 10, "the confirmation")
        assert shown(app, "Delete 2 queued message(s)")
        await pilot.press("y")
        await wait_until(
            pilot, lambda: not shown(app, first) and not shown(app, second), 30, "both gone from the table"
        )
        assert (queue_state(queue, first), queue_state(queue, second)) == ("gone", "gone")
        server.wait_for_log(rf"{first}: removed")
        server.wait_for_log(rf"{second}: removed")
        # The fixture's own deferred messages are still there: only the tagged two went.
        assert queue_state(queue, postfix_log.queue_ids["greylist"]) != "gone"


@pytest.mark.postfix
async def test_refused_commands_are_explained_and_the_rest_works(
    postfix_log: PostfixLog,  # noqa: F811
    maildir: Path,
    short_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """postsuper and postcat run for real as an unprivileged user (nobody): refused, said in words."""
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to run postsuper unprivileged")
    server = postfix_log.server
    for tool in ("postsuper", "postcat"):
        wrapper = short_dir / tool
        wrapper.write_text(
            f'#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups /usr/sbin/{tool} "$@"\n'
        )
        wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{short_dir}:/usr/sbin:/usr/bin:/sbin:/bin")
    qid = postfix_log.queue_ids["greylist"]
    queue = PostfixQueue(str(server.etc))
    before = queue_state(queue, qid)
    app = server_app(maildir, ServerSource((str(server.maillog_path),), str(server.etc)))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_server(pilot)
        await wait_until(pilot, lambda: shown(app, qid), 30, "the queue listed (postqueue still works)")
        await cursor_to(pilot, app, qid)
        await pilot.press("h")
        await wait_until(pilot, lambda: shown(app, "reserved for the superuser"), 30, "the refusal")
        assert queue_state(queue, qid) == before != "hold"
        await pilot.press("v")
        await wait_until(pilot, lambda: shown(app, "Permission denied", "postdrop"), 30, "postcat refused")
        assert isinstance(app.screen, ServerScreen) and shown(app, qid)


@pytest.mark.postfix
async def test_trace_a_queued_message_from_the_queue(postfix_log: PostfixLog, maildir: Path) -> None:  # noqa: F811
    server = postfix_log.server
    qid = postfix_log.queue_ids["closed"]
    app = server_app(maildir, ServerSource((str(server.maillog_path),), str(server.etc)))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_server(pilot)
        await wait_until(pilot, lambda: shown(app, qid), 30, "the closed-port message listed")
        await cursor_to(pilot, app, qid)
        await pilot.press("l")
        await wait_until(pilot, lambda: screen.active_tab == "trace", 10, "the Trace tab")
        await wait_until(pilot, lambda: shown(app, f"message {qid}", "deferred"), 30, "its timeline")
        assert shown(app, f"to <closed@{DOMAIN}> deferred", "Connection refused")


@pytest.mark.postfix
async def test_trace_by_queue_id_message_id_and_address(postfix_log: PostfixLog, maildir: Path) -> None:  # noqa: F811
    q = postfix_log.queue_ids
    app = server_app(maildir, ServerSource((str(postfix_log.log),), str(postfix_log.server.etc)))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_server(pilot)
        await pilot.press("ctrl+right")
        await wait_until(pilot, lambda: screen.active_tab == "trace", 10, "the Trace tab")

        await pilot.press(*q["bounced"], "enter")
        await wait_until(
            pilot, lambda: shown(app, f"message {q['bounced']} -> "), 30, "the bounce's timeline"
        )
        # Followed into the non-delivery notification, the pipe's 5.1.1 explained, delays in words.
        assert shown(app, f"to <bounce@{DOMAIN}> bounced", "dsn 5.1.1", "sender non-delivery notification")
        assert shown(app, "=> 5.1.1 permanent error", "in the queue")

        await pilot.press("ctrl+u", *q["filtered"], "enter")
        await wait_until(pilot, lambda: shown(app, f"message {q['filtered']} -> "), 30, "the re-injection")
        assert shown(app, "re-injected as", "(final)")

        await pilot.press("ctrl+u", *"someone@elsewhere.example", "enter")
        await wait_until(pilot, lambda: shown(app, "Refused during SMTP"), 30, "the relay reject")
        assert shown(app, "554 5.7.1", "Relay access denied", "mailtui server check")

        # Log text is never markup: a query with brackets is shown as typed.
        await pilot.press("ctrl+u", *"[bold]x[/b]", "enter")
        await wait_until(
            pilot, lambda: shown(app, "Nothing in the log matches '[bold]x[/b]'"), 30, "no match"
        )


@pytest.mark.postfix
async def test_summary_counts_plot_and_reasons(postfix_log: PostfixLog, maildir: Path) -> None:  # noqa: F811
    from mailtui.ui.widgets.server.summary_view import HourlyPlot

    expected = summarize(events_of(read_log(postfix_log.log)))
    assert expected.rejected >= 2 and expected.bounced >= 1 and expected.deferred >= 2  # the fixture's cases
    app = server_app(maildir, ServerSource((str(postfix_log.log),), str(postfix_log.server.etc)))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_server(pilot)
        screen.show_tab("summary")
        await wait_until(pilot, lambda: shown(app, "received", "rejected"), 30, "the summary")
        for name in ("received", "delivered", "deferred", "bounced", "rejected"):
            assert shown(app, f"{name:<9} {getattr(expected, name):>7}"), name
        peak = max(h["received"] for h in expected.per_hour.values())
        assert (
            shown(app, f"peak {peak}") and max(screen.query_one("#plot-received", HourlyPlot).values) == peak
        )
        assert shown(app, "Deferral reasons", "Greylisted", "Rejection reasons", "Relay access denied", "=>")


@pytest.mark.postfix
async def test_relay_check_explains_postconf(postfix_log: PostfixLog, maildir: Path) -> None:  # noqa: F811
    app = server_app(maildir, ServerSource((str(postfix_log.log),), str(postfix_log.server.etc)))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await open_server(pilot)
        screen.show_tab("check")
        await wait_until(pilot, lambda: shown(app, "not an open relay"), 30, "the findings")
        assert shown(app, "reject_unauth_destination", "127.0.0.0/8")
        await wait_until(
            pilot, lambda: app.focused is not None and app.focused.id == "check-client", 10, "focus"
        )
        await pilot.press(*"192.0.2.7", "enter")
        await wait_until(pilot, lambda: shown(app, "192.0.2.7 is not in mynetworks"), 30, "the client")


async def test_errors_are_shown_not_raised(maildir: Path, short_dir: Path) -> None:
    source = ServerSource((str(short_dir / "no-such.log"),), str(short_dir / "no-postfix"))
    app = server_app(maildir, source)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_server(pilot)
        # Not installed, or no main.cf in that directory: either way, said in words.
        await wait_until(
            pilot, lambda: shown(app, "postqueue", "the queue could not be read"), 30, "queue error"
        )
        screen.show_tab("trace")
        await wait_until(
            pilot, lambda: app.focused is not None and app.focused.id == "trace-query", 10, "focus"
        )
        await pilot.press(*"ABC123", "enter")
        await wait_until(pilot, lambda: shown(app, "No mail log", "no-such.log"), 30, "the log error")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, BrowserScreen), 10, "back to the index")


async def test_help_lists_the_server_keys(maildir: Path, tmp_path: Path) -> None:
    app = server_app(maildir, ServerSource((), str(tmp_path / "no-postfix")))
    async with app.run_test(size=(100, 50)) as pilot:
        await open_server(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: shown(app, "Mail server: queue"), 10, "the help screen")
        assert shown(app, "queue-delete", "queue-hold", "server-reload")


async def test_mailtui_server_opens_the_screen_on_the_given_source(maildir: Path, short_dir: Path) -> None:
    from mailtui.cli import build_parser

    log = short_dir / "maillog"
    log.write_text(
        "Dec  1 20:18:23 mail postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.9]: "
        "554 5.7.1 <a@elsewhere.example>: Relay access denied; from=<b@c.example> to=<a@elsewhere.example>\n"
    )
    args = build_parser().parse_args(["--server", "--log", str(log), "-c", str(short_dir / "pf")])
    assert (args.server, args.log, args.postfix_config) == (True, [str(log)], str(short_dir / "pf"))
    account = AccountConfig(name="test", maildir=str(maildir))
    app = MailApp(
        Config(accounts=(account,), ui=UIConfig(theme="textual-dark")),
        account,
        server=ServerSource(tuple(args.log), args.postfix_config),
        open_server=args.server,
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, ServerScreen), 30, "the server screen first")
        await wait_until(pilot, lambda: shown(app, "the queue could not be read"), 30, "the queue tab")
        assert shown(app, f"log {log}", "postfix -c")
        screen = app.screen
        assert isinstance(screen, ServerScreen)
        await wait_until(
            pilot, lambda: app.focused is screen.query_one("#queue-table"), 10, "the table's focus"
        )
        await pilot.press("ctrl+right", "ctrl+right")
        await wait_until(pilot, lambda: screen.active_tab == "summary", 10, "the Summary tab")
        await wait_until(pilot, lambda: shown(app, f"{'rejected':<9} {1:>7}"), 30, "the one reject counted")


@pytest.mark.postfix
async def test_ctrl_f_follows_the_live_log_and_stops(postfix_log: PostfixLog, maildir: Path) -> None:  # noqa: F811
    from textual.worker import WorkerState

    from mailtui.ui.widgets.server.trace_view import TraceView

    server = postfix_log.server
    app = server_app(maildir, ServerSource((str(server.maillog_path),), str(server.etc)))
    async with app.run_test(size=(120, 50)) as pilot:
        screen = await open_server(pilot)
        screen.show_tab("trace")
        view = screen.query_one(TraceView)
        await wait_until(
            pilot, lambda: app.focused is not None and app.focused.id == "trace-query", 10, "focus"
        )

        # An id the log never has: followed (waiting for it) until ctrl+f stops the worker.
        await pilot.press(*"0123456789A", "ctrl+f")
        await wait_until(pilot, lambda: shown(app, "0123456789A is not in the log yet"), 30, "waiting")
        assert view.following
        await pilot.press("ctrl+f")
        await wait_until(
            pilot,
            lambda: (
                not [
                    w
                    for w in app.workers
                    if w.group == "trace-follow" and w.state in (WorkerState.PENDING, WorkerState.RUNNING)
                ]
            ),
            30,
            "the follow worker to end",
        )
        assert not view.following and shown(app, "stopped following")

        # A message sent now, followed as Postfix logs it, to its final status.
        qid = _send(server.port, "ctrl-f", [f"alice@{DOMAIN}"], {})
        assert qid
        await pilot.press("ctrl+u", *qid, "ctrl+f")
        await wait_until(
            pilot, lambda: shown(app, f"{qid}: sent (final status reached"), 60, "the final status"
        )
        assert shown(app, f"to <alice@{DOMAIN}> sent", "delivered to maildir")
