"""Every in-app action on a big Maildir, mailtui next to mutt and neomutt, in one run.

    .venv/bin/python benchmarks/actions.py [--count 100000] [--runs 3] [--work DIR] [--keep]

Each client runs in a private tmux server at 120x40, read with `tmux capture-pane` like the
other scripts here. One session per client and run: launch, first screen, then the same
actions, each timed from the key that starts the work until its result is on screen, and
the peak RSS of the process tree (`tree_peak_kb`, sampled on every poll) after them all:
- limit `l ~s QUERY` (show only the matches; the same key in mailtui, mutt and neomutt),
  first after opening and again; `/` (jump to the next match, the same in all three) has
  its own row; mailtui's limit also with a fresh header cache (in a session of its own);
- sort by from, subject, size, date (mailtui `o` cycles date -> from -> subject -> size;
  mutt `o f`, `o s`, `O z`, `O d`: the same orders); threads on and off (mailtui ctrl+t
  twice; mutt `o t`, `O d`); open the newest message (Enter on the top row until its body
  is on screen) and back (q).
"Done" is read per client: mailtui's status bar (or notification) names the order or the
search count and no "working…" is shown; mutt's status line (`status_format` showing `%s`
and `%M/%m`) the sort or the limited count. A result counts once it holds for `--grace`
seconds (not included), so an early partial answer is not taken for the end. Clients
alternate round-robin; medians of `--runs`. Missing peers are named and skipped, never
installed. Prints the table and writes results/actions-<count>.txt.
"""

from __future__ import annotations

import argparse
import datetime
import email
import email.policy
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_maildir import generate, newest_subject  # noqa: E402
from harness import (  # noqa: E402
    Client,
    Harness,
    Live,
    bottom,
    compile_bytecode,
    line_with,
    median,
    missing_tools,
    private_home,
    remover,
    save_report,
    table,
    tree_peak_kb,
)
from open_maildir import MUTTRC  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MAILTUI = ROOT / ".venv" / "bin" / "mailtui"
RESULTS = Path(__file__).resolve().parent / "results"
# No word of gen_maildir's vocabulary matches ~1% of subjects (each of the 58 is in 7-12%:
# subjects are 3-8 of them); "#12" (subjects numbered #12, #120-129, #1200-1299, ...) matches
# ~0.7% at 10k and ~1.1% at 100k, the same substring for mailtui and mutt's regex.
QUERY = "~s #12"
# mutt's status line, made readable: the sort method, then shown/total when limited.
MUTT_EXTRA = """\
set status_format="-- BENCH sort=%s msgs=%?M?%M/?%m --%>-"
set arrow_cursor=yes
set sleep_time=0
set move=no
"""
MUTT_STATUS = re.compile(r"BENCH sort=(\S+) msgs=(\d+)(?:/(\d+))?")
PLACEHOLDER = re.compile(r"\d{4}-\d\d-\d\d …( {3,}|\s*$)", re.MULTILINE)
MAILTUI_LIMIT = re.compile(r"limit: .*?  (\d+) of \d+")
MAILTUI_JUMP = re.compile(r"\(search '[^']*': (\d+) match(?:es)?\)")
# What mailtui's status bar or notification says once each step's order is shown.
MAILTUI_ORDERS = {
    "from": "by sender, A to Z",
    "subject": "by subject, A to Z",
    "size": "by size, biggest first",
    "date": "by date, newest first",
    "threads on": "in threads",
    "threads off": "by date, newest first",
}
TOAST = "▌"  # the left edge of a Textual notification
PEER_TIMEOUT = 30.0  # seconds per action for mutt/neomutt (a changed status line never seen)


