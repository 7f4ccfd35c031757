"""`mailtui sendmail` as programs really call it (mutt, cron, mail(1)), as subprocesses against aiosmtpd.

Helpers (`run`, `write_config`) come from test_cli_send; the relay records the bytes it received.
"""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from mailtui.core.errors import EX_DATAERR, EX_USAGE
from mailtui.paths import data_dir
from mailtui.sending.outbox import Outbox
from tests.commands.test_cli_send import run, write_config

# What mutt hands to `set sendmail="mailtui sendmail"`: a multipart message with an attachment
# whose text part has a line holding only ".", and NO -i (mutt passes only `-oi` when told to).
MUTT_MESSAGE = (
    b"From: Me <me@example.org>\nTo: you@example.net\nSubject: with a dot\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/mixed; boundary="XyZ"\n\n'
    b"--XyZ\nContent-Type: text/plain; charset=us-ascii\n\nabove\n.\nbelow the dot\n"
    b'--XyZ\nContent-Type: application/octet-stream\nContent-Disposition: attachment; filename="r.bin"\n'
    b"Content-Transfer-Encoding: base64\n\nQVRUQUNITUVOVC1QQVlMT0FE\n--XyZ--\n"
)


def sendmail(config: Path, *args: str, stdin: bytes = b"Subject: x\n\nbody\n", **env: str):
    return run("--config", str(config), "sendmail", *args, stdin=stdin, **env)


def test_lone_dot_line_without_i_is_delivered_dot_stuffed(relay, config):
    done = sendmail(config, "you@example.net", stdin=MUTT_MESSAGE)
    assert done.returncode == 0, done.stderr
    [got] = relay.handler.delivered
    # aiosmtpd removed the dot-stuffing: the "." line arrived as data, not as the end of DATA.
    assert b"\r\nabove\r\n.\r\nbelow the dot\r\n" in got.data
    assert b"QVRUQUNITUVOVC1QQVlMT0FE" in got.data and got.data.rstrip().endswith(b"--XyZ--")
    msg = email.message_from_bytes(got.data, policy=policy.default)
    [att] = list(msg.iter_attachments())  # type: ignore[attr-defined]
    assert att.get_content() == b"ATTACHMENT-PAYLOAD"


@pytest.mark.parametrize("flag", ["-i", "-oi"])
def test_i_and_oi_are_accepted_and_change_nothing(relay, config, flag):
    done = sendmail(config, flag, "you@example.net", stdin=b"Subject: x\n\na\n.\nb\n")
    assert done.returncode == 0, done.stderr
    assert b"\r\na\r\n.\r\nb\r\n" in relay.handler.delivered[0].data


