"""`mailtui config check|path` and `mailtui passwd`, run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mailtui.core.errors import EX_CONFIG

GOOD = (
    '[[account]]\nname = "work"\nfrom = "a@example.com"\nmaildir = "/tmp/m"\n'
    '[account.smtp]\nhost = "smtp.example.com"\nuser = "alice"\npassword = "Sup3r-Secret-Value"\n'
    'password_command = "pass show mail/work"\n'
)


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    # A new session has no controlling terminal, so getpass reads stdin instead of /dev/tty.
    return subprocess.run(
        [sys.executable, "-m", "mailtui", *args],
        input=stdin, capture_output=True, text=True, timeout=60, start_new_session=True, env=os.environ.copy(),
    )  # fmt: skip


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_check_good_config_masks_secrets(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    done = run("--config", str(path), "config", "check")
    assert done.returncode == 0, done.stderr
    assert f"# {path}: OK" in done.stdout
    assert 'password = "********"' in done.stdout
    assert 'password_command = "pass show mail/work"' in done.stdout
    assert "Sup3r-Secret-Value" not in done.stdout + done.stderr


def test_check_broken_config_names_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('user = "alice"', 'user = "alice"\nport = "587"'))
    done = run("--config", str(path), "config", "check")
    assert done.returncode == EX_CONFIG
    assert f"{path}:8: account[1].smtp.port: expected an integer, got a string" in done.stderr
    assert "Sup3r-Secret-Value" not in done.stdout + done.stderr


def test_check_group_readable_inline_password(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, mode=0o644)
    done = run("--config", str(path), "config", "check")
    assert done.returncode == EX_CONFIG
    assert "account[1].smtp.password" in done.stderr and f"chmod 600 {path}" in done.stderr


def test_check_warns_of_a_dkim_key_others_can_read(tmp_path: Path) -> None:
    key = tmp_path / "dkim.pem"
    key.write_text("-----BEGIN RSA PRIVATE KEY-----\n")
    key.chmod(0o644)
    path = write(
        tmp_path,
        GOOD.replace(
            'maildir = "/tmp/m"\n', f'maildir = "/tmp/m"\ndkim_key = "{key}"\ndkim_selector = "s1"\n'
        ),
    )
    done = run("--config", str(path), "config", "check")
    assert done.returncode == 0, done.stderr
    assert f'dkim_key = "{key}"' in done.stdout and 'dkim_selector = "s1"' in done.stdout
    assert f"mailtui: warning: {path}:5: account[1].dkim_key: " in done.stderr
    assert f"chmod 600 {key}" in done.stderr


def test_check_missing_config(tmp_path: Path) -> None:
    env_path = tmp_path / "absent.toml"
    done = subprocess.run(
        [sys.executable, "-m", "mailtui", "config", "check"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "MAILTUI_CONFIG": str(env_path)},
    )  # fmt: skip
    assert done.returncode == EX_CONFIG
    assert str(env_path) in done.stderr and "config.example.toml" in done.stderr


def test_config_path(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mailtui", "config", "path"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "MAILTUI_CONFIG": str(tmp_path / "x.toml")},
    )  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == str(tmp_path / "x.toml")


def test_passwd_headless_names_alternatives(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('password = "Sup3r-Secret-Value"\n', ""))
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    done = subprocess.run(
        [sys.executable, "-m", "mailtui", "--config", str(path), "passwd", "work", "smtp"],
        input="typed-password\n", capture_output=True, text=True, timeout=60, start_new_session=True, env=env,
    )  # fmt: skip
    assert done.returncode != 0
    assert "keyring" in done.stderr
    for alternative in ("password_command", "password_env", "0600"):
        assert alternative in done.stderr
    assert "typed-password" not in done.stdout + done.stderr
