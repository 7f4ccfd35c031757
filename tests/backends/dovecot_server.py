"""A private Dovecot IMAP server in a temp dir, for tests that need a real IMAP server.

Debian's `dovecot-imapd` runs as root here, so the login processes drop to `dovenull` and
mail access to `dovecot` (library-facts §7): the whole tree must be readable by those
users, which is why the server lives in its own `mkdtemp` dir (pytest's tmp dirs are 0700)
and the Maildirs are chowned to `dovecot` after seeding.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from tests.certs import CertPair, free_port, make_self_signed

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
DOVEADM = shutil.which("doveadm") or ("/usr/bin/doveadm" if os.path.exists("/usr/bin/doveadm") else None)

SPECIAL_FOLDERS = {
    "Sent": "\\Sent",
    "Drafts": "\\Drafts",
    "Trash": "\\Trash",
    "Junk": "\\Junk",
    "Archive": "\\Archive",
}

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = mailtui-test-{tag}
protocols = imap
listen = 127.0.0.1
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 100
mail_location = maildir:{root}/mail/%u/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
passdb {{
  driver = passwd-file
  args = scheme=SHA512-CRYPT {root}/passwd.d/%u
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
namespace inbox {{
  inbox = yes
  separator = /
{mailboxes}
}}
"""


def dovecot_available() -> bool:
    """True when Debian's dovecot and doveadm binaries are installed."""
    return DOVECOT is not None and DOVEADM is not None


def start_with_folders(tmp_dir: Path, renamed: dict[str, tuple[str, str]]) -> DovecotServer:
    """`start_or_skip` with special-use folders renamed: {"Sent": ("Sent-Items", "\\Sent")}."""
    global SPECIAL_FOLDERS  # noqa: PLW0603 - read by start(); restored at once
    folders = {name: use for name, use in SPECIAL_FOLDERS.items() if name not in renamed}
    folders.update(dict(renamed.values()))
    saved, SPECIAL_FOLDERS = SPECIAL_FOLDERS, folders
    try:
        return start_or_skip(tmp_dir)
    finally:
        SPECIAL_FOLDERS = saved


def start_or_skip(tmp_dir: Path) -> DovecotServer:
    """A started server; skip the tests without dovecot, but fail on CI (it must not skip silently)."""
    import pytest

    if not dovecot_available():
        why = "dovecot is not installed (apt-get install dovecot-imapd)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{why}, and CI=true: the IMAP tests must run on CI")
        pytest.skip(why)
    server = DovecotServer(tmp_dir)
    server.start()
    return server


