"""IMAP first-screen comparison: mailtui vs aerc, mutt and neomutt on a private Dovecot.

    .venv/bin/python benchmarks/open_imap.py [--count 10000] [--runs 5]

Starts tests/backends/dovecot_server.DovecotServer (imported, not copied) on free loopback
ports, writes a generated Maildir (gen_maildir.py) straight into the user's INBOX, lets
Dovecot index it once (a SELECT and a FETCH over imaplib, so the server's own index is warm
for every client), then measures each client with harness.Harness: time until the newest
subject is on a 120x40 screen, and peak RSS. Every client talks plain IMAP on 127.0.0.1
(no TLS, the same for all: TLS cost is not what is compared). Cold rows delete the client's
header cache before each launch; warm rows keep the cache a warm-up launch filled (aerc:
`cache-headers = true`). Prints the issue's target (mailtui <= 0.8 x aerc with a warm cache).
Writes benchmarks/results/imap.txt. Needs dovecot-imapd (Debian's package) and root.
"""

from __future__ import annotations

import argparse
import datetime
import imaplib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from gen_maildir import generate, newest_subject  # noqa: E402
from harness import (  # noqa: E402
    Client,
    Harness,
    aerc_home,
    compile_bytecode,
    median,
    missing_tools,
    private_home,
    remover,
    table,
)

from tests.backends.dovecot_server import DovecotServer, dovecot_available  # noqa: E402

MAILTUI = ROOT / ".venv" / "bin" / "mailtui"
USER, PASSWORD = "bench", "bench-pass-6"

MUTTRC = """\
set folder=imap://{user}@127.0.0.1:{port}/
set spoolfile=+INBOX
set imap_user={user}
set imap_pass={password}
set ssl_starttls=no
set ssl_force_tls=no
set imap_check_subscribed=no
set sort=reverse-date
set header_cache={cache}
set mail_check_stats=no
set beep_new=no
set quit=yes
set wait_key=no
"""


def clients(work: Path, port: int) -> list[Client]:
    """mailtui and mutt/neomutt rows, cold and warm header cache, each with a private home."""
    rows: list[Client] = []
    home = work / "home-mailtui"
    env = private_home(home, MAILTUI_PASSWORD=PASSWORD)
    argv = [str(MAILTUI), "-f", f"imap://{USER}@127.0.0.1:{port}", "--tls", "none", "--allow-plaintext-auth"]
    rows.append(Client("mailtui (cold cache)", argv, env, remover(home / ".cache")))
    rows.append(Client("mailtui (warm cache)", argv, env))
    for prog in ("mutt", "neomutt"):
        if shutil.which(prog) is None:
            continue
        home = work / f"home-{prog}"
        home.mkdir(parents=True, exist_ok=True)
        cache = home / "hcache"
        rc = home / "muttrc"
        rc.write_text(MUTTRC.format(user=USER, port=port, password=PASSWORD, cache=f"{cache}/"))
        cache.mkdir(exist_ok=True)
        argv = [prog, "-n", "-F", str(rc), "-f", f"imap://{USER}@127.0.0.1:{port}/INBOX"]

        def cold(cache: Path = cache) -> None:
            shutil.rmtree(cache, ignore_errors=True)
            cache.mkdir()

        rows.append(Client(f"{prog} (cold hcache)", argv, {"HOME": str(home)}, cold))
        rows.append(Client(f"{prog} (warm hcache)", argv, {"HOME": str(home)}))
    if shutil.which("aerc") is not None:
        home = work / "home-aerc"
        source = f"imap+insecure://{USER}:{PASSWORD}@127.0.0.1:{port}"
        env = aerc_home(home, source, extra="cache-headers = true\n")
        rows.append(Client("aerc (cold cache)", ["aerc"], env, remover(home / ".cache")))
        rows.append(Client("aerc (warm cache)", ["aerc"], env))
    return rows


