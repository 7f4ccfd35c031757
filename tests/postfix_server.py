"""A private Postfix on 127.0.0.1 for end-to-end tests: real SMTP replies, queue ids, DSNs.

Everything lives in one state dir straight under /tmp (see shared/reading/postfix-on-loopback.md):
`postfix -c STATE/etc start|stop`, queue, data, maillog and the virtual Maildirs all inside
it. The virtual domain `test.example` delivers into `STATE/mail/<user>/` Maildirs;
`bounce@test.example` is accepted and then bounced by the `testbounce` pipe service (a real
DSN, Status 5.1.1, to the sender); any other address of the domain gets `550 5.1.1` at RCPT;
other domains get `554 5.7.1 Relay access denied`. Nothing can leave the machine: the
default and relay transports are `testbounce` too, and the SMTP client does no DNS.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.certs import free_port

POSTFIX = shutil.which("postfix") or ("/usr/sbin/postfix" if os.path.exists("/usr/sbin/postfix") else None)
DOMAIN = "test.example"
MAILBOXES = ("admin", "alice")
ALIASES = ("postmaster", "abuse", "MAILER-DAEMON")  # -> admin

_MAIN_CF = """\
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
maillog_file = {root}/log/maillog
maillog_file_prefixes = /var, /dev/stdout, {root}
syslog_name = postfix-mailtui-test
myhostname = mail.{domain}
mydomain = {domain}
myorigin = {domain}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
smtpd_banner = $myhostname ESMTP Postfix (acceptance tests)
smtpd_relay_restrictions = reject_unauth_destination
smtp_dns_support_level = disabled
smtp_host_lookup = native
alias_maps =
alias_database =
local_recipient_maps =
biff = no
virtual_mailbox_domains = {domain}
virtual_mailbox_base = {root}/mail
virtual_mailbox_maps = texthash:{root}/etc/vmailbox
virtual_alias_maps = texthash:{root}/etc/virtual
virtual_uid_maps = static:{uid}
virtual_gid_maps = static:{gid}
virtual_minimum_uid = 1
transport_maps = texthash:{root}/etc/transport
default_transport = testbounce
relay_transport = testbounce
testbounce_destination_recipient_limit = 1
notify_classes =
delay_warning_time = 0
"""

# `$$` is a literal `$` for master.cf; the pipe prints its next-hop ("5.1.1 text") and
# exits 67 (EX_NOUSER): pipe(8) turns that into a bounce whose DSN status is the printed code.
_MASTER_CF = """\
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
virtual   unix  - n n - - virtual
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
smtp      unix  - - n - - smtp
testbounce unix - n n - - pipe
  flags=q user=nobody argv=/bin/sh -c {{printf %s "$$1"; exit 67}} testbounce ${{nexthop}}
"""


def postfix_available() -> bool:
    """True when Debian's postfix is installed and we can run it (it needs root)."""
    return POSTFIX is not None and os.geteuid() == 0