class DovecotServer:
    """One Dovecot instance: `start()`, add users, seed Maildirs, kick sessions, `stop()`."""

    def __init__(self, tmp_dir: Path | None = None) -> None:
        # tmp_dir is only a hint for where to put the cert; the server root must be
        # world-traversable, so it is always a fresh mkdtemp dir.
        self.root = Path(tempfile.mkdtemp(prefix="mailtui-dovecot-"))
        self.root.chmod(0o755)
        self.conf = self.root / "dovecot.conf"
        self.imap_port = free_port()
        self.imaps_port = free_port()
        self.certs: CertPair = make_self_signed((tmp_dir or self.root) / "certs")
        self.ca_file = str(self.certs.cert)
        self._pid: int | None = None
        self._seq = 0
        self._passwords: dict[str, str] = {}
        self._uid, self._gid = _dovecot_ids()

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> None:
        """Write the config and start Dovecot in the background; wait until both ports listen."""
        if not dovecot_available():
            raise RuntimeError("dovecot is not installed (apt-get install dovecot-imapd)")
        (self.root / "mail").mkdir(exist_ok=True)
        (self.root / "state").mkdir(exist_ok=True)
        os.chown(self.root / "mail", self._uid, self._gid)
        (self.root / "passwd.d").mkdir(exist_ok=True)
        # Dovecot reads the key as root in the config process, but keep it private anyway.
        cert_dir = self.root / "tls"
        cert_dir.mkdir(exist_ok=True)
        shutil.copy(self.certs.cert, cert_dir / "cert.pem")
        shutil.copy(self.certs.key, cert_dir / "key.pem")
        (cert_dir / "key.pem").chmod(0o600)
        mailboxes = "\n".join(
            f"  mailbox {name} {{\n    special_use = {use}\n    auto = subscribe\n  }}"
            for name, use in SPECIAL_FOLDERS.items()
        )
        self.conf.write_text(
            _CONFIG.format(
                root=self.root,
                tag=self.root.name.rsplit("-", 1)[-1],
                cert=cert_dir / "cert.pem",
                key=cert_dir / "key.pem",
                imap_port=self.imap_port,
                imaps_port=self.imaps_port,
                mailboxes=mailboxes,
            )
        )
        # The master daemonizes: give it no pipes, or waiting for EOF would hang.
        with (self.root / "startup.log").open("wb") as err:
            done = subprocess.run(
                [DOVECOT, "-c", str(self.conf)], stdin=subprocess.DEVNULL, stdout=err, stderr=err, timeout=30
            )
        if done.returncode != 0:
            startup = (self.root / "startup.log").read_text(errors="replace")
            raise RuntimeError(f"dovecot failed to start ({done.returncode}):\n{startup}\n{self.log()}")
        self._pid = self._read_master_pid()
        self._wait_listening()

    def stop(self) -> None:
        """Stop the master by PID, kill any leftover child, remove the server dir."""
        self.halt()
        shutil.rmtree(self.root, ignore_errors=True)

    def halt(self) -> None:
        """Stop the master by PID and kill any leftover child, keeping config, users and mail.

        Like a server crash or restart: every session drops and the ports refuse
        connections until `start()` runs the same config (same ports) again.
        """
        pids = self._instance_pids()
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _alive(self._pid):
                time.sleep(0.05)
        for pid in pids:
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self._pid = None
        # A stale pid file would be read back by the next start() before the new one is written.
        (self.root / "run" / "master.pid").unlink(missing_ok=True)

    def __enter__(self) -> DovecotServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- users and mail ---------------------------------------------------------
    def add_user(self, name: str, password: str) -> None:
        """Add a passwd-file user with a SHA512-CRYPT hash (`doveadm pw`)."""
        out = subprocess.run(
            [DOVEADM, "-c", str(self.conf), "pw", "-s", "SHA512-CRYPT", "-p", password],
            check=True, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        # One passwd-file per user: Dovecot re-stats a passwd-file at most once a second, so
        # a user appended to a shared file right after a login would stay unknown for a while.
        self._passwords[name] = password  # for deliver(), which logs in as the user
        passwd = self.root / "passwd.d" / name
        passwd.write_text(f"{name}:{out.stdout.strip()}:::::\n")
        passwd.chmod(0o644)

    def maildir(self, user: str) -> Path:
        """The user's Maildir root (INBOX); subfolders are `.Name` dirs below it."""
        return self.root / "mail" / user / "Maildir"

    def folder_path(self, user: str, folder: str | None = None) -> Path:
        """The on-disk Maildir of `folder` (Maildir++ layout: `Archive/2024` -> `.Archive.2024`)."""
        base = self.maildir(user)
        if folder is None or folder.upper() == "INBOX":
            return base
        return base / ("." + folder.replace("/", "."))

    def seed(self, user: str, messages: Iterable[bytes], folder: str | None = None, flags: str = "") -> None:
        """Write messages straight into the Maildir, then chown the tree to dovecot.

        Without `flags` they land in new/ (unseen); with Maildir flag letters ("S", "FS")
        in cur/ with those flags.
        """
        path = self.folder_path(user, folder)
        for sub in ("tmp", "new", "cur"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        if path != self.maildir(user):
            (path / "maildirfolder").touch()
        # Written by hand, not with mailbox.Maildir: the bytes must stay exactly as given.
        for raw in messages:
            self._seq += 1
            unique = f"{time.time():.0f}.M{self._seq:07d}P{os.getpid()}.mailtui-test"  # sorts in order
            tmp = path / "tmp" / unique
            tmp.write_bytes(raw)
            target = path / "cur" / f"{unique}:2,{''.join(sorted(flags))}" if flags else path / "new" / unique
            tmp.rename(target)
        self._chown_tree(self.root / "mail" / user)

    def deliver(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        """APPEND a message over a separate imaplib connection (as another client would)."""
        with self.imaplib_client(user, self._passwords[user]) as conn:
            typ, data = conn.append(folder, "", None, raw)
            if typ != "OK":
                raise RuntimeError(f"APPEND failed: {data!r}")

    def imaplib_client(self, user: str, password: str) -> imaplib.IMAP4_SSL:
        """A logged-in stdlib imaplib connection over implicit TLS (for checking from outside)."""
        ctx = ssl.create_default_context(cafile=self.ca_file)
        conn = imaplib.IMAP4_SSL("127.0.0.1", self.imaps_port, ssl_context=ctx, timeout=30)
        conn.login(user, password)
        return conn

    def kick(self, user: str) -> None:
        """Disconnect every session of `user` (the server says BYE), like a restart would."""
        done = subprocess.run(
            [DOVEADM, "-c", str(self.conf), "kick", user], check=False, capture_output=True, timeout=30
        )
        # 0: kicked; 68 (EX_NOUSER): nobody was connected. Anything else: the kick did not happen.
        if done.returncode not in (0, 68):
            raise RuntimeError(f"doveadm kick {user} failed ({done.returncode}): {done.stderr!r}")

    def log(self) -> str:
        """The server's log so far (for assertion messages)."""
        try:
            return (self.root / "dovecot.log").read_text(errors="replace")
        except OSError:
            return ""

    # -- helpers ----------------------------------------------------------------
    def _chown_tree(self, top: Path) -> None:
        for dirpath, dirnames, filenames in os.walk(top):
            os.chown(dirpath, self._uid, self._gid)
            for name in dirnames + filenames:
                os.chown(os.path.join(dirpath, name), self._uid, self._gid)
        os.chown(top.parent, self._uid, self._gid)

    def _read_master_pid(self) -> int:
        pidfile = self.root / "run" / "master.pid"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                return int(pidfile.read_text().strip())
            except (OSError, ValueError):
                time.sleep(0.05)
        raise RuntimeError(f"dovecot did not write {pidfile}:\n{self.log()}")

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 15
        for port in (self.imap_port, self.imaps_port):
            while True:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=1):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"dovecot is not listening on {port}:\n{self.log()}") from None
                    time.sleep(0.05)

    def _instance_pids(self) -> list[int]:
        """PIDs of processes of this instance: children of the master (by /proc ppid)."""
        if self._pid is None:
            return []
        found: list[int] = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self._pid:
                found.append(int(entry.name))
        return found


def _dovecot_ids() -> tuple[int, int]:
    import pwd

    try:
        entry = pwd.getpwnam("dovecot")
    except KeyError:
        return os.getuid(), os.getgid()
    return entry.pw_uid, entry.pw_gid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours still answers kill(0); reap it if it is ours.
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    return Path(f"/proc/{pid}").exists() and "Z" not in _state(pid)


def _state(pid: int) -> str:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""
