"""Start-up (issue 18): the first screen broken down, beside the framework's floor, mutt and aerc.

    .venv/bin/python benchmarks/startup.py [--runs 5] [--sizes 10000 100000] [--imap-count 10000]

One run of this script gives every figure of the issue, on one machine, interleaved:

1. **Floors and CLI twins**: `python -c pass` from the venv, `import textual.app`, and the
   CLI commands that do no network (`--help`, `explain`, `decode`, `headers` on a small
   file), median wall time each, as a ratio to `python -c pass` (target <= 2).
2. **First screen**, per Maildir size, in a 120x40 tmux read from outside (harness.py):
   mailtui, a minimal Textual app that shows one line (the floor, `textual hello`), mutt and
   neomutt with a warm header cache, aerc. Rows are launched round-robin, so load elsewhere
   hits every client alike.
3. **Breakdown** of mailtui's first screen (`startup_probe.py`, in tmux too): when the
   interpreter, the CLI, the config, the UI import, the backend's listing, the first layout
   and the first frame were done, medians over the runs.
4. **IMAP**: the first screen of an `--imap-count` INBOX on a private Dovecot (plain IMAP
   on loopback), mailtui (warm sqlite cache) next to mutt/neomutt (warm hcache) and aerc.
5. The **import-time profile** of one probe launch (`python -X importtime`): the slowest
   modules, cumulative, loaded before the first frame.

Writes benchmarks/results/startup.txt (`--out`). Missing peers are named and skipped.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
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
    compile_bytecode,
    median,
    missing_tools,
    private_home,
    table,
)
from open_maildir import clients as maildir_clients  # noqa: E402

MAILTUI = ROOT / ".venv" / "bin" / "mailtui"
PYTHON = ROOT / ".venv" / "bin" / "python"
PROBE = HERE / "startup_probe.py"
STAGES = (
    "interpreter",
    "cli imported",
    "config",
    "ui imported",
    "backend listed",
    "first layout",
    "first frame",
)
# The first-screen rows kept from open_maildir's list (cold caches are open_maildir's subject).
MAILDIR_ROWS = ("mailtui", "textual hello (floor)", "mutt (warm hcache)", "neomutt (warm hcache)", "aerc")
SMALL_MESSAGE = "From: Alice <alice@example.org>\nTo: bob@example.org\nSubject: hi\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nbody\n"


def mailtui_env(home: Path) -> dict[str, str]:
    return private_home(home)


def cli_twins(work: Path, repeat: int) -> tuple[str, dict[str, float]]:
    """Median wall time of each offline CLI command and of `python -c pass` (same venv)."""
    small = work / "small.eml"
    small.write_text(SMALL_MESSAGE)
    env = {**os.environ, **mailtui_env(work / "home-cli")}
    commands = {
        "python -c pass": [str(PYTHON), "-c", "pass"],
        "python -c 'import textual.app'": [str(PYTHON), "-c", "import textual.app"],
        "mailtui --help": [str(MAILTUI), "--help"],
        "mailtui explain 550 5.1.1": [str(MAILTUI), "explain", "550", "5.1.1"],
        "mailtui decode =?utf-8?q?caf=C3=A9?=": [str(MAILTUI), "decode", "=?utf-8?q?caf=C3=A9?="],
        "mailtui headers small.eml": [str(MAILTUI), "headers", str(small)],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):  # interleaved, like the screens
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, capture_output=True, env=env, check=True)
            times[name].append(time.perf_counter() - start)
    medians = {name: median(t) for name, t in times.items()}
    floor = medians["python -c pass"]
    rows = [[name, f"{m * 1000:.1f}", f"{m / floor:.2f}"] for name, m in medians.items()]
    text = f"CLI start, {repeat} runs each (median)\n" + table(["command", "ms", "/ python -c pass"], rows)
    return text, medians


def probe_client(work: Path, folder: Path, out: Path, importtime: Path | None = None) -> Client:
    env = mailtui_env(work / "home-mailtui")
    argv = [str(PYTHON), str(PROBE), str(out), "-f", str(folder)]
    if importtime is not None:
        argv = [
            "sh",
            "-c",
            f"exec {PYTHON} -X importtime {PROBE} {out} -f {folder} 2>{importtime}",
        ]

    def before() -> None:
        out.unlink(missing_ok=True)
        env["STARTUP_T0"] = repr(time.time())

    return Client("mailtui probe", argv, env, before)


def run_probe(harness: Harness, client: Client, out: Path, timeout: float) -> dict[str, float] | None:
    """One probe launch; its stage times (None when it did not reach the first frame)."""
    window, pid = harness.launch(client)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if out.exists() and out.stat().st_size:
                try:
                    return json.loads(out.read_text())["stamps"]
                except json.JSONDecodeError:
                    pass  # still being written
            time.sleep(0.02)
        return None
    finally:
        harness.kill(window, pid)


def first_screens(
    harness: Harness, work: Path, count: int, runs: int, timeout: float
) -> tuple[str, dict[str, float]]:
    """First screen of a `count` Maildir for each client, and mailtui's stage breakdown."""
    root = work / f"r{count}"
    if not (root / "INBOX" / "cur").is_dir():
        generate(root / "INBOX", count)
    marker = newest_subject(count)
    rows = [c for c in maildir_clients(work, root, marker) if c.name in MAILDIR_ROWS]
    out = work / f"probe-{count}.json"
    probe = probe_client(work, root / "INBOX", out)
    for client in rows:  # warm-up: page cache for all, mutt's header cache, mailtui's sqlite cache
        harness.measure(client, marker, timeout=timeout, settle=0.2)
    times: dict[str, list[float]] = {c.name: [] for c in rows}
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    for i in range(runs):
        for client in rows:
            run = harness.measure(client, marker, timeout=timeout, settle=0.2)
            if run.seconds is not None:
                times[client.name].append(run.seconds)
            print(f"  {count:>6} run {i + 1}/{runs} {client.name:<24} {run.seconds}", flush=True)
        stamps = run_probe(harness, probe, out, timeout)
        for stage in STAGES:
            if stamps and stage in stamps:
                stages[stage].append(stamps[stage])
    medians = {name: median(t) for name, t in times.items() if t}
    mine = medians.get("mailtui")
    table_rows = []
    for client in rows:
        name = client.name
        if name not in medians:
            table_rows.append([name, "timeout", "-", "-"])
            continue
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        table_rows.append(
            [name, f"{medians[name]:.3f}", spread, f"{mine / medians[name]:.2f}" if mine else "-"]
        )
    text = f"Maildir {count} messages, first screen, {runs} runs each, 120x40 tmux\n" + table(
        ["client", "s (median)", "min-max", "mailtui / this"], table_rows
    )
    if all(stages.values()):
        prev = 0.0
        breakdown = []
        for stage in STAGES:
            at = median(stages[stage])
            breakdown.append([stage, f"{at * 1000:.0f}", f"{(at - prev) * 1000:+.0f}"])
            prev = max(prev, at) if stage != "backend listed" else prev
        text += (
            "\n\nmailtui's first screen, stage by stage (startup_probe.py, medians; 'backend listed' runs\n"
        )
        text += "on a thread beside the UI import, so its step is from 'config')\n"
        text += table(["stage done", "ms since launch", "step ms"], breakdown)
    return text, medians


