"""Config loading: every error names file, key path and line; the example loads; secrets are masked."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from mailtui.config import Config, InvalidConfigError, format_config, load_config
from mailtui.config.toml_lines import index_lines
from mailtui.core.errors import EX_CONFIG, ConfigError

REPO = Path(__file__).resolve().parent.parent.parent
GOOD_ACCOUNT = '[[account]]\nname = "work"\nfrom = "a@example.com"\nmaildir = "/tmp/m"\n'


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


# (id, TOML text, key path, line, words the message must contain)
ERRORS = [
    ("unknown-ui-key", '[ui]\nthme = "x"\n', "ui.thme", 2, ["did you mean 'theme'?"]),
    (
        "unknown-server-key",
        '[[account]]\nname = "w"\nfrom = "a@b"\n[account.imap]\nhost = "h"\nuser = "u"\ntls_verfy = false\n',
        "account[1].imap.tls_verfy",
        7,
        ["did you mean 'tls_verify'?"],
    ),
    ("unknown-top-key", "\nacount = 1\n" + GOOD_ACCOUNT, "acount", 2, ["did you mean 'account'?"]),
    (
        "port-string",
        '[[account]]\nname = "w"\nfrom = "a@b"\n\n[account.imap]\nhost = "h"\nport = "993"\nuser = "u"\n',
        "account[1].imap.port",
        7,
        ["expected an integer, got a string"],
    ),
    (
        "port-bool",
        '[[account]]\nname = "w"\nfrom = "a@b"\n[account.imap]\nhost = "h"\nport = true\nuser = "u"\n',
        "account[1].imap.port",
        6,
        ["expected an integer, got a boolean"],
    ),
    (
        "port-range",
        GOOD_ACCOUNT + '[account.smtp]\nhost = "h"\nauth = false\nport = 70000\n',
        "account[1].smtp.port",
        8,
        ["out of range", "65535"],
    ),
    (
        "bool-string",
        GOOD_ACCOUNT + 'mark_seen_on_open = "yes"\n',
        "account[1].mark_seen_on_open",
        5,
        ["boolean"],
    ),
    (
        "missing-from",
        '\n[[account]]\nname = "w"\nmaildir = "/m"\n',
        "account[1].from",
        2,
        ["missing", "'from'"],
    ),
    ("missing-name", '[[account]]\nfrom = "a@b"\nmaildir = "/m"\n', "account[1].name", 1, ["missing"]),
    (
        "missing-host",
        GOOD_ACCOUNT + "\n[account.smtp]\nport = 25\nauth = false\n",
        "account[1].smtp.host",
        6,
        ["missing required key 'host'"],
    ),
    (
        "missing-user",
        GOOD_ACCOUNT + '[account.smtp]\nhost = "h"\n',
        "account[1].smtp.user",
        5,
        ["missing", "auth = false"],
    ),
    (
        "bad-tls",
        GOOD_ACCOUNT + '[account.smtp]\nhost = "h"\nuser = "u"\ntls = "tls"\n',
        "account[1].smtp.tls",
        8,
        ["'ssl', 'starttls', 'none'"],
    ),  # fmt: skip
    ("bad-delete", GOOD_ACCOUNT + 'delete = "purge"\n', "account[1].delete", 5, ["'trash', 'mark'"]),
    ("bad-language", '[ui]\nlanguage = "fr"\n', "ui.language", 2, ["'en', 'zh'"]),
    ("trusted-not-list", '[ui]\ntrusted_authserv_ids = "mx"\n', "ui.trusted_authserv_ids", 2, ["array"]),
    ("key-not-string", "[ui.keys]\ndelete = 1\n", "ui.keys.delete", 2, ["key name"]),
    (
        "both-sources",
        GOOD_ACCOUNT + '[account.imap]\nhost = "h"\nuser = "u"\n',
        "account[1]",
        1,
        ["both", "exactly one"],
    ),
    ("no-source", '[[account]]\nname = "w"\nfrom = "a@b"\n', "account[1]", 1, ["no mail source"]),
    (
        "duplicate-name",
        GOOD_ACCOUNT + '\n[[account]]\nname = "work"\nfrom = "b@b"\nmaildir = "/n"\n',
        "account[2].name",
        7,
        ["duplicate account name 'work'", "account[1], line 2"],
    ),
    ("single-bracket-account", '[account]\nname = "w"\n', "account", 1, ["[[account]]"]),
    (
        "second-account-line",
        GOOD_ACCOUNT
        + '[account.smtp]\nhost = "h"\nauth = false\n\n[[account]]\nname = "b"\nfrom = "b@b"\n'
        + 'maildir = "/n"\n[account.smtp]\nhost = "h2"\nauth = false\ntimeout = -1\n',
        "account[2].smtp.timeout",
        16,
        ["above 0"],
    ),
    (
        "after-multiline-values",
        '[ui]\ntrusted_authserv_ids = [\n  "a",\n  "b",\n]\n\n[[account]]\nname = "w"\nfrom = "a@b"\n'
        'signature = """\nport = 1\n"""\nmaildir = "/m"\nsubscribed_only = 1\n',
        "account[1].subscribed_only",
        14,
        ["boolean"],
    ),
    (
        "inline-table",
        GOOD_ACCOUNT + 'smtp = { host = "h", auth = false, port = "x" }\n',
        "account[1].smtp.port",
        5,
        ["expected an integer"],
    ),
    (
        "ca-file-missing",
        GOOD_ACCOUNT + '[account.smtp]\nhost = "h"\nauth = false\nca_file = "/nonexistent/ca.pem"\n',
        "account[1].smtp.ca_file",
        8,
        ["no such file"],
    ),
    (
        "unknown-diagnostics-key",
        "[diagnostics]\ndns_sever = 1\n",
        "diagnostics.dns_sever",
        2,
        ["'dns_server'"],
    ),
    (
        "dns-server-not-host-port",
        '[diagnostics]\n\ndns_server = "127.0.0.1:99999"\n',
        "diagnostics.dns_server",
        3,
        ["HOST[:PORT]", "127.0.0.1:99999"],
    ),
    (
        "dns-server-spaces",
        '[diagnostics]\ndns_server = "ns 1"\n',
        "diagnostics.dns_server",
        2,
        ["HOST[:PORT]"],
    ),
    ("dns-server-not-string", "[diagnostics]\ndns_server = 53\n", "diagnostics.dns_server", 2, ["a string"]),
    (
        "trusted-hosts-bad-cidr",
        '[diagnostics]\ntrusted_hosts = ["mx.example.com", "10.0.0.0/33"]\n',
        "diagnostics.trusted_hosts",
        2,
        ["item 2", "CIDR", "10.0.0.0/33"],
    ),
    (
        "trusted-hosts-not-list",
        '[diagnostics]\ntrusted_hosts = "mx"\n',
        "diagnostics.trusted_hosts",
        2,
        ["array"],
    ),
    (
        "dkim-key-missing-file",
        GOOD_ACCOUNT + 'dkim_key = "/nonexistent/dkim.pem"\ndkim_selector = "s1"\n',
        "account[1].dkim_key",
        5,
        ["no such file: /nonexistent/dkim.pem", "openssl genrsa"],
    ),
    (
        "dkim-key-directory",
        GOOD_ACCOUNT + 'dkim_key = "/tmp"\ndkim_selector = "s1"\n',
        "account[1].dkim_key",
        5,
        ["not a file"],
    ),
    (
        "dkim-selector-without-key",
        GOOD_ACCOUNT + 'dkim_selector = "s1"\n',
        "account[1].dkim_key",
        1,
        ["missing required key 'dkim_key'", "dkim_selector is set"],
    ),
    (
        "dkim-bad-selector",
        GOOD_ACCOUNT + 'dkim_selector = "s 1"\n',
        "account[1].dkim_selector",
        5,
        ["selector"],
    ),
    ("dkim-bad-domain", GOOD_ACCOUNT + 'dkim_domain = "a@b"\n', "account[1].dkim_domain", 5, ["domain name"]),
]


@pytest.mark.parametrize(
    ("text", "key", "line", "words"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_error_names_file_key_and_line(
    tmp_path: Path, text: str, key: str, line: int, words: list[str]
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InvalidConfigError) as info:
        load_config(path)
    err = info.value
    assert err.exit_code == EX_CONFIG
    assert f"{path}:{line}: {key}: " in err.message
    for word in words:
        assert word in err.message
    assert any(p.key == key and p.line == line for p in err.problems)


def test_inline_password_refused_when_group_readable(tmp_path: Path) -> None:
    text = GOOD_ACCOUNT + '[account.smtp]\nhost = "h"\nuser = "u"\npassword = "hunter2"\n'
    path = write(tmp_path, text, mode=0o644)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    msg = info.value.message
    assert f"{path}:8: account[1].smtp.password:" in msg
    assert "mode 0644" in msg and f"chmod 600 {path}" in msg and "password_command" in msg
    assert "hunter2" not in msg
    for mode in (0o640, 0o604):
        path.chmod(mode)
        with pytest.raises(ConfigError, match=f"mode {mode:04o}"):
            load_config(path)


def test_inline_password_accepted_at_0600(tmp_path: Path) -> None:
    text = GOOD_ACCOUNT + '[account.smtp]\nhost = "h"\nuser = "u"\npassword = "hunter2"\n'
    config = load_config(write(tmp_path, text, mode=0o600))
    smtp = config.accounts[0].smtp
    assert smtp is not None and smtp.password.inline == "hunter2"


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, '[ui]\nthme = "x"\nlanguage = "fr"\n' + GOOD_ACCOUNT + 'delete = "x"\n')
    with pytest.raises(InvalidConfigError) as info:
        load_config(path)
    assert [p.key for p in info.value.problems] == ["ui.thme", "ui.language", "account[1].delete"]
    assert info.value.message.startswith(f"3 problems in {path}:")


def test_toml_syntax_error_keeps_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[ui]\ntheme = "x"\nlanguage = \n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(path) in info.value.message and "invalid TOML" in info.value.message
    assert "line 3" in info.value.message


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_config(None) == Config()  # default location, nothing there
    with pytest.raises(ConfigError) as info:
        load_config(None, required=True)
    assert "config.toml" in info.value.message and "config.example.toml" in info.value.message
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match="--config"):
        load_config(missing)  # an explicit path is never silently ignored
    monkeypatch.setenv("MAILTUI_CONFIG", str(missing))
    with pytest.raises(ConfigError, match=r"\$MAILTUI_CONFIG"):
        load_config(None, required=True)


def test_default_location_and_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mailtui.paths import config_path

    default = config_path()
    default.parent.mkdir(parents=True, exist_ok=True)
    default.write_text(GOOD_ACCOUNT)
    assert load_config(None).accounts[0].name == "work"
    other = write(tmp_path, GOOD_ACCOUNT.replace('"work"', '"other"'))
    monkeypatch.setenv("MAILTUI_CONFIG", str(other))
    config = load_config(None)
    assert config.accounts[0].name == "other" and config.path == other


def test_directory_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="directory"):
        load_config(tmp_path)
    path = tmp_path / "bad.toml"
    path.write_bytes(b'[ui]\ntheme = "\xff"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_config(path)


@pytest.mark.parametrize(
    ("kind", "tls", "port"),
    [("imap", "ssl", 993), ("imap", "starttls", 143), ("imap", "none", 143),
     ("smtp", "ssl", 465), ("smtp", "starttls", 587), ("smtp", "none", 25)],
)  # fmt: skip
def test_default_ports(tmp_path: Path, kind: str, tls: str, port: int) -> None:
    head = '[[account]]\nname = "w"\nfrom = "a@b"\n' + ("" if kind == "imap" else 'maildir = "/m"\n')
    config = load_config(write(tmp_path, head + f'[account.{kind}]\nhost = "h"\nuser = "u"\ntls = "{tls}"\n'))
    server = getattr(config.accounts[0], kind)
    assert (server.kind, server.port, server.tls, server.account) == (kind, port, tls, "w")


def test_mapping_and_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    text = (
        '[ui]\ntheme = "solarized-dark"\nlanguage = "zh"\ntrusted_authserv_ids = ["mx.a"]\n[ui.keys]\ndelete = "x"\n'
        '[[account]]\nname = "w"\nfrom = "A <a@b>"\nrealname = "A"\ndelete = "mark"\nsent_folder = "S"\n'
        "mark_seen_on_open = false\nsubscribed_only = true\n"
        '[account.imap]\nhost = "h"\nport = 1993\ntls = "starttls"\nuser = "u"\ntls_verify = false\n'
        'ca_file = "~/ca.pem"\nallow_plaintext_auth = true\ntimeout = 5\noauth2_token_command = "tok"\n'
        'password_command = "pc"\npassword_env = "PE"\nkeyring = false\n'
    )
    config = load_config(write(tmp_path, text))
    assert config.ui.theme == "solarized-dark" and config.ui.language == "zh"
    assert config.ui.keys == {"delete": "x"} and config.ui.trusted_authserv_ids == ("mx.a",)
    acc = config.account("w")
    assert (acc.from_address, acc.realname, acc.delete_mode, acc.sent_folder) == ("A <a@b>", "A", "mark", "S")
    assert acc.trash_folder == "Trash" and acc.mark_seen_on_open is False and acc.subscribed_only is True
    imap = acc.imap
    assert imap is not None and acc.maildir is None and acc.smtp is None
    assert (imap.host, imap.port, imap.tls, imap.user, imap.tls_verify) == ("h", 1993, "starttls", "u", False)
    assert imap.ca_file == str(ca) and imap.allow_plaintext_auth and imap.timeout == 5.0
    assert imap.oauth2_token_command == "tok"
    assert (imap.password.command, imap.password.env, imap.password.inline, imap.password.keyring) == (
        "pc", "PE", None, False,
    )  # fmt: skip
    assert acc.source_url == "imap://u@h:1993"
    maildir = load_config(write(tmp_path, GOOD_ACCOUNT.replace("/tmp/m", "~/Mail"))).accounts[0].maildir
    assert maildir == str(tmp_path / "Mail")


def test_example_config_loads(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    example = REPO / "config.example.toml"
    config = load_config(example, required=True)
    assert [a.name for a in config.accounts] == ["work", "local"]
    work, local = config.accounts
    assert work.imap is not None and work.imap.host == "imap.example.com" and work.imap.port == 993
    assert work.imap.password.command == "pass show mail/work"
    assert work.smtp is not None and (work.smtp.tls, work.smtp.port) == ("starttls", 587)
    assert work.smtp.password.env == "WORK_SMTP_PASSWORD"
    assert local.maildir == str(tmp_path / "Maildir") and local.smtp is not None and not local.smtp.auth
    assert config.ui.trusted_authserv_ids == ("mx.example.com",)
    assert config.diagnostics.dns_server == "" and config.diagnostics.trusted_hosts == (
        "mx.example.com",
        "10.0.0.0/8",
    )


def test_example_documents_every_key() -> None:
    """Each key the loader accepts appears in the example, so it stays the reference."""
    from mailtui.config import schema as config_schema

    text = (REPO / "config.example.toml").read_text()
    keys = set(
        config_schema._UI_KEYS
        + config_schema._DIAGNOSTICS_KEYS
        + config_schema._ACCOUNT_KEYS
        + config_schema._SERVER_KEYS
        + ("auth",)
    )
    undocumented = {
        k for k in keys if f"{k} =" not in text and f"[account.{k}]" not in text and f"[ui.{k}]" not in text
    }
    assert all(f"[{table}]" in text for table in config_schema._TOP_KEYS if table != "account")
    assert undocumented == set()


def test_format_config_masks_secrets_and_parses(tmp_path: Path) -> None:
    text = (
        GOOD_ACCOUNT
        + 'aliases = "/etc/aliases"\ndomain = "mail.example.com"\nsave_sent = true\nqueue_lifetime = "12h"\n'
        + '[account.smtp]\nhost = "h"\nuser = "u"\npassword = "s3cr\\"et"\n'
        'password_command = "pass show x"\noauth2_token_command = "tok --get"\ntls_verify = false\n'
    )
    config = load_config(write(tmp_path, text))
    shown = format_config(config)
    assert "s3cr" not in shown
    parsed = tomllib.loads(shown)
    smtp = parsed["account"][0]["smtp"]
    assert smtp["password"] == "********"
    assert smtp["password_command"] == "pass show x" and smtp["oauth2_token_command"] == "tok --get"
    assert smtp["port"] == 465 and parsed["account"][0]["from"] == "a@example.com"
    assert "NOT verified" in shown
    assert 'domain = "mail.example.com"' in shown and "queue_lifetime = 43200" in shown
    # The shown config loads back to the same config, except for the masked password.
    again = load_config(write(tmp_path, shown))
    assert again.accounts[0].smtp is not None and again.accounts[0].smtp.password.inline == "********"
    assert replace(again, path=None) == replace(
        config, path=None, accounts=(replace(config.accounts[0], smtp=again.accounts[0].smtp),)
    )


def test_index_lines_handles_tricky_toml() -> None:
    text = (
        "[ui]\n"
        'theme = "a = b"  # comment with key = x\n'
        "keys.delete = 'x'\n"
        "[[account]]\n"
        "name = 'a\"b'\n"
        'signature = """\n'
        "host = 1\n"
        '"""\n'
        "[account.imap]\n"
        '"quoted key" = 1\n'
        "[[account]]\n"
        "[account.smtp]\n"
        "host = 2\n"
    )
    lines = index_lines(text)
    assert lines["ui.theme"] == 2
    assert lines["ui.keys.delete"] == 3
    assert lines["account[1]"] == 4
    assert lines["account[1].signature"] == 6
    assert "account[1].host" not in lines
    assert lines["account[1].imap"] == 9
    assert lines["account[1].imap.quoted key"] == 10
    assert lines["account[2].smtp.host"] == 13


