"""`mailtui explain`: the headless twin of the diagnostics code explainer."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_explains_a_reply_with_its_enhanced_code() -> None:
    out = run("explain", "550", "5.1.1", "<bob@example.com>:", "User", "unknown")
    assert out.returncode == 0, out.stderr
    assert "550 5.1.1" in out.stdout and "permanent" in out.stdout
    assert "Reply 550" in out.stdout and "Enhanced status 5.1.1" in out.stdout


def test_reads_a_bounce_from_stdin_and_finds_every_code() -> None:
    bounce = (
        "Final-Recipient: rfc822; grey@example.org\nStatus: 4.7.1\n"
        "Diagnostic-Code: smtp; 451 4.7.1 Greylisted, try again later\n"
    )
    out = run("explain", "--json", "-", stdin=bounce)
    assert out.returncode == 0, out.stderr
    codes = {(e["reply_code"], e["enhanced_code"]) for e in json.loads(out.stdout)}
    assert (451, "4.7.1") in codes
    assert all(e["severity"] == "temporary" for e in json.loads(out.stdout))


def test_chinese_explanations_with_lang() -> None:
    english = run("explain", "554", "5.7.1").stdout
    chinese = run("--lang", "zh", "explain", "554", "5.7.1").stdout
    assert chinese != english
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


def test_input_without_a_code_is_an_error() -> None:
    out = run("explain", "hello", "world")
    assert out.returncode == 65
    assert "no SMTP reply code" in out.stderr


def test_lang_is_accepted_after_the_subcommand_too() -> None:
    before = run("--lang", "zh", "explain", "421").stdout
    after = run("explain", "--lang", "zh", "421").stdout
    assert before == after and "临时错误" in after


def test_open_a_missing_path_fails_before_the_ui() -> None:
    out = run("-f", "/nonexistent/mailtui-test/Maildir")
    assert out.returncode == 66
    assert "no such file or directory" in out.stderr


def test_a_folded_diagnostic_code_is_explained_whole() -> None:
    bounce = (
        "Final-Recipient: rfc822; j.doe@partner.example\nAction: failed\nStatus: 5.1.1\n"
        "Diagnostic-Code: smtp; 550 5.1.1 <j.doe@partner.example>: Recipient address\n"
        "    rejected: User unknown\n"
    )
    out = run("explain", "-", stdin=bounce)
    assert out.returncode == 0, out.stderr
    assert "<j.doe@partner.example>: Recipient address rejected: User unknown" in out.stdout


def test_explain_json_keeps_the_language_asked() -> None:
    """explain's JSON is the explanation itself: --lang zh gives it in Chinese, with its lang
    (other commands' --json stay English)."""
    out = run("--lang", "zh", "explain", "--json", "550 5.7.1")
    [found] = json.loads(out.stdout)
    assert found["lang"] == "zh"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in json.dumps(found, ensure_ascii=False))
