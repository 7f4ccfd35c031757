"""The generated demo Maildir: layout, idempotence, determinism, and the showcase messages."""

from __future__ import annotations

import email
import email.policy
import re
import struct
from email.message import EmailMessage
from pathlib import Path

import pytest

from mailtui.demo.mailbox import (
    DEMO_VERSION,
    FOLDERS,
    MARKER,
    DemoError,
    demo_config,
    ensure_demo_maildir,
)
from mailtui.paths import data_dir

NAME_RE = re.compile(r"^(\d{10})\.M(\d{1,6})P(\d+)Q(\d+)\.demo,S=(\d+)(:2,([DFRST]*))?$")


def _files(folder: Path) -> list[Path]:
    return sorted(p for sub in ("cur", "new") for p in (folder / sub).iterdir())


def _parse(path: Path) -> EmailMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_demo_maildir(tmp_path_factory.mktemp("demo") / "Maildir", count=200)


@pytest.fixture(scope="module")
def inbox(demo: Path) -> list[tuple[Path, EmailMessage]]:
    return [(p, _parse(p)) for p in _files(demo)]


def _by_subject(inbox: list[tuple[Path, EmailMessage]], needle: str) -> list[EmailMessage]:
    return [m for _, m in inbox if needle in str(m["subject"])]


def test_layout_count_and_names(demo: Path) -> None:
    inbox = _files(demo)
    assert len(inbox) == 200
    new, cur = [p for p in inbox if p.parent.name == "new"], [p for p in inbox if p.parent.name == "cur"]
    assert 0 < len(new) < len(cur)
    for folder in FOLDERS:
        sub = demo / f".{folder}"
        assert all((sub / d).is_dir() for d in ("cur", "new", "tmp")), folder
        assert (sub / "maildirfolder").exists()
        assert _files(sub), f"{folder} is empty"
    assert (demo / MARKER).read_text().strip().endswith(str(DEMO_VERSION))
    flags = []
    for path in [p for f in ("", *(f".{x}" for x in FOLDERS)) for p in _files(demo / f if f else demo)]:
        m = NAME_RE.match(path.name)
        assert m, path.name
        assert int(m.group(5)) == path.stat().st_size  # S= is the real size
        assert int(m.group(1)) == int(path.stat().st_mtime)  # the name encodes the delivery time
        assert (m.group(6) is None) == (path.parent.name == "new")  # new/ files have no info part
        if m.group(7) is not None:
            assert m.group(7) == "".join(sorted(m.group(7)))
            flags.append(m.group(7))
    assert any("F" in f for f in flags) and any("R" in f for f in flags) and any("D" in f for f in flags)
    assert sum("S" in f for f in flags) > len(flags) // 2
    assert not any((demo / "tmp").iterdir())


def test_every_message_parses(demo: Path) -> None:
    paths = [p for p in demo.rglob("*") if p.is_file() and p.parent.name in ("cur", "new")]
    assert len(paths) > 200
    for path in paths:
        msg = _parse(path)
        assert str(msg["subject"]) is not None and msg["date"].datetime is not None, path.name
        assert msg["from"].addresses, path.name
        for part in msg.walk():
            if not part.is_multipart():
                part.get_payload(decode=True)


def test_idempotent_second_call_does_not_rewrite(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    assert ensure_demo_maildir(root, count=40) == root

    def snapshot() -> dict[Path, tuple[int, int, int]]:
        return {p: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_ctime_ns) for p in root.rglob("*")}

    before = snapshot()
    assert ensure_demo_maildir(root, count=40) == root
    assert snapshot() == before


def test_version_change_regenerates(tmp_path: Path) -> None:
    root = ensure_demo_maildir(tmp_path / "Maildir", count=40)
    (root / MARKER).write_text("mailtui demo Maildir, version 0\n")
    (root / "cur" / "stray:2,S").write_bytes(b"Subject: old\n\nold\n")
    ensure_demo_maildir(root, count=40)
    assert not (root / "cur" / "stray:2,S").exists()
    assert len(_files(root)) == 40
    assert str(DEMO_VERSION) in (root / MARKER).read_text()
    assert not [p for p in tmp_path.iterdir() if p.name != "Maildir"]  # no build or old dirs left


