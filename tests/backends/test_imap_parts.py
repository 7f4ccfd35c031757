"""Large IMAP messages on a real Dovecot: text parts first, attachments fetched on demand."""

from __future__ import annotations

import email.policy
import random
from email.message import EmailMessage

import pytest

from mailtui.core.message.preview import OMITTED_PART, omitted_part, preview_view
from mailtui.core.message.view import parse_message
from mailtui.core.models import Flag, MessageRef
from mailtui.core.transcript import Direction, Transcript
from tests.backends.imap_helpers import (
    ImapUser,
    make_message,
)

pytestmark = pytest.mark.dovecot

BODY = "Hello admin, the backup report is attached. Grüße."


def big_message(payload: bytes, *, html: bool = False, filename: str = "backup-2024.tar.gz") -> bytes:
    """A message with a text body (and an HTML alternative) and `payload` attached."""
    msg = EmailMessage()
    msg["From"] = "Backup <backup@example.org>"
    msg["To"] = "admin@example.org"
    msg["Subject"] = "Nightly backup"
    msg["Message-ID"] = "<big1@example.org>"
    msg.set_content(BODY)
    if html:
        msg.add_alternative(f"<p>{BODY}</p>", subtype="html")
    msg.add_attachment(payload, maintype="application", subtype="gzip", filename=filename)
    return msg.as_bytes(policy=email.policy.SMTP)


def random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def test_large_message_preview_has_the_text_and_lists_the_attachment(user: ImapUser) -> None:
    payload = random_bytes(3_000_000)
    user.server.seed(user.name, [big_message(payload, html=True)])
    transcript = Transcript()
    backend = user.open(transcript=transcript)
    try:
        (ref,) = backend.list_refs("INBOX")
        preview = backend.fetch_preview("INBOX", ref)
        assert preview is not None and len(preview) < 20_000
        view = preview_view(preview)
        assert view.subject == "Nightly backup" and BODY in view.body
        (att,) = view.attachments
        assert att.filename == "backup-2024.tar.gz" and att.content_type == "application/gzip"
        assert att.size == len(payload)  # the decoded size, not the placeholder's
        assert view.notes[0].startswith("Large message (4.1 MB)")  # base64 grows 3 MB to ~4.1 MB
        part = omitted_part(preview, att)
        assert part == "2"
        sent = [line.text for line in transcript.lines() if line.direction is Direction.SENT]
        assert any("BODYSTRUCTURE" in text for text in sent)
        assert not any("BODY.PEEK[]" in text or "BODY.PEEK[2]" in text for text in sent)
        data = backend.fetch_part("INBOX", ref, part)
        assert data == payload
        (envelope,) = backend.fetch_envelopes("INBOX", [ref])
        assert Flag.SEEN not in envelope.flags
    finally:
        backend.close()


def test_preview_is_a_plain_view_without_the_helper(user: ImapUser) -> None:
    """parse_message alone also reads a preview: body and the attachment's name."""
    user.server.seed(user.name, [big_message(random_bytes(2_500_000), filename="disk.img")])
    backend = user.open()
    try:
        (ref,) = backend.list_refs("INBOX")
        preview = backend.fetch_preview("INBOX", ref)
    finally:
        backend.close()
    assert preview is not None and OMITTED_PART.encode() in preview
    view = parse_message(preview)
    assert BODY in view.body and [a.filename for a in view.attachments] == ["disk.img"]


def test_small_message_has_no_preview(user: ImapUser) -> None:
    user.server.seed(user.name, [make_message(1, body="short")])
    backend = user.open()
    try:
        (ref,) = backend.list_refs("INBOX")
        assert backend.fetch_preview("INBOX", ref) is None
        assert b"short" in backend.fetch_raw("INBOX", ref)
    finally:
        backend.close()


def test_limit_is_the_callers(user: ImapUser) -> None:
    payload = random_bytes(40_000)
    user.server.seed(user.name, [big_message(payload)])
    backend = user.open()
    try:
        (ref,) = backend.list_refs("INBOX")
        assert backend.fetch_preview("INBOX", ref) is None  # under the default 2 MB
        preview = backend.fetch_preview("INBOX", ref, limit=10_000)
        assert preview is not None
        (att,) = preview_view(preview).attachments
        assert att.size == len(payload)
        assert backend.fetch_part("INBOX", ref, omitted_part(preview, att) or "") == payload
    finally:
        backend.close()


def test_single_part_large_text_is_cut_at_the_limit(user: ImapUser) -> None:
    text = "".join(f"log line {i}\r\n" for i in range(3000))
    raw = make_message(1, subject="Huge log", body=text)
    user.server.seed(user.name, [raw])
    backend = user.open()
    try:
        (ref,) = backend.list_refs("INBOX")
        preview = backend.fetch_preview("INBOX", ref, limit=5_000)
        whole = backend.fetch_part("INBOX", ref, "1")
    finally:
        backend.close()
    assert preview is not None and len(preview) < 6_000
    view = preview_view(preview)
    assert view.subject == "Huge log" and view.body.startswith("log line 0\n")
    assert "log line 2999" not in view.body and not view.attachments
    assert whole == (text + "\r\n").replace("\r\n", "\n").encode()  # make_message ends in a blank line


def test_fetch_part_of_an_expunged_message_explains(user: ImapUser) -> None:
    from mailtui.core.errors import MessageNotFoundError

    user.server.seed(user.name, [make_message(1)])
    backend = user.open()
    try:
        backend.list_refs("INBOX")
        with pytest.raises(MessageNotFoundError, match="reload the folder"):
            backend.fetch_part("INBOX", MessageRef("999"), "2")
    finally:
        backend.close()


def test_single_part_attachment_is_wrapped_as_a_placeholder(user: ImapUser) -> None:
    """A message that is one big non-text part: nothing to show, the part listed for saving."""
    payload = random_bytes(30_000, seed=3)
    msg = EmailMessage()
    msg["Subject"] = "Just a file"
    msg.set_content(payload, maintype="application", subtype="pdf", filename="scan.pdf")
    user.server.seed(user.name, [msg.as_bytes(policy=email.policy.SMTP)])
    backend = user.open()
    try:
        (ref,) = backend.list_refs("INBOX")
        preview = backend.fetch_preview("INBOX", ref, limit=1_000)
        assert preview is not None and len(preview) < 2_000
        view = preview_view(preview)
        (att,) = view.attachments
        assert (view.subject, att.filename, att.size) == ("Just a file", "scan.pdf", len(payload))
        assert backend.fetch_part("INBOX", ref, omitted_part(preview, att) or "") == payload
    finally:
        backend.close()
