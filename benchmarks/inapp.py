"""In-app figures for mailtui on a big Maildir: key-to-redraw, End/Home, search.

    .venv/bin/python benchmarks/inapp.py [--count 100000] [--presses 20] [--work DIR] [--keep]

Measured from outside, like a person sees it: mailtui runs in tmux at 120x40 and the screen
is read with `tmux capture-pane` in a tight loop (each capture costs a few ms, which is the
resolution of these numbers). For each key: "redraw" is the time from send-keys until the
screen differs; "complete" until no placeholder row (date then `…`, drawn while headers
are still being read) is left. Search: `/`, the query, Enter, until the status bar shows
the search count and no "working…". Threads (ctrl+t) and sort (o) are not timed here
(they read every header once, like a search). Prints a table and writes benchmarks/results/inapp.txt.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_maildir import generate, newest_subject  # noqa: E402
from harness import (  # noqa: E402
    Client,
    Harness,
    compile_bytecode,
    median,
    private_home,
    table,
    tree_peak_kb,
)

ROOT = Path(__file__).resolve().parent.parent
MAILTUI = ROOT / ".venv" / "bin" / "mailtui"
RESULTS = Path(__file__).resolve().parent / "results"
PLACEHOLDER = re.compile(r"\d{4}-\d\d-\d\d …( {3,}|\s*$)", re.MULTILINE)


def settled(screen: str) -> bool:
    """True when every visible row has its headers and no worker is running."""
    return PLACEHOLDER.search(screen) is None and "working…" not in screen


def wait_for(
    harness: Harness, window: str, test: Callable[[str], bool], timeout: float
) -> tuple[float | None, str]:
    """Poll the screen until `test(screen)`; (seconds or None on timeout, last screen)."""
    start = time.perf_counter()
    screen = ""
    while time.perf_counter() - start < timeout:
        screen = harness.capture(window)
        if test(screen):
            return time.perf_counter() - start, screen
    return None, screen


def key_latency(
    harness: Harness, window: str, key: str, timeout: float = 10.0
) -> tuple[float | None, float | None]:
    """(seconds to the first changed screen, seconds until settled) after pressing `key`."""
    before = harness.capture(window)
    start = time.perf_counter()
    harness.send_keys(window, key)
    redraw = complete = None
    while time.perf_counter() - start < timeout:
        screen = harness.capture(window)
        now = time.perf_counter() - start
        if redraw is None and screen != before:
            redraw = now
        if redraw is not None and settled(screen):
            complete = now
            break
    return redraw, complete


LIMIT_SHOWN = re.compile(r"limit: .*?  \d+ of \d+")


def search_time(harness: Harness, window: str, query: str, timeout: float) -> tuple[float | None, str]:
    """Seconds from Enter on a limit (`l`: only the matches) until its count is on the status bar."""
    harness.send_keys(window, "l")
    wait_for(harness, window, lambda s: "Limit to messages matching" in s, 5)
    harness.send_keys(window, "C-u")
    harness.send_keys(window, "-l", query)
    start = time.perf_counter()
    harness.send_keys(window, "Enter")
    seen_working = False

    def done(screen: str) -> bool:
        nonlocal seen_working
        seen_working = seen_working or "working…" in screen
        finished = LIMIT_SHOWN.search(screen) is not None and "working…" not in screen
        # Before the worker starts the quick answer shows with no "working…"; wait past it.
        return finished and (seen_working or time.perf_counter() - start > 1.0)

    seconds, screen = wait_for(harness, window, done, timeout)
    line = next((ln for ln in screen.splitlines() if LIMIT_SHOWN.search(ln)), "")
    harness.send_keys(window, "l")
    wait_for(harness, window, lambda s: "Limit to messages matching" in s, 5)
    harness.send_keys(window, "C-u")
    harness.send_keys(window, "Enter")
    return seconds, line.strip()


def order_time(harness: Harness, window: str, key: str, expect: str, timeout: float) -> float | None:
    """Seconds from `key` (ctrl+t threads, o sort) until the app says the order is shown."""
    start = time.perf_counter()
    harness.send_keys(window, key)
    seconds, _screen = wait_for(harness, window, lambda s: expect in s and "working…" not in s, timeout)
    return None if seconds is None else time.perf_counter() - start


def fmt(values: list[float | None]) -> tuple[str, str]:
    """(median ms, max ms) over the values that are not None."""
    got = [v for v in values if v is not None]
    if not got:
        return "timeout", "-"
    return f"{median(got) * 1000:.0f}", f"{max(got) * 1000:.0f}"


def main(argv: list[str] | None = None) -> int:
    """Run the in-app measurements and save benchmarks/results/inapp.txt."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--presses", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--work", type=Path, default=Path("/tmp/mailtui-bench"))
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--queries", nargs="+", default=["certificate", "Newest bench marker"])
    parser.add_argument("--out", type=Path, default=RESULTS / "inapp.txt")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None or not MAILTUI.exists():
        print("needs tmux and the venv's mailtui", file=sys.stderr)
        return 2
    compile_bytecode(MAILTUI.parent / "python", ROOT / "mailtui")  # as an installed copy has
    folder = args.work / f"r{args.count}" / "INBOX"
    if not (folder / "cur").is_dir():
        generate(folder, args.count)
    home = args.work / "home-mailtui"
    env = private_home(home)
    client = Client("mailtui", [str(MAILTUI), "-f", str(folder)], env)
    rows: list[list[str]] = []
    notes: list[str] = []
    try:
        with Harness() as harness:
            window, pid = harness.launch(client)
            try:
                marker = newest_subject(args.count)
                first, screen = wait_for(harness, window, lambda s: marker in s and settled(s), args.timeout)
                if first is None:
                    print(f"mailtui did not settle on its first screen:\n{screen}", file=sys.stderr)
                    return 1
                rss_open = tree_peak_kb(pid)
                downs = [key_latency(harness, window, "PageDown") for _ in range(args.presses)]
                rows.append(
                    ["PageDown", str(len(downs)), *fmt([d[0] for d in downs]), *fmt([d[1] for d in downs])]
                )
                ends: list[tuple[float | None, float | None]] = []
                homes: list[tuple[float | None, float | None]] = []
                for _ in range(5):
                    ends.append(key_latency(harness, window, "End"))
                    homes.append(key_latency(harness, window, "Home"))
                rows.append(["End", str(len(ends)), *fmt([d[0] for d in ends]), *fmt([d[1] for d in ends])])
                rows.append(
                    ["Home", str(len(homes)), *fmt([d[0] for d in homes]), *fmt([d[1] for d in homes])]
                )
                for query in args.queries:
                    seconds, line = search_time(harness, window, query, args.timeout)
                    value = "timeout" if seconds is None else f"{seconds * 1000:.0f}"
                    rows.append([f"search {query!r}", "1", "-", "-", value, value])
                    notes.append(f"search {query!r}: status bar said {line!r}")
                    wait_for(harness, window, lambda s: " shown)" not in s, 5)
                rss_search = tree_peak_kb(pid)
                # Threads and a sort read every header once (from the cache the searches filled).
                threads = order_time(harness, window, "C-t", "messages in threads.", args.timeout)
                value = "timeout" if threads is None else f"{threads * 1000:.0f}"
                rows.append(["threads (ctrl+t)", "1", "-", "-", value, value])
                folds = [key_latency(harness, window, "Z") for _ in range(2)]  # collapse all, expand all
                rows.append(
                    ["collapse/expand all (Z)", "2", *fmt([d[0] for d in folds]), *fmt([d[1] for d in folds])]
                )
                rss_threads = tree_peak_kb(pid)
                harness.send_keys(window, "C-t")  # back to date order
                wait_for(harness, window, lambda s: "by date, newest first" in s, 10)
                by_from = order_time(harness, window, "o", "by sender, A to Z", args.timeout)
                value = "timeout" if by_from is None else f"{by_from * 1000:.0f}"
                rows.append(["sort by from (o)", "1", "-", "-", value, value])
                rss_end = tree_peak_kb(pid)
            finally:
                harness.kill(window, pid)
    finally:
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    headers = ["action", "n", "redraw ms (median)", "redraw max", "complete ms (median)", "complete max"]
    report = "\n".join(
        [
            f"mailtui in-app figures, {args.count} messages, 120x40 tmux, "
            f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
            f"first screen settled (marker shown, no placeholder, not working) after {first:.3f} s",
            "",
            table(headers, rows),
            "",
            *notes,
            f"peak RSS: {rss_open / 1024:.1f} MB after opening, {rss_search / 1024:.1f} MB after the searches, "
            f"{rss_threads / 1024:.1f} MB after threads, {rss_end / 1024:.1f} MB after the sort (target <= 160)",
            f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
            "Target: PageDown median key-to-redraw <= 50 ms: "
            + ("OK" if rows[0][2] != "timeout" and float(rows[0][2]) <= 50 else "MISSED"),
        ]
    )
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
