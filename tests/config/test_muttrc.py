"""Reading a muttrc as mutt does, and mapping the guide's mutt + msmtp files onto a Config.

Files are written by the tests in the shape of the classic mutt + msmtp guide; HOME points at
a temp dir, so find_setup() and load_config() read only them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailtui.config import load_config
from mailtui.config.importer import ImportedConfig, import_setup
from mailtui.config.mutt import read_muttrc
from mailtui.config.mutt_colors import colour_hex, map_colors

MUTTRC = """\
# the guide's muttrc
set folder = "imaps://imap.gmail.com:993"
set spoolfile = "+INBOX"
set imap_user = "alice@gmail.com"
set imap_pass = 'pw "quoted" \\ s3cret'
set postponed = "+[Gmail]/Drafts"
set header_cache = ~/.mutt/cache/headers
set sendmail = "/usr/bin/msmtp"
set sort = score
score "~f boss@example.com" +10
score "~s urgent" +5
unset record
set quit = ask-yes
set indent_str = "> "
set pager_index_lines = 4
folder-hook . 'set sort=date'
macro index gi "<change-folder>=INBOX<enter>"
source ~/.mutt/mutt-colors-solarized-dark-16.muttrc
"""
COLOURS = """\
color normal brightblue default
color indicator black yellow
color index red default ~D
color body brightred default "[\\-\\.+_a-zA-Z0-9]+@[\\-\\.a-zA-Z0-9]+"
color hdrdefault brightgreen default
"""
MSMTPRC = """\
defaults
auth on
tls on
tls_trust_file /etc/ssl/certs/ca-certificates.crt
logfile ~/.mutt/msmtp.log

account gmail
host smtp.gmail.com
port 465
from alice@gmail.com
user alice@gmail.com
passwordeval "pass show gmail"
tls_starttls off

account default : gmail
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    (home / ".mutt").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr("mailtui.config.setup_files.SYSTEM_MSMTPRC", tmp_path / "no-etc-msmtprc")
    return home


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    path.chmod(mode)
    return path


def guide(home: Path) -> None:
    write(home / ".muttrc", MUTTRC)
    write(home / ".mutt" / "mutt-colors-solarized-dark-16.muttrc", COLOURS)
    write(home / ".msmtprc", MSMTPRC)


# -- the tokenizer and commands ------------------------------------------------------------------


def test_quoting_escapes_and_comments_follow_mutt(home):
    rc = read_muttrc(
        write(
            home / ".muttrc",
            "set a = 'single \"kept\" \\n literal' # comment\n"
            'set b = "double \\"esc\\" \\t tab # not a comment"\n'
            "set c=unquoted\\ space; set d = two\n"
            "set e = \\\n  continued\n",
        )
    )
    assert rc.value("a") == 'single "kept" \\n literal'
    assert rc.value("b") == 'double "esc" \t tab # not a comment'
    assert rc.value("c") == "unquoted space" and rc.value("d") == "two"
    assert rc.value("e") == "continued"
    assert [rc.get(k).origin.line for k in "abcde"] == [1, 2, 3, 3, 4]  # type: ignore[union-attr]


def test_set_unset_no_inv_and_several_per_line(home):
    rc = read_muttrc(write(home / ".muttrc", "set mark_old nohelp invbeep\nunset record\nset x=1 y=2\n"))
    assert (
        rc.value("mark_old") == "yes" and rc.value("help") == "no" and rc.value("beep") == "no"
    )  # inv flips mutt's default (yes)
    assert rc.get("record") is not None and rc.value("record") is None
    assert (rc.value("x"), rc.value("y")) == ("1", "2")


