"""Header and body decoding: RFC 2047 vectors, real-world charsets, and broken input."""

from __future__ import annotations

import base64
import datetime
import random

import pytest

from mailtui.core.message.decode import (
    _decode_words,
    codec_for,
    decode_address_list,
    decode_base64,
    decode_bytes,
    decode_header_value,
    decode_header_words,
    format_address,
    parse_date,
)


def b_word(charset: str, text: str, codec: str | None = None) -> str:
    """An RFC 2047 B word for `text` encoded with `codec` (default: the charset itself)."""
    data = text.encode(codec or charset)
    return f"=?{charset}?B?{base64.b64encode(data).decode()}?="


def q_word(charset: str, data: bytes) -> str:
    return f"=?{charset}?Q?{''.join(f'={b:02X}' for b in data)}?="


# RFC 2047 section 8, every example, plus its address examples.
RFC2047_EXAMPLES = [
    ("(=?ISO-8859-1?Q?a?=)", "(a)"),
    ("(=?ISO-8859-1?Q?a?= b)", "(a b)"),
    ("(=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=)", "(ab)"),
    ("(=?ISO-8859-1?Q?a?=  =?ISO-8859-1?Q?b?=)", "(ab)"),
    ("(=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=)", "(ab)"),
    ("(=?ISO-8859-1?Q?a_b?=)", "(a b)"),
    ("(=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=)", "(a b)"),
    ("=?US-ASCII?Q?Keith_Moore?= <moore@cs.utk.edu>", "Keith Moore <moore@cs.utk.edu>"),
    ("=?ISO-8859-1?Q?Keld_J=F8rn_Simonsen?= <keld@dkuug.dk>", "Keld Jørn Simonsen <keld@dkuug.dk>"),
    ("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>", "André Pirard <PIRARD@vm1.ulg.ac.be>"),
    (
        "=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?=\r\n"
        "    =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=",
        "If you can read this you understand the example.",
    ),
    ("=?ISO-8859-1?Q?Olle_J=E4rnefors?= <ojarnef@admin.kth.se>", "Olle Järnefors <ojarnef@admin.kth.se>"),
    ("=?ISO-8859-1?Q?Patrik_F=E4ltstr=F6m?= <paf@nada.kth.se>", "Patrik Fältström <paf@nada.kth.se>"),
]

CHARSET_VECTORS = [
    ("=?UTF-8?B?5rWL6K+V6YKu5Lu2?=", "测试邮件"),
    (b_word("gb2312", "关于服务器维护的通知"), "关于服务器维护的通知"),
    (b_word("GBK", "账户异常：请尽快处理"), "账户异常：请尽快处理"),
    (b_word("gb18030", "邮件退回"), "邮件退回"),
    (b_word("big5", "系統通知：郵件已退回", "big5"), "系統通知：郵件已退回"),
    (b_word("Shift_JIS", "会議のお知らせ", "shift_jis"), "会議のお知らせ"),
    (b_word("ISO-2022-JP", "障害報告", "iso2022_jp"), "障害報告"),
    (q_word("ISO-8859-1", "Grüße aus Köln".encode("latin-1")), "Grüße aus Köln"),
    (q_word("iso-8859-2", "Zażółć gęślą".encode("iso8859_2")), "Zażółć gęślą"),
    (q_word("ISO-8859-15", "Prix 10€".encode("iso8859_15")), "Prix 10€"),
    (b_word("windows-1251", "Привет мир", "cp1251"), "Привет мир"),
    (b_word("KOI8-R", "Привет мир", "koi8_r"), "Привет мир"),
    (b_word("ks_c_5601-1987", "한국어", "cp949"), "한국어"),
    ("=?utf-8*en?Q?caf=C3=A9?=", "café"),  # RFC 2231 language suffix
    ("=?utf-8?q?hello?=world", "helloworld"),
]


@pytest.mark.parametrize(("raw", "expected"), RFC2047_EXAMPLES + CHARSET_VECTORS)
def test_decode_header_value(raw: str, expected: str) -> None:
    assert decode_header_value(raw) == expected
    assert decode_header_value(raw.encode("ascii")) == expected


def test_multibyte_character_split_across_words_is_joined() -> None:
    data = "é".encode()
    raw = f"{q_word('utf-8', b'caf' + data[:1])} {q_word('utf-8', data[1:])}"
    assert decode_header_value(raw) == "café"


