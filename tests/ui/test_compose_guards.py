"""Pilot tests of the compose screen's guards: removing an attachment is a deliberate key with
an undo, sending asks about a missing subject or a missing attachment (mutt's
abort_nosubject / abort_noattach), and $EDITOR gets a file that ends with a newline."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from mailtui.config import AccountConfig, ComposeConfig, Config, ServerConfig, UIConfig, load_config
from mailtui.config.toml_lines import InvalidConfigError
from mailtui.core.compose import AttachmentSpec, Draft
from mailtui.demo.relay import DemoRelay
from mailtui.ui.app import MailApp
from mailtui.ui.compose_actions import open_compose
from mailtui.ui.screens.compose.compose import ComposeScreen
from mailtui.ui.widgets.compose.attachment_list import AttachmentList
from tests.ui.conftest import make_app, make_maildir, notifications, screen_text, settle, wait_until

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


# -- asking before sending: no subject, a promised attachment -------------------------------------


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[DemoRelay]:
    with DemoRelay(tmp_path / "delivered") as running:
        yield running


def send_app(tmp_path: Path, relay: DemoRelay, **compose: object) -> MailApp:
    maildir = make_maildir(tmp_path / "Mail")
    server = ServerConfig(
        kind="smtp", account="test", host="127.0.0.1", port=relay.port, tls="none", auth=False
    )
    account = AccountConfig(name="test", from_address="admin@demo.test", maildir=str(maildir), smtp=server)
    config = Config(
        accounts=(account,),
        ui=UIConfig(theme="textual-dark"),
        compose=ComposeConfig(**compose),  # type: ignore[arg-type]
    )
    return MailApp(config, account)


def delivered(relay: DemoRelay) -> list[email.message.EmailMessage]:
    folder = relay.maildir / "new"
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    return [email.message_from_bytes(p.read_bytes(), policy=email.policy.default) for p in files]  # type: ignore[misc]


async def write(pilot: object, subject: str, body: str) -> ComposeScreen:
    screen = await start_compose(pilot)
    await pilot.press(*"bob@demo.test")  # type: ignore[attr-defined]  # focus starts in To
    screen.query_one("#compose-subject", Input).value = subject
    screen.body.text = body
    screen.body.focus()
    return screen


async def test_empty_subject_asks_and_no_keeps_the_draft(tmp_path: Path, relay: DemoRelay) -> None:
    app = send_app(tmp_path, relay)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await write(pilot, "", "disk is full on db1\n")
        before = screen.current_draft()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "No subject" in screen_text(app), what="the question")
        assert "send anyway" in screen_text(app).lower()
        await pilot.press("n")
        await wait_until(pilot, lambda: app.screen is screen, what="back in compose")
        await settle(pilot)
        assert delivered(relay) == [] and screen.panel.texts == []  # no connection was made
        assert screen.current_draft() == before  # the text is as it was
        assert screen.query_one("#compose-subject", Input).has_focus  # where to fix it
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "No subject" in screen_text(app), what="the question again")
        await pilot.press("y")
        await wait_until(pilot, lambda: len(delivered(relay)) == 1, what="the message delivered")
        await settle(pilot)
        assert not isinstance(app.screen, ComposeScreen)
    (msg,) = delivered(relay)
    assert msg["To"] == "bob@demo.test" and "disk is full on db1" in msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]


async def test_empty_subject_sends_without_asking_when_configured_off(
    tmp_path: Path, relay: DemoRelay
) -> None:
    app = send_app(tmp_path, relay, ask_no_subject=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await write(pilot, "", "no subject needed\n")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(delivered(relay)) == 1, what="the message delivered")
        await settle(pilot)
        assert "No subject" not in screen_text(app)
        assert not isinstance(app.screen, ComposeScreen)


async def test_promised_attachment_asks_until_a_file_is_attached(tmp_path: Path, relay: DemoRelay) -> None:
    log = tmp_path / "syslog.txt"
    log.write_bytes(b"Dec  2 06:00:01 db1 kernel: oom-killer\n")
    app = send_app(tmp_path, relay)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await write(pilot, "db1 OOM", "Anbei das syslog von heute.\n")
        before = screen.current_draft()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: "nothing is attached" in screen_text(app), what="the question")
        assert "anbei" in screen_text(app).lower()  # the word that promised it
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen, what="back in compose")
        await settle(pilot)
        assert delivered(relay) == [] and screen.current_draft() == before
        await pilot.press("ctrl+t")
        screen.query_one("#compose-attach-path", Input).value = str(log)
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: len(screen.current_draft().attachments) == 1, what="the file attached"
        )
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(delivered(relay)) == 1, what="the message delivered")
        assert "nothing is attached" not in screen_text(app)
    (msg,) = delivered(relay)
    assert [p.get_filename() for p in msg.iter_attachments()] == ["syslog.txt"]


async def test_quoted_attachment_words_do_not_ask(tmp_path: Path, relay: DemoRelay) -> None:
    app = send_app(tmp_path, relay)
    async with app.run_test(size=(80, 24)) as pilot:
        await write(pilot, "Re: logs", "> see the attached logs\n> 附件\n\nThanks, got them.\n")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(delivered(relay)) == 1, what="the message delivered")
        assert "nothing is attached" not in screen_text(app)


async def test_promised_attachment_sends_when_configured_off(tmp_path: Path, relay: DemoRelay) -> None:
    app = send_app(tmp_path, relay, ask_no_attachment=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await write(pilot, "report", "The report is attached.\n")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(delivered(relay)) == 1, what="the message delivered")
        assert "nothing is attached" not in screen_text(app)


DEFAULT = ComposeConfig().no_attachment_regex


@pytest.mark.parametrize(
    ("body", "regex", "word"),
    [
        ("The logs are attached.", DEFAULT, "attached"),
        ("see attachment", DEFAULT, "attachment"),
        ("I attach the dump", DEFAULT, "attach"),
        ("Attachments: 2", DEFAULT, "Attachments"),
        ("请查收附件。", DEFAULT, "附件"),
        ("Anbei die Datei", DEFAULT, "Anbei"),
        ("Veuillez trouver ci-joint le rapport", DEFAULT, "ci-joint"),
        ("Te envío el adjunto", DEFAULT, "adjunto"),
        ("> the attached file\n>> 附件", DEFAULT, None),  # quoted: the other side's words
        ("  > indented quote: attached", DEFAULT, None),
        ("an attacher of nothing, attachable", DEFAULT, None),  # not the word
        ("body\n-- \nAttachments are scanned by ACME", DEFAULT, None),  # the signature
        ("FYI\n\n---------- Forwarded message ----------\nSee the attached report.", DEFAULT, None),
        ("find it enclosed", r"(?i)\benclosed\b", "enclosed"),
        ("it is attached", r"(?i)\benclosed\b", None),
        ("attached", "([", None),  # a broken regex asks nothing (the config check refuses it)
    ],
)
def test_promised_attachment_words(body: str, regex: str, word: str | None) -> None:
    from mailtui.ui.screens.compose.send_guard import promised_attachment

    assert promised_attachment(body, regex) == word


def test_compose_keys_load_and_a_bad_regex_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        '[compose]\nask_no_subject = false\nask_no_attachment = true\nno_attachment_regex = "(?i)enclosed"\n'
        '[[account]]\nname = "a"\nfrom = "a@example.org"\nmaildir = "/tmp/m"\n'
    )
    good.chmod(0o600)
    compose = load_config(good).compose
    assert compose == ComposeConfig(
        ask_no_subject=False, ask_no_attachment=True, no_attachment_regex="(?i)enclosed"
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[compose]\nno_attachment_regex = "(["\n[[account]]\nname = "a"\nfrom = "a@example.org"\nmaildir = "/tmp/m"\n'
    )
    bad.chmod(0o600)
    with pytest.raises(InvalidConfigError) as info:
        load_config(bad)
    assert "compose.no_attachment_regex" in str(info.value) and "bad.toml:2" in str(info.value)


# -- $EDITOR ----------------------------------------------------------------------------------------


async def test_editor_gets_a_final_newline_and_its_line_lands_on_its_own(
    maildir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real editor: a shell script that appends a line, run as $EDITOR would be (only the
    terminal hand-over is left out: run_test cannot suspend)."""
    from mailtui.ui.screens.compose.workers import run_editor

    script = tmp_path / "append-editor"
    script.write_text('#!/bin/sh\nprintf "Line appended\\n" >> "$1"\n')
    script.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    handed: list[str] = []

    def runner(app: object, path: Path) -> None:
        handed.append(path.read_text("utf-8"))
        run_editor(path)

    app = make_app(maildir)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_compose(
            pilot, Draft("admin@example.org", "ops@example.org"), editor_runner=runner
        )
        await pilot.press(*"typed line")
        assert screen.body.text == "typed line"
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: "Line appended" in screen.body.text, what="the editor's line")
        assert handed == ["typed line\n"]  # the file ends with a newline, as editors expect
        assert screen.body.text == "typed line\nLine appended\n"
        assert "typed lineLine" not in screen_text(app)


