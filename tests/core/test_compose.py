"""mailtui.core.compose: building messages, address checks, reply/forward helpers, presets."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy

import pytest

from mailtui.core.compose import (
    GTUBE,
    AttachmentSpec,
    ComposeError,
    Draft,
    bcc_header,
    build_message,
    envelope_recipients,
    envelope_sender,
    forward_draft,
    message_bytes,
    needs_smtputf8,
    parse_address_field,
    preset_draft,
    quote_body,
    reply_draft,
    reply_subject,
)
from mailtui.core.errors import EX_DATAERR


def _parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("text", "valid", "bad_items"),
    [
        ("a@example.org", ["a@example.org"], []),
        ("Alice <a@example.org>, b@example.net", ["a@example.org", "b@example.net"], []),
        ('"Doe, John" <j@example.org>; k@example.org', ["j@example.org", "k@example.org"], []),
        ("", [], []),
        ("  ,  ", [], []),
        ("bob@", [], ["bob@"]),
        ("@example.org", [], ["@example.org"]),
        ("plainword", [], ["plainword"]),
        ("a@example.org b@example.org", [], ["a@example.org b@example.org"]),
        ("ok@example.org, bad@@x, x@y..z", ["ok@example.org"], ["bad@@x", "x@y..z"]),
        ("jürgen@bücher.example", ["jürgen@bücher.example"], []),
        ("a@example.org\r\nBcc: x@y.z", [], ["a@example.org\r\nBcc: x@y.z"]),
    ],
)
def test_parse_address_field(text, valid, bad_items):
    got_valid, errors = parse_address_field(text)
    assert got_valid == valid
    assert len(errors) == len(bad_items)
    for item, error in zip(bad_items, errors, strict=True):
        assert repr(item) in error  # each error names the item it is about


def test_build_message_headers_and_body():
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    draft = Draft("Me <me@example.org>", "you@example.net", cc="Zoë <z@example.net>", bcc="b@example.net",
                  subject="hello", body="plain body\r\nsecond line\n")  # fmt: skip
    msg = build_message(draft, message_id_domain="mailtui.test", date=when)
    data = message_bytes(msg)
    assert b"\r\nSubject: hello\r\n" in data  # ASCII subject is not encoded
    assert b"Bcc" not in data and b"b@example.net" not in data
    parsed = _parse(data)
    assert parsed["Date"].datetime == when
    assert parsed["Message-ID"].endswith("@mailtui.test>")
    assert [a.addr_spec for a in parsed["Cc"].addresses] == ["z@example.net"]
    assert parsed["Cc"].addresses[0].display_name == "Zoë"
    assert parsed.get_content_type() == "text/plain" and parsed.get_content_charset() == "utf-8"
    assert parsed.get_content().replace("\r\n", "\n") == "plain body\nsecond line\n"


def test_utf8_subject_and_8bit_body():
    draft = preset_draft("utf8", "me@example.org", "you@example.net")
    data = message_bytes(build_message(draft, message_id_domain="x"))
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.isascii() and b"=?utf-8?" in head  # RFC 2047 in the header
    assert "测试邮件 Grüße".encode() in body  # 8-bit UTF-8 body
    parsed = _parse(data)
    assert parsed["Subject"] == draft.subject
    assert parsed["Content-Transfer-Encoding"] == "8bit"
    seven = message_bytes(build_message(draft, message_id_domain="x"), eight_bit=False)
    assert seven.isascii() and _parse(seven).get_content().replace("\r\n", "\n") == draft.body


@pytest.mark.parametrize(
    "draft",
    [
        Draft("me@example.org", "you@example.net", subject="hi\r\nBcc: v@example.com"),
        Draft("me@example.org", "you@example.net", subject="hi\nX-Evil: 1"),
        Draft("me@example.org", "you@example.net\r\nBcc: v@example.com"),
        Draft("me@example.org", "you@example.net", cc="c@example.net\n"),
        Draft("me@example.org", "you@example.net", bcc="c@example.net\rx"),
        Draft("me@example.org\r\nX: y", "you@example.net"),
        Draft("me@example.org", "you@example.net", extra_headers=(("X-Test", "a\r\nBcc: v@example.com"),)),
        Draft("me@example.org", "you@example.net", extra_headers=(("X-Te\r\nst", "a"),)),
        Draft("me@example.org", "you@example.net", extra_headers=(("Bad Name", "a"),)),
        Draft("me@example.org", "you@example.net", extra_headers=(("Bcc", "v@example.com"),)),
        Draft("me@example.org", "you@example.net", in_reply_to="<a@b>\r\nX: y"),
        Draft(
            "me@example.org",
            "you@example.net",
            attachments=(AttachmentSpec("", "a\nb.txt", "text/plain", b"x"),),
        ),
        Draft("me@example.org", ""),
        Draft("not an address", "you@example.net"),
        Draft("a@example.org, b@example.org", "you@example.net"),
        Draft("me@example.org", "you@example.net, broken@"),
    ],
)
def test_bad_drafts_are_refused(draft):
    with pytest.raises(ComposeError) as err:
        build_message(draft, message_id_domain="x")
    assert err.value.exit_code == EX_DATAERR == 65


def test_extra_headers_and_overrides():
    draft = Draft("me@example.org", "you@example.net",
                  extra_headers=(("X-Mailtui-Test", "42"), ("Message-ID", "<fixed@example.org>")))  # fmt: skip
    parsed = _parse(message_bytes(build_message(draft, message_id_domain="x")))
    assert parsed["X-Mailtui-Test"] == "42"
    assert parsed.get_all("Message-ID") == ["<fixed@example.org>"]


def test_attachments_round_trip_byte_identical():
    binary = bytes(range(256)) * 40 + b"\r\n.\r\n\x00"
    draft = Draft("me@example.org", "you@example.net", body="see attached\n", attachments=(
        AttachmentSpec("/x/data.bin", "data.bin", "application/octet-stream", binary),
        AttachmentSpec("/x/r.txt", "résumé.txt", "text/plain", "text ✓\n".encode()),
        AttachmentSpec("/x/weird", "weird", "not a type", b"abc"),
    ))  # fmt: skip
    parsed = _parse(message_bytes(build_message(draft, message_id_domain="x")))
    atts = list(parsed.iter_attachments())
    assert [a.get_filename() for a in atts] == ["data.bin", "résumé.txt", "weird"]
    assert [a.get_payload(decode=True) for a in atts] == [binary, "text ✓\n".encode(), b"abc"]
    assert atts[0]["Content-Transfer-Encoding"] == "base64"
    assert atts[2].get_content_type() == "application/octet-stream"


def test_envelope_recipients_and_sender():
    draft = Draft("Me <me@example.org>", "a@example.net, B <b@example.net>", cc="A@example.net, c@example.net",
                  bcc="b@example.net, d@example.net")  # fmt: skip
    assert envelope_recipients(draft) == ["a@example.net", "b@example.net", "c@example.net", "d@example.net"]
    assert envelope_sender(draft) == "me@example.org"


@pytest.mark.parametrize(
    ("to", "sender", "expected"),
    [
        ("you@example.net", "me@example.org", False),
        ("jürgen@bücher.example", "me@example.org", True),
        ("you@example.net", "mé@example.org", True),
        ("Jürgen <j@example.net>", "me@example.org", False),  # a non-ASCII display name is RFC 2047
    ],
)
def test_needs_smtputf8(to, sender, expected):
    draft = Draft(sender, to)
    msg = build_message(draft, message_id_domain="x")
    assert needs_smtputf8(msg, sender, envelope_recipients(draft)) is expected


def test_needs_smtputf8_for_raw_bytes():
    assert needs_smtputf8(b"To: j\xc3\xbcrgen@x.example\r\n\r\nbody", "a@b.c", ["a@b.c"]) is True
    assert needs_smtputf8(b"To: a@b.c\r\n\r\nb\xc3\xb6dy", "a@b.c", ["a@b.c"]) is False


@pytest.mark.parametrize(
    ("subject", "expected"),
    [("hello", "Re: hello"), ("Re: hello", "Re: hello"), ("RE: Re: re:hello", "Re: hello"),
     ("AW: Re[2]: hello", "Re: hello"), ("Reply needed", "Re: Reply needed"), ("", "Re: ")],
)  # fmt: skip
def test_reply_subject(subject, expected):
    assert reply_subject(subject) == expected


def test_quote_body():
    assert quote_body("a\n\n> b\r\nc\n") == "> a\n>\n> > b\n> c\n"


def test_reply_and_group_reply():
    common = dict(
        from_addr="Me <me@example.org>", subject="Re: status", sender="Ann <ann@example.net>",
        to="me@example.org, Bob <bob@example.net>", cc="carol@example.net, ann@example.net",
        message_id="<m2@example.net>", references=("<m1@example.net>",), body="all good\n",
        date="Mon, 2 Jan 2026 03:04:05 +0000",
    )  # fmt: skip
    reply = reply_draft(**common)
    assert reply.to == "Ann <ann@example.net>" and reply.cc == ""
    assert reply.subject == "Re: status"
    assert reply.in_reply_to == "<m2@example.net>"
    assert reply.references == ("<m1@example.net>", "<m2@example.net>")
    assert "Ann <ann@example.net> wrote:\n> all good\n" in reply.body
    group = reply_draft(**common, group=True)
    assert group.to == "Ann <ann@example.net>"
    assert envelope_recipients(group) == ["ann@example.net", "bob@example.net", "carol@example.net"]
    with_reply_to = reply_draft(**{**common, "reply_to": "list@example.net"})
    assert with_reply_to.to == "list@example.net"
    build_message(group, message_id_domain="x")  # a reply draft is sendable as is


def test_forward_inline_and_as_attachment():
    raw = b"From: ann@example.net\r\nSubject: orig\r\nX-Odd:  spacing kept\r\n\r\nbody \xc3\xa9\r\n"
    fields = dict(from_addr="me@example.org", subject="Fwd: orig", sender="ann@example.net",
                  to="me@example.org", date="Mon, 2 Jan 2026 03:04:05 +0000", body="body é\n",
                  new_to="you@example.net")  # fmt: skip
    inline = forward_draft(**fields)
    assert inline.subject == "Fwd: orig" and "From: ann@example.net" in inline.body
    assert inline.body.endswith("body é\n")
    ascii_raw = raw.replace(b"\xc3\xa9", b"e")
    attached = forward_draft(**fields, raw=ascii_raw, as_attachment=True)
    data = message_bytes(build_message(attached, message_id_domain="x"))
    assert ascii_raw in data  # an ASCII forwarded message travels byte for byte
    for source in (ascii_raw, raw):
        attached = forward_draft(**fields, raw=source, as_attachment=True)
        data = message_bytes(build_message(attached, message_id_domain="x"))
        [part] = list(_parse(data).iter_attachments())
        assert part.get_content_type() == "message/rfc822" and part.get_filename() == "orig.eml"
        inner = part.get_content()
        assert inner["X-Odd"] == "spacing kept"
        assert inner.get_payload(decode=True) == source.split(b"\r\n\r\n", 1)[1]


def test_presets():
    plain = preset_draft("plain", "me@example.org", "you@example.net")
    assert (plain.subject + plain.body).isascii()
    utf8 = preset_draft("utf8", "me@example.org", "you@example.net")
    assert "测试邮件" in utf8.subject and "Grüße" in utf8.subject and not utf8.body.isascii()
    gtube = preset_draft("gtube", "me@example.org", "you@example.net")
    assert GTUBE == "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
    assert GTUBE in gtube.body
    att = preset_draft("attachment", "me@example.org", "you@example.net", size=12_345)
    assert len(att.attachments[0].data) == 12_345
    assert preset_draft("attachment", "me@example.org", "you@example.net", size=10).attachments[
        0
    ].data != bytes(10)
    for name in ("plain", "utf8", "attachment", "gtube"):
        build_message(preset_draft(name, "me@example.org", "you@example.net"), message_id_domain="x")
    with pytest.raises(ComposeError):
        preset_draft("nope", "me@example.org", "you@example.net")


def test_bcc_header_is_for_the_sent_copy_only() -> None:
    draft = Draft(
        "me@example.org", "you@example.net", bcc="Zoë <audit@example.org>, x@example.org", subject="s"
    )
    line = bcc_header(draft)
    assert line.startswith(b"Bcc: ") and line.endswith(b"\r\n") and b"audit@example.org" in line
    assert b"=?utf-8?" in line  # the non-ASCII name is encoded, the line is ASCII
    assert line.isascii()
    assert b"Bcc" not in bytes(build_message(draft, message_id_domain="example.org"))
    assert bcc_header(Draft("me@example.org", "you@example.net", subject="s")) == b""
