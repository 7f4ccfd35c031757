"""The mailcap parser (RFC 1524) and command expansion: pure, table-driven, hostile values included."""

from __future__ import annotations

import shlex

import pytest

from mailtui.core.mailcap import (
    MailcapEntry,
    candidates,
    expand,
    parse_command_setting,
    parse_mailcap,
    uses_file,
)

MAILCAP = r"""
# comment line
text/html; w3m -dump -T text/html -I %{charset} %s; copiousoutput; nametemplate=%s.html
text/html; lynx %s; needsterminal
application/pdf; pdftotext %s -; \
    copiousoutput
text/*; less %s; needsterminal
image; display %s; test=test -n "$DISPLAY"
application/x-sh; echo a\;b %s
broken line without fields
; no type
"""


def test_parses_fields_flags_and_continuations() -> None:
    entries = parse_mailcap(MAILCAP, "m")
    assert [e.content_type for e in entries] == [
        "text/html",
        "text/html",
        "application/pdf",
        "text/*",
        "image/*",
        "application/x-sh",
    ]
    html = entries[0]
    assert html.command == "w3m -dump -T text/html -I %{charset} %s"
    assert html.copiousoutput and not html.needsterminal
    assert html.nametemplate == "%s.html"
    assert entries[1].needsterminal and not entries[1].copiousoutput
    assert entries[2].command == "pdftotext %s -" and entries[2].copiousoutput  # continued line
    assert entries[4].test == 'test -n "$DISPLAY"'
    assert entries[5].command == "echo a;b %s"  # \; stays in the command
    assert entries[0].source == "m:3"


@pytest.mark.parametrize(
    ("ctype", "expected"),
    [
        ("text/html", ["text/html", "text/html", "text/*"]),
        ("TEXT/PLAIN", ["text/*"]),
        ("image/png", ["image/*"]),
        ("application/pdf", ["application/pdf"]),
        ("application/zip", []),
        ("texts/plain", []),
    ],
)
def test_candidates_first_match_order_and_wildcards(ctype: str, expected: list[str]) -> None:
    assert [e.content_type for e in candidates(parse_mailcap(MAILCAP), ctype)] == expected


def test_expand_quotes_file_type_and_params() -> None:
    cmd = expand(
        "conv -t %t -c %{charset} %s %% %x",
        filename="/tmp/d/report.pdf",
        content_type="application/pdf",
        params={"Charset": "utf-8"},
    )
    assert cmd == "conv -t application/pdf -c utf-8 /tmp/d/report.pdf % %x"


@pytest.mark.parametrize(
    "hostile",
    ["$(rm -rf ~)", "; id", "`id`", "a'b", 'x" ; id ; "', "utf-8\n; id"],
)
def test_expand_hostile_values_stay_one_harmless_word(hostile: str) -> None:
    cmd = expand(
        "show %{charset} %t '%{charset}'",
        filename="/tmp/x",
        content_type=f"text/{hostile}",
        params={"charset": hostile},
    )
    words = shlex.split(cmd)
    assert words[0] == "show" and len(words) == 4
    for word in words[1:]:
        assert not set(word) & set("$`;'\"\n() ")


def test_expand_filename_is_quoted() -> None:
    cmd = expand("cat %s", filename="/tmp/a b/$(id).txt", content_type="text/plain", params={})
    assert shlex.split(cmd) == ["cat", "/tmp/a b/$(id).txt"]


def test_uses_file() -> None:
    assert uses_file("pdftotext %s -")
    assert not uses_file("cat")
    assert not uses_file("printf %%s")


def test_config_setting_is_copiousoutput_unless_needsterminal() -> None:
    shown = parse_command_setting("application/pdf", "pdftotext %s -")
    assert shown == MailcapEntry("application/pdf", "pdftotext %s -", copiousoutput=True, source="config")
    term = parse_command_setting("text/html", "w3m %s; needsterminal")
    assert term is not None and term.needsterminal and not term.copiousoutput
    assert parse_command_setting("text/html", "") is None


def test_malformed_input_never_raises() -> None:
    for text in ["", "\\", ";;;;", "a/b;\\", "text/plain; x\\\\", "\x00\x1b[2J; cat"]:
        parse_mailcap(text)
