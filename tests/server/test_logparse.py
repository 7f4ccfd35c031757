"""Log formats and files: syslog/maillog_file lines from the private Postfix, Exim's main log,
rotated and gzipped files read oldest first, the journal's JSON, unreadable logs explained."""

from __future__ import annotations

import gzip
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from mailtui.server.errors import LogAccessError
from mailtui.server.logparse import parse_journal_json, parse_line, read_log, rotated_files

EXIM_LOG = Path("/work/shared/data/logs/exim-4.96-mainlog.txt")
SHARED_POSTFIX = Path("/work/shared/data/logs/postfix-3.7-maillog-bounce.txt")


def test_maillog_file_lines_of_the_private_postfix_parse(postfix_log) -> None:
    raw = postfix_log.text().splitlines()
    lines = list(read_log(postfix_log.log))
    assert len(lines) == len(raw)
    assert {line.mta for line in lines} == {"postfix"}
    assert "smtpd" in {line.service for line in lines}
    assert all(line.time.year >= 2000 for line in lines)


def test_exim_main_log_parses() -> None:
    lines = list(read_log(EXIM_LOG, rotated=False))
    assert len(lines) == len(EXIM_LOG.read_text().splitlines())
    assert lines[0].time == datetime(2026, 12, 1, 20, 15, 12) and lines[0].mta == "exim"


def test_syslog_year_comes_from_the_reference_and_rolls_back() -> None:
    line = parse_line("Dec 31 23:59:59 mail postfix/qmgr[1]: ABCDEF123: removed", datetime(2027, 1, 1, 0, 5))
    assert line is not None and line.time.year == 2026
    line = parse_line("Dec  1 10:00:00 mail postfix/qmgr[1]: ABCDEF123: removed", datetime(2026, 12, 2))
    assert line is not None and line.time == datetime(2026, 12, 1, 10) and line.pid == 1


def test_rotated_and_gzipped_files_are_read_oldest_first(tmp_path: Path) -> None:
    real = SHARED_POSTFIX.read_text().splitlines(keepends=True)
    log = tmp_path / "mail.log"
    with gzip.open(tmp_path / "mail.log.2.gz", "wt") as fh:
        fh.writelines(real[:5])
    (tmp_path / "mail.log.1").write_text("".join(real[5:10]))
    log.write_text("".join(real[10:]))
    (tmp_path / "mail.log.bak").write_text("not a rotation\n")
    assert [p.name for p in rotated_files(log)] == ["mail.log.2.gz", "mail.log.1", "mail.log"]
    assert [line.raw for line in read_log(log)] == [line.rstrip("\n") for line in real]


def test_journal_json_is_read() -> None:
    entries = [
        {"__REALTIME_TIMESTAMP": "1796156303000000", "SYSLOG_IDENTIFIER": "postfix/qmgr", "_PID": "26395",
         "MESSAGE": "AD29921253C: removed", "_HOSTNAME": "mail"},
        {"__REALTIME_TIMESTAMP": "1796156303000000", "SYSLOG_IDENTIFIER": "postfix/smtpd",
         "MESSAGE": list(b"AD29921253C: client=localhost[127.0.0.1]")},
    ]  # fmt: skip
    lines = list(parse_journal_json([json.dumps(e) for e in entries] + ["-- No entries --"]))
    assert [(line.service, line.text) for line in lines] == [
        ("qmgr", "AD29921253C: removed"),
        ("smtpd", "AD29921253C: client=localhost[127.0.0.1]"),
    ]


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to drop to nobody")
def test_an_unreadable_log_names_the_group_to_join() -> None:
    import shutil
    import subprocess
    import sys
    import tempfile

    tmp_path = Path(tempfile.mkdtemp(dir="/tmp"))  # pytest's tmp dirs are 0700: nobody cannot enter
    log = tmp_path / "mail.log"
    log.write_text(SHARED_POSTFIX.read_text())
    os.chown(log, 0, 4)  # root:adm, as on Debian
    log.chmod(0o640)
    tmp_path.chmod(0o755)
    code = (
        "from pathlib import Path; from mailtui.server.logparse import read_log\n"
        "from mailtui.server.errors import LogAccessError\n"
        f"try:\n    list(read_log(Path({str(log)!r})))\nexcept LogAccessError as e:\n    print(e.message)\n"
    )
    done = subprocess.run(
        ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", sys.executable, "-c", code],
        capture_output=True, text=True, cwd="/", env={**os.environ, "PYTHONPATH": str(Path.cwd())},
    )  # fmt: skip
    assert "permission denied" in done.stdout and "'adm' group" in done.stdout, done.stderr
    assert "Traceback" not in done.stderr
    shutil.rmtree(tmp_path)


def test_permission_error_is_a_log_access_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "mail.log"
    log.write_text("x\n")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(LogAccessError, match="permission denied; .*(group|root)"):
        list(read_log(log))
