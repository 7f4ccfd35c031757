"""Sort and threads on a big IMAP folder, mailtui next to mutt and neomutt, in one run.

    .venv/bin/python benchmarks/imap_actions.py [--count 10000] [--runs 3]

A private Dovecot (tests/backends/dovecot_server.py, as open_imap.py starts it) serves a
generated INBOX (gen_maildir.py) over plain IMAP on 127.0.0.1. Each client runs in tmux at
120x40 and is driven as actions.py drives it (its MailtuiDriver and MuttDriver): launch,
first screen, then sort by from, subject, size, date, threads on and off, each timed from
the key that starts the work until its result holds on screen. mailtui sorts sizes by the
server (UID SORT) and the rest from the sort keys in its header cache (imap/order.py);
mutt and neomutt from their header cache (`header_cache`). One unmeasured session per
client first fills the caches (mailtui: threads on, which reads every header not cached
yet; mutt: opening, then quitting so the cache is written). The orders mailtui keeps per
listing are dropped before each session, so every run computes them from the sort keys.
Writes results/imap-actions-<count>.txt with the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from actions import (  # noqa: E402
    MUTT_EXTRA,
    PEER_TIMEOUT,
    PLACEHOLDER,
    AnyDriver,
    MailtuiDriver,
    MuttDriver,
    launch,
    load,
    quit_cleanly,
)
from gen_maildir import generate, newest_subject  # noqa: E402
from harness import (  # noqa: E402
    Client,
    Harness,
    compile_bytecode,
    line_with,
    median,
    missing_tools,
    private_home,
    save_report,
    table,
    tree_peak_kb,
)
from open_imap import MUTTRC, PASSWORD, USER, warm_server  # noqa: E402

from tests.backends.dovecot_server import DovecotServer, dovecot_available  # noqa: E402

MAILTUI = ROOT / ".venv" / "bin" / "mailtui"
STEPS = ("from", "subject", "size", "date", "threads on", "threads off")
# mailtui's status bar names the account; `-f imap://bench@...` makes it this.
STATUS_MARK = f"[{USER}@127.0.0.1]"


class ImapMailtuiDriver(MailtuiDriver):
    """actions.py's mailtui driver, its status bar found by the IMAP account's name."""

    def settled(self, screen: str) -> bool:
        return STATUS_MARK in screen and PLACEHOLDER.search(screen) is None and "working…" not in screen

    @staticmethod
    def status(screen: str) -> str:
        return line_with(screen, STATUS_MARK)


ROWS = (
    ("first screen", "first screen (launch to newest subject)"),
    ("from", "sort by from"),
    ("subject", "sort by subject"),
    ("size", "sort by size (biggest first)"),
    ("date", "sort by date (newest first)"),
    ("threads on", "threads on"),
    ("threads off", "threads off"),
    ("rss", "peak RSS MB after the sequence (tree_peak_kb)"),
)


def forget_orders(cache: Path) -> None:
    """Drop the orders mailtui kept per listing, so each session computes its orders from
    the cached sort keys (mutt sorts in memory each time) rather than reading them back."""
    for path in cache.glob("mailtui/imap/*.sqlite3"):
        db = sqlite3.connect(path)
        try:
            with db:
                db.execute("DELETE FROM orders")
        finally:
            db.close()


def drivers_for(work: Path, port: int) -> tuple[list[AnyDriver], list[str]]:
    """mailtui, then mutt and neomutt when installed (each with a private home); notes."""
    home = work / "mailtui"
    env = private_home(home, MAILTUI_PASSWORD=PASSWORD)
    argv = [str(MAILTUI), "-f", f"imap://{USER}@127.0.0.1:{port}", "--tls", "none", "--allow-plaintext-auth"]
    forget = partial(forget_orders, home / ".cache")
    found: list[AnyDriver] = [ImapMailtuiDriver("mailtui", Client("mailtui", argv, env, forget))]
    notes = []
    for prog in ("mutt", "neomutt"):
        if shutil.which(prog) is None:
            notes.append(f"{prog}: not installed, skipped (apt-get install {prog})")
            continue
        home = work / prog
        cache = home / "hcache"
        cache.mkdir(parents=True, exist_ok=True)
        rc = home / "muttrc"
        rc.write_text(MUTTRC.format(user=USER, port=port, password=PASSWORD, cache=f"{cache}/") + MUTT_EXTRA)
        mutt_argv = [prog, "-n", "-F", str(rc), "-f", f"imap://{USER}@127.0.0.1:{port}/INBOX"]
        found.append(MuttDriver(prog, Client(prog, mutt_argv, {"HOME": str(home)})))
    return found, notes


def measure(drivers: list[AnyDriver], count: int, args: argparse.Namespace) -> list[float]:
    """Warm up each client, then `args.runs` rounds of one session per client; the 1-minute
    load average at the start of each session."""
    marker = newest_subject(count)
    loads: list[float] = []
    with Harness() as harness:
        for d in drivers:
            live, _ = launch(harness, d, marker, args.grace, args.timeout)
            if isinstance(d, MailtuiDriver):
                seconds = d.order(live, "threads on", args.timeout)
                print(f"warm-up {d.name}: threads on (every header read) in {seconds} s", flush=True)
            quit_cleanly(live)
        for run in range(args.runs):
            for d in drivers:
                loads.append(os.getloadavg()[0])
                timeout = args.timeout if isinstance(d, MailtuiDriver) else min(args.timeout, PEER_TIMEOUT)
                live, first = launch(harness, d, marker, args.grace, args.timeout)
                try:
                    d.record("first screen", first)
                    for step in STEPS:
                        d.record(step, d.order(live, step, timeout))
                    d.record("rss", max(live.peak_kb, tree_peak_kb(live.pid)) / 1024)
                finally:
                    harness.kill(live.window, live.pid)
                print(f"run {run + 1}/{args.runs} {d.name}: {d.results} timeouts {d.timeouts}", flush=True)
    return loads


def report_table(drivers: list[AnyDriver]) -> tuple[str, list[str]]:
    """(action | median per client | mailtui/mutt), and every run of each cell."""
    by_name = {d.name: d for d in drivers}
    rows, details = [], []
    for key, label in ROWS:
        digits = 1 if key == "rss" else 3
        row: list[object] = [label]
        for name in ("mailtui", "mutt", "neomutt"):
            runs = by_name[name].results.get(key) if name in by_name else None
            row.append(f"{median(runs):.{digits}f}" if runs else "-")
        ours = by_name["mailtui"].results.get(key)
        theirs = by_name["mutt"].results.get(key) if "mutt" in by_name else None
        row.append(f"{median(ours) / median(theirs):.2f}" if ours and theirs else "-")
        rows.append(row)
        for d in drivers:
            runs, late = d.results.get(key, []), d.timeouts.get(key)
            if runs or late:
                shown = ", ".join(f"{v:.{digits}f}" for v in runs) + (f"  ({late} timed out)" if late else "")
                details.append(f"  {label} / {d.name}: {shown}")
    return table(["action", "mailtui s", "mutt s", "neomutt s", "mailtui/mutt"], rows), details


def main(argv: list[str] | None = None) -> int:
    """Measure, print the table, save results/imap-actions-<count>.txt."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=180.0, help="per action, seconds")
    parser.add_argument("--grace", type=float, default=0.3, help="a result must hold this long")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if "tmux" in missing_tools(["tmux"]) or not dovecot_available() or not MAILTUI.exists():
        print("needs tmux, dovecot-imapd and the venv's mailtui", file=sys.stderr)
        return 2
    started_load = load()
    compile_bytecode(MAILTUI.parent / "python", ROOT / "mailtui")  # as an installed copy has
    work = Path(tempfile.mkdtemp(prefix="mailtui-bench-imap-actions-"))
    began = time.perf_counter()
    try:
        with DovecotServer() as server:
            server.add_user(USER, PASSWORD)
            generate(server.folder_path(USER), args.count)
            server.seed(USER, [])  # no extra messages: only the chown to dovecot
            warm_server(server, args.count)
            drivers, notes = drivers_for(work, server.imap_port)
            loads = measure(drivers, args.count, args)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text, details = report_table(drivers)
    versions = [
        (subprocess.run([p, "-v"], capture_output=True, text=True).stdout.splitlines() or [p])[0]
        for p in ("mutt", "neomutt")
        if shutil.which(p)
    ]
    report = "\n".join(
        [
            f"mailtui sort and threads over IMAP vs mutt/neomutt, {args.count} messages on a private"
            f" Dovecot (plain IMAP on 127.0.0.1), 120x40 tmux, {args.runs} runs, medians in seconds,"
            f" {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
            f"{platform.node()}, Python {platform.python_version()}; peers: {'; '.join(versions) or 'none'}",
            f"load average at start: {started_load}",
            "",
            text,
            "",
            "Sorts are the same orders in all (mailtui o cycles date -> from -> subject -> size -> date;"
            " mutt o f, o s, O z, O d; threads: mailtui ctrl+t twice, mutt o t, O d). Every client's"
            " header cache is warm (one unmeasured session each). mailtui: size by the server's UID"
            " SORT, the rest from the header cache's sort keys; the orders it keeps per listing are"
            " dropped before each session, so each run computes them.",
            *notes,
            "every run:",
            *details,
            f"load average at end: {load()}; 1-min load at each session start: "
            + " ".join(f"{v:.1f}" for v in loads),
            f"wall time of the whole run: {time.perf_counter() - began:.0f} s",
        ]
    )
    save_report(report, args.out or HERE / "results" / f"imap-actions-{args.count}.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
