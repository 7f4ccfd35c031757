"""Sort, threads and limit on a big mbox through the backend calls: the index warm vs the envelope path.

    .venv/bin/python benchmarks/mbox_index.py [--count 100000] [--runs 3] [--work DIR] [--keep]

The mbox is `gen_maildir.py`'s messages (same generator, seed and order) with From_ lines,
LF line ends, Status/X-Status from the Maildir flags and ">From " quoting. Each action is
what the browser does (`ui/screens/browser/ordering.py`, `session/search_scan.py`):
- envelope path: `fetch_envelopes` over every ref in chunks of 1000 (an index-free
  backend), one small row each, then `sort_keys` / `thread_order` (limit: `query_matches`);
- index, query: `index_columns` for the column(s) of the order and `order_from_rows`
  (threads also `unread_keys`); limit: `index_search`;
- index, stored: `stored_order` of this listing (what a second sort of the same listing costs);
- the first answer after another program changed the file (here only its ctime, as mutt's
  close does): every row is checked against the file once.
The listing (`list_refs`, a scan of the file both paths need first) is timed on its own.
With `--peers`, the same actions in the app next to mutt (`-R`, read-only) in tmux, as
`actions.py` drives them (first screen, limit, sort by from, threads on), the index warmed
by one unmeasured session. Medians of `--runs`; the load average is printed before and
after. Writes results/mbox-index.txt.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import gen_maildir  # noqa: E402

from mailtui.backends.mbox.backend import MboxBackend  # noqa: E402
from mailtui.core.index.columns import order_columns, order_from_rows  # noqa: E402
from mailtui.core.index.sorting import as_sort_key, sort_keys, sort_row  # noqa: E402
from mailtui.core.index.threads import ThreadRow, thread_order  # noqa: E402
from mailtui.core.models import MessageRef  # noqa: E402
from mailtui.core.patterns.parse import parse  # noqa: E402
from mailtui.session.search_scan import Query, query_matches  # noqa: E402

CHUNK = 1000  # ordering.HEADER_CHUNK
LIMIT = "~s backup"  # a limit the index answers alone


def write_mbox(path: Path, count: int, seed: int = 6) -> None:
    """gen_maildir's messages, in delivery order, as one mbox."""
    rng = random.Random(seed)
    gen_maildir.chain_subject.clear()
    threads: list[list[str]] = []
    stamp = gen_maildir.BASE_TIME
    with open(path, "wb") as f:
        for index in range(count):
            stamp += rng.randint(5, 600)
            data, _ = gen_maildir.message_bytes(rng, index, count, stamp, threads)
            rng.randrange(1_000_000)  # the Maildir name's usec: kept so the flags match
            flags = gen_maildir._flags(rng, index, count)
            head, _, body = data.replace(b"\r\n", b"\n").partition(b"\n\n")
            status = b"Status: RO\n" if "S" in flags else b"Status: O\n"
            xstatus = "".join(c for f, c in (("F", "F"), ("R", "A")) if f in flags)
            if xstatus:
                status += b"X-Status: " + xstatus.encode() + b"\n"
            body = b"\n".join(
                b">" + line if line.startswith(b"From ") else line for line in body.split(b"\n")
            )
            when = time.asctime(time.gmtime(stamp)).encode()
            f.write(
                b"From bounce@bench.example " + when + b"\n" + head + b"\n" + status + b"\n" + body + b"\n"
            )


def envelope_order(backend: MboxBackend, folder: str, refs: list[MessageRef], mode: str) -> int:
    """ordering._order_from_envelopes: every header read, one small row each."""
    thread_rows: list[ThreadRow] = []
    sort_rows = []
    by = mode.split(":")[0]
    unread: set[str] = set()
    for start in range(0, len(refs), CHUNK):
        envs = backend.fetch_envelopes(folder, refs[start : start + CHUNK])
        if mode == "threads":
            unread.update(e.ref.key for e in envs if e.is_unread)
            thread_rows.extend(
                ThreadRow(e.ref.key, e.message_id, e.in_reply_to, e.references, e.sort_date) for e in envs
            )
        else:
            sort_rows.extend(sort_row(e, by) for e in envs)
    if mode == "threads":
        return len(thread_order(thread_rows))
    return len(sort_keys(sort_rows, as_sort_key(by), mode.endswith("desc")))


