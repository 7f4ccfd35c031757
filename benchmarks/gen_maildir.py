"""Deterministic generator of realistic Maildirs for the benchmarks.

`python benchmarks/gen_maildir.py OUT --count 100000 [--seed 6]` writes OUT/{cur,new,tmp}
directly (no mailbox module, no fsync), so 100k messages take seconds, not minutes.

What "realistic" means here: threads (replies carry In-Reply-To and References to their
parent chain), RFC 2047 encoded subjects and senders in several charsets, a few messages
with base64 attachments, Maildir flags in the names (old mail read, the last few unread,
some flagged/replied), and Dovecot-style names `<time>.M<usec>P<pid>Q<n>.host,S=<size>:2,<flags>`
whose delivery time matches the Date header. The newest message has a known plain subject
(`newest_subject(count)`) so a harness can see when it is on screen. Same seed and count,
same bytes.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import sys
import time
from datetime import UTC, datetime
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

BASE_TIME = 1_700_000_000  # 2023-11-14; fixed so runs are comparable
HOST = "bench.example"
UNREAD_TAIL = 15  # only the newest few are unread, so every client opens near the newest

WORDS = (
    "disk quota backup cron failed nightly report postfix queue relay bounce certificate expires "
    "renewal ssh login alert raid degraded kernel update reboot window maintenance ticket dns zone "
    "serial ldap sync mailbox migration spam filter greylist tls handshake error warning ok done "
    "please review attached logs rotated nginx upstream timeout database replica lag vacuum"
).split()
PEOPLE = (
    ("Alice Martin", "alice@corp.example"),
    ("Bob Chen", "bob@corp.example"),
    ("Cron Daemon", "root@srv1.corp.example"),
    ("Mail Delivery System", "MAILER-DAEMON@mx.corp.example"),
    ("Zoë Dupré", "zoe@partner.example"),
    ("Jürgen Groß", "jgross@partner.example"),
    ("王小明", "wang@partner.example"),
    ("Nagios", "nagios@mon.corp.example"),
    ("Security Team", "security@corp.example"),
    ("Карина Иванова", "karina@partner.example"),
)
NON_ASCII_SUBJECTS = (
    ("Réunion de maintenance: serveur {n}", "iso-8859-1"),
    ("Überprüfung der Sicherung {n}", "utf-8"),
    ("服务器 {n} 磁盘空间不足", "utf-8"),
    ("Отчёт о резервном копировании {n}", "koi8-r"),
    ("Mise à jour du certificat {n} — urgent", "utf-8"),
)


def newest_subject(count: int) -> str:
    """The plain-ASCII subject of the newest message (what the harness waits for)."""
    return f"Newest bench marker {count}"


def _encoded(text: str, charset: str) -> str:
    try:
        return Header(text, charset).encode()
    except UnicodeEncodeError:
        return Header(text, "utf-8").encode()


def _address(rng: random.Random) -> str:
    name, addr = rng.choice(PEOPLE)
    if name.isascii():
        return f'"{name}" <{addr}>'
    return f"{_encoded(name, 'utf-8')} <{addr}>"


def _body(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(3, 60)):
        lines.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))))
    return "\r\n".join(lines) + "\r\n"


def _flags(rng: random.Random, index: int, count: int) -> str:
    if index >= count - UNREAD_TAIL:
        return "" if rng.random() < 0.7 else "S"
    letters = "S"
    if rng.random() < 0.05:
        letters += "F"
    if rng.random() < 0.15:
        letters += "R"
    return "".join(sorted(letters))


def message_bytes(
    rng: random.Random, index: int, count: int, stamp: int, threads: list[list[str]]
) -> tuple[bytes, str]:
    """One message (bytes, Message-ID); `threads` holds open threads' Message-ID chains."""
    msgid = f"<{stamp}.{index}.{rng.getrandbits(32):08x}@{HOST}>"
    headers = [
        f"Return-Path: <bounce-{index}@{HOST}>",
        f"Received: from mx.corp.example (mx.corp.example [192.0.2.{index % 250 + 1}])\r\n"
        f"\tby imap.corp.example with ESMTPS id {index:08X}; {format_datetime(_dt(stamp))}",
        f"Date: {format_datetime(_dt(stamp))}",
        f"From: {_address(rng)}",
        f"To: {_address(rng)}",
        f"Message-ID: {msgid}",
    ]
    if index == count - 1:
        subject = newest_subject(count)
    elif threads and rng.random() < 0.35:
        chain = rng.choice(threads)
        subject = chain_subject[chain[0]]
        if not subject.lower().startswith("re:"):
            subject = "Re: " + subject
        headers.append(f"In-Reply-To: {chain[-1]}")
        headers.append("References: " + "\r\n ".join(chain[-10:]))
        chain.append(msgid)
    else:
        if rng.random() < 0.2:
            text, charset = rng.choice(NON_ASCII_SUBJECTS)
            plain = text.format(n=index)
            subject_header = _encoded(plain, charset)
        else:
            plain = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize() + f" #{index}"
            subject_header = plain
        chain_subject[msgid] = plain
        threads.append([msgid])
        if len(threads) > 200:
            threads.pop(0)  # threads die out; replies go to recent conversations
        subject = subject_header
    if not subject.isascii():
        subject = _encoded(subject, "utf-8")  # a reply to a non-ASCII root
    headers.append(f"Subject: {subject}")
    headers.append("MIME-Version: 1.0")
    body = _body(rng)
    if rng.random() < 0.06:
        boundary = f"=_bench_{index:x}"
        payload = base64.encodebytes(rng.randbytes(rng.randint(2_000, 40_000))).decode().replace("\n", "\r\n")
        headers.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
        text = (
            f"This is a multi-part message in MIME format.\r\n\r\n--{boundary}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            f"{body}\r\n--{boundary}\r\n"
            f'Content-Type: application/octet-stream; name="report-{index}.bin"\r\n'
            f'Content-Disposition: attachment; filename="report-{index}.bin"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
            f"{payload}--{boundary}--\r\n"
        )
    else:
        headers.append("Content-Type: text/plain; charset=utf-8")
        headers.append("Content-Transfer-Encoding: 7bit")
        text = body
    return ("\r\n".join(headers) + "\r\n\r\n" + text).encode(), msgid


chain_subject: dict[str, str] = {}


def _dt(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, tz=UTC)


def generate(out: Path, count: int, seed: int = 6) -> dict[str, object]:
    """Write a Maildir of `count` messages at `out` (must not exist or be empty)."""
    rng = random.Random(seed)
    chain_subject.clear()
    for sub in ("cur", "new", "tmp"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    threads: list[list[str]] = []
    stamp = BASE_TIME
    cur = str(out / "cur")
    for index in range(count):
        stamp += rng.randint(5, 600)
        data, _ = message_bytes(rng, index, count, stamp, threads)
        usec = rng.randrange(1_000_000)
        name = f"{stamp}.M{usec}P{1000 + index % 30000}Q{index}.{HOST},S={len(data)}:2,{_flags(rng, index, count)}"
        with open(os.path.join(cur, name), "wb") as f:
            f.write(data)
    return {"path": str(out), "count": count, "seed": seed, "newest_subject": newest_subject(count)}


def main(argv: list[str] | None = None) -> int:
    """CLI: generate one Maildir and print how long it took."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"{args.out} exists and is not empty; choose a new path", file=sys.stderr)
        return 2
    start = time.perf_counter()
    info = generate(args.out, args.count, args.seed)
    print(
        f"wrote {args.count} messages to {args.out} in {time.perf_counter() - start:.1f} s; newest: {info['newest_subject']!r}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