def body_markers(folder: Path) -> tuple[str, tuple[str, str], str]:
    """(file name of the newest message, the start of its first two body lines, its name part
    before the flags) - the body is what "opened" waits for."""
    names = [(n, sub) for sub in ("cur", "new") for n in os.listdir(folder / sub)]
    name, sub = max(names)
    with open(folder / sub / name, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    part = msg.get_body(preferencelist=("plain",))
    text = part.get_content() if part is not None else ""
    lines = [ln.strip()[:40] for ln in text.splitlines() if ln.strip()] + ["", ""]
    return f"{sub}/{name}", (lines[0], lines[1]), name.split(":2,")[0]


def restore_name(folder: Path, original: str, base: str) -> None:
    """Give the newest message back its original flags (opening it marks it read)."""
    if (folder / original).exists():
        return
    for sub in ("cur", "new"):
        for name in os.listdir(folder / sub):
            if name.split(":2,")[0] == base:
                os.rename(folder / sub / name, folder / original)
                return


# -- the clients ------------------------------------------------------------------------------
@dataclass
class Driver:
    """How one client does each action: keys, and how its screen says "done"."""

    name: str
    client: Client
    results: dict[str, list[float]] = field(default_factory=dict)
    timeouts: dict[str, int] = field(default_factory=dict)
    counts: set[str] = field(default_factory=set)

    def record(self, action: str, seconds: float | None) -> None:
        if seconds is None:
            self.timeouts[action] = self.timeouts.get(action, 0) + 1
        else:
            self.results.setdefault(action, []).append(seconds)


class MailtuiDriver(Driver):
    """mailtui: `l` limit, `/` search, `o` sort cycle, ctrl+t threads, Enter/q for the pager."""

    def settled(self, screen: str) -> bool:
        return "[-f]" in screen and PLACEHOLDER.search(screen) is None and "working…" not in screen

    @staticmethod
    def status(screen: str) -> str:
        return line_with(screen, "[-f]")

    def search(self, live: Live, query: str, timeout: float) -> tuple[float | None, str]:
        """`l` (limit: only the matches shown), as mutt's `l`."""
        live.keys("l")
        live.wait(lambda s: "Limit to messages matching" in s, 10)
        live.keys("C-u")  # the prompt offers the current pattern: type over it
        live.text(query)
        live.wait(lambda s: query in bottom(s, 3), 5)

        def done(screen: str) -> str | None:
            line = self.status(screen)
            return line if MAILTUI_LIMIT.search(line) and "working…" not in screen else None

        seconds, sig = live.timed(["Enter"], done, timeout)
        found = MAILTUI_LIMIT.search(sig)
        return seconds, found.group(1) if found and seconds is not None else "?"

    def clear_search(self, live: Live) -> None:
        live.keys("l")
        live.wait(lambda s: "Limit to messages matching" in s, 10)
        live.keys("C-u", "Enter")
        live.wait(lambda s: "limit:" not in self.status(s) and "[-f]" in s, 30)

    def jump_search(self, live: Live, query: str, timeout: float) -> float | None:
        """`/` as mutt's: the cursor moves to the next match; done when the count is shown."""
        live.keys("/")
        live.wait(lambda s: "Search (mutt patterns" in s, 10)
        live.text(query)
        live.wait(lambda s: query in bottom(s, 3), 5)

        def done(screen: str) -> str | None:
            line = self.status(screen)
            return line if MAILTUI_JUMP.search(line) and "working…" not in screen else None

        seconds = live.timed(["Enter"], done, timeout)[0]
        live.keys("Escape")
        live.wait(lambda s: "(search" not in self.status(s), 10)
        return seconds

    def order(self, live: Live, step: str, timeout: float) -> float | None:
        """`step`: "from", "subject", "size", "date" (each an `o`) or "threads on/off"."""
        want = MAILTUI_ORDERS[step]
        others = {name for name in MAILTUI_ORDERS.values() if name != want}

        # A new order is named on the status bar (and in a notification, which may cover
        # the end of the status bar). The listing's own order (date) is named in the
        # notification only: it is shown in the same frame as the status bar drops the
        # order name (no worker), so that frame is the result, as for mutt's status line.
        def done(screen: str) -> str | None:
            if "working…" in screen or PLACEHOLDER.search(screen) is not None:
                return None
            if want != MAILTUI_ORDERS["date"]:
                return want if want in screen else None
            status = self.status(screen)
            return status if not any(name in status for name in others) else None

        key = "C-t" if step.startswith("threads") else "o"
        return live.timed([key], done, timeout)[0]

    def open_newest(self, live: Live, markers: tuple[str, str], timeout: float) -> float | None:
        live.keys("Home")
        live.wait(lambda s: "[-f]" in s, 5)
        time.sleep(live.grace)  # Home has no visible sign once the cursor is on the top row
        return live.timed(["Enter"], lambda s: s if all(m in s for m in markers) else None, timeout)[0]

    def back(self, live: Live, timeout: float) -> float | None:
        return live.timed(["q"], lambda s: self.status(s) or None, timeout)[0]


class MuttDriver(Driver):
    """mutt and neomutt: `l` limit, `/` search, `o`/`O` sorts, Enter/q for the pager."""

    def settled(self, screen: str) -> bool:
        return MUTT_STATUS.search(screen) is not None

    @staticmethod
    def status(screen: str) -> re.Match[str] | None:
        return MUTT_STATUS.search(screen)

    def prompt(self, live: Live, key: str, prompt: str, text: str = "") -> None:
        live.keys(key)
        live.wait(lambda s: prompt in bottom(s), 10)
        if text:
            live.keys("C-u")  # the limit prompt offers the current pattern: type over it
            live.text(text)
            live.wait(lambda s: text in bottom(s), 5)

    def search(self, live: Live, query: str, timeout: float) -> tuple[float | None, str]:
        self.prompt(live, "l", "Limit to messages matching", query)

        def done(screen: str) -> str | None:
            found = self.status(screen)
            if found is None or found.group(3) is None or "Limit to" in bottom(screen):
                return None
            return found.group(0)

        seconds, sig = live.timed(["Enter"], done, timeout)
        found = MUTT_STATUS.search(sig)
        return seconds, found.group(2) if found and seconds is not None else "?"

    def clear_search(self, live: Live) -> None:
        self.prompt(live, "l", "Limit to messages matching", "all")
        live.keys("Enter")
        live.wait(lambda s: (m := self.status(s)) is not None and m.group(3) is None, 30)

    def jump_search(self, live: Live, query: str, timeout: float) -> float | None:
        """mutt's `/`: the cursor (`->` with arrow_cursor) moves to the next match."""
        before = line_with(live.screen(), "->")
        self.prompt(live, "/", "Search for", query)

        def done(screen: str) -> str | None:
            cursor = line_with(screen, "->")
            tail = bottom(screen)
            busy = "Search for" in tail or "Searching" in tail
            return cursor if cursor and cursor != before and not busy else None

        return live.timed(["Enter"], done, timeout)[0]

    def order(self, live: Live, step: str, timeout: float) -> float | None:
        key, letter, want = {
            "from": ("o", "f", "from"),
            "subject": ("o", "s", "subject"),
            "size": ("O", "z", "reverse-size"),
            "date": ("O", "d", "reverse-date"),
            "threads on": ("o", "t", "threads"),
            "threads off": ("O", "d", "reverse-date"),
        }[step]
        self.prompt(live, key, "Sort (")

        def done(screen: str) -> str | None:
            found = self.status(screen)
            if found is None or found.group(1) != want or "Sort (" in bottom(screen):
                return None
            return found.group(0)

        return live.timed([letter], done, timeout)[0]

    def open_newest(self, live: Live, markers: tuple[str, str], timeout: float) -> float | None:
        live.keys("=")
        live.wait(
            lambda s: (lines := s.splitlines()) != [] and any(ln.startswith("->") for ln in lines[:3]), 5
        )
        return live.timed(["Enter"], lambda s: s if all(m in s for m in markers) else None, timeout)[0]

    def back(self, live: Live, timeout: float) -> float | None:
        return live.timed(["q"], lambda s: m.group(0) if (m := self.status(s)) else None, timeout)[0]


AnyDriver = MailtuiDriver | MuttDriver


def launch(
    harness: Harness, driver: AnyDriver, marker: str, grace: float, timeout: float
) -> tuple[Live, float | None]:
    """Start the client; (the live session, seconds to the first screen or None)."""
    start = time.perf_counter()
    window, pid = harness.launch(driver.client)
    # Before each timed key: no notification left by the step before, covering what it waits for.
    live = Live(harness, window, pid, grace, lambda s: TOAST not in s)
    seen = live.wait(lambda s: marker in s, timeout)
    first = time.perf_counter() - start if seen is not None else None
    live.wait(driver.settled, timeout)
    return live, first


def quit_cleanly(live: Live) -> None:
    """Quit as a user does (mutt writes its header cache on close), then make sure it is gone."""
    live.keys("q")
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and os.path.exists(f"/proc/{live.pid}"):
        time.sleep(0.05)
    live.harness.kill(live.window, live.pid)


def sequence(live: Live, driver: AnyDriver, query: str, markers: tuple[str, str], timeout: float) -> None:
    """The measured actions, in order, on one open client."""
    for label in ("search", "search again"):
        seconds, count = driver.search(live, query, timeout)
        driver.record(label, seconds)
        driver.counts.add(count)
        driver.clear_search(live)
    driver.record("jump search", driver.jump_search(live, query, timeout))
    for step in ("from", "subject", "size", "date", "threads on", "threads off"):
        driver.record(step, driver.order(live, step, timeout))
    driver.record("open", driver.open_newest(live, markers, timeout))
    driver.record("back", driver.back(live, timeout))


ROWS = (
    ("first screen", "first screen (launch to newest subject)"),
    ("search", "limit l {q} first after opening"),
    ("search again", "limit l {q} again"),
    ("cold search", "limit l {q} first, fresh header cache (mailtui)"),
    ("jump search", "search / {q} (jump to next match)"),
    ("from", "sort by from"),
    ("subject", "sort by subject"),
    ("size", "sort by size (biggest first)"),
    ("date", "sort by date (newest first)"),
    ("threads on", "threads on"),
    ("threads off", "threads off"),
    ("open", "open the newest message"),
    ("back", "back to the index"),
    ("rss", "peak RSS MB after the sequence (tree_peak_kb)"),
)


def report_table(drivers: list[AnyDriver], query: str) -> tuple[str, list[str]]:
    """The table (action | median per client | mailtui/mutt), and every run of each cell."""
    by_name = {d.name: d for d in drivers}
    mutt = by_name.get("mutt")
    rows, details = [], []
    for key, label in ROWS:
        label = label.format(q=query)
        digits = 1 if key == "rss" else 3
        row = [label]
        for name in ("mailtui", "mutt", "neomutt"):
            runs = by_name[name].results.get(key) if name in by_name else None
            row.append(f"{median(runs):.{digits}f}" if runs else "-")
        ours = drivers[0].results.get(key)
        theirs = mutt.results.get("search" if key == "cold search" else key) if mutt else None
        rows.append([*row, f"{median(ours) / median(theirs):.2f}" if ours and theirs else "-"])
        for d in drivers:
            runs, late = d.results.get(key, []), d.timeouts.get(key)
            if runs or late:
                shown = ", ".join(f"{v:.{digits}f}" for v in runs) + (f"  ({late} timed out)" if late else "")
                details.append(f"  {label} / {d.name}: {shown}")
    return table(["action", "mailtui s", "mutt s", "neomutt s", "mailtui/mutt"], rows), details


def load() -> str:
    one, five, fifteen = os.getloadavg()
    busy = "  BUSY: over 4, compare ratios, not absolute times" if one > 4 else ""
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min) on {os.cpu_count()} CPUs{busy}"