def test_folder_shorthand_and_tilde_expand_when_set(home):
    rc = read_muttrc(
        write(
            home / ".muttrc",
            'set folder = "imaps://imap.example.org:993"\nset spoolfile = "+INBOX"\n'
            "set postponed = =Drafts\nset header_cache = ~/.mutt/cache\n"
            "set folder = ~/Mail\nset record = +sent\n",
        )
    )
    assert rc.value("spoolfile") == "imaps://imap.example.org:993/INBOX"
    assert rc.value("postponed") == "imaps://imap.example.org:993/Drafts"
    assert rc.value("header_cache") == f"{home}/.mutt/cache"
    assert rc.value("record") == f"{home}/Mail/sent"  # + is resolved with folder as it was then


def test_source_is_followed_relative_and_with_tilde_and_line_numbers_kept(home):
    write(home / ".mutt" / "extra", "\n\nset from = 'x@example.org'\nsource nested\n")
    write(home / ".mutt" / "nested", "set realname = 'X Y'\n")
    rc = read_muttrc(write(home / ".mutt" / "muttrc", "source ~/.mutt/extra\nsource 'gen.sh|'\n"))
    assert rc.get("from").origin == type(rc.get("from").origin)(home / ".mutt" / "extra", 3)  # type: ignore[union-attr]
    assert str(rc.get("realname").origin) == f"{home}/.mutt/nested:1"  # type: ignore[union-attr]
    assert any("gen.sh|" in p and "not run" in p for p in rc.problems)


def test_backtick_is_kept_as_a_command_not_run(home, tmp_path):
    marker = tmp_path / "ran"
    rc = read_muttrc(write(home / ".muttrc", f'set imap_pass = "`touch {marker}; pass show mail`"\n'))
    assert rc.get("imap_pass").command == f"touch {marker}; pass show mail"  # type: ignore[union-attr]
    assert not marker.exists()


# -- the guide's setup as a Config ---------------------------------------------------------------


def test_guide_setup_is_the_config_when_there_is_no_config_toml(home):
    guide(home)
    config = load_config()
    assert isinstance(config, ImportedConfig)
    [account] = config.accounts
    assert account.name == "gmail" and account.from_address == "alice@gmail.com"
    imap = account.imap
    assert imap is not None and (imap.host, imap.port, imap.tls, imap.user) == (
        "imap.gmail.com",
        993,
        "ssl",
        "alice@gmail.com",
    )
    assert imap.password.inline == 'pw "quoted" \\ s3cret'
    assert account.drafts_folder == "[Gmail]/Drafts" and account.save_sent is False
    assert account.delete_mode == "mark"  # no $trash: mutt marks and expunges
    smtp = account.smtp
    assert smtp is not None and (smtp.host, smtp.port, smtp.tls, smtp.auth) == (
        "smtp.gmail.com",
        465,
        "ssl",
        True,
    )
    assert smtp.password.command == "pass show gmail" and smtp.password.inline is None
    assert smtp.ca_file == "/etc/ssl/certs/ca-certificates.crt" and smtp.tls_verify
    assert config.logfiles == {"gmail": f"{home}/.mutt/msmtp.log"}
    assert config.ui.theme == "solarized-dark"


def test_every_value_knows_its_file_and_line(home):
    guide(home)
    config = load_config()
    assert isinstance(config, ImportedConfig)
    where = {k: str(v) for k, v in config.origins.items()}
    muttrc, msmtprc = home / ".muttrc", home / ".msmtprc"
    assert where["account[1].imap.host"] == f"{muttrc}:3"  # spoolfile, +INBOX in folder
    assert where["account[1].imap.user"] == f"{muttrc}:4"
    assert where["account[1].imap.password"] == f"{muttrc}:5"
    assert where["account[1].drafts_folder"] == f"{muttrc}:6"
    assert where["account[1].save_sent"] == f"{muttrc}:12"
    assert where["account[1].smtp.host"] == f"{msmtprc}:8"
    assert where["account[1].smtp.auth"] == f"{msmtprc}:2"  # inherited from defaults
    assert where["account[1].smtp.tls"] == f"{msmtprc}:13"  # tls_starttls off decides the mode
    assert where["ui.theme"] == f"{home}/.mutt/mutt-colors-solarized-dark-16.muttrc:1"