def importtime_profile(harness: Harness, work: Path, count: int, timeout: float, top: int = 25) -> str:
    """The slowest imports (cumulative) of one probe launch, before the first frame."""
    out = work / "probe-importtime.json"
    log = work / "importtime.txt"
    client = probe_client(work, work / f"r{count}" / "INBOX", out, importtime=log)
    if run_probe(harness, client, out, timeout) is None:
        return "import-time profile: the probe did not reach the first frame"
    entries = []
    for line in log.read_text().splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line[len("import time:") :].split("|")
        entries.append((int(cumulative), int(own), name.strip()))
    entries.sort(reverse=True)
    rows = [[name, f"{cum / 1000:.1f}", f"{own / 1000:.1f}"] for cum, own, name in entries[:top]]
    total = sum(own for _, own, _ in entries) / 1000
    return (
        f"import-time profile of one launch on {count} messages (python -X importtime; all imports "
        f"before the first frame: {total:.0f} ms of own time)\n"
        + table(["module", "cumulative ms", "self ms"], rows)
    )


def imap_screens(
    harness: Harness, work: Path, count: int, runs: int, timeout: float
) -> tuple[str, dict[str, float]]:
    """First screen of a `count` INBOX on a private Dovecot: warm caches for every client."""
    from open_imap import PASSWORD, USER, warm_server
    from open_imap import clients as imap_clients

    from tests.backends.dovecot_server import DovecotServer, dovecot_available

    if not dovecot_available():
        return "IMAP: dovecot-imapd is not installed; skipped", {}
    with DovecotServer() as server:
        server.add_user(USER, PASSWORD)
        generate(server.folder_path(USER), count)
        server.seed(USER, [])
        warm_server(server, count)
        marker = newest_subject(count)
        rows = [c for c in imap_clients(work / "imap", server.imap_port) if "cold" not in c.name]
        for client in rows:
            harness.measure(client, marker, timeout=timeout, settle=0.5)
        times: dict[str, list[float]] = {c.name: [] for c in rows}
        for i in range(runs):
            for client in rows:
                time.sleep(0.5)  # Dovecot finishes what a killed client left
                run = harness.measure(client, marker, timeout=timeout, settle=0.2)
                if run.seconds is not None:
                    times[client.name].append(run.seconds)
                print(f"  imap {count} run {i + 1}/{runs} {client.name:<24} {run.seconds}", flush=True)
    medians = {name: median(t) for name, t in times.items() if t}
    mine = medians.get("mailtui (warm cache)")
    table_rows = [
        [n, f"{medians[n]:.3f}", f"{min(t):.3f}-{max(t):.3f}", f"{mine / medians[n]:.2f}" if mine else "-"]
        for n, t in times.items()
        if t
    ]
    text = f"IMAP {count} messages (Dovecot on loopback), first screen, {runs} runs each\n" + table(
        ["client", "s (median)", "min-max", "mailtui / this"], table_rows
    )
    return text, medians


