"""Maildir first-screen comparison: mailtui vs mutt, neomutt and aerc.

    .venv/bin/python benchmarks/open_maildir.py [--sizes 10000 100000] [--runs 5] [--work DIR] [--keep]

For each size: generate WORK/r<N>/INBOX (seeded, see gen_maildir.py), then for every client
one unmeasured warm-up launch (warms the OS page cache for all, and mutt's header cache for
the "warm" rows), then `--runs` launches interleaved round-robin. Each launch is measured by
harness.Harness: time until the newest subject is on a 120x40 screen, and peak RSS. Prints a
table with medians, ratios against mailtui, the scandir floor and the targets, and writes
it to benchmarks/results/maildir.txt. Missing clients are named and skipped, not installed.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    scandir_floor,
    table,
)

ROOT = Path(__file__).resolve().parent.parent
MAILTUI = ROOT / ".venv" / "bin" / "mailtui"
PYTHON = ROOT / ".venv" / "bin" / "python"
RESULTS = Path(__file__).resolve().parent / "results"

MUTTRC = """\
set mbox_type=Maildir
set folder={root}
set spoolfile={folder}
# reverse-date: the newest is on the top row, and mutt's cursor goes to the first
# unread message, which the generator keeps among the newest 15: first screen for sure.
set sort=reverse-date
{cache}
set mail_check_stats=no
set beep_new=no
set quit=yes
set wait_key=no
"""

TEXTUAL_HELLO = (
    "from textual.app import App\n"
    "from textual.widgets import Static\n"
    "class Hello(App):\n"
    "    def compose(self):\n"
    "        yield Static({marker!r})\n"
    "Hello().run()\n"
)


def clients(work: Path, root: Path, marker: str) -> list[Client]:
    """The client rows for the Maildir at root/INBOX, with their private homes under `work`."""
    folder = root / "INBOX"
    found: list[Client] = []
    home = work / "home-mailtui"
    env = private_home(home)
    found.append(Client("mailtui", [str(MAILTUI), "-f", str(folder)], env))
    # The floor for any Textual app: start Python, import textual, draw one line.
    found.append(
        Client("textual hello (floor)", [str(PYTHON), "-c", TEXTUAL_HELLO.format(marker=marker)], env)
    )
    for prog in ("mutt", "neomutt"):
        if shutil.which(prog) is None:
            continue
        home = work / f"home-{prog}"
        home.mkdir(parents=True, exist_ok=True)
        cache = home / "hcache"
        for mode in ("cold", "warm"):
            rc = home / f"muttrc-{mode}"
            rc.write_text(MUTTRC.format(root=root, folder=folder, cache=f"set header_cache={cache}"))
            # -n: no system muttrc, so Debian's defaults do not change the comparison.
            argv = [prog, "-n", "-F", str(rc), "-f", str(folder)]
            hook = remover(cache) if mode == "cold" else None
            found.append(Client(f"{prog} ({mode} hcache)", argv, {"HOME": str(home)}, hook))
    if shutil.which("aerc") is not None:
        env = aerc_home(work / "home-aerc", f"maildir://{root}")
        found.append(Client("aerc", ["aerc"], env))
    return found


def command_floor(argv: list[str], repeat: int = 5) -> float:
    """Median wall time of a short command (Python start, textual import)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return median(times)


