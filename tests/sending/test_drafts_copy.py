"""Issue 15: a postponed draft is stored in the account's IMAP Drafts folder (APPEND, \\Draft),
replaced when postponed again and removed when sent or discarded; another message in the folder
is never touched; the server's \\Drafts folder is used when the configured one is not there;
an account without IMAP keeps drafts locally only. On a private Dovecot."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailtui.config import AccountConfig
from mailtui.core.compose import Draft
from mailtui.sending.drafts_copy import forget_postponed, store_postponed
from tests.backends.dovecot_server import DovecotServer, start_with_folders
from tests.backends.imap_helpers import ImapUser, imap_account, new_user

OTHER = b"From: me@example.org\r\nTo: you@example.net\r\nSubject: written elsewhere\r\n\r\nbody\r\n"


def account_of(user: ImapUser, **kw: object) -> AccountConfig:
    return imap_account(user, **kw)


def drafts_in(user: ImapUser, folder: str) -> list[tuple[str, set[bytes]]]:
    """(Subject, flags) of each message in `folder`, read by another client."""
    client = user.client()
    try:
        client.select_folder(folder, readonly=True)
        data = client.fetch(client.search(["ALL"]), ["FLAGS", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
        return sorted(
            (
                bytes(item[b"BODY[HEADER.FIELDS (SUBJECT)]"]).decode().strip().removeprefix("Subject: "),
                set(item[b"FLAGS"]),
            )
            for item in data.values()
        )
    finally:
        client.logout()


def draft(subject: str) -> Draft:
    return Draft(
        from_addr="Me <me@example.org>", to="ops@example.net, bob@", subject=subject, body="half done\n"
    )


def test_postponed_again_replaces_the_copy_and_sending_removes_it(dovecot: DovecotServer) -> None:
    user = new_user(dovecot)
    account = account_of(user)
    client = user.client()
    client.append("Drafts", OTHER, flags=[b"\\Draft"])
    client.logout()
    assert store_postponed(account, draft("first version"), "d1") == "work:Drafts"
    assert store_postponed(account, draft("second version"), "d1") == "work:Drafts"
    assert store_postponed(account, draft("another draft"), "d2") == "work:Drafts"
    found = drafts_in(user, "Drafts")
    assert [s for s, _ in found] == ["another draft", "second version", "written elsewhere"]
    assert all({b"\\Draft", b"\\Seen"} <= flags for s, flags in found if s != "written elsewhere")
    assert forget_postponed(account, "d1") == 1
    assert [s for s, _ in drafts_in(user, "Drafts")] == ["another draft", "written elsewhere"]
    assert forget_postponed(account, "d1") == 0


@pytest.fixture(scope="module")
def brouillons(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DovecotServer]:
    srv = start_with_folders(
        Path(tmp_path_factory.mktemp("dovecot-drafts")), {"Drafts": ("Brouillons", "\\Drafts")}
    )
    try:
        yield srv
    finally:
        srv.stop()


def test_the_servers_drafts_folder_when_the_configured_one_is_missing(brouillons: DovecotServer) -> None:
    user = new_user(brouillons)
    assert store_postponed(account_of(user), draft("en cours"), "d3") == "work:Brouillons"
    assert [s for s, _ in drafts_in(user, "Brouillons")] == ["en cours"]
    assert forget_postponed(account_of(user), "d3") == 1


def test_without_imap_a_draft_stays_local(tmp_path: Path) -> None:
    local = AccountConfig(name="local", maildir=tmp_path)  # type: ignore[call-arg]
    assert store_postponed(local, draft("local"), "d4") is None
    assert forget_postponed(local, "d4") == 0
    assert not any(tmp_path.iterdir())  # nothing written there either


def test_the_stored_draft_keeps_addresses_readable_and_the_body_whole() -> None:
    """Review findings: ASCII fields were RFC 2047-encoded whole, and a body line starting
    with From: was dropped with the placeholder From header."""
    from mailtui.sending.drafts_copy import draft_bytes

    unfinished = Draft(
        from_addr="Me <me@example.org>", to="bob@", bcc="alice@example.org, carol@example.org",
        subject="fwd", body="see below\nFrom: Alice <alice@example.org>\n",
    )  # fmt: skip
    raw = draft_bytes(unfinished, "d9").decode().replace("\r\n", "\n")
    assert "Bcc: alice@example.org, carol@example.org" in raw and "To: bob@" in raw
    assert "From: Alice <alice@example.org>" in raw.split("\n\n", 1)[1]  # the body's line kept
    assert raw.count("From: Me <me@example.org>") == 1 and "=?utf-8?" not in raw


def test_without_uidplus_a_draft_finds_only_its_live_copy(
    dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without UIDPLUS the replaced copies stay, flagged \\Deleted: never found (nor counted) again."""
    from imapclient import IMAPClient

    real = IMAPClient.has_capability
    monkeypatch.setattr(
        IMAPClient, "has_capability", lambda c, cap: cap.upper() != "UIDPLUS" and real(c, cap)
    )
    user = new_user(dovecot)
    account = account_of(user)
    for version in ("first", "second", "third"):
        assert store_postponed(account, draft(f"{version} version"), "d5") == "work:Drafts"
    live = [s for s, flags in drafts_in(user, "Drafts") if b"\\Deleted" not in flags]
    assert live == ["third version"]
    assert forget_postponed(account, "d5") == 1
    assert forget_postponed(account, "d5") == 0


