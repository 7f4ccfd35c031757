"""`mailtui config check` on a mutt + msmtp setup (file:line per value, secrets masked) and
`mailtui config import`, whose config.toml `config check` accepts; subprocesses with HOME set."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tests.commands.test_cli_send import run

IMAP_SECRET = 'mutt-imap-"pw" \\ 42'
MUTTRC = f"""\
set folder = "imaps://imap.gmail.com:993"
set spoolfile = "+INBOX"
set imap_user = "alice@gmail.com"
set imap_pass = '{IMAP_SECRET}'
set postponed = "+[Gmail]/Drafts"
set header_cache = ~/.mutt/cache/headers
set sendmail = "/usr/bin/msmtp"
set sort = score
score "~f boss@example.com" +10
unset record
set quit = ask-yes
set indent_str = "> "
set pager_index_lines = 4
source ~/.mutt/colors
"""
MSMTPRC = """\
defaults
auth on
tls on
logfile ~/.mutt/msmtp.log

account gmail
host smtp.gmail.com
port 465
from alice@gmail.com
user alice@gmail.com
passwordeval "pass show gmail"
tls_starttls off

account relay
host smtp.relay.example
port 587
from ops@relay.example
user ops
password msmtp-inline-secret

account default : gmail
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / ".mutt").mkdir(parents=True)
    for name, text in ((".muttrc", MUTTRC), (".msmtprc", MSMTPRC)):
        (home / name).write_text(text)
        (home / name).chmod(0o600)
    (home / ".mutt" / "colors").write_text(
        "color normal white black\ncolor indicator black cyan\ncolor index yellow default ~N\n"
        'color body brightred default "[a-z]+@[a-z.]+"\n'
    )
    return home


def mailtui(home: Path, *args: str):
    return run(*args, HOME=str(home))


def test_check_shows_each_value_with_its_file_and_line_and_masks_secrets(home):
    done = mailtui(home, "config", "check")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    muttrc, msmtprc = home / ".muttrc", home / ".msmtprc"
    assert f'host = "imap.gmail.com"  # {muttrc}:2' in out
    assert f'user = "alice@gmail.com"  # {muttrc}:3' in out
    assert f'password = "********"  # {muttrc}:4' in out
    assert f'password = "********"  # {msmtprc}:19' in out
    assert f'password_command = "pass show gmail"  # {msmtprc}:11' in out
    assert f'drafts_folder = "[Gmail]/Drafts"  # {muttrc}:5' in out
    assert f'logfile = "{home}/.mutt/msmtp.log"  # {msmtprc}:4' in out
    assert IMAP_SECRET not in out + done.stderr and "msmtp-inline-secret" not in out + done.stderr
    # What is not honoured: on stderr, each once, with its place.
    warnings = [w for w in done.stderr.splitlines() if w.startswith("mailtui: warning: ")]
    assert sum(f"{muttrc}:9: score" in w for w in warnings) == 1
    assert sum(f"{muttrc}:11: quit" in w for w in warnings) == 1
    assert sum(f"{home}/.mutt/colors:4: color body" in w for w in warnings) == 1


def test_import_writes_a_config_that_check_accepts(home):
    done = mailtui(home, "config", "import")
    assert done.returncode == 0, done.stderr
    target = Path(os.environ["XDG_CONFIG_HOME"]) / "mailtui" / "config.toml"
    text = target.read_text()
    assert (target.stat().st_mode & 0o777) == 0o600
    assert IMAP_SECRET not in text and "msmtp-inline-secret" not in text and "********" not in text
    data = tomllib.loads(text)
    gmail, relay = data["account"]
    assert gmail["name"] == "gmail" and gmail["imap"]["host"] == "imap.gmail.com"
    assert gmail["smtp"]["password_command"] == "pass show gmail" and "password" not in gmail["smtp"]
    assert relay["name"] == "relay" and "password" not in relay["smtp"] and "maildir" in relay
    assert gmail["logfile"] == relay["logfile"] == f"{home}/.mutt/msmtp.log"  # from defaults, for both
    assert data["ui"]["theme"] == "mutt"
    theme = target.parent / "themes" / "mutt.toml"
    assert 'background = "#000000"' in theme.read_text()
    # Where the secrets went: keyring hints, not the file.
    assert "mailtui passwd gmail imap" in done.stderr and "mailtui passwd relay smtp" in done.stderr
    assert IMAP_SECRET not in done.stderr + done.stdout
    # The written file is what config check reads now (it exists, so no fallback), and it is valid.
    check = mailtui(home, "config", "check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"# {target}: OK")
    assert 'host = "smtp.relay.example"' in check.stdout


def test_import_does_not_overwrite_without_force(home, tmp_path):
    out = tmp_path / "out.toml"
    out.write_text("# mine\n")
    done = mailtui(home, "config", "import", "-o", str(out))
    assert done.returncode != 0 and "--force" in done.stderr
    assert out.read_text() == "# mine\n"
    assert mailtui(home, "config", "import", "-o", str(out), "--force").returncode == 0
    assert "[[account]]" in out.read_text()


def test_import_with_named_files_and_stdout(home, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    (home / ".msmtprc").rename(other / "msmtprc")
    (home / ".muttrc").rename(other / "muttrc")
    (other / "muttrc").write_text((other / "muttrc").read_text().replace("source ~/.mutt/colors\n", ""))
    done = mailtui(
        home,
        "config",
        "import",
        "--muttrc",
        str(other / "muttrc"),
        "--msmtprc",
        str(other / "msmtprc"),
        "-o",
        "-",
    )
    assert done.returncode == 0, done.stderr
    data = tomllib.loads(done.stdout)
    assert data["account"][0]["smtp"]["host"] == "smtp.gmail.com"
    assert f"# {other}/muttrc:2" in done.stdout


def test_import_with_nothing_to_import_says_so(tmp_path):
    empty = tmp_path / "empty-home"
    empty.mkdir()
    done = mailtui(empty, "config", "import", "-o", "-")
    if Path("/etc/msmtprc").exists():
        pytest.skip("this machine has an /etc/msmtprc")
    assert done.returncode == 64 and "nothing to import" in done.stderr


def test_import_says_what_the_written_config_needs(home, tmp_path):
    rc = home / ".msmtprc"
    rc.write_text(
        rc.read_text().replace("logfile ~/.mutt/msmtp.log\n", "tls_trust_file /nonexistent/ca.pem\n")
    )
    out = tmp_path / "out.toml"
    done = mailtui(home, "config", "import", "-o", str(out))
    assert done.returncode == 78, done.stderr
    assert out.exists() and "needs a fix" in done.stderr and "/nonexistent/ca.pem" in done.stderr


def test_tls_certcheck_off_is_shown_and_warned(home):
    rc = home / ".msmtprc"
    rc.write_text(rc.read_text().replace("tls_starttls off\n", "tls_starttls off\ntls_certcheck off\n"))
    done = mailtui(home, "config", "check")
    assert done.returncode == 0, done.stderr
    assert f"tls_verify = false  # {rc}:13" in done.stdout
    assert "# WARNING: TLS certificates are NOT verified for this server" in done.stdout
    assert (
        f"mailtui: warning: {rc}:13: tls_certcheck off: the certificate of smtp.gmail.com is NOT verified"
        in done.stderr
    )