def test_config_check_shows_the_compose_keys_and_they_load_back(tmp_path: Path) -> None:
    import tomllib

    from mailtui.config import format_config

    config = Config(compose=ComposeConfig(ask_no_subject=False, no_attachment_regex=r"(?i)\benclosed\b|附件"))
    shown = tomllib.loads(format_config(config))["compose"]
    assert shown == {
        "ask_no_subject": False,
        "ask_no_attachment": True,
        "no_attachment_regex": r"(?i)\benclosed\b|附件",
    }


EDITOR_LAUNCHER = """
import sys
from pathlib import Path

import mailtui.ui.app
from mailtui.config import AccountConfig, Config, UIConfig
from mailtui.core.compose import Draft
from mailtui.ui.app import MailApp
from mailtui.ui.compose_actions import open_compose

class ComposeAtStart(MailApp):
    CSS_PATH = str(Path(mailtui.ui.app.__file__).with_name("app.tcss"))

    def on_ready(self) -> None:
        open_compose(self, Draft("admin@example.org", "ops@example.org", subject="edited", body="typed line"))

account = AccountConfig(name="test", maildir=sys.argv[1])
ComposeAtStart(Config(accounts=(account,), ui=UIConfig(theme="textual-dark")), account).run()
"""


def test_real_editor_on_a_terminal_appends_its_own_line(maildir: Path, tmp_path: Path) -> None:
    """A real mailtui on a pty hands the body to $EDITOR (a shell script appending a line)
    through the terminal hand-over; the draft it keeps has that line on its own."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios
    import time

    from mailtui.store.drafts import Drafts
    from tests.ui.test_compose import _read_until, _read_until_quiet

    script = tmp_path / "append-editor"
    script.write_text('#!/bin/sh\nprintf "Line appended\\n" >> "$1"\n')
    script.chmod(0o755)
    launcher = tmp_path / "launch_editor.py"
    launcher.write_text(EDITOR_LAUNCHER)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "EDITOR": str(script), "COLUMNS": "80", "LINES": "24"}
    env.pop("VISUAL", None)
    proc = subprocess.Popen(
        [sys.executable, str(launcher), str(maildir)],
        stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True,
    )  # fmt: skip
    os.close(slave)
    body = ""
    try:
        deadline = time.monotonic() + 90
        _read_until(master, b"Subject:", deadline)
        _read_until(master, b"typed line", deadline)
        os.write(master, b"\x0f")  # ctrl+o: the body goes to $EDITOR, the app suspended meanwhile
        _read_until(master, b"Line appended", deadline)  # back in the app, which shows the new body
        os.write(master, b"\x1b")  # Esc: postpone, the draft is saved
        while time.monotonic() < deadline:
            saved = [d for d in Drafts().list() if d.subject == "edited"]
            body = Drafts().load(saved[0].draft_id).body if saved else ""
            if "Line appended" in body:
                break
            _read_until_quiet(master)
    finally:
        proc.kill()
        proc.wait(timeout=10)
        os.close(master)
    assert body == "typed line\nLine appended\n"