def test_what_cannot_be_honoured_is_listed_once_each(home):
    guide(home)
    warnings = load_config().warnings
    muttrc = home / ".muttrc"
    score = [w for w in warnings if ": score:" in w]
    assert len(score) == 1 and score[0].startswith(f"{muttrc}:10") and "2 lines" in score[0]
    assert any(w.startswith(f"{muttrc}:16") and "hook" in w for w in warnings)
    assert any(w.startswith(f"{muttrc}:17") and "macro" in w for w in warnings)
    for line, name in (
        (9, "sort"),
        (13, "quit"),
        (14, "indent_str"),
        (15, "pager_index_lines"),
        (7, "header_cache"),
    ):
        assert sum(w.startswith(f"{muttrc}:{line}: {name}") for w in warnings) == 1, name
    colours = home / ".mutt" / "mutt-colors-solarized-dark-16.muttrc"
    assert [w for w in warnings if w.startswith(str(colours))] == [
        f"{colours}:4: color body brightred default [-.+_a-zA-Z0-9]+@[-.a-zA-Z0-9]+: not supported by mailtui's themes"
    ]
    assert len(warnings) == len(set(warnings))


def test_inline_imap_pass_in_a_world_readable_muttrc_is_refused_and_said(home):
    guide(home)
    (home / ".muttrc").chmod(0o644)
    config = load_config()
    assert config.accounts[0].imap.password.inline is None  # type: ignore[union-attr]
    assert any(":5: imap_pass ignored" in w and "chmod 600" in w for w in config.warnings)


def test_verification_is_never_turned_off_by_mutt_settings(home):
    write(home / ".muttrc", 'set folder = "imaps://mail.example.org/"\nset ssl_verify_host = no\n')
    config = load_config()
    assert config.accounts[0].imap.tls_verify is True  # type: ignore[union-attr]
    assert any("ssl_verify_host = no: not honoured" in w for w in config.warnings)


def test_imap_url_starttls_and_local_maildir(home, tmp_path):
    write(
        home / ".muttrc",
        'set spoolfile = "imap://bob@mail.example.org/INBOX"\nset trash = "imap://bob@mail.example.org/Bin"\n',
    )
    acc = import_setup(home / ".muttrc", None).accounts[0]
    assert acc.imap is not None and (acc.imap.tls, acc.imap.port, acc.imap.user) == ("starttls", 143, "bob")
    assert acc.delete_mode == "trash" and acc.trash_folder == "Bin"
    write(home / ".muttrc", f'set folder = {tmp_path}/Mail\nset spoolfile = +inbox\nset record = "+.Sent"\n')
    acc = import_setup(home / ".muttrc", None).accounts[0]
    assert acc.imap is None and acc.maildir == f"{tmp_path}/Mail/inbox" and acc.sent_folder == "Sent"


def test_no_files_means_no_import(home):
    assert load_config().accounts == ()
    assert not isinstance(load_config(), ImportedConfig)


def test_mailtui_config_wins_over_mutt(home, tmp_path):
    guide(home)
    toml = write(
        tmp_path / "config.toml", '[[account]]\nname = "own"\nfrom = "o@example.org"\nmaildir = "~/Maildir"\n'
    )
    config = load_config(toml)
    assert [a.name for a in config.accounts] == ["own"] and not isinstance(config, ImportedConfig)


# -- colours ------------------------------------------------------------------------------------


def test_colour_names_map_to_hex():
    assert colour_hex("brightred") == "#ff0000" and colour_hex("color33") == "#0087ff"
    assert colour_hex("color234") == "#1c1c1c" and colour_hex("default") is None
    assert colour_hex("#aabbcc") == "#aabbcc"