def drivers_for(work: Path, folder: Path) -> tuple[list[AnyDriver], MailtuiDriver, list[str]]:
    """The measured clients (mailtui, then mutt/neomutt when installed), mailtui with a fresh
    cache for the cold search, and notes on what is missing."""

    argv = [str(MAILTUI), "-f", str(folder)]
    found: list[AnyDriver] = [
        MailtuiDriver("mailtui", Client("mailtui", argv, private_home(work / "mailtui")))
    ]
    cold_home = work / "mailtui-cold"
    cold = MailtuiDriver(
        "mailtui (fresh cache)",
        Client("mailtui-cold", argv, private_home(cold_home), remover(cold_home / ".cache")),
    )
    notes = []
    for prog in ("mutt", "neomutt"):
        if shutil.which(prog) is None:
            notes.append(f"{prog}: not installed, skipped (apt-get install {prog}); nothing was installed")
            continue
        home = work / prog
        home.mkdir(parents=True, exist_ok=True)
        rc = home / "muttrc"
        cache = f"set header_cache={home / 'hcache'}"
        rc.write_text(MUTTRC.format(root=folder.parent, folder=folder, cache=cache) + MUTT_EXTRA)
        client = Client(prog, [prog, "-n", "-F", str(rc), "-f", str(folder)], {"HOME": str(home)})
        found.append(MuttDriver(prog, client))
    return found, cold, notes