def index_order(backend: MboxBackend, folder: str, refs: list[MessageRef], mode: str) -> int:
    """ordering._order_from_index without a stored order: one query, then order_from_rows."""
    if mode == "threads":
        backend.unread_keys(folder, refs)
    rows = backend.index_columns(folder, refs, order_columns(mode))  # type: ignore[arg-type]
    assert len(rows) == len(refs), "the index is not warm"
    keys, _depths = order_from_rows([r.key for r in refs], rows, mode)
    return len(keys)


def stored(backend: MboxBackend, folder: str, refs: list[MessageRef], mode: str) -> int:
    if mode == "threads":
        backend.unread_keys(folder, refs)
    found = backend.stored_order(folder, refs, mode)
    assert found is not None, "no stored order"
    return len(found[0])


def envelope_limit(backend: MboxBackend, folder: str, refs: list[MessageRef]) -> int:
    query = Query("subject", LIMIT.split()[1])
    hits = 0
    for start in range(0, len(refs), CHUNK):
        hits += sum(
            query_matches(e, query) for e in backend.fetch_envelopes(folder, refs[start : start + CHUNK])
        )
    return hits


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float, object]:
    times = []
    result: object = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), max(times), result


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def in_app(path: Path, work: Path, count: int, runs: int) -> list[str]:
    """mailtui and mutt on the mbox in tmux: (action, client, median s) lines."""
    import actions
    from harness import Client, Harness

    if missing := [t for t in ("tmux", "mutt") if shutil.which(t) is None]:
        return [f"in the app: skipped, not installed: {' '.join(missing)} (nothing was installed)"]
    home = work / "mailtui-home"
    shutil.rmtree(home, ignore_errors=True)  # a fresh index, filled by the warm-up session
    env = {f"XDG_{k}_HOME": str(home / k.lower()) for k in ("CONFIG", "CACHE", "DATA")} | {"HOME": str(home)}
    mutt_home = work / "mutt-home"
    mutt_home.mkdir(parents=True, exist_ok=True)
    rc = mutt_home / "muttrc"
    rc.write_text(
        f"set folder={path.parent}\nset spoolfile={path}\nset sort=reverse-date\nset mail_check_stats=no\n"
        "set beep_new=no\nset quit=yes\nset wait_key=no\nset mark_old=no\n" + actions.MUTT_EXTRA
    )
    drivers: list[actions.AnyDriver] = [
        actions.MailtuiDriver("mailtui", Client("mailtui", [str(actions.MAILTUI), "-f", str(path)], env)),
        actions.MuttDriver(
            "mutt",
            Client("mutt", ["mutt", "-n", "-R", "-F", str(rc), "-f", str(path)], {"HOME": str(mutt_home)}),
        ),
    ]
    marker = gen_maildir.newest_subject(count)
    query = LIMIT
    with Harness() as harness:
        live, _ = actions.launch(harness, drivers[0], marker, 0.3, 600)  # warm-up: fills the index
        drivers[0].search(live, query, 600)
        harness.kill(live.window, live.pid)
        for _ in range(runs):
            for d in drivers:
                live, first = actions.launch(harness, d, marker, 0.3, 600)
                try:
                    d.record("first screen", first)
                    seconds, seen = d.search(live, query, 600)
                    d.record(f"limit {query}", seconds)
                    d.counts.add(seen)
                    d.clear_search(live)
                    d.record("sort by from", d.order(live, "from", 600))
                    d.record("threads on", d.order(live, "threads on", 600))
                finally:
                    harness.kill(live.window, live.pid)
                print(f"  {d.name}: {d.results}", flush=True)
    out = ["", f"in the app, 120x40 tmux, {runs} sessions each (mutt -R: read-only), median s (min-max)"]
    out.append(f"{'action':<18}  {'mailtui':<22}  {'mutt':<22}  mailtui/mutt (time)")
    for action in ("first screen", f"limit {query}", "sort by from", "threads on"):
        cells = []
        for d in drivers:
            got = d.results.get(action, [])
            cells.append((statistics.median(got), min(got), max(got)) if got else (float("nan"),) * 3)
        text = [f"{m:.3f} ({lo:.3f}-{hi:.3f})" for m, lo, hi in cells]
        out.append(f"{action:<18}  {text[0]:<22}  {text[1]:<22}  {cells[0][0] / cells[1][0]:.2f}")
    first = drivers[0].results
    if first.get("sort by from") and first.get("threads on"):
        out.append(
            "mailtui's first session computes each order from the index's columns (sort by from "
            f"{first['sort by from'][0]:.3f} s, threads {first['threads on'][0]:.3f} s) and stores it;"
        )
        out.append("later sessions read the stored order of the same listing.")
    out.append(f"matches seen: {' / '.join(' '.join(sorted(d.counts)) for d in drivers)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--peers", action="store_true", help="also in the app, next to mutt (tmux)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "mbox-index.txt")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="mbox-index-"))
    work.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    say(f"mailtui mbox index benchmark, {stamp}, {platform.node()}, Python {platform.python_version()}")
    say(f"load average before: {load()}")
    path = work / "bench.mbox"
    if not path.exists():
        start = time.perf_counter()
        write_mbox(path, args.count)
        print(f"(wrote {args.count} messages in {time.perf_counter() - start:.1f} s)", flush=True)
    say(f"{args.count} messages, {path.stat().st_size / 1e6:.0f} MB mbox, medians of {args.runs} runs")
    plain = MboxBackend(path, header_cache=False)
    indexed = MboxBackend(path, header_cache=work / "index.sqlite3")
    folder = plain.default_folder
    rows: list[tuple[str, float, float, float]] = []

    def row(name: str, fn: Callable[[], object], runs: int = args.runs) -> float:
        median, low, high, _ = timed(fn, runs)
        rows.append((name, median, low, high))
        print(f"  {name}: {median:.3f} s", flush=True)
        return median

    refs = plain.list_refs(folder)
    row("list_refs (scan of the file, both paths)", lambda: plain.list_refs(folder))
    row(
        "index fill: fetch_envelopes of every ref, rows written (once)",
        lambda: envelope_limit(indexed, folder, refs),
        1,
    )
    results: dict[str, tuple[float, float, float]] = {}
    for mode in ("from:asc", "threads"):
        env = row(f"{mode}: envelope path", lambda mode=mode: envelope_order(plain, folder, refs, mode))
        query = row(f"{mode}: index query", lambda mode=mode: index_order(indexed, folder, refs, mode))
        keys, depths = order_from_rows(
            [r.key for r in refs],
            indexed.index_columns(folder, refs, order_columns(mode)),
            mode,  # type: ignore[arg-type]
        )
        indexed.store_order(folder, refs, mode, keys, depths)
        kept = row(f"{mode}: index, stored order", lambda mode=mode: stored(indexed, folder, refs, mode))
        results[mode] = (env, query, kept)
    env = row(f"limit {LIMIT}: envelope path", lambda: envelope_limit(plain, folder, refs))
    node = parse(LIMIT)
    query = row(f"limit {LIMIT}: index_search", lambda: indexed.index_search(folder, refs, node, ""))
    results["limit"] = (env, query, float("nan"))

    def touched() -> object:
        # What mutt does on closing an mbox, even read-only: utime, so only ctime changes.
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        return indexed.index_columns(folder, refs, ["size"])

    row("file touched by another program: first answer checks every row", touched)
    say("")
    width = max(len(name) for name, *_ in rows)
    say(f"{'action':<{width}}  median s  min-max")
    say(f"{'-' * width}  --------  -----------")
    for name, median, low, high in rows:
        say(f"{name:<{width}}  {median:8.3f}  {low:.3f}-{high:.3f}")
    say("")
    say("envelope path / index (times faster with the index warm)")
    for mode, (env, query, kept) in results.items():
        extra = "" if kept != kept else f", stored order {env / kept:.0f}x"
        say(f"  {mode}: query {env / query:.0f}x{extra}")
    indexed.close()
    if args.peers:
        for line in in_app(path, work, args.count, args.runs):
            say(line)
    say(f"load average after: {load()}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not args.keep and args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