def test_cron_default_mail_to_root_gets_the_from_domain(relay, config):
    # Exactly what cron runs: sendmail -FCronDaemon -i -B8BITMIME -oem root
    done = sendmail(config, "-FCronDaemon", "-i", "-B8BITMIME", "-oem", "root",
                    stdin=b"Subject: Cron <root@box> backup\n\nok\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    [got] = relay.handler.delivered
    assert got.rcpt_tos == ["root@example.org"]  # the account's from is me@example.org


def test_domain_setting_overrides_the_from_domain(tmp_path, relay):
    config = write_config(tmp_path, relay)
    text = config.read_text().replace(
        'realname = "Mail Tester"\n', 'realname = "Mail Tester"\ndomain = "ops.example.net"\n'
    )
    config.write_text(text)
    done = sendmail(config, "-i", "root")
    assert done.returncode == 0, done.stderr
    assert relay.handler.delivered[0].rcpt_tos == ["root@ops.example.net"]


def test_aliases_file_resolves_local_names(tmp_path, relay):
    aliases = tmp_path / "aliases"
    aliases.write_text(
        "# /etc/aliases format\npostmaster: root\nroot: ops@example.net,\n  admin\n"
        'admin: boss@example.com\ncron: "|/usr/bin/handler"\n'
    )
    config = write_config(tmp_path, relay)
    config.write_text(
        config.read_text().replace(
            'realname = "Mail Tester"\n', f'realname = "Mail Tester"\naliases = "{aliases}"\n'
        )
    )
    done = sendmail(config, "postmaster", "nobody-listed", "x@example.net")
    assert done.returncode == 0, done.stderr
    [got] = relay.handler.delivered
    assert got.rcpt_tos == [
        "ops@example.net",
        "boss@example.com",
        "nobody-listed@example.org",
        "x@example.net",
    ]


def test_aliases_file_missing_is_a_config_error_naming_it(tmp_path, relay):
    config = write_config(tmp_path, relay)
    config.write_text(
        config.read_text().replace(
            'realname = "Mail Tester"\n', 'realname = "Mail Tester"\naliases = "/nonexistent/aliases"\n'
        )
    )
    done = sendmail(config, "root")
    assert done.returncode == 78 and "/nonexistent/aliases" in done.stderr
    assert relay.handler.delivered == []


def test_relay_4xx_queues_and_exits_0_saying_so(relay, config):
    relay.handler.data_reply = "451 4.3.0 try again later"
    done = sendmail(config, "-i", "ops@example.net")
    assert done.returncode == 0, done.stderr
    [item] = Outbox(data_dir() / "outbox").list()
    assert item.recipients == ("ops@example.net",)
    assert "queued" in done.stderr and item.id in done.stderr and done.stdout == ""


def test_success_is_silent_and_keeps_no_sent_copy(tmp_path, relay, config):
    done = sendmail(config, "-i", "ops@example.net")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""
    assert list((tmp_path / "Mail" / ".Sent" / "cur").iterdir()) == []
    assert list((tmp_path / "Mail" / ".Sent" / "new").iterdir()) == []


def test_save_sent_true_keeps_a_copy(tmp_path, relay):
    config = write_config(tmp_path, relay)
    config.write_text(
        config.read_text().replace(
            'realname = "Mail Tester"\n', 'realname = "Mail Tester"\nsave_sent = true\n'
        )
    )
    done = sendmail(config, "root")
    assert done.returncode == 0, done.stderr
    sent = tmp_path / "Mail" / ".Sent"
    assert len([*(sent / "cur").iterdir(), *(sent / "new").iterdir()]) == 1


def test_v_prints_the_dialogue_and_the_outcome(relay, config):
    done = sendmail(config, "-v", "ops@example.net")
    assert done.returncode == 0, done.stderr
    assert (
        "> RCPT TO:<ops@example.net>" in done.stderr and "250 2.0.0 Ok: queued as 12BDBE6FEE9" in done.stderr
    )


@pytest.mark.parametrize(
    "flags",
    [
        ["-bm"], ["-N", "delay,failure"], ["-Nnever"], ["-R", "hdrs"], ["-Rfull"], ["-oem", "-odi", "-oi"],
        ["-B", "8BITMIME"], ["-U"], ["-f", "cron@example.org"], ["-rcron@example.org"], ["-t", "--"],
    ],
    ids=lambda f: " ".join(f),
)  # fmt: skip
def test_flags_programs_pass_are_accepted(relay, config, flags):
    done = sendmail(config, *flags, "root", stdin=b"To: ops@example.net\nSubject: x\n\nbody\n")
    assert done.returncode == 0, done.stderr
    assert len(relay.handler.delivered) == 1


def test_x_logs_and_c_and_a_pick_config_and_account(tmp_path, relay, config):
    log = tmp_path / "msmtp.log"
    done = run(
        "sendmail", "-C", str(config), "-a", "test", "-X", str(log), "root", stdin=b"Subject: x\n\nb\n"
    )
    assert done.returncode == 0, done.stderr
    assert relay.handler.delivered[0].rcpt_tos == ["root@example.org"]
    line = log.read_text()
    assert "recipients=root@example.org" in line and "exitcode=EX_OK" in line


@pytest.mark.parametrize(("flags", "words"), [(["-bs"], "-bs"), (["-Q"], "-Q"), (["--frobnicate"], "--frobnicate"),
                                              (["-a"], "-a")])  # fmt: skip
def test_unknown_or_unsupported_flags_exit_64_with_one_line(relay, config, flags, words):
    done = sendmail(config, "root", *flags)  # last: -a has no value left
    assert done.returncode == EX_USAGE, done.stderr
    assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert relay.handler.delivered == []


def test_bad_recipient_still_exits_65(relay, config):
    done = sendmail(config, "a@b c@d")
    assert done.returncode == EX_DATAERR and relay.handler.delivered == []


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ('queue_lifetime = "soon"', "queue_lifetime", '"5d"'),
        ("queue_lifetime = -3", "queue_lifetime", "above 0"),
        ('domain = "root@example.org"', "domain", "domain name"),
        ('save_sent = "yes"', "save_sent", "boolean"),
        ('aliases = "/nonexistent/aliases"', "aliases", "no such file"),
    ],
)
def test_new_account_keys_are_checked_with_file_line_key(tmp_path, line, key, words):
    from mailtui.config import InvalidConfigError, load_config

    path = tmp_path / "config.toml"
    path.write_text(f'[[account]]\nname = "w"\nfrom = "a@example.org"\nmaildir = "/m"\n{line}\n')
    with pytest.raises(InvalidConfigError) as err:
        load_config(path)
    [problem] = err.value.problems
    assert (problem.line, problem.key) == (5, f"account[1].{key}") and words in problem.message


def test_new_account_keys_defaults_and_durations(tmp_path):
    from mailtui.config import DEFAULT_QUEUE_LIFETIME, load_config

    path = tmp_path / "config.toml"
    base = '[[account]]\nname = "w"\nfrom = "Ops <a@example.org>"\nmaildir = "/m"\n'
    path.write_text(base)
    account = load_config(path).account()
    assert account.save_sent is None and account.aliases is None
    assert (
        account.local_domain == "example.org"
        and account.queue_lifetime == DEFAULT_QUEUE_LIFETIME == 5 * 86400
    )
    path.write_text(base + 'queue_lifetime = "12h"\nsave_sent = false\n')
    account = load_config(path).account()
    assert account.queue_lifetime == 12 * 3600 and account.save_sent is False