def dkim_key_file(tmp_path: Path, mode: int = 0o600) -> Path:
    key = tmp_path / "dkim.pem"
    key.write_text("-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----\n")
    key.chmod(mode)
    return key


def test_diagnostics_and_dkim_keys_map(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    dkim_key_file(tmp_path)
    text = (
        '[diagnostics]\ndns_server = "[::1]:5353"\ntrusted_hosts = ["mx1.example.org", ".example.org", '
        '"192.0.2.25", "2001:db8::/32"]\n'
        + GOOD_ACCOUNT
        + 'dkim_key = "~/dkim.pem"\ndkim_selector = "test2024"\ndkim_domain = "mail.example.com"\n'
    )
    config = load_config(write(tmp_path, text))
    assert config.diagnostics.dns_server == "[::1]:5353"
    assert config.diagnostics.trusted_hosts == (
        "mx1.example.org",
        ".example.org",
        "192.0.2.25",
        "2001:db8::/32",
    )
    acc = config.accounts[0]
    assert (acc.dkim_key, acc.dkim_selector, acc.dkim_domain) == (
        str(tmp_path / "dkim.pem"), "test2024", "mail.example.com",
    )  # fmt: skip
    assert config.warnings == ()
    for good in ("127.0.0.1", "127.0.0.1:53", "ns1.example.com", "ns1.example.com:5353", "::1"):
        path = write(tmp_path, f'[diagnostics]\ndns_server = "{good}"\n')
        assert load_config(path).diagnostics.dns_server == good
    defaults = load_config(write(tmp_path, GOOD_ACCOUNT))
    assert defaults.diagnostics.dns_server == "" and defaults.diagnostics.trusted_hosts == ()
    assert defaults.accounts[0].dkim_key is None and defaults.accounts[0].dkim_selector == ""


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_dkim_key_readable_by_others_is_a_warning_naming_the_key(tmp_path: Path, mode: int) -> None:
    key = dkim_key_file(tmp_path, mode)
    path = write(tmp_path, GOOD_ACCOUNT + f'dkim_key = "{key}"\ndkim_selector = "s1"\n')
    config = load_config(path)  # it works: the key is used, and the admin is told
    assert config.accounts[0].dkim_key == str(key)
    [warning] = config.warnings
    assert warning.startswith(f"{path}:5: account[1].dkim_key: ")
    assert f"mode {mode:04o}" in warning and f"chmod 600 {key}" in warning
    key.chmod(0o600)
    assert load_config(path).warnings == ()


def test_dkim_key_without_selector_is_refused(tmp_path: Path) -> None:
    key = dkim_key_file(tmp_path)
    path = write(tmp_path, GOOD_ACCOUNT + f'dkim_key = "{key}"\n')
    with pytest.raises(InvalidConfigError) as info:
        load_config(path)
    assert f"{path}:1: account[1].dkim_selector: missing required key 'dkim_selector'" in info.value.message


def test_shown_diagnostics_and_dkim_load_back_the_same(tmp_path: Path) -> None:
    key = dkim_key_file(tmp_path)
    text = (
        '[diagnostics]\ndns_server = "127.0.0.1:5353"\ntrusted_hosts = [".example.org", "10.0.0.0/8"]\n'
        + GOOD_ACCOUNT
        + f'dkim_key = "{key}"\ndkim_selector = "s1"\ndkim_domain = "example.org"\n'
    )
    config = load_config(write(tmp_path, text))
    shown = format_config(config)
    parsed = tomllib.loads(shown)
    assert parsed["diagnostics"] == {
        "dns_server": "127.0.0.1:5353",
        "trusted_hosts": [".example.org", "10.0.0.0/8"],
    }
    account = parsed["account"][0]
    assert (account["dkim_key"], account["dkim_selector"], account["dkim_domain"]) == (
        str(key),
        "s1",
        "example.org",
    )
    again = load_config(write(tmp_path, shown))
    assert replace(again, path=None) == replace(config, path=None)
    assert again.diagnostics == config.diagnostics and again.accounts == config.accounts
    # Without any of them set: the defaults are shown, and load back as the defaults.
    plain = load_config(write(tmp_path, GOOD_ACCOUNT))
    shown = format_config(plain)
    assert "dkim_" not in shown and '[diagnostics]\ndns_server = ""\ntrusted_hosts = []' in shown
    assert replace(load_config(write(tmp_path, shown)), path=None) == replace(plain, path=None)