def test_the_server_copy_work_of_one_draft_is_serialised(
    dovecot: DovecotServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Postpone, resume and send in quick succession: the removal cannot overtake the store
    still running (it would find nothing and the stored copy would outlive the sent draft)."""
    import threading

    import mailtui.backends.imap.drafts as imap_drafts

    user = new_user(dovecot)
    account = account_of(user)
    removal_done, storing = threading.Event(), threading.Event()
    real_store = imap_drafts.store_copy

    def slow_store(*args: object) -> None:
        storing.set()
        # Held until the removal finished or is waiting its turn (bounded: a removal that
        # runs alongside finishes well within it, one that waits never does).
        removal_done.wait(3)
        real_store(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(imap_drafts, "store_copy", slow_store)
    store = threading.Thread(target=store_postponed, args=(account, draft("sent soon"), "d6"))
    store.start()
    assert storing.wait(30)

    def remove() -> None:
        forget_postponed(account, "d6")
        removal_done.set()

    removal = threading.Thread(target=remove)
    removal.start()
    store.join(30)
    removal.join(30)
    assert [s for s, flags in drafts_in(user, "Drafts") if b"\\Deleted" not in flags] == []


def test_an_older_request_for_the_copy_never_undoes_a_newer_one(dovecot: DovecotServer) -> None:
    """The requests are numbered as made (on the UI thread); threads may run them in any order."""
    from mailtui.sending.drafts_copy import next_ticket

    user = new_user(dovecot)
    account = account_of(user)
    postponed, sent = next_ticket(), next_ticket()
    assert forget_postponed(account, "d7", ticket=sent) == 0
    assert store_postponed(account, draft("already sent"), "d7", ticket=postponed) is None
    assert drafts_in(user, "Drafts") == []


def test_a_removal_on_the_old_account_never_skips_the_store_on_the_new_one(
    dovecot: DovecotServer,
) -> None:
    """A draft resumed from one account and postponed from another: the store (here) and
    the removal (there) are numbered together but are work on different copies, so
    whichever thread runs first, both happen."""
    from mailtui.sending.drafts_copy import next_ticket

    old_user, new_user_ = new_user(dovecot), new_user(dovecot)
    old = account_of(old_user, name="old")
    new = account_of(new_user_, name="new")
    assert store_postponed(old, draft("first here"), "d9") is not None
    stored, removed = next_ticket(), next_ticket()
    assert forget_postponed(old, "d9", ticket=removed) == 1  # the later ticket runs first
    assert store_postponed(new, draft("now there"), "d9", ticket=stored) is not None
    assert drafts_in(old_user, "Drafts") == []
    assert [s for s, _flags in drafts_in(new_user_, "Drafts")] == ["now there"]
