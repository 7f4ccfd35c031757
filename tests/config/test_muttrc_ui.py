"""`mailtui` with the guide's muttrc and nothing else: the UI opens the IMAP INBOX (the suite's
Dovecot) and shows it in the solarized theme of the mutt colour file (Pilot)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.config import load_config
from mailtui.ui.app import MailApp
from tests.backends.conftest import make_message
from tests.config.test_muttrc_dovecot import write_muttrc
from tests.ui.conftest import screen_text, settle, wait_until


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / ".mutt").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr("mailtui.config.setup_files.SYSTEM_MSMTPRC", tmp_path / "no-etc-msmtprc")
    return home


async def test_the_ui_shows_the_inbox_of_the_muttrc_in_its_colours(home, user, monkeypatch) -> None:
    said: list[str] = []
    original = MailApp.notify

    def notify(self: MailApp, message: str, *args: object, **kwargs: object) -> None:
        said.append(str(message))
        original(self, message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(MailApp, "notify", notify)
    user.server.seed(
        user.name, [make_message(1, subject="Disk almost full"), make_message(2, subject="Backup done")]
    )
    rc = write_muttrc(home, user)
    colours = home / ".mutt" / "mutt-colors-solarized-dark-16.muttrc"
    colours.write_text("color normal brightblue default\ncolor indicator black yellow\n")
    rc.write_text(rc.read_text() + f"source {colours}\n")
    config = load_config()
    app = MailApp(config, config.account())
    async with app.run_test(size=(110, 26)) as pilot:
        await settle(pilot)
        await wait_until(pilot, lambda: "Backup done" in screen_text(app), what="the INBOX of the muttrc")
        text = screen_text(app)
        assert "Disk almost full" in text and "Backup done" in text
        assert app.theme == "solarized-dark"
        await wait_until(
            pilot, lambda: any("~/.mutt/muttrc" in m for m in said), what="where the settings came from"
        )
        [note] = [m for m in said if "~/.mutt/muttrc" in m]
        assert note.startswith(
            "No config.toml: the settings are read from ~/.mutt/muttrc, ~/.mutt/mutt-colors"
        )
    assert user.password not in app.session.transcript.format()