def run_size(
    harness: Harness, work: Path, count: int, runs: int, timeout: float
) -> tuple[str, dict[str, float]]:
    """Generate (or reuse) the Maildir of `count` messages and measure every client on it."""
    root = work / f"r{count}"
    if not (root / "INBOX" / "cur").is_dir():
        start = time.perf_counter()
        generate(root / "INBOX", count)
        print(f"generated {count} messages in {time.perf_counter() - start:.1f} s", flush=True)
    marker = newest_subject(count)
    rows = clients(work, root, marker)
    for client in rows:
        if client.name.endswith("(cold hcache)"):
            continue  # a cold row's warm-up would only be thrown away by its own hook
        warm = harness.measure(client, marker, timeout=timeout, settle=0.2)
        if warm.seconds is None:
            print(
                f"{client.name}: warm-up launch did not show {marker!r}; last screen:\n{warm.screen}",
                flush=True,
            )
    times: dict[str, list[float]] = {c.name: [] for c in rows}
    peaks: dict[str, list[int]] = {c.name: [] for c in rows}
    failed: dict[str, int] = {c.name: 0 for c in rows}
    for i in range(runs):
        for client in rows:
            run = harness.measure(client, marker, timeout=timeout)
            if run.seconds is None:
                failed[client.name] += 1
            else:
                times[client.name].append(run.seconds)
            peaks[client.name].append(run.peak_kb)
            print(
                f"  {count:>6} run {i + 1}/{runs} {client.name:<24} {run.seconds}  {run.peak_kb} kB",
                flush=True,
            )
    medians = {name: median(t) for name, t in times.items() if t}
    mine = medians.get("mailtui")
    table_rows = []
    for client in rows:
        name = client.name
        if name not in medians:
            table_rows.append([name, f"timeout ({timeout:.0f} s) x{failed[name]}", "-", "-", "-"])
            continue
        ratio = f"{mine / medians[name]:.2f}" if mine is not None else "-"
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        table_rows.append(
            [name, f"{medians[name]:.3f}", spread, f"{median(peaks[name]) / 1024:.1f}", ratio]
            + ([f"{failed[name]} timed out"] if failed[name] else [])
        )
    floor = scandir_floor(root / "INBOX")
    table_rows.append(
        ["scandir floor (in-process)", f"{floor:.4f}", "-", "-", f"{mine / floor:.0f}" if mine else "-"]
    )
    headers = ["client", "first screen s (median)", "min-max", "peak RSS MB", "mailtui / this"]
    text = f"{count} messages, {runs} runs each, 120x40 tmux\n" + table(headers, [r[:5] for r in table_rows])
    summary = {f"{k}": v for k, v in medians.items()}
    summary["_rss_mailtui_mb"] = median(peaks["mailtui"]) / 1024
    return text, summary


def targets(results: dict[int, dict[str, float]]) -> str:
    """The issue's targets, checked on the largest and smallest size measured."""
    sizes = sorted(results)
    big, small = results[sizes[-1]], results[sizes[0]]
    lines = [f"Targets, at {sizes[-1]} messages:"]

    def check(label: str, value: float | None, limit: float) -> None:
        if value is None:
            lines.append(f"  {label}: not measured")
        else:
            lines.append(f"  {label}: {value:.2f} (target <= {limit}) {'OK' if value <= limit else 'MISSED'}")

    mine = big.get("mailtui")
    aerc = big.get("aerc")
    mutt_warm = big.get("mutt (warm hcache)")
    check("mailtui / aerc", mine / aerc if mine and aerc else None, 0.6)
    check("mailtui / mutt(warm)", mine / mutt_warm if mine and mutt_warm else None, 0.5)
    if len(sizes) > 1 and mine and small.get("mailtui"):
        check(f"mailtui {sizes[-1]} / {sizes[0]} first screen", mine / small["mailtui"], 1.3)
    check("mailtui peak RSS MB", big.get("_rss_mailtui_mb"), 160)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison, print the tables, save them to benchmarks/results/maildir.txt."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/mailtui-bench"))
    parser.add_argument("--keep", action="store_true", help="keep the generated Maildirs")
    parser.add_argument("--out", type=Path, default=RESULTS / "maildir.txt")
    args = parser.parse_args(argv)
    missing = missing_tools(["tmux", "mutt", "neomutt", "aerc"])
    if "tmux" in missing:
        print("tmux is missing (apt-get install tmux); nothing to measure with", file=sys.stderr)
        return 2
    if missing:
        print(f"not installed, skipped: {', '.join(missing)} (apt-get install {' '.join(missing)})")
    if not MAILTUI.exists():
        print(f"{MAILTUI} is missing: make the venv first", file=sys.stderr)
        return 2
    compile_bytecode(MAILTUI.parent / "python", ROOT / "mailtui")  # as an installed copy has
    args.work.mkdir(parents=True, exist_ok=True)
    blocks = [
        f"mailtui Maildir benchmark, {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
        f"{platform.node()}, Python {platform.python_version()}, {platform.machine()}",
    ]
    versions = []
    for prog, flag in (("mutt", "-v"), ("neomutt", "-v"), ("aerc", "-v")):
        if shutil.which(prog):
            out = subprocess.run([prog, flag], capture_output=True, text=True).stdout.splitlines()
            versions.append(out[0] if out else prog)
    blocks.append("peers: " + "; ".join(versions))
    py = command_floor([str(PYTHON), "-c", "pass"])
    tx = command_floor([str(PYTHON), "-c", "import textual.app"])
    blocks.append(f"floors: python start {py:.3f} s; python + import textual.app {tx:.3f} s")
    results: dict[int, dict[str, float]] = {}
    try:
        with Harness() as harness:
            for count in args.sizes:
                text, summary = run_size(harness, args.work, count, args.runs, args.timeout)
                results[count] = summary
                blocks.append(text)
                print(text, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    blocks.append(targets(results))
    blocks.append(
        f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(other work on the machine shows up as spread: compare min-max)"
    )
    report = "\n\n".join(blocks) + "\n"
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
