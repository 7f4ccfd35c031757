"""Terminal-safe text and folder-safe file names from untrusted input."""

from __future__ import annotations

import random

import pytest

from mailtui.core.sanitize import clean_line, clean_text, safe_filename


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain text", "plain text"),
        ("two\nlines\tand tab", "two\nlines\tand tab"),
        ("red \x1b[31mtext\x1b[0m", "red text"),
        ("clear\x1b[2J\x1b[Hscreen", "clearscreen"),
        ("clip \x1b]52;c;cm0gLXJmIH4=\x07board", "clip board"),
        ("title \x1b]0;pwned\x1b\\ set", "title  set"),
        ("hyperlink \x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", "hyperlink x"),
        ("dcs \x1bP1$r0m\x1b\\ end", "dcs  end"),
        ("8-bit csi \x9b31m here", "8-bit csi  here"),
        ("unterminated \x1b]52;c;AAAA", "unterminated "),
        ("unterminated \x1b]0;title\nnext line kept", "unterminated \nnext line kept"),
        ("latin-1 fallback \x90 keeps the rest", "latin-1 fallback  keeps the rest"),
        ("keypad \x1b= mode \x1b(B", "keypad  mode "),
        ("crlf\r\nline", "crlf\nline"),
        ("lone\rcr", "lonecr"),
        ("nul\x00byte", "nul\ufffdbyte"),
        ("bell\x07 bs\x08 del\x7f c1\x85x", "bell bs del c1\nx"),
        ("bidi \u202egnp.exe\u202c and \u2066iso\u2069", "bidi gnp.exe and iso"),
        ("sep\u2028para\u2029end", "sep\npara\nend"),
        ("surrogate \udce9 gone", "surrogate  gone"),
        ("unicode ok: 测试 café 👍", "unicode ok: 测试 café 👍"),
    ],
)
def test_clean_text(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\n b", "a b"),
        ("a \n\t b", "a b"),
        ("  padded\t", "padded"),
        ("x\x1b[1my", "xy"),
    ],
)
def test_clean_line(raw: str, expected: str) -> None:
    assert clean_line(raw) == expected


def test_clean_text_random_input_leaves_no_controls() -> None:
    rng = random.Random(7)
    pool = "\x1b[]P\\;\x07\x00\r\n\t\x9b\x9d\x9c\u202e\u2066abc 0123456789m"
    for _ in range(500):
        text = clean_text("".join(rng.choice(pool) for _ in range(rng.randint(0, 60))))
        assert not any((ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) <= 0x9F for c in text)
        assert "\u202e" not in text and "\u2066" not in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\x", "x"),
        ("/abs/path/file.txt", "file.txt"),
        ("C:\\Windows\\system32\\evil.dll", "evil.dll"),
        (".bashrc", "bashrc"),
        ("...", "attachment"),
        ("..", "attachment"),
        (".", "attachment"),
        ("", "attachment"),
        (None, "attachment"),
        ("   ", "attachment"),
        ("a\x00b\x1b[31m.txt", "ab.txt"),
        ("bad\nname\r.txt", "bad name.txt"),
        ("\u202egnp.exe", "gnp.exe"),
        ('what?<>:"|*.txt', "what_______.txt"),
        ("CON.txt", "_CON.txt"),
        ("trailing. ", "trailing"),
        ("报告.png", "报告.png"),
    ],
)
def test_safe_filename(name: str | None, expected: str) -> None:
    assert safe_filename(name) == expected


def test_safe_filename_fallback_and_length() -> None:
    assert safe_filename("", fallback="part-1.bin") == "part-1.bin"
    assert safe_filename("../", fallback="../../x") == "x"
    long = safe_filename("a" * 1000 + ".tar.gz")
    assert long.endswith(".gz") and len(long.encode()) <= 200
    wide = safe_filename("测" * 300 + ".pdf")
    assert wide.endswith(".pdf") and len(wide.encode()) <= 200
    wide.encode("utf-8")  # not cut inside a character


def test_safe_filename_random_names_are_single_components() -> None:
    rng = random.Random(11)
    pool = "./\\\x00\x1b:?*ab测 \n"
    for _ in range(500):
        name = safe_filename("".join(rng.choice(pool) for _ in range(rng.randint(0, 20))))
        assert name and name not in (".", "..") and not name.startswith(".")
        assert "/" not in name and "\\" not in name and "\x00" not in name


def test_reveal_controls_shows_what_clean_text_drops() -> None:
    from mailtui.core.sanitize import reveal_controls

    shown = reveal_controls("a\x1b[31mred\x1b]52;c;cm0=\x07 \u202eevil\r\nnext\ttab\x7f")
    assert shown == "a\u241b[31mred\u241b]52;c;cm0=\u2407 <U+202E>evil\nnext\ttab\u2421"
    assert reveal_controls("plain ascii") == "plain ascii"