@pytest.mark.parametrize(
    ("raw", "expected", "note"),
    [
        ("=?x-foo?Q?caf=C3=A9?=", "café", "unknown charset x-foo, decoded as utf-8"),
        ("=?utf-8?Q?caf=E9?= ok", "café ok", "invalid bytes for utf-8, decoded as windows-1252"),
        ("=?utf-8?B?aGVsbG8?=", "hello", "bad base64 padding"),
        ("=?utf-8?B?aGV*sbG8=?=", "hello", "invalid characters in base64"),
        ("=?utf-8?B?aGVsbG8hI?=", "hello!", "truncated base64"),
        ("=?unknown-8bit?Q?caf=E9?=", "café", "8-bit text without charset, decoded as windows-1252"),
        (
            q_word("gb2312", "中文".encode("gb2312") + b"\xff\xff"),
            "中文\ufffd\ufffd",
            "invalid bytes for gb2312 replaced",
        ),
    ],
)
def test_broken_words_decode_with_a_note(raw: str, expected: str, note: str) -> None:
    decoded = decode_header_words(raw)
    assert decoded.text == expected
    assert note in decoded.notes


@pytest.mark.parametrize(
    ("raw", "expected", "has_note"),
    [
        ("Grüße aus Köln".encode(), "Grüße aus Köln", False),
        ("caf\xe9 raw".encode("latin-1"), "café raw", True),
        ("服务器告警".encode("gb2312"), "服务器告警", True),
        (b"plain ascii", "plain ascii", False),
    ],
)
def test_raw_8bit_headers(raw: bytes, expected: str, has_note: bool) -> None:
    decoded = decode_header_words(raw)
    assert decoded.text == expected
    assert bool(decoded.notes) == has_note


def test_words_describe_each_part() -> None:
    decoded = decode_header_words("Re: =?utf-8?B?5rWL6K+V?= and =?iso-8859-1?q?caf=E9?=")
    assert [w.raw for w in decoded.words] == [
        "Re: ",
        "=?utf-8?B?5rWL6K+V?=",
        " and ",
        "=?iso-8859-1?q?caf=E9?=",
    ]
    assert [w.encoding for w in decoded.words] == [None, "B", None, "Q"]
    assert [w.charset for w in decoded.words] == [None, "utf-8", None, "iso-8859-1"]
    assert "".join(w.text for w in decoded.words) == decoded.text == "Re: 测试 and café"


def test_raw_words_show_undecodable_bytes_as_escapes() -> None:
    decoded = decode_header_words("caf\xe9 ok".encode("latin-1"))
    assert [w.raw for w in decoded.words] == ["caf\\xe9 ok"]
    assert decode_header_words("Grüße".encode()).words[0].raw == "Grüße"


def test_unfolding() -> None:
    assert decode_header_value("a long\r\n subject\r\n\tfolded") == "a long subject\tfolded"
    assert decode_header_value("trailing\r\n") == "trailing"


@pytest.mark.parametrize(
    ("data", "charset", "expected", "note_part"),
    [
        ("héllo".encode(), "utf-8", "héllo", None),
        ("héllo".encode(), None, "héllo", None),  # raw UTF-8 is fine (RFC 6532)
        ("élève à Noël".encode("latin-1"), None, "élève à Noël", "decoded as windows-1252"),
        ("测试邮件".encode("gb2312"), None, "测试邮件", "decoded as gb18030"),
        ("测试邮件".encode(), "gb2312", "测试邮件", "labelled gb2312 but valid utf-8"),
        ("héllo".encode("latin-1"), "utf-8", "héllo", "decoded as windows-1252"),
        ("héllo".encode(), "iso-8859-1", "héllo", "labelled iso-8859-1 but valid utf-8"),
        ("中文".encode("gb2312"), "gb2312", "中文", None),
        ("鍾".encode("gbk"), "gb2312", "鍾", None),  # GBK-only char in a gb2312-labelled text
        (b"hi", "x-nonsense", "hi", "unknown charset x-nonsense"),
        ("“quotes”".encode("cp1252"), "us-ascii", "“quotes”", "us-ascii"),
        (bytes(range(256)), "utf-8", bytes(range(256)).decode("latin-1"), "latin-1"),
    ],
)
def test_decode_bytes(data: bytes, charset: str | None, expected: str, note_part: str | None) -> None:
    text, note = decode_bytes(data, charset)
    if expected.isprintable():
        assert text == expected
    else:
        assert len(text) == len(expected)
    if note_part is None:
        assert note is None
    else:
        assert note is not None and note_part in note


