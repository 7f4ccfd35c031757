"""Reading an msmtprc as msmtp does, its accounts as mailtui relays, and msmtp's log line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mailtui.config import server_config
from mailtui.config.importer import import_setup
from mailtui.config.msmtp import read_msmtprc
from mailtui.config.setup_files import find_msmtprc
from mailtui.sending.msmtp_log import LogEntry, format_log_line

RC = """\
# system-wide-ish defaults
defaults
auth on
tls on
tls_trust_file ~/certs/ca.pem
logfile ~/.mutt/msmtp.log

account gmail
host smtp.gmail.com
port 465
from alice@gmail.com
user alice@gmail.com
passwordeval "pass show gmail"
tls_starttls off

account work : gmail
host smtp.work.example
port 587
tls_starttls on
from "Alice Ops <alice@work.example>"
password inline-secret
aliases ~/.aliases

account lab
host 10.0.0.5
tls off
auth off
tls_certcheck off

account default : gmail
"""


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr("mailtui.config.setup_files.SYSTEM_MSMTPRC", tmp_path / "etc-msmtprc")
    return home


def test_defaults_and_account_inheritance_with_origins(home):
    rc = read_msmtprc(write(home / ".msmtprc", RC))
    assert list(rc.accounts) == ["gmail", "work", "lab"] and rc.default_account == "gmail"
    work = rc.accounts["work"]
    assert work["passwordeval"].value == "pass show gmail" and work["passwordeval"].origin.line == 13
    assert work["auth"].origin.line == 3  # from defaults
    assert work["host"].value == "smtp.work.example" and work["tls_starttls"].value == "on"
    assert work["from"].value == "Alice Ops <alice@work.example>"  # quotes removed
    assert work["tls_trust_file"].value == f"{home}/certs/ca.pem"  # ~ expanded
    assert rc.account()[0] == "gmail" and rc.account("default")[0] == "gmail"


def test_accounts_as_mailtui_relays_with_msmtp_defaults(home):
    config = import_setup(None, write(home / ".msmtprc", RC))
    names = [a.name for a in config.accounts]
    assert names[0] == "gmail" and set(names) == {"gmail", "work", "lab"}  # the default first
    gmail, work, lab = (config.account(n).smtp for n in ("gmail", "work", "lab"))
    assert gmail is not None and (gmail.tls, gmail.port, gmail.auth, gmail.user) == (
        "ssl",
        465,
        True,
        "alice@gmail.com",
    )
    assert gmail.password.command == "pass show gmail"
    assert work is not None and (work.tls, work.port) == ("starttls", 587)
    assert work.password.inline == "inline-secret"  # the file is 0600, as msmtp requires
    assert config.account("work").aliases == f"{home}/.aliases"
    assert lab is not None and (lab.tls, lab.port, lab.auth) == ("none", 25, False)
    assert lab.tls_verify is False
    assert any("tls_certcheck off" in w and "NOT verified" in w and ":28:" in w for w in config.warnings)
    assert config.logfiles["work"] == f"{home}/.mutt/msmtp.log"
    assert config.inline_secrets == ("work/smtp",)


def test_inline_password_in_a_readable_file_is_refused_as_msmtp_does(home):
    config = import_setup(None, write(home / ".msmtprc", RC, 0o644))
    assert config.account("work").smtp.password.inline is None  # type: ignore[union-attr]
    assert any("password ignored" in w and "chmod 600" in w for w in config.warnings)
    assert all("inline-secret" not in w for w in config.warnings)


def test_search_order_user_file_xdg_then_system(home, tmp_path, monkeypatch):
    assert find_msmtprc() is None
    system = write(tmp_path / "etc-msmtprc", "account default\nhost localhost\n")
    assert find_msmtprc() == system
    xdg = tmp_path / "xdg"
    (xdg / "msmtp").mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(xdg))
    user_xdg = write(xdg / "msmtp" / "config", "account default\nhost x\n")
    assert find_msmtprc() == user_xdg
    user = write(home / ".msmtprc", "account default\nhost y\n")
    assert find_msmtprc() == user


def test_undefined_parent_account_is_an_error_naming_the_line(home):
    from mailtui.core.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\.msmtprc:1: account 'a' inherits 'nope'"):
        read_msmtprc(write(home / ".msmtprc", "account a : nope\nhost x\n"))


# -- msmtp's log line -----------------------------------------------------------------------------

STAMP = time.mktime((2026, 12, 2, 6, 30, 0, 0, 0, -1))


def test_log_line_on_success_matches_msmtp():
    server = server_config("smtp", "smtp.gmail.com", 465, tls="ssl", user="alice@gmail.com", auth=True)
    entry = LogEntry(server, "alice@gmail.com", ("a@x.org", "b@y.org"), 0, mailsize=321, smtp_code=250,
                     smtp_reply="2.0.0 OK 1701 it's queued")  # fmt: skip
    assert format_log_line(entry, STAMP) == (
        "Dec 02 06:30:00 host=smtp.gmail.com tls=on auth=on user=alice@gmail.com from=alice@gmail.com "
        "recipients=a@x.org,b@y.org mailsize=321 smtpstatus=250 smtpmsg='250 2.0.0 OK 1701 it?s queued' "
        "exitcode=EX_OK"
    )


def test_log_line_on_failure_has_no_mailsize_and_an_errormsg():
    server = server_config("smtp", "10.0.0.5", 25, tls="none", auth=False)
    entry = LogEntry(server, "root@box", ("ops@example.net",), 67, mailsize=99, smtp_code=550,
                     smtp_reply="5.1.1 <ops@example.net>: user unknown\nsecond line",
                     error="the relay refused 'ops@example.net'")  # fmt: skip
    assert format_log_line(entry, STAMP) == (
        "Dec 02 06:30:00 host=10.0.0.5 tls=off auth=off from=root@box recipients=ops@example.net "
        "smtpstatus=550 smtpmsg='550 5.1.1 <ops@example.net>: user unknown\\n550 second line' "
        "errormsg='the relay refused ?ops@example.net?' exitcode=EX_NOUSER"
    )


def test_log_line_without_a_reply_has_no_smtp_fields():
    server = server_config("smtp", "relay.example", 587, tls="starttls", user="u", auth=True)
    line = format_log_line(LogEntry(server, "u@x", ("r@y",), 69, error="connection refused"), STAMP)
    assert line.endswith("from=u@x recipients=r@y errormsg='connection refused' exitcode=EX_UNAVAILABLE")
    assert "smtpstatus" not in line and "mailsize" not in line


def test_logfile_time_format_is_honoured():
    server = server_config("smtp", "h", 25, tls="none", auth=False)
    entry = LogEntry(server, "a@b", ("c@d",), 0, mailsize=1, smtp_code=250, smtp_reply="ok")
    assert format_log_line(entry, STAMP, "none").startswith("host=h tls=off auth=off from=a@b")
    assert format_log_line(entry, STAMP, "%Y-%m-%d").startswith("2026-12-02 host=h ")


def test_logfile_time_format_reaches_the_config(home):
    config = import_setup(
        None,
        write(
            home / ".msmtprc",
            RC.replace("logfile ~/.mutt/msmtp.log\n", "logfile ~/l\nlogfile_time_format none\n"),
        ),
    )
    log = config.logs["gmail"]
    assert (log.path, log.time_format, log.origin.line if log.origin else None) == (f"{home}/l", "none", 6)


def test_eval_lines_are_not_run_and_said(home, tmp_path):
    marker = tmp_path / "ran"
    rc = read_msmtprc(write(home / ".msmtprc", f"account default\nhost h\neval touch {marker}\n"))
    assert not marker.exists()
    assert rc.problems == [
        f"{home}/.msmtprc:3: eval touch {marker}: not run; the settings its output would give are missing"
    ]


def test_a_default_account_with_settings_of_its_own_is_the_default(home):
    rc = read_msmtprc(write(home / ".msmtprc", RC + "aliases /etc/aliases\n"))
    assert rc.default_account == "default" and "default" in rc.accounts
    assert rc.accounts["default"]["host"].value == "smtp.gmail.com"  # copied from gmail
    assert rc.account()[0] == "default"


def test_unsupported_settings_say_what_mailtui_does_instead(home):
    rc = RC.replace(
        "tls_starttls off\n", "tls_starttls off\ntls_fingerprint AB:CD\nsyslog LOG_MAIL\nkeepbcc on\n"
    )
    warnings = import_setup(None, write(home / ".msmtprc", rc)).warnings
    assert any(":15: tls_fingerprint: not used: the certificate is verified" in w for w in warnings)
    assert any(":16: syslog: not used" in w for w in warnings) and any(
        ":17: keepbcc: not honoured" in w for w in warnings
    )
    assert sum(":15: tls_fingerprint" in w for w in warnings) == 1  # inherited by work, listed once


def test_an_account_without_a_password_says_where_mailtui_looks(home):
    config = import_setup(None, write(home / ".msmtprc", "account default\nhost h\nauth on\nuser bob\n"))
    assert any(
        ":4: account default: no password or passwordeval" in w and "mailtui passwd default smtp" in w
        for w in config.warnings
    )


def test_dsn_settings_become_the_accounts_dsn_defaults(home):
    rc = RC.replace("tls_starttls off\n", "tls_starttls off\ndsn_notify failure,delay\ndsn_return headers\n")
    config = import_setup(None, write(home / ".msmtprc", rc))
    gmail = config.account("gmail")
    assert (gmail.dsn_notify, gmail.dsn_ret) == ("failure,delay", "hdrs")
    assert str(config.origins["account[1].dsn_notify"]).endswith(":15")
    bad = import_setup(
        None,
        write(
            home / ".msmtprc", RC.replace("tls_starttls off\n", "tls_starttls off\ndsn_notify sometimes\n")
        ),
    )
    assert bad.account("gmail").dsn_notify is None
    assert any(":15: dsn_notify: 'sometimes': expected never" in w for w in bad.warnings)
