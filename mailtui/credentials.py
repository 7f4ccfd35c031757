"""Passwords and tokens: the only module that reads a password.

A server's password comes from, in this order: `password_command` (run through the shell,
first line of its stdout, like msmtp's passwordeval), `password_env`, an inline `password`
(the config loader accepts it only from a 0600 file), the system keyring (service
"mailtui", user "ACCOUNT/imap" or "ACCOUNT/smtp"), and last a prompt on the terminal.

On a headless box keyring has no backend and *raises* instead of returning None, so every
keyring call here catches `KeyringError`. Nothing here logs or prints a password.

`configured_secrets` lists every password the config can produce, for masking (the
diagnostic bundle): it never prompts and never opens a keyring unlock dialog.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import json
import os
import subprocess
import sys
from collections.abc import Iterable

from mailtui.config import AccountConfig, ServerConfig
from mailtui.core.errors import CredentialsError

SERVICE = "mailtui"
COMMAND_TIMEOUT = 120.0  # seconds: long enough to type a GPG passphrase into pinentry
ADHOC_ENV = "MAILTUI_PASSWORD"


def alternatives(server: ServerConfig | None = None) -> str:
    """The config lines that provide a password without a keyring, as advice for an admin."""
    if server is None:
        table, env = "the server's [account.imap] or [account.smtp] table", "WORK_IMAP_PASSWORD"
    else:
        table = f"[account.{server.kind}] of account {server.account!r}"
        env = f"{server.account}_{server.kind}_PASSWORD".upper().replace("-", "_")
    return (
        f"Instead, set one of these in {table} of the config file:\n"
        '  password_command = "pass show mail/work"  # shell command, first line of output (like msmtp\'s passwordeval)\n'
        f'  password_env = "{env}"  # name of an environment variable holding it\n'
        '  password = "..."  # inline: accepted only when the config file is mode 0600 (chmod 600)'
    )


def get_password(server: ServerConfig, *, prompt: bool = False) -> str:
    """The password for `server`: command, env, inline, keyring, then a prompt if allowed.

    `prompt` asks on the terminal (getpass) when nothing else has one and stdin is a tty.
    Raises `CredentialsError` when the command fails or no source has a password.
    """
    source = server.password
    if source.command:
        return run_secret_command(source.command, what=f"password_command of {server.keyring_user}")
    notes: list[str] = []
    if source.env:
        value = os.environ.get(source.env)
        if value:
            return value
        notes.append(f"${source.env} (password_env) is not set")
    if source.inline is not None:
        return source.inline
    if source.keyring:
        value, note = _keyring_get(server.keyring_user)
        if value is not None:
            return value
        notes.append(note)
    if prompt and sys.stdin.isatty():
        password = getpass.getpass(f"Password for {server.user}@{server.host} ({server.keyring_user}): ")
        if password:
            return password
        notes.append("an empty password was entered")
    why = "; ".join(notes) if notes else "no password source is configured"
    raise CredentialsError(
        f"no password for {server.keyring_user} ({server.user}@{server.host}): {why}.\n"
        f"Store it in the keyring with `mailtui passwd {server.account} {server.kind}`, or:\n"
        f"{alternatives(server)}"
    )


def password_for_adhoc(label: str, *, prompt: bool = True) -> str:
    """A password for a server named on the command line (no config): $MAILTUI_PASSWORD or a prompt."""
    value = os.environ.get(ADHOC_ENV)
    if value:
        return value
    if prompt and sys.stdin.isatty():
        password = getpass.getpass(f"Password for {label}: ")
        if password:
            return password
    raise CredentialsError(
        f"no password for {label}: set ${ADHOC_ENV}, run from a terminal to be asked, "
        "or configure an account with password_command / password_env / keyring."
    )


def get_oauth2_token(server: ServerConfig) -> str:
    """An OAuth2 access token from the server's `oauth2_token_command` (first line of stdout)."""
    if not server.oauth2_token_command:
        raise CredentialsError(
            f"{server.keyring_user} has no oauth2_token_command; set one that prints an access "
            "token (e.g. oama access alice@example.com)"
        )
    return run_secret_command(
        server.oauth2_token_command, what=f"oauth2_token_command of {server.keyring_user}"
    )


