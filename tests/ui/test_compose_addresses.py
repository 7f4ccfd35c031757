"""Issue 16: compose checks addresses as you type, repairs what can be repaired, and resolves
bare local names (root) with the account's aliases and domain, as the sendmail drop-in does."""

from __future__ import annotations

from pathlib import Path

from mailtui.core.compose import check_address_field
from mailtui.demo.relay import DemoRelay
from mailtui.ui.screens.compose.compose import ComposeScreen
from tests.ui.conftest import screen_text, settle, wait_until
from tests.ui.test_compose_send import delivered, fill, make_send_app
from tests.ui.test_compose_send import relay as relay  # noqa: F401 - the fixture


def test_the_field_check_in_core() -> None:
    at = lambda name: [f"{name}@example.org"]  # noqa: E731
    checked = check_address_field("Bob <bob@example.com, root, bob @example.com, x@y.org", at)
    assert checked.errors == ("'bob @example.com': a space inside the address; did you mean bob@example.com?",)
    assert checked.notes == (
        "'Bob <bob@example.com': the < > do not pair; it is sent as Bob <bob@example.com>",
        "root → root@example.org",
    )
    assert checked.resolved == "Bob <bob@example.com>, root@example.org, bob @example.com, x@y.org"
    assert check_address_field("root").errors == ("'root': missing '@'",)  # no account domain: refused


async def test_a_bad_address_is_marked_while_typing_without_leaving_the_field(tmp_path: Path, relay: DemoRelay) -> None:
    app = make_send_app(tmp_path, relay.port)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = await fill(pilot, "bob@@demo.test", "x")
        to = screen.field("to")
        assert app.focused is to.input  # still typing in To:
        await wait_until(pilot, lambda: to.has_class("-invalid"), what="the mark, after the typing paused")
        assert "'bob@@demo.test'" in screen_text(app)


async def test_root_is_sent_to_root_at_the_accounts_domain_and_a_missing_bracket_is_repaired(
    tmp_path: Path, relay: DemoRelay
) -> None:
    app = make_send_app(tmp_path, relay.port)  # from admin@demo.test: the domain is demo.test
    async with app.run_test(size=(110, 30)) as pilot:
        await settle(pilot)
        screen = await fill(pilot, "root, Bob <bob@demo.test", "nightly report")
        to = screen.field("to")
        def shown() -> str:
            return " ".join(screen_text(app).split())  # the note line wraps

        await wait_until(pilot, lambda: "it is sent as Bob <bob@demo.test>" in shown(), what="the repair")
        assert "root → root@demo.test" in shown()
        assert not to.has_class("-invalid")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ComposeScreen), what="sent")
    (msg,) = delivered(relay)
    assert msg["To"] == "root@demo.test, Bob <bob@demo.test>"