def measure(
    drivers: list[AnyDriver], cold: MailtuiDriver, folder: Path, args: argparse.Namespace
) -> list[float]:
    """Warm up every client, then `args.runs` rounds of one session per client; the 1-minute
    load average at the start of each session."""
    count, query, grace, long = args.count, args.query, args.grace, args.timeout
    marker = newest_subject(count)
    newest, markers, base = body_markers(folder)
    loads: list[float] = []
    with Harness() as harness:
        # Unmeasured warm-ups: the page cache for all; mutt's header cache (quit cleanly so
        # it is written); mailtui's header cache: one search reads every header.
        for d in drivers:
            live, _ = launch(harness, d, marker, grace, long)
            if isinstance(d, MailtuiDriver):
                print(f"warm-up {d.name}: search saw {d.search(live, query, long)[1]} matches", flush=True)
            quit_cleanly(live)
            restore_name(folder, newest, base)
        for run in range(args.runs):
            for d in [*drivers, cold]:
                loads.append(os.getloadavg()[0])
                # mutt answers in well under a second: a status it never shows fails fast.
                t = long if isinstance(d, MailtuiDriver) else min(long, PEER_TIMEOUT)
                live, first = launch(harness, d, marker, grace, long)
                try:
                    d.record("first screen", first)
                    if d is cold:
                        seconds, seen = d.search(live, query, t)
                        drivers[0].record("cold search", seconds)
                        cold.counts.add(seen)
                    else:
                        sequence(live, d, query, markers, t)
                    d.record("rss", max(live.peak_kb, tree_peak_kb(live.pid)) / 1024)
                finally:
                    harness.kill(live.window, live.pid)
                    restore_name(folder, newest, base)
                print(f"run {run + 1}/{args.runs} {d.name}: {d.results} timeouts {d.timeouts}", flush=True)
    return loads


