"""Hostile and huge mail through `mailtui headers`: wall time and peak RSS of each run.

The fixed cases at full size (2 MB header lines, 20-50 MB bodies, 10,000-deep nesting,
the year-10000 date, the quadratic HTML shapes) plus `--count` random hostile messages
from the same generator the test suite uses (tests/core/hostile_mail.py, seeded, at
`--scale`). Each message is one `mailtui headers FILE` process; its peak RSS is the
child's ru_maxrss (os.wait4). Targets: <= 2 s and <= 200 MB each, exit status 0.
Also times `parse_message` (what the pager's worker runs) in-process for the fixed cases.

    .venv/bin/python benchmarks/hostile.py --count 2000 --out benchmarks/results/hostile.txt
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core import hostile_mail as h  # noqa: E402

FIXED: dict[str, Callable[[], bytes]] = {
    "date 9999 -2359": lambda: h.date_out_of_range(),
    "received 9999 -2359": lambda: h.date_out_of_range("received"),
    "html <p flood 60 KB": lambda: h.html_flood(60_000),
    "html <p flood 400 KB": lambda: h.html_flood(400_000),
    "html 20 MB": lambda: h.big_html(20 * h.MB),
    "authres 2 MB": lambda: h.big_authres(2 * h.MB),
    "authres glue 2 MB": lambda: h.basic([("Authentication-Results", "mx; a=" + " =" * h.MB)]),
    "authres parens 2 MB": lambda: h.basic([("Authentication-Results", "mx; spf=pass " + "(" * 2 * h.MB)]),
    "content-type 2 MB": lambda: h.big_content_type(2 * h.MB),
    "header line 2 MB": lambda: h.long_header(2 * h.MB),
    "multipart 10000 deep": lambda: h.deep_multipart(10_000),
    "multipart 10000 deep, cut": lambda: h.truncated_deep_multipart(10_000),
    "body 20 MB": lambda: h.big_body(20 * h.MB),
    "body 50 MB": lambda: h.big_body(50 * h.MB),
    "base64 50 MB": lambda: h.basic(
        [("Content-Type", "application/pdf"), ("Content-Transfer-Encoding", "base64")],
        b"QUJDRA==!!\r\n" * (50 * h.MB // 12),
    ),
    "invisible sender": h.invisible_sender,
}


def run_headers(path: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS in KB, exit status) of `mailtui headers path`.

    Through /usr/bin/time: a child forked from this (big) process would count the parent's
    pages in its ru_maxrss until exec; `time` is small when it forks.
    """
    stats = path.with_suffix(".time")
    start = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", "-o", str(stats), sys.executable, "-m", "mailtui", "headers"]
        + ["--trusted", "mx", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    rss = int(stats.read_text().split()[-1])
    return took, rss, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="random hostile messages (default 2000)")
    parser.add_argument("--scale", type=int, default=100, help="size factor of the random ones (default 100)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", type=Path, help="also write the report here")
    args = parser.parse_args()
    from mailtui.core.message.view import parse_message

    lines = [f"mailtui headers on hostile mail ({os.cpu_count()} cores); target <= 2 s, <= 200 MB", ""]
    lines.append(f"{'case':32} {'size':>10} {'headers s':>10} {'RSS MB':>8} {'exit':>5} {'parse s':>8}")
    worst_time = worst_rss = 0.0
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.eml"
        for name, recipe in FIXED.items():
            raw = recipe()
            path.write_bytes(raw)
            took, rss, code = run_headers(path)
            start = time.perf_counter()
            parse_message(raw)
            parse = time.perf_counter() - start
            worst_time, worst_rss = max(worst_time, took), max(worst_rss, rss / 1024)
            failures += code != 0 or took > 2 or rss > 200 * 1024
            lines.append(f"{name:32} {len(raw):>10} {took:>10.2f} {rss / 1024:>8.1f} {code:>5} {parse:>8.2f}")
            print(lines[-1], flush=True)
        rng = random.Random(args.seed)
        times: list[float] = []
        slowest = ("", 0.0, 0)
        for i in range(args.count):
            raw = h.random_message(rng, args.scale)
            path.write_bytes(raw)
            took, rss, code = run_headers(path)
            times.append(took)
            worst_rss = max(worst_rss, rss / 1024)
            if took > slowest[1]:
                slowest = (f"random #{i}", took, len(raw))
            failures += code != 0 or took > 2 or rss > 200 * 1024
        if times:
            times.sort()
            lines += [
                "",
                f"random: {len(times)} messages (seed {args.seed}, scale {args.scale}): "
                f"median {times[len(times) // 2]:.2f} s, slowest {slowest[1]:.2f} s "
                f"({slowest[0]}, {slowest[2]} bytes)",
            ]
            worst_time = max(worst_time, slowest[1])
    lines += [
        "",
        f"slowest {worst_time:.2f} s, peak RSS {worst_rss:.1f} MB, over target or failed: {failures}",
    ]
    report = "\n".join(lines)
    print("\n".join(lines[len(FIXED) + 3 :]))
    if args.out:
        args.out.write_text(report + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
