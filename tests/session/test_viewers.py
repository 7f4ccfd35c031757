"""Viewers and pipes run for real: mailcap files written here, real commands (cat, tr, head, sh)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mailtui.session.viewers import (
    find_viewer,
    private_file,
    run_command,
    temp_name,
    view_captured,
)


def test_first_matching_file_and_entry_wins(tmp_path: Path) -> None:
    home = tmp_path / "home.mailcap"
    system = tmp_path / "etc.mailcap"
    home.write_text("text/plain; tr a-z A-Z; copiousoutput\n")
    system.write_text("text/plain; cat; copiousoutput\ntext/*; head -n1 %s; copiousoutput\n")
    found = find_viewer("text/plain", files=[home, system])
    assert found is not None and found.command == "tr a-z A-Z"
    found = find_viewer("text/csv", files=[home, system])
    assert found is not None and found.command == "head -n1 %s"
    assert find_viewer("application/zip", files=[home, system]) is None


def test_config_viewer_beats_mailcap(tmp_path: Path) -> None:
    cap = tmp_path / "mailcap"
    cap.write_text("application/pdf; cat %s; copiousoutput\n")
    found = find_viewer("application/pdf", configured={"application/pdf": "sed -n 1p %s"}, files=[cap])
    assert found is not None and found.command == "sed -n 1p %s" and found.source == "config"


def test_failing_test_skips_entry_and_file_tests_are_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    cap = tmp_path / "mailcap"
    cap.write_text(
        "text/plain; first; test=false\n"
        f"text/plain; second; test=touch {marker} %s\n"
        "text/plain; third; test=test %t = text/plain\n"
    )
    found = find_viewer("text/plain", files=[cap])
    assert found is not None and found.command == "third"
    assert not marker.exists()


def test_mailcaps_env_names_the_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cap = tmp_path / "m"
    cap.write_text("text/plain; cat; copiousoutput\n")
    monkeypatch.setenv("MAILCAPS", str(cap))
    found = find_viewer("text/plain")
    assert found is not None and found.source == f"{cap}:1"


@pytest.mark.parametrize(
    "name", ["$(touch PWNED).pdf", "; touch PWNED", "../../etc/passwd", "a b`id`.txt", ".."]
)
def test_hostile_names_are_harmless(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cap = tmp_path / "mailcap"
    cap.write_text("application/pdf; cat %s; copiousoutput\n")
    entry = find_viewer("application/pdf", files=[cap])
    assert entry is not None
    result = view_captured(entry, b"payload\n", name, "application/pdf")
    assert result.output == b"payload\n" and result.status == 0
    assert not (tmp_path / "PWNED").exists()
    assert set(temp_name(name)) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def test_private_file_is_0600_in_0700_dir_and_removed() -> None:
    with private_file("report.txt", b"x") as path:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert path.read_bytes() == b"x"
        kept = path
    assert not kept.exists() and not kept.parent.exists()


def test_nametemplate_gives_the_extension() -> None:
    from mailtui.core.mailcap import MailcapEntry

    entry = MailcapEntry("text/html", "basename %s", copiousoutput=True, nametemplate="%s.html")
    assert view_captured(entry, b"<p>x</p>", "page.htm", "text/html").output == b"page.html\n"
    hostile = view_captured(entry, b"", "$(id).htm", "text/html").output
    assert hostile == b"__id_.html\n"


def test_viewer_without_file_reads_stdin() -> None:
    from mailtui.core.mailcap import MailcapEntry

    entry = MailcapEntry("text/plain", "tr a-z A-Z", copiousoutput=True)
    assert view_captured(entry, b"hello\n", "x.txt", "text/plain").output == b"HELLO\n"


def test_run_command_pipes_stdin_and_reports_status() -> None:
    result = run_command("tr a-z A-Z; exit 3", b"abc\n")
    assert result.output == b"ABC\n" and result.status == 3
    assert result.summary() == "exit status 3"
    assert run_command("echo err >&2").output == b"err\n"  # stderr shown too


def test_run_command_output_is_bounded() -> None:
    result = run_command("yes", limit=10_000)
    assert result.truncated and len(result.output) == 10_000 and result.status is None


def test_run_command_times_out() -> None:
    result = run_command("sleep 30", timeout=0.5)
    assert result.timed_out and result.status is None


def test_run_command_stops_when_asked() -> None:
    import threading

    stop = threading.Event()
    stop.set()
    result = run_command("sleep 30", stop=stop)
    assert result.stopped and result.status is None and result.summary() == "stopped"


def test_run_command_command_that_ignores_stdin() -> None:
    result = run_command("head -c 3", os.urandom(1_000_000))
    assert len(result.output) == 3 and result.status == 0