def main(argv: list[str] | None = None) -> int:
    """Measure every action, print the table, save results/actions-<count>.txt."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--query", default=QUERY)
    parser.add_argument("--timeout", type=float, default=180.0, help="per action, seconds")
    parser.add_argument("--grace", type=float, default=0.3, help="a result must hold this long")
    parser.add_argument("--work", type=Path, default=Path("/tmp/mailtui-bench"))
    parser.add_argument("--keep", action="store_true", help="keep what this run created")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if "tmux" in missing_tools(["tmux"]) or not MAILTUI.exists():
        print("needs tmux and the venv's mailtui", file=sys.stderr)
        return 2
    started_load = load()
    compile_bytecode(MAILTUI.parent / "python", ROOT / "mailtui")  # as an installed copy has
    # A work dir that was there before (Maildirs other scripts keep) is never deleted.
    created = not args.work.exists()
    folder = args.work / f"r{args.count}" / "INBOX"
    if not (folder / "cur").is_dir():
        start = time.perf_counter()
        generate(folder, args.count)
        print(f"generated {args.count} messages in {time.perf_counter() - start:.1f} s", flush=True)
    homes = args.work / f"actions-homes-{args.count}"
    drivers, cold, notes = drivers_for(homes, folder)
    began = time.perf_counter()
    try:
        loads = measure(drivers, cold, folder, args)
    finally:
        if not args.keep:
            shutil.rmtree(homes, ignore_errors=True)
            if created:
                shutil.rmtree(args.work, ignore_errors=True)
    text, details = report_table([*drivers, cold], args.query)
    versions = [
        (subprocess.run([p, "-v"], capture_output=True, text=True).stdout.splitlines() or [p])[0]
        for p in ("mutt", "neomutt")
        if shutil.which(p)
    ]
    counts = "; ".join(f"{d.name} {'/'.join(sorted(d.counts))}" for d in [*drivers, cold])
    report = "\n".join(
        [
            f"mailtui in-app actions vs mutt/neomutt, {args.count} messages (Maildir), 120x40 tmux, "
            f"{args.runs} runs, medians in seconds, "
            f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
            f"{platform.node()}, Python {platform.python_version()}; peers: {'; '.join(versions) or 'none'}",
            f"load average at start: {started_load}",
            f"query {args.query!r}; matches seen: {counts}",
            "",
            text,
            "",
            "Compared: limit l (only the matches shown) with mutt's l, and search / with mutt's /"
            " (the cursor to the next match; mailtui is done when its status bar shows the whole"
            " count, mutt when its cursor moved). Sorts are the same orders in both (mutt o f,"
            " o s, O z, O d; threads o t, off O d). Timed from the key that starts the work"
            " (Enter, the sort letter) to the result on screen, held for"
            f" {args.grace} s (not counted). mutt and neomutt have a warm header cache; mailtui's"
            " cache is warm (one unmeasured limit first) except in the fresh-cache row; the"
            " fresh-cache ratio is against mutt's first limit.",
            *notes,
            "every run (mailtui (fresh cache): the cold search's own sessions, RSS after that search):",
            *details,
            f"load average at end: {load()}; 1-min load at each session start: "
            + " ".join(f"{v:.1f}" for v in loads),
            f"wall time of the whole run: {time.perf_counter() - began:.0f} s",
        ]
    )
    save_report(report, args.out or RESULTS / f"actions-{args.count}.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