def test_refuses_to_overwrite_a_foreign_directory(tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    (root / "cur").mkdir(parents=True)
    (root / "cur" / "1.real-mail:2,S").write_bytes(b"Subject: mine\n\nkeep me\n")
    with pytest.raises(DemoError, match="not a mailtui demo Maildir"):
        ensure_demo_maildir(root)
    assert (root / "cur" / "1.real-mail:2,S").read_bytes() == b"Subject: mine\n\nkeep me\n"


def test_deterministic(tmp_path: Path) -> None:
    a = ensure_demo_maildir(tmp_path / "a" / "Maildir", count=120)
    b = ensure_demo_maildir(tmp_path / "b" / "Maildir", count=120)
    files_a = {p.relative_to(a): p.read_bytes() for p in a.rglob("*") if p.is_file()}
    files_b = {p.relative_to(b): p.read_bytes() for p in b.rglob("*") if p.is_file()}
    assert files_a == files_b
    assert len(files_a) > 120


def test_bounce_is_a_delivery_status_report(inbox: list[tuple[Path, EmailMessage]]) -> None:
    (bounce,) = _by_subject(inbox, "Undelivered Mail Returned to Sender")
    assert bounce.get_content_type() == "multipart/report"
    assert bounce.get_param("report-type") == "delivery-status"
    types = [p.get_content_type() for p in bounce.iter_parts()]
    assert types == ["text/plain", "message/delivery-status", "message/rfc822"]
    status = bounce.get_payload()[1].as_string()
    for line in ("Reporting-MTA: dns;", "Final-Recipient: rfc822;", "Action: failed", "Status: 5.1.1"):
        assert line in status
    assert re.search(r"Diagnostic-Code: smtp; 550 5\.1\.1 .*User unknown", status, re.S)
    original = bounce.get_payload()[2].get_payload()[0]
    assert str(original["subject"]) == "Quarterly access review"

    (delay,) = _by_subject(inbox, "Delayed Mail")
    assert [p.get_content_type() for p in delay.iter_parts()][-1] == "text/rfc822-headers"
    assert "Status: 4.7.1" in delay.as_string() and "Action: delayed" in delay.as_string()


def test_encoded_subjects_and_charsets(inbox: list[tuple[Path, EmailMessage]]) -> None:
    raw = {str(m["subject"]): p.read_bytes() for p, m in inbox}
    cases = {
        "测试邮件：服务器迁移通知": b"=?utf-8?B?",
        "Grüße aus dem Rechenzentrum – Wartung am Samstag": b"=?utf-8?Q?",
        "🚀 Deploy shop v2.14.0 to production ✅": b"=?utf-8?B?",
        "关于数据库备份失败的报告": b"=?gbk?B?",
        "【告警】磁盘空间不足 db01": b"=?gb2312?B?",
        "系統維護通知：本週六凌晨": b"=?big5?B?",
        "サーバー移行のお知らせ": b"=?shift_jis?B?",
    }
    for subject, marker in cases.items():
        assert subject in raw, subject
        assert marker in raw[subject].split(b"\n\n", 1)[0], subject
    (gbk,) = _by_subject(inbox, "关于数据库备份失败的报告")
    assert gbk.get_content_charset() == "gbk"
    assert "磁盘空间不足" in gbk.get_content()
    assert "磁盘空间不足".encode("gbk") in raw["关于数据库备份失败的报告"]  # 8-bit GBK on disk


def test_html_alternative_and_attachments(inbox: list[tuple[Path, EmailMessage]]) -> None:
    top_types = [m.get_content_type() for _, m in inbox]
    assert "text/html" in top_types and "multipart/alternative" in top_types
    attachments = {}
    for _, msg in inbox:
        for part in msg.iter_attachments():
            attachments[part.get_filename()] = part.get_payload(decode=True)
    png = attachments["load-graph.png"]
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (24, 24)
    assert attachments["invoice-2026-11-0471.pdf"].startswith(b"%PDF-1.4")
    assert attachments["nginx-error.log"].count(b"upstream timed out") > 3
    assert "周五".encode() in attachments["迁移计划.txt"]  # RFC 2231 file name decoded


def test_thread_is_linked(demo: Path, inbox: list[tuple[Path, EmailMessage]]) -> None:
    thread = _by_subject(inbox, "Migrating mail01 to Debian 13")
    assert len(thread) >= 5
    sent = [_parse(p) for p in _files(demo / ".Sent")]
    known = {str(m["message-id"]) for _, m in inbox} | {str(m["message-id"]) for m in sent}
    replies = [m for m in thread if m["in-reply-to"]]
    assert len(replies) >= 4
    for msg in replies:
        refs = str(msg["references"]).split()
        assert refs[-1] == str(msg["in-reply-to"])
        assert all(ref in known for ref in refs)


def test_admin_mail_and_traps(inbox: list[tuple[Path, EmailMessage]]) -> None:
    subjects = [str(m["subject"]) for _, m in inbox]
    for prefix in ("Cron <root@", "[PROBLEM] ", "[RECOVERY] ", "Logwatch for ", "[Fail2Ban] ", "[SECURITY] "):
        assert any(s.startswith(prefix) for s in subjects), prefix
    assert any("certbot" in s or "Let's Encrypt" in s for s in subjects)
    assert any("[/PATCH]" in s and "[bold]" in s for s in subjects)
    (escape,) = [m for _, m in inbox if "\x1b[31m" in str(m["subject"])]
    assert "\x1b]52;c;" in escape.get_content()
    bodies = [p.read_bytes() for p, _ in inbox]
    assert any(max(len(line) for line in b.split(b"\n")) >= 1200 for b in bodies)
    (broken,) = _by_subject(inbox, "broken base64")
    assert broken["content-transfer-encoding"] == "base64"
    broken.get_content()
    assert broken.defects or any(p.defects for p in broken.walk())


def test_default_root_and_config() -> None:
    config = demo_config()
    account = config.account()
    assert account.name == "demo" and account.from_address == "admin@demo.test"
    root = Path(account.maildir or "")
    assert root == data_dir() / "demo" / "Maildir"
    assert (root / MARKER).exists() and len(_files(root)) == 200
    assert account.smtp is not None
    assert (account.smtp.host, account.smtp.port, account.smtp.tls, account.smtp.auth) == (
        "127.0.0.1",
        0,
        "none",
        False,
    )
    assert account.imap is None and config.path is None
