"""`mailtui sendmail` with only an msmtprc (no config.toml), as a subprocess against aiosmtpd:
it sends through msmtp's default account (or -a NAME) and appends msmtp's log line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.commands.test_cli_send import run
from tests.sending.relay import PASSWORD, USER, Relay

MESSAGE = b"From: Alice <alice@example.org>\nTo: you@example.net\nCc: cc@example.net\nSubject: hi\n\nbody\n"
STAMP = r"[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d"


def msmtprc(home: Path, relay: Relay, *, extra: str = "") -> Path:
    rc = home / ".msmtprc"
    rc.write_text(
        "defaults\nauth on\ntls on\n"
        f"tls_trust_file {relay.cert.cert}\n"
        "logfile ~/.mutt/msmtp.log\n\n"
        f"account gmail\nhost 127.0.0.1\nport {relay.port}\nfrom alice@example.org\nuser {USER}\n"
        f"passwordeval \"echo '{PASSWORD}'\"\ntls_starttls off\n\n"
        "account work : gmail\nfrom ops@work.example\n\n"
        f"account default : gmail\n{extra}"
    )
    rc.chmod(0o600)
    return rc


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / ".mutt").mkdir(parents=True)
    return home


@pytest.fixture
def relay(relay_factory) -> Relay:
    return relay_factory("ssl")  # the guide's port 465: implicit TLS


def sendmail(home: Path, *args: str, stdin: bytes = MESSAGE):
    return run("sendmail", *args, stdin=stdin, HOME=str(home))


def log_lines(home: Path) -> list[str]:
    return (home / ".mutt" / "msmtp.log").read_text().splitlines()


def test_sends_through_the_default_account_and_logs_like_msmtp(home, relay):
    msmtprc(home, relay)
    done = sendmail(home, "-t")
    assert done.returncode == 0, done.stderr
    [got] = relay.handler.delivered
    assert got.mail_from == "alice@example.org" and got.rcpt_tos == ["you@example.net", "cc@example.net"]
    [line] = log_lines(home)
    m = re.fullmatch(
        rf"{STAMP} host=127\.0\.0\.1 tls=on auth=on user={USER} from=alice@example\.org "
        r"recipients=you@example\.net,cc@example\.net mailsize=(\d+) smtpstatus=250 "
        r"smtpmsg='250 2\.0\.0 Ok: queued as 12BDBE6FEE9' exitcode=EX_OK",
        line,
    )
    assert m is not None, line
    assert int(m.group(1)) >= len(MESSAGE)
    assert PASSWORD not in done.stdout + done.stderr + line


def test_dash_a_picks_another_msmtp_account(home, relay):
    msmtprc(home, relay)
    done = sendmail(home, "-a", "work", "you@example.net")
    assert done.returncode == 0, done.stderr
    assert relay.handler.delivered[0].mail_from == "ops@work.example"
    assert " from=ops@work.example recipients=you@example.net " in log_lines(home)[0]


def test_a_refused_recipient_is_logged_with_msmtp_failure_fields(home, relay):
    msmtprc(home, relay)
    relay.handler.rcpt_replies = {"nobody@": "550 5.1.1 <nobody@example.net>: user unknown"}
    done = sendmail(home, "nobody@example.net")
    assert done.returncode == 67, done.stderr
    [line] = log_lines(home)
    assert re.fullmatch(
        rf"{STAMP} host=127\.0\.0\.1 tls=on auth=on user={USER} from=alice@example\.org "
        r"recipients=nobody@example\.net smtpstatus=550 smtpmsg='550 5\.1\.1 <nobody@example\.net>: user unknown' "
        r"errormsg='[^']+' exitcode=EX_NOUSER",
        line,
    ), line
    assert "mailsize=" not in line


def test_each_message_appends_one_line(home, relay):
    msmtprc(home, relay)
    for _ in range(2):
        assert sendmail(home, "you@example.net").returncode == 0
    assert len(log_lines(home)) == 2


def test_without_logfile_nothing_is_logged(home, relay):
    rc = msmtprc(home, relay)
    rc.write_text(rc.read_text().replace("logfile ~/.mutt/msmtp.log\n", ""))
    done = sendmail(home, "you@example.net")
    assert done.returncode == 0, done.stderr
    assert not (home / ".mutt" / "msmtp.log").exists()


def test_a_temporary_failure_is_queued_and_logged_as_msmtp_would_log_it(home, relay):
    msmtprc(home, relay)
    relay.handler.data_reply = "451 4.3.0 try again later"
    done = sendmail(home, "you@example.net")
    assert done.returncode == 0, done.stderr  # queued in the outbox: sendmail's callers see success
    [line] = log_lines(home)
    assert re.fullmatch(
        rf"{STAMP} host=127\.0\.0\.1 tls=on auth=on user={USER} from=alice@example\.org "
        r"recipients=you@example\.net errormsg='queued as [^ ]+: .*4\.3\.0 try again later.*' exitcode=EX_TEMPFAIL",
        line,
    ), line


def test_dash_a_default_is_msmtps_default_account(home, relay):
    msmtprc(home, relay)
    done = sendmail(home, "-a", "default", "you@example.net")
    assert done.returncode == 0, done.stderr
    assert relay.handler.delivered[0].mail_from == "alice@example.org"


def test_msmtp_aliases_file_resolves_local_names(home, relay):
    (home / "aliases").write_text("root: ops@example.net\ndefault: catchall@example.net\n")
    msmtprc(home, relay, extra=f"aliases {home}/aliases\n")
    done = sendmail(home, "root", "cron")
    assert done.returncode == 0, done.stderr
    assert relay.handler.delivered[0].rcpt_tos == ["ops@example.net", "catchall@example.net"]


def test_after_config_import_sendmail_still_logs_like_msmtp(home, relay):
    msmtprc(home, relay)
    imported = run("config", "import", HOME=str(home))
    assert imported.returncode == 0, imported.stderr
    (home / ".msmtprc").unlink()  # from now on only the written config.toml is read
    done = sendmail(home, "you@example.net")
    assert done.returncode == 0, done.stderr
    [line] = log_lines(home)
    assert re.fullmatch(rf"{STAMP} host=127\.0\.0\.1 tls=on auth=on user={USER} .* exitcode=EX_OK", line), (
        line
    )


def test_dash_c_names_an_msmtprc_as_msmtp_does(home, relay, tmp_path):
    rc = msmtprc(home, relay)
    elsewhere = tmp_path / "cron-msmtprc"
    rc.rename(elsewhere)
    done = sendmail(home, "-C", str(elsewhere), "-a", "work", "you@example.net")
    assert done.returncode == 0, done.stderr
    assert relay.handler.delivered[0].mail_from == "ops@work.example"
    assert len(log_lines(home)) == 1