# SASL mechanisms that carry an OAuth2 access token, in the order "auto" prefers them:
# OAUTHBEARER is the standard (RFC 7628), XOAUTH2 Google's older one.
OAUTH_MECHANISMS = ("OAUTHBEARER", "XOAUTH2")


def choose_oauth_mechanism(preference: str, offered: Iterable[str]) -> str | None:
    """The mechanism to log in with: `preference` ("auto", "oauthbearer", "xoauth2") among `offered`.

    "auto" takes OAUTHBEARER when the server offers it, else XOAUTH2; a forced one only when
    offered. None when nothing fits (the caller's error names what the server offers).
    """
    have = {m.upper() for m in offered}
    wanted = OAUTH_MECHANISMS if preference == "auto" else (preference.upper(),)
    return next((m for m in wanted if m in have), None)


def oauth_initial_response(mechanism: str, user: str, token: str, host: str, port: int) -> bytes:
    """The client's first SASL message (not base64-encoded) for OAUTHBEARER or XOAUTH2."""
    if mechanism == "OAUTHBEARER":  # RFC 7628 §3.1: a GS2 header, then key=value pairs
        authzid = user.replace("=", "=3D").replace(",", "=2C")
        text = f"n,a={authzid},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"
    else:
        text = f"user={user}\x01auth=Bearer {token}\x01\x01"
    return text.encode("utf-8")


# RFC 7628 §3.2.3: the client answers an error challenge with a single %x01 (here base64).
OAUTH_ABORT = b"\x01"


def oauth_error_detail(challenge: bytes | str) -> str:
    """'status invalid_token, scope ...' from a server's (base64) JSON error challenge; '' if none."""
    raw = challenge.encode("ascii", "replace") if isinstance(challenge, str) else challenge
    try:
        decoded = base64.b64decode(raw.strip(), validate=True)
    except (binascii.Error, ValueError):
        decoded = raw
    try:
        data = json.loads(decoded.decode("utf-8", "replace"))
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [f"{key} {data[key]}" for key in ("status", "scope") if data.get(key)]
    if data.get("openid-configuration"):
        parts.append(f"openid-configuration {data['openid-configuration']}")
    return ", ".join(str(p) for p in parts)


