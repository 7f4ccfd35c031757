"""The translation layer: every msgid has Chinese with the same placeholders, and every
literal the source passes to `tr()` is in the catalog (a new English message without its
Chinese fails here)."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from mailtui.core.i18n import catalog, current_language, set_language, tr

CATALOG = catalog()

PACKAGE = Path(__file__).resolve().parents[2] / "mailtui"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def tr_calls() -> list[tuple[str, int, ast.Call]]:
    """Every `tr(...)` call in the package: (file, line, call)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr":
                found.append((str(path.relative_to(PACKAGE.parent)), node.lineno, node))
    return found


def test_every_msgid_has_chinese_with_the_same_placeholders() -> None:
    for msgid, zh in CATALOG.items():
        assert zh.strip(), msgid
        assert zh != msgid or not any(c.isalpha() for c in msgid if c not in "{}"), msgid
        assert _fields(msgid) == _fields(zh), msgid


def test_every_tr_literal_in_the_source_is_in_the_catalog() -> None:
    calls = tr_calls()
    assert len(calls) > 40
    missing = []
    for where, line, call in calls:
        first = call.args[0] if call.args else None
        assert isinstance(first, ast.Constant) and isinstance(first.value, str), (
            f"{where}:{line}: tr() takes a literal msgid"
        )
        if first.value not in CATALOG:
            missing.append(f"{where}:{line}: {first.value!r}")
            continue
        given = {kw.arg for kw in call.keywords}
        assert given == _fields(first.value), f"{where}:{line}: placeholders {given} for {first.value!r}"
    assert not missing, "\n".join(missing)


def test_no_catalog_entry_is_unused() -> None:
    used = {call.args[0].value for _, _, call in tr_calls() if isinstance(call.args[0], ast.Constant)}
    assert set(CATALOG) <= used, sorted(set(CATALOG) - used)


@pytest.mark.parametrize("lang", ["zh", "zh_CN", "ZH"])
def test_tr_formats_in_the_current_language(lang: str) -> None:
    msgid = "cannot connect to {where}: {text}. Check host, port and that it is reachable."
    assert tr(msgid, where="a:25", text="refused").startswith("cannot connect to a:25")
    set_language(lang)
    assert current_language() == "zh"
    zh = tr(msgid, where="a:25", text="refused")
    assert "a:25" in zh and "refused" in zh and "cannot connect" not in zh
    set_language("en")
    assert current_language() == "en"


def test_the_language_starts_english_in_each_test() -> None:
    # The suite's autouse fixture resets it: a zh test before this one does not leak.
    assert current_language() == "en"


def test_received_date_notes_in_chinese_keep_their_issue() -> None:
    from mailtui.core.headers.received import build_hop_table, parse_received

    value = "from a.test (a.test [192.0.2.1]) by mx.test; Tuesday sometime"
    assert parse_received(value).date_issue == "unparsable"
    assert any("unparsable date" in a for a in build_hop_table([value]).anomalies)
    set_language("zh")
    rec = parse_received(value)
    assert rec.date_issue == "unparsable" and rec.date_note == "无法解析的日期：Tuesday sometime"
    assert not any("unparsable" in n for n in rec.notes)
    assert any("无法解析的日期" in a for a in build_hop_table([value]).anomalies)
    far = parse_received("from a.test by mx.test; Tue, 1 Dec 10000 10:00:00 +0000")
    assert far.date_issue == "out-of-range" and far.date_note.startswith("日期无法表示（年份超出范围）")


def test_inspector_notes_in_chinese() -> None:
    from mailtui.core.headers.inspection import inspect_message

    raw = b"From: a@example.test\r\nSubject: hi\r\n\r\nbody\r\n"
    assert "no Date header" in inspect_message(raw).notes
    set_language("zh")
    notes = inspect_message(raw).notes
    assert "没有 Date 头" in notes and "没有 Message-ID 头" in notes
    assert not any("no Date header" in n or "no Message-ID" in n for n in notes)
    bad = inspect_message(b"Date: Tue, 1 Dec 10000 10:00:00 +0000\r\n\r\n").notes
    assert "日期无法表示（年份超出范围）：按原文显示" in bad


def test_delivery_report_heading_in_chinese() -> None:
    import email
    from email import policy

    from mailtui.core.headers.dsn import delivery_report, format_delivery_report

    raw = (PACKAGE.parent / "tests" / "data" / "dsn" / "postfix.eml").read_bytes()
    report = delivery_report(email.message_from_bytes(raw, policy=policy.compat32))
    assert report is not None and format_delivery_report(report)[0].startswith("Delivery report (")
    set_language("zh")
    report = delivery_report(email.message_from_bytes(raw, policy=policy.compat32))
    assert report is not None
    first = format_delivery_report(report)[0]
    assert first.startswith("投递报告（") and "Delivery report" not in first