def test_codec_for() -> None:
    assert codec_for("GB2312") == "gb18030"
    assert codec_for('"utf-8"') == "utf-8"
    assert codec_for("x-unknown") is None
    assert codec_for(None) is None


def test_address_lists() -> None:
    raw = '=?utf-8?q?Doe=2C_John?= <j@x.org>, "Smith, Ann" <ann@y.org>, bare@z.org'
    assert decode_address_list(raw) == [
        ("Doe, John", "j@x.org"),
        ("Smith, Ann", "ann@y.org"),
        ("", "bare@z.org"),
    ]
    assert decode_address_list(["a@b", "c@d"]) == [("", "a@b"), ("", "c@d")]
    assert decode_address_list(b"=?gb2312?B?" + base64.b64encode("张三".encode("gb2312")) + b"?= <z@cn>") == [
        ("张三", "z@cn")
    ]
    assert decode_address_list(None) == []
    for hostile in ['"', "<", "<::bob=?]", "\x00", ",,,", "a@b <c@d> <e@f>"]:
        assert isinstance(decode_address_list(hostile), list)


def test_format_address() -> None:
    assert format_address("Ann", "ann@x") == "Ann <ann@x>"
    assert format_address("", "ann@x") == "ann@x"
    assert format_address("ann@x", "ann@x") == "ann@x"
    assert format_address("Ann", "") == "Ann"


def test_parse_date() -> None:
    expected = datetime.datetime(2026, 11, 23, 3, 5, tzinfo=datetime.UTC).timestamp()
    assert parse_date("Mon, 23 Nov 2026 04:05:00 +0100") == expected
    assert parse_date("23 Nov 2026 03:05:00 -0000") == expected  # naive: taken as UTC
    for bad in ["yesterday-ish", "", None, "Mon, 99 Foo 99999999999 99:99:99 +9999", b"\xff\xfe"]:
        assert parse_date(bad) is None


@pytest.mark.parametrize(
    ("data", "expected", "notes"),
    [
        (base64.encodebytes(b"hello world " * 20), b"hello world " * 20, ()),
        (b"aGVsbG8", b"hello", ("bad base64 padding",)),
        (b"SGVs bG8g*d29y\nbGQ=", b"Hello world", ("invalid characters in base64",)),
        (base64.b64encode(b"hello") + b"\r\n" + base64.b64encode(b"world!"), b"helloworld!", ()),
        (b"aGVsbG8hI", b"hello!", ("truncated base64",)),
        (b"", b"", ()),
        (b"====", b"", ()),
    ],
)
def test_decode_base64(data: bytes, expected: bytes, notes: tuple[str, ...]) -> None:
    assert decode_base64(data) == (expected, notes)


def test_header_decoder_fuzz_never_raises() -> None:
    rng = random.Random(2047)
    pool = [
        "=?",
        "?=",
        "?B?",
        "?Q?",
        "utf-8",
        "gb2312",
        "x-foo",
        "=E9",
        "=C3",
        "_",
        " ",
        "\r\n ",
        "\xe9",
        "aGVs",
        "==",
        "?",
    ]
    for _ in range(500):
        raw = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        data = raw.encode("utf-8") + bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 4)))
        for value in (raw, data):
            decoded = _decode_words(value)  # the inner decoder: a crash must fail the test
            assert isinstance(decoded.text, str)
            assert decode_header_value(value) == decoded.text


def test_every_python_codec_name_as_a_label_never_raises() -> None:
    import encodings.aliases

    labels = set(encodings.aliases.aliases) | set(encodings.aliases.aliases.values())
    labels |= {
        "rot13",
        "base64",
        "hex",
        "zlib",
        "undefined",
        "unicode_escape",
        "idna",
        "utf-7",
        "utf-16",
        "",
        "\x00",
    }
    samples = [b"plain", "café".encode(), "中文".encode("gb2312"), b"\\x1b\xff\xfe\x00", b"+AGEAYgBj-"]
    for label in sorted(labels):
        for data in samples:
            text, _note = decode_bytes(data, label)
            assert isinstance(text, str)
        assert decode_header_value(f"=?{label or 'x'}?B?Y2Fmw6k=?=") != ""
    assert codec_for("rot13") is None and codec_for("base64") is None and codec_for("unicode_escape") is None
