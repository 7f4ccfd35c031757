"""The pasted-text decoder: detection, decoding, and partial decodes that say what is wrong."""

from __future__ import annotations

import base64

import pytest

from mailtui.core.message.transfer_decode import decode_pasted, decode_quoted_printable, detect_kind

CAFE_B64 = base64.b64encode("Café au lait".encode()).decode()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("=?utf-8?B?Q2Fmw6k=?=", "header"),
        ("Subject: hello", "header"),
        ("Subject: =?iso-8859-1?q?caf=E9?=", "header"),
        (CAFE_B64, "base64"),
        ("SGVsbG8gd29ybGQ", "base64"),  # unpadded, but has a digit: still base64-shaped
        ("Caf=C3=A9 au lait", "qp"),
        ("soft=\nbreak", "qp"),
        ("hello", "header"),  # plain words are not guessed to be base64
        ("just some words", "header"),
    ],
)
def test_detects_what_was_pasted(text: str, kind: str) -> None:
    assert detect_kind(text) == kind


# (text, mode, charset, expected text, expected charset, expected note fragments)
CASES = [
    ("=?utf-8?B?Q2Fmw6k=?=", "auto", None, "Café", "utf-8", []),
    (
        "Subject: =?utf-8?q?Quarterly_report_=E2=80=93_Q1?=",
        "auto",
        None,
        "Subject: Quarterly report – Q1",
        "utf-8",
        [],
    ),
    ("=?iso-8859-1?Q?caf=E9?= =?iso-8859-1?Q?_cr=E8me?=", "auto", None, "café crème", "iso-8859-1", []),
    (CAFE_B64, "auto", None, "Café au lait", "utf-8", []),
    ("SGVsbG8", "base64", None, "Hello", None, ["bad base64 padding"]),
    ("SGVs*bG8=", "base64", None, "Hello", None, ["invalid characters in base64"]),
    ("!!!!", "base64", None, "", None, ["not base64"]),
    ("Caf=C3=A9", "qp", None, "Café", "utf-8", []),
    ("Caf=E9 =ZZ", "qp", "iso-8859-1", "Café =ZZ", "iso-8859-1", ["invalid quoted-printable escape '=ZZ'"]),
    ("=?x-klingon?Q?caf=E9?=", "auto", None, "café", "x-klingon", ["unknown charset x-klingon"]),
    ("=?utf-8?Q?caf=E9?=", "auto", None, "café", "utf-8", ["invalid bytes for utf-8"]),
    ("=?utf-8?B?Q2Fmw6k?=", "auto", None, "Café", "utf-8", ["bad base64 padding"]),
    ("=?iso-8859-1?Q?caf=C3=A9?=", "auto", "utf-8", "café", "utf-8", []),  # --charset overrides the label
    ("=?utf-8?Q?broken", "auto", None, "=?utf-8?Q?broken", None, ["malformed encoded word"]),
]


@pytest.mark.parametrize(("text", "mode", "charset", "expected", "used", "notes"), CASES)
def test_decodes_and_reports_problems(
    text: str, mode: str, charset: str | None, expected: str, used: str | None, notes: list[str]
) -> None:
    result = decode_pasted(text, mode, charset)  # type: ignore[arg-type]
    assert result.text == expected
    assert result.charset == used
    for fragment in notes:
        assert any(fragment in n for n in result.notes), (fragment, result.notes)
    assert result.partial == bool(notes)


def test_each_encoded_word_is_described() -> None:
    result = decode_pasted("From: =?utf-8?B?w6l0w6k=?= <a@b> =?iso-8859-2?Q?=B1?=")
    words = [w for w in result.words if w.encoding]
    assert [(w.charset, w.encoding, w.text) for w in words] == [
        ("utf-8", "B", "été"),
        ("iso-8859-2", "Q", "ą"),
    ]
    assert result.header_names == ("From",)


def test_several_header_lines_with_folding() -> None:
    text = "Subject: =?utf-8?q?one?=\n =?utf-8?q?_two?=\nFrom: =?utf-8?b?w6k=?= <x@y>\n"
    result = decode_pasted(text)
    assert result.text.splitlines() == ["Subject: one two", "From: é <x@y>"]
    assert result.header_names == ("Subject", "From")


def test_binary_base64_is_shown_as_hex() -> None:
    result = decode_pasted(base64.b64encode(bytes(range(16))).decode())
    assert result.kind == "base64" and result.data == bytes(range(16))
    assert result.text.startswith("00 01 02")
    assert any("binary" in n for n in result.notes)


def test_unknown_forced_charset_is_reported_and_ignored() -> None:
    result = decode_pasted("=?utf-8?B?Q2Fmw6k=?=", charset="no-such-charset")
    assert result.text == "Café"
    assert any("no-such-charset" in n for n in result.notes)


@pytest.mark.parametrize(
    ("data", "decoded", "note"),
    [
        (b"a=3Db", b"a=b", None),
        (b"soft=\r\nbreak", b"softbreak", None),
        (b"lower=e9", b"lower\xe9", "lower-case hex"),
        (b"bad=G1", b"bad=G1", "invalid quoted-printable escape"),
        (b"end=", b"end", "followed by spaces or nothing"),
    ],
)
def test_quoted_printable(data: bytes, decoded: bytes, note: str | None) -> None:
    out, notes = decode_quoted_printable(data)
    assert out == decoded
    assert (note is None and notes == ()) or any(note in n for n in notes)


def test_never_raises_on_hostile_input() -> None:
    for text in ["=?", "=?utf-8?", "=?utf-8?X?abc?=", "\x00\x1b[31m", "=" * 50, "A" * 5, ":"]:
        for mode in ("auto", "header", "base64", "qp"):
            out = decode_pasted(text, mode)  # type: ignore[arg-type]
            assert isinstance(out.text, str)  # faithful; the CLI and UI sanitize on display