def warm_server(server: DovecotServer, count: int) -> str:
    """Let Dovecot index the INBOX once; returns the subject of the highest UID (the newest)."""
    conn = imaplib.IMAP4("127.0.0.1", server.imap_port)
    try:
        conn.login(USER, PASSWORD)
        typ, data = conn.select("INBOX", readonly=True)
        if typ != "OK" or int(data[0]) != count:
            raise RuntimeError(f"Dovecot's INBOX has {data!r} messages, expected {count}")
        conn.fetch("1:*", "(FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT DATE FROM)])")
        typ, data = conn.fetch("*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        return data[0][1].decode().strip()  # type: ignore[index,union-attr]
    finally:
        conn.logout()


def main(argv: list[str] | None = None) -> int:
    """Run the IMAP comparison and save benchmarks/results/imap.txt."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "imap.txt")
    parser.add_argument(
        "--pause",
        type=float,
        default=1.0,
        help="seconds between runs, so Dovecot finishes what a killed client left (a background fetch)",
    )
    args = parser.parse_args(argv)
    missing = missing_tools(["tmux", "mutt", "neomutt", "aerc"])
    if "tmux" in missing or not dovecot_available():
        print("needs tmux and dovecot-imapd (apt-get install tmux dovecot-imapd)", file=sys.stderr)
        return 2
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}")
    compile_bytecode(MAILTUI.parent / "python", ROOT / "mailtui")  # as an installed copy has
    work = Path(tempfile.mkdtemp(prefix="mailtui-bench-imap-"))
    try:
        with DovecotServer() as server, Harness() as harness:
            server.add_user(USER, PASSWORD)
            generate(server.folder_path(USER), args.count)
            server.seed(USER, [])  # no extra messages: only the chown to dovecot
            newest = warm_server(server, args.count)
            marker = newest_subject(args.count)
            note = f"Dovecot's highest UID has {newest!r}"
            print(note, flush=True)
            rows = clients(work, server.imap_port)
            for client in rows:
                if "(cold" not in client.name:
                    harness.measure(client, marker, timeout=args.timeout, settle=0.2)
            times: dict[str, list[float]] = {c.name: [] for c in rows}
            peaks: dict[str, list[int]] = {c.name: [] for c in rows}
            last_screen: dict[str, str] = {}
            for i in range(args.runs):
                for client in rows:
                    time.sleep(args.pause)
                    run = harness.measure(client, marker, timeout=args.timeout)
                    if run.seconds is not None:
                        times[client.name].append(run.seconds)
                    else:
                        last_screen[client.name] = run.screen
                    peaks[client.name].append(run.peak_kb)
                    print(
                        f"  run {i + 1}/{args.runs} {client.name:<22} {run.seconds} {run.peak_kb} kB",
                        flush=True,
                    )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    medians = {n: median(t) for n, t in times.items() if t}
    best_mutt = min((v for n, v in medians.items() if "mutt" in n and "warm" in n), default=None)
    aerc_warm = medians.get("aerc (warm cache)")
    targets = []
    for name in ("mailtui (cold cache)", "mailtui (warm cache)"):
        if aerc_warm and name in medians:
            ratio = medians[name] / aerc_warm
            verdict = "OK" if ratio <= 0.8 else "MISSED"
            targets.append(f"  {name} / aerc (warm cache): {ratio:.2f} (target <= 0.8) {verdict}")
    table_rows = []
    for name in times:
        if name not in medians:
            table_rows.append([name, "timeout", "-", f"{median(peaks[name]) / 1024:.1f}", "-"])
            continue
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        ratio = f"{medians[name] / best_mutt:.2f}" if best_mutt else "-"
        table_rows.append([name, f"{medians[name]:.3f}", spread, f"{median(peaks[name]) / 1024:.1f}", ratio])
    headers = ["client", "first screen s (median)", "min-max", "peak RSS MB", "this / best warm mutt"]
    report = "\n".join(
        [
            f"mailtui IMAP benchmark, {args.count} messages on a private Dovecot (plain IMAP on 127.0.0.1), "
            f"{args.runs} runs each, 120x40 tmux, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
            note,
            f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
            "",
            table(headers, table_rows),
        ]
        + (["", "Target:", *targets] if targets else [])
        + [f"\n{name} timed out; last screen:\n{screen}" for name, screen in last_screen.items()]
    )
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