def targets(cli: dict[str, float], maildir: dict[int, dict[str, float]], imap: dict[str, float]) -> str:
    lines = ["Targets (issue 18), ratios from this run:"]

    def check(label: str, value: float | None, limit: float) -> None:
        if value is None:
            lines.append(f"  {label}: not measured")
        else:
            lines.append(f"  {label}: {value:.2f} (target <= {limit}) {'OK' if value <= limit else 'MISSED'}")

    small = maildir.get(10_000, {})
    big = maildir.get(100_000, {})

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a and b else None

    check(
        "Maildir 10k: mailtui / mutt warm", ratio(small.get("mailtui"), small.get("mutt (warm hcache)")), 1.0
    )
    check(
        "IMAP 10k: mailtui / mutt warm",
        ratio(imap.get("mailtui (warm cache)"), imap.get("mutt (warm hcache)")),
        1.5,
    )
    check(
        "Maildir 10k: mailtui / minimal Textual app",
        ratio(small.get("mailtui"), small.get("textual hello (floor)")),
        1.3,
    )
    check("Maildir 100k: mailtui / aerc", ratio(big.get("mailtui"), big.get("aerc")), 0.4)
    floor = cli["python -c pass"]
    for name, value in cli.items():
        if name.startswith("mailtui"):
            check(f"{name} / python -c pass", value / floor, 2.0)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--imap-count", type=int, default=10_000, help="0: no IMAP rows")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cli-runs", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "startup.txt")
    args = parser.parse_args(argv)
    missing = missing_tools(["tmux", "mutt", "neomutt", "aerc"])
    if "tmux" in missing:
        print("tmux is missing (apt-get install tmux)", file=sys.stderr)
        return 2
    compile_bytecode(PYTHON, ROOT / "mailtui")  # as `make` and an installed wheel have it
    work = Path(tempfile.mkdtemp(prefix="mailtui-bench-startup-"))
    blocks = [
        f"mailtui start-up benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load average at start {os.getloadavg()[0]:.1f}",
    ]
    versions = []
    for prog in ("mutt", "neomutt", "aerc"):
        if shutil.which(prog):
            out = subprocess.run([prog, "-v"], capture_output=True, text=True).stdout.splitlines()
            versions.append(out[0] if out else prog)
    blocks.append(
        "peers: "
        + ("; ".join(versions) or "none")
        + (f" (not installed: {', '.join(missing)})" if missing else "")
    )
    maildir: dict[int, dict[str, float]] = {}
    imap: dict[str, float] = {}
    try:
        text, cli = cli_twins(work, args.cli_runs)
        blocks.append(text)
        print(text, flush=True)
        with Harness() as harness:
            for count in args.sizes:
                text, maildir[count] = first_screens(harness, work, count, args.runs, args.timeout)
                blocks.append(text)
                print(text, flush=True)
            blocks.append(importtime_profile(harness, work, min(args.sizes), args.timeout))
            if args.imap_count:
                text, imap = imap_screens(harness, work, args.imap_count, args.runs, args.timeout)
                blocks.append(text)
                print(text, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    blocks.append(targets(cli, maildir, imap))
    blocks.append(f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    report = "\n\n".join(blocks) + "\n"
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