def run_secret_command(command: str, *, what: str) -> str:
    """Run `command` through the shell and return the first line of its stdout.

    stdin and the terminal stay the caller's, so pinentry or a pass prompt still works.
    """
    try:
        done = subprocess.run(command, shell=True, capture_output=True, timeout=COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CredentialsError(f"{what} ({command}) did not finish within {COMMAND_TIMEOUT:.0f} s") from None
    except OSError as err:
        raise CredentialsError(f"{what} ({command}) could not be started: {err}") from None
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        detail = f": {stderr[-500:]}" if stderr else " and printed nothing on stderr"
        raise CredentialsError(f"{what} ({command}) failed with exit status {done.returncode}{detail}")
    try:
        text = done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise CredentialsError(f"{what} ({command}) printed something that is not UTF-8") from None
    first = text.splitlines()[0] if text else ""
    if not first:
        raise CredentialsError(f"{what} ({command}) succeeded but printed nothing on its first line")
    return first


def _keyring_get(user: str) -> tuple[str | None, str]:
    """(password, "") from the keyring, or (None, why not)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        value = keyring.get_password(SERVICE, user)
    except (KeyringError, RuntimeError) as err:  # NoKeyringError on a headless box
        return None, f"the keyring is not usable here ({type(err).__name__})"
    if value is None:
        return None, f"the keyring has no entry for service {SERVICE!r}, user {user!r}"
    return value, ""


def configured_secrets(accounts: Iterable[AccountConfig]) -> list[tuple[str, str | None]]:
    """(secret, login user) for every password the accounts' servers can produce, to mask them.

    Each source is asked, not only the first one a login would use: the password_command's
    output (run as a login would run it, with its timeout; a failing command is skipped),
    the password_env variable, the inline password, and the keyring entry when reading it
    cannot start an unlock prompt. Never prompts. OAuth2 tokens are not fetched (each run
    would mint a new one); those used in this session are masked by the transcript.
    """
    found: dict[tuple[str, str | None], None] = {}
    for account in accounts:
        for server in (account.imap, account.smtp):
            if server is None:
                continue
            for secret in _every_password(server):
                found[(secret, server.user)] = None
    return list(found)


def _every_password(server: ServerConfig) -> list[str]:
    source = server.password
    out: list[str] = []
    if source.command:
        try:
            out.append(run_secret_command(source.command, what=f"password_command of {server.keyring_user}"))
        except CredentialsError:
            pass  # a login would fail the same way: there is no password from it to leak
    if source.env and os.environ.get(source.env):
        out.append(os.environ[source.env])
    if source.inline:
        out.append(source.inline)
    if source.keyring:
        value = _keyring_peek(server.keyring_user)
        if value:
            out.append(value)
    return out


# Backends that may show an unlock dialog when read while locked: read only when unlocked.
_MAY_PROMPT = ("keyring.backends.SecretService.", "keyring.backends.libsecret.", "keyring.backends.kwallet.",
               "keyring.backends.macOS.")  # fmt: skip


def _keyring_peek(user: str) -> str | None:
    """The keyring's entry for `user` when it can be read without an unlock prompt, else None."""
    import keyring
    from keyring.errors import KeyringError

    backend = keyring.get_keyring()
    for one in getattr(backend, "backends", None) or [backend]:
        name = f"{type(one).__module__}.{type(one).__qualname__}"
        if name.startswith(("keyring.backends.fail.", "keyring.backends.null.")):
            continue
        if name.startswith(_MAY_PROMPT) and not _secret_service_unlocked(name):
            continue
        try:
            value = one.get_password(SERVICE, user)
        except (KeyringError, RuntimeError):
            continue
        if isinstance(value, str):
            return value
    return None


def _secret_service_unlocked(name: str) -> bool:
    """True when the Secret Service's default collection is already unlocked (checked, not unlocked)."""
    if not name.startswith("keyring.backends.SecretService."):
        return False  # kwallet, macOS, libsecret: no way to ask without risking a prompt
    try:
        import secretstorage

        connection = secretstorage.dbus_init()
        try:
            return not secretstorage.get_default_collection(connection).is_locked()
        finally:
            connection.close()
    except Exception:  # no D-Bus, no service, no secretstorage: treat as locked (never prompt)
        return False


def _backend_names() -> list[str]:
    """Fully qualified class names of the active keyring backend(s), chained ones expanded."""
    import keyring

    backend = keyring.get_keyring()
    backends = getattr(backend, "backends", None) or [backend]
    return [f"{type(b).__module__}.{type(b).__qualname__}" for b in backends]


def keyring_problem() -> str | None:
    """Why passwords cannot be stored in the keyring here, or None when a backend works."""
    names = _backend_names()
    if all(n.startswith(("keyring.backends.fail.", "keyring.backends.null.")) for n in names):
        return (
            f"no usable system keyring on this machine (backend: {', '.join(names)}); "
            "a headless server usually has none"
        )
    return None


def keyring_warning() -> str | None:
    """A warning when the active keyring keeps passwords in a plain file (keyrings.alt)."""
    names = _backend_names()
    if any(n.startswith("keyrings.alt.file.PlaintextKeyring") for n in names):
        return (
            "the active keyring is keyrings.alt's PlaintextKeyring: it stores passwords base64-encoded, "
            "not encrypted, under ~/.local/share/python_keyring; prefer password_command"
        )
    return None


def check_keyring(server: ServerConfig | None = None) -> None:
    """Raise `CredentialsError` now when no keyring can store passwords (call before prompting)."""
    problem = keyring_problem()
    if problem:
        raise CredentialsError(f"cannot store a password in the keyring: {problem}.\n{alternatives(server)}")


def store_password(server: ServerConfig, password: str) -> None:
    """Store `password` for `server` in the keyring (service "mailtui", user ACCOUNT/KIND).

    Raises `CredentialsError` naming the alternatives when no keyring backend works; call
    `keyring_warning()` afterwards to tell the user about an insecure backend.
    """
    import keyring
    from keyring.errors import KeyringError

    check_keyring(server)  # the null backend would silently discard the password
    try:
        keyring.set_password(SERVICE, server.keyring_user, password)
    except (KeyringError, RuntimeError) as err:
        raise CredentialsError(
            f"cannot store the password for {server.keyring_user} in the keyring: {err}.\n{alternatives(server)}"
        ) from None