def test_other_colour_files_become_a_theme_and_the_rest_is_listed(home):
    rc = read_muttrc(
        write(
            home / ".muttrc",
            "color normal white black\ncolor indicator black cyan\ncolor index bold yellow default ~N\n"
            "color quoted green default\ncolor tree magenta default\ncolor index red default ~f boss\n",
        )
    )
    m = map_colors(rc.commands)
    assert m.theme is None and m.theme_toml is not None
    assert 'background = "#000000"' in m.theme_toml and 'primary = "#00cdcd"' in m.theme_toml
    assert 'unread = "#cdcd00"' in m.theme_toml and 'quote = "#00cd00"' in m.theme_toml
    assert [w.split(": ")[0] for w in m.warnings] == [f"{home}/.muttrc:5", f"{home}/.muttrc:6"]


def test_sendmail_with_dash_a_picks_that_msmtp_account(home):
    write(
        home / ".msmtprc", MSMTPRC + "\naccount work : gmail\nhost smtp.work.example\nfrom ops@work.example\n"
    )
    write(
        home / ".muttrc",
        'set spoolfile = "imaps://imap.example.org/"\nset sendmail = "/usr/bin/msmtp -a work"\n',
    )
    config = load_config()
    first = config.accounts[0]
    assert first.name == "work" and first.smtp is not None and first.smtp.host == "smtp.work.example"
    assert first.from_address == "ops@work.example"
    assert [a.name for a in config.accounts] == ["work", "gmail"]  # the other one for sendmail -a gmail


def test_from_and_realname_and_smtp_url(home):
    write(
        home / ".muttrc",
        'set spoolfile = "imaps://imap.example.org/"\nset from = "alice@example.org"\nset realname = "Alice Admin"\n'
        'set smtp_url = "smtps://alice@smtp.example.org:465/"\nset smtp_pass = "`pass show smtp`"\n',
    )
    config = import_setup(home / ".muttrc", None)
    account = config.accounts[0]
    assert account.from_address == "Alice Admin <alice@example.org>"
    smtp = account.smtp
    assert smtp is not None and (smtp.host, smtp.port, smtp.tls, smtp.user) == (
        "smtp.example.org",
        465,
        "ssl",
        "alice",
    )
    assert smtp.password.command == "pass show smtp" and smtp.account == account.name
    assert str(config.origins["account[1].smtp.host"]) == f"{home}/.muttrc:4"
    assert str(config.origins["account[1].smtp.password_command"]) == f"{home}/.muttrc:5"


def test_imap_without_starttls_is_plain_and_said(home):
    write(
        home / ".muttrc",
        'set spoolfile = "imap://mail.example.org/"\nset ssl_starttls = no\nset ssl_force_tls = no\n',
    )
    config = import_setup(home / ".muttrc", None)
    assert config.accounts[0].imap.tls == "none"  # type: ignore[union-attr]
    assert config.accounts[0].imap.allow_plaintext_auth is False  # type: ignore[union-attr]
    assert any(":2: ssl_starttls = no" in w and "NOT encrypted" in w for w in config.warnings)
    write(
        home / ".muttrc",
        'set spoolfile = "imap://mail.example.org/"\nset ssl_starttls = no\nset ssl_force_tls = yes\n',
    )
    assert import_setup(home / ".muttrc", None).accounts[0].imap.tls == "starttls"  # type: ignore[union-attr]


def test_an_unreadable_muttrc_is_a_config_error_naming_it(home):
    from mailtui.core.errors import ConfigError

    (home / ".muttrc").mkdir()
    with pytest.raises(ConfigError, match=r"\.muttrc"):
        import_setup(home / ".muttrc", None)


