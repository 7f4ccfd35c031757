"""The demo mailbox behind `mailtui --demo` / `make demo`: a generated Maildir and its config.

The Maildir is written once, under the XDG data dir, and rewritten only when it is missing
or DEMO_VERSION changes (a marker file holds the version). Its content is deterministic:
seeded randomness and delivery times relative to the fixed DEMO_BASE, so two generations are
byte-identical, file names included. The messages themselves come from demo_messages
(routine admin mail), demo_specials (decoding showcase) and demo_reports (bounces, a thread,
the other folders). The matching SMTP relay is demo_relay.DemoRelay.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from mailtui.config import AccountConfig, Config, ServerConfig, UIConfig
from mailtui.core.errors import EX_IOERR, MailtuiError
from mailtui.demo.messages import routine_messages
from mailtui.demo.mime import DemoMessage
from mailtui.demo.reports import other_folders, reports, thread
from mailtui.demo.specials import special_messages
from mailtui.paths import data_dir

DEMO_VERSION = 1
# Delivery times are relative to this fixed instant (not to "now"), so the demo, its file
# names and its sort order are the same on every machine and every run.
DEMO_BASE = datetime(2026, 11, 16, 7, 45, tzinfo=UTC)
DEMO_SEED = 20261116
MARKER = "mailtui-demo.version"
FOLDERS = ("Sent", "Drafts", "Trash", "Archive")
_MARKER_TEXT = f"mailtui demo Maildir, version {DEMO_VERSION}\n"


class DemoError(MailtuiError):
    """The demo Maildir could not be created."""

    title = "Demo mailbox"
    exit_code = EX_IOERR


def default_demo_root() -> Path:
    """Where the demo Maildir lives: $XDG_DATA_HOME/mailtui/demo/Maildir."""
    return data_dir() / "demo" / "Maildir"


def demo_messages(count: int = 200, base: datetime = DEMO_BASE) -> list[DemoMessage]:
    """Every demo message, oldest first: `count` in INBOX (showcase + routine), a few elsewhere."""
    fixed = [*special_messages(base), *reports(base), *thread(base), *other_folders(base)]
    in_inbox = sum(1 for m in fixed if m.folder == "")
    routine = routine_messages(random.Random(DEMO_SEED), base, max(0, count - in_inbox))
    return sorted([*fixed, *routine], key=lambda m: m.when)  # stable: ties keep generation order


def maildir_name(msg: DemoMessage, seq: int, rng: random.Random) -> str:
    """A Dovecot-style unique name whose time part is the delivery time.

    Files in new/ carry no ":2," info part, as delivery agents write them; cur/ files do.
    """
    usec = rng.randint(0, 999_999)
    pid = rng.randint(1_000, 60_000)
    name = f"{int(msg.when.timestamp())}.M{usec}P{pid}Q{seq}.demo,S={len(msg.raw)}"
    if msg.new:
        return name
    return f"{name}:2,{''.join(sorted(set(msg.flags)))}"


def _is_current(root: Path) -> bool:
    try:
        return (root / MARKER).read_text(encoding="utf-8") == _MARKER_TEXT
    except OSError:
        return False


def _is_ours_or_empty(root: Path) -> bool:
    """True when `root` may be (re)written: absent, empty, or a demo Maildir of any version."""
    if not root.exists():
        return True
    if (root / MARKER).exists():
        return True
    return all(
        p.name in ("cur", "new", "tmp") and p.is_dir() and not any(p.iterdir()) for p in root.iterdir()
    )


def _write(build: Path, messages: list[DemoMessage]) -> None:
    for folder in ("", *FOLDERS):
        fdir = build / f".{folder}" if folder else build
        for sub in ("cur", "new", "tmp"):
            (fdir / sub).mkdir(parents=True, exist_ok=True)
        if folder:
            (fdir / "maildirfolder").touch()  # Maildir++ marks subfolders so
    rng = random.Random(DEMO_SEED + 1)
    for seq, msg in enumerate(messages, 1):
        fdir = build / f".{msg.folder}" if msg.folder else build
        name = maildir_name(msg, seq, rng)
        tmp = fdir / "tmp" / name
        tmp.write_bytes(msg.raw)
        final = fdir / ("new" if msg.new else "cur") / name
        os.rename(tmp, final)  # the Maildir way: never a half-written file in cur/ or new/
        stamp = msg.when.timestamp()
        os.utime(final, (stamp, stamp))  # `ls -lt` and mtime-sorting readers agree with the name
    (build / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")


def ensure_demo_maildir(root: Path | None = None, count: int = 200) -> Path:
    """Create the demo Maildir at `root` (default: the XDG data dir) unless it is already current.

    Returns its path. Raises DemoError when it cannot be written, or when `root` holds
    something that is not a demo Maildir (it is never overwritten).
    """
    root = Path(root) if root is not None else default_demo_root()
    if _is_current(root):
        return root
    if not _is_ours_or_empty(root):
        raise DemoError(
            f"{root} exists and is not a mailtui demo Maildir (no {MARKER} file), so it was left alone. "
            "Move it away, or set XDG_DATA_HOME to use another place for the demo."
        )
    old: Path | None = None
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        # Build next to the target and swap it in, so an interrupted run leaves no half demo.
        build = Path(tempfile.mkdtemp(prefix=f".{root.name}.build-", dir=root.parent))
        try:
            _write(build, demo_messages(count))
            if root.exists():
                old = root.parent / f".{root.name}.old-{os.getpid()}-{time.monotonic_ns()}"
                os.rename(root, old)
            os.rename(build, root)
        except OSError:
            shutil.rmtree(build, ignore_errors=True)
            if _is_current(root):  # another mailtui built it at the same moment
                return root
            raise
    except OSError as exc:
        raise DemoError(
            f"could not create the demo Maildir at {root}: {exc.strerror or exc}. "
            "Check that the directory is writable, or set XDG_DATA_HOME to a writable place."
        ) from exc
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return root


def demo_config(root: Path | None = None) -> Config:
    """The config `mailtui --demo` runs with: one account on the demo Maildir and the demo relay.

    SMTP port 0 means "not started yet": the app starts DemoRelay and puts its port in.
    """
    maildir = ensure_demo_maildir(root)
    smtp = ServerConfig(kind="smtp", account="demo", host="127.0.0.1", port=0, tls="none", auth=False)
    account = AccountConfig(
        name="demo",
        from_address="admin@demo.test",
        realname="Demo Admin",
        signature="Demo Admin\nops on call, ext. 4711",
        maildir=str(maildir),
        smtp=smtp,
    )
    return Config(accounts=(account,), ui=UIConfig(), path=None)