def start_or_skip(transports: dict[str, str] | None = None) -> PostfixServer:
    """A started server; skip without postfix (or root), but fail on CI, where it must run."""
    import pytest

    if not postfix_available():
        why = (
            "postfix is not installed (apt-get install postfix)" if POSTFIX is None else "postfix needs root"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{why}, and CI=true: the Postfix end-to-end tests must run on CI")
        pytest.skip(why)
    server = PostfixServer(transports)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server


class PostfixServer:
    """One private Postfix instance: `start()`, `maildir(user)`, `maillog()`, `stop()`."""

    def __init__(self, transports: dict[str, str] | None = None) -> None:
        """`transports`: extra `user -> transport:nexthop` routes of the domain (e.g. to a
        loopback SMTP server answering 451), each also a valid mailbox so smtpd accepts it."""
        # Straight under /tmp and world-searchable: virtual(8) runs as nobody and must reach
        # the Maildirs (a 0700 pytest tmp dir above them makes delivery fail).
        self.root = Path(tempfile.mkdtemp(prefix="mailtui-postfix-", dir="/tmp"))
        self.root.chmod(0o755)
        self.etc = self.root / "etc"
        self.port = free_port()
        nobody = pwd.getpwnam("nobody")
        self._uid, self._gid = nobody.pw_uid, nobody.pw_gid
        self._started = False
        self.transports = dict(transports or {})

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Write the config, start the master, wait for the 220 banner."""
        if POSTFIX is None:
            raise RuntimeError("postfix is not installed (apt-get install postfix)")
        for sub in ("etc", "log", "queue"):
            (self.root / sub).mkdir(exist_ok=True)
        # `postfix start` creates the queue subdirs with the right owners, but not data_directory,
        # which the master (running as the postfix user) must own for its lock file.
        postfix_user = pwd.getpwnam("postfix")
        (self.root / "data").mkdir(exist_ok=True)
        os.chown(self.root / "data", postfix_user.pw_uid, postfix_user.pw_gid)
        mail = self.root / "mail"
        mail.mkdir(exist_ok=True)
        os.chown(mail, self._uid, self._gid)
        files = {
            "main.cf": _MAIN_CF.format(root=self.root, domain=DOMAIN, uid=self._uid, gid=self._gid),
            "master.cf": _MASTER_CF.format(port=self.port),
            "vmailbox": "".join(f"{u}@{DOMAIN} {u}/\n" for u in (*MAILBOXES, "bounce", *self.transports)),
            "virtual": "".join(f"{a}@{DOMAIN} admin@{DOMAIN}\n" for a in ALIASES),
            "transport": f"bounce@{DOMAIN} testbounce:5.1.1 mailbox bounce@{DOMAIN} rejects all mail "
            "(acceptance-test bounce)\n"
            + "".join(f"{u}@{DOMAIN} {route}\n" for u, route in self.transports.items()),
        }
        # Postfix waits ~2 s before reading a file written in the last second or two (it may
        # still be being edited): backdate what we just wrote.
        past = time.time() - 60
        for name, text in files.items():
            path = self.etc / name
            path.write_text(text)
            os.utime(path, (past, past))
        done = self._postfix("start")
        if done.returncode != 0:
            raise RuntimeError(
                f"postfix start failed ({done.returncode}):\n{done.stdout}{done.stderr}\n{self.maillog()}"
            )
        self._started = True
        self._wait_for_banner()

    def stop(self) -> None:
        """`postfix -c ETC stop`, then remove the state dir."""
        if self._started:
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._postfix("stop")
            self._started = False
            # The master's children may still be closing files; wait until the port is free.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self._listening():
                time.sleep(0.05)
        shutil.rmtree(self.root, ignore_errors=True)

    def _postfix(self, action: str) -> subprocess.CompletedProcess[str]:
        assert POSTFIX is not None
        return subprocess.run(
            [POSTFIX, "-c", str(self.etc), action],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    def _listening(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1):
            return True
        return False

    def _wait_for_banner(self) -> None:
        deadline = time.monotonic() + 30
        last = ""
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                    banner = sock.recv(512).decode("ascii", "replace")
                    sock.sendall(b"QUIT\r\n")
                if banner.startswith("220 "):
                    return
                last = banner
            except OSError as exc:
                last = str(exc)
            time.sleep(0.05)
        raise RuntimeError(f"postfix did not greet on 127.0.0.1:{self.port} ({last}):\n{self.maillog()}")

    # -- mail and logs -----------------------------------------------------------------------
    def maildir(self, user: str) -> Path:
        """The Maildir virtual(8) delivers `user@test.example` into."""
        return self.root / "mail" / user

    @property
    def maillog_path(self) -> Path:
        """Postfix's own `maillog_file` (written by postlogd)."""
        return self.root / "log" / "maillog"

    def maillog(self) -> str:
        path = self.maillog_path
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_for_log(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        """The first maillog match of `pattern` (a regex), waiting for Postfix to write it."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.maillog(), re.MULTILINE)
            if match:
                return match
            if time.monotonic() > deadline:
                raise AssertionError(f"no maillog line matches {pattern!r}:\n{self.maillog()}")
            time.sleep(0.05)

    def wait_for_messages(self, user: str, count: int = 1, timeout: float = 20.0) -> list[Path]:
        """The files in `user`'s Maildir new/ once there are at least `count`, oldest first."""
        new = self.maildir(user) / "new"
        deadline = time.monotonic() + timeout
        while True:
            files = sorted(new.iterdir(), key=lambda p: p.name) if new.is_dir() else []
            if len(files) >= count:
                return files
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{len(files)} of {count} messages arrived for {user}:\n{self.maillog()}"
                )
            time.sleep(0.05)

    def __enter__(self) -> PostfixServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