def test_without_msmtp_or_sendmail_mail_goes_to_the_local_mta_as_mutt_does(home):
    write(
        home / ".muttrc",
        'set spoolfile = "imaps://imap.example.org/"\nmailboxes =INBOX =Lists\nmy_hdr X-Ops: yes\n',
    )
    config = import_setup(home / ".muttrc", None)
    smtp = config.accounts[0].smtp
    assert smtp is not None and (smtp.host, smtp.port, smtp.tls, smtp.auth) == (
        "localhost",
        25,
        "none",
        False,
    )
    assert any("no sendmail set" in w and "localhost:25" in w for w in config.warnings)
    assert any(w.startswith(f"{home}/.muttrc:2: mailboxes:") for w in config.warnings)
    assert any(w.startswith(f"{home}/.muttrc:3: my_hdr:") for w in config.warnings)


def test_unmapped_secret_variables_are_masked_in_the_warnings(home):
    write(
        home / ".muttrc",
        'set spoolfile = "imaps://h/"\nset pop_pass = "hunter2-pop"\nset smime_pass = s3cr3t\n',
    )
    warnings = import_setup(home / ".muttrc", None).warnings
    assert any(w.startswith(f"{home}/.muttrc:2: pop_pass = ********") for w in warnings)
    assert not any("hunter2-pop" in w or "s3cr3t" in w for w in warnings)


def test_plus_uses_mutts_default_folder_and_plus_equals_appends(home):
    rc = read_muttrc(
        write(home / ".muttrc", "set record = +sent\nset my_list = a\nset my_list += b\nset nomark_old\n")
    )
    assert rc.value("record") == f"{home}/Mail/sent"
    assert rc.value("my_list") == "ab" and rc.value("mark_old") == "no"


def test_a_file_sourcing_itself_stops_and_is_said(home):
    rc = read_muttrc(write(home / ".muttrc", "set a = 1\nsource ~/.muttrc\n"))
    assert rc.value("a") == "1"
    assert any("nested more than" in p for p in rc.problems)


def test_the_generated_theme_file_is_a_valid_mailtui_theme(home, tmp_path):
    from mailtui.ui.themes import load_theme

    rc = read_muttrc(
        write(
            home / ".muttrc",
            "color normal color252 color234\ncolor indicator brightwhite color33\ncolor index green default ~F\n",
        )
    )
    m = map_colors(rc.commands)
    assert m.theme_toml is not None
    path = tmp_path / "mutt.toml"
    path.write_text(m.theme_toml)
    theme = load_theme(path)
    assert theme.name == "mutt" and theme.dark is True
    assert theme.primary == "#0087ff" and theme.background == "#1c1c1c"
    assert theme.variables["flagged"] == "#00cd00"


def test_colours_that_need_an_import_say_so(home):
    write(home / ".muttrc", 'set spoolfile = "imaps://h/"\ncolor normal white black\n')
    config = load_config()
    assert config.ui.theme == "textual-dark"
    assert any(
        w.startswith(f"{home}/.muttrc:2: mutt's colours are not applied until") for w in config.warnings
    )


def test_colour_lines_are_shown_on_one_line_and_default_resets_count_as_mapped(home):
    rc = read_muttrc(
        write(home / ".muttrc", 'color normal default default\ncolor body red default "a\\nb\\tc"\n')
    )
    m = map_colors(rc.commands)
    assert m.warnings == [
        f"{home}/.muttrc:2: color body red default a\\nb\\tc: not supported by mailtui's themes"
    ]


def test_delete_quadoption_ask_is_what_mailtui_does_and_yes_is_said(home):
    write(home / ".muttrc", 'set spoolfile = "imaps://h/"\nset delete = ask-yes\n')
    config = import_setup(home / ".muttrc", None)
    assert config.accounts[0].delete_mode == "mark"  # no trash: marked, then purged after asking
    assert not any(": delete" in w for w in config.warnings)
    write(home / ".muttrc", 'set spoolfile = "imaps://h/"\nset delete = yes\n')
    assert any(
        ":2: delete = yes: not honoured; mailtui asks before purging" in w
        for w in import_setup(home / ".muttrc", None).warnings
    )
