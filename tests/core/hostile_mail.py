"""Recipes for hostile and huge messages: short code that builds the big inputs at test time.

Shared by tests/core/test_hostile.py (fixed regressions and the hypothesis generator) and
benchmarks/hostile.py (exact time and peak RSS), so nothing of megabytes is committed.
"""

from __future__ import annotations

MB = 1024 * 1024


def message(headers: list[tuple[str, str | bytes]], body: bytes = b"hello\n") -> bytes:
    """A raw message from (name, value) pairs and a body (CRLF line ends)."""
    out = []
    for name, value in headers:
        raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogateescape")
        out.append(name.encode() + b": " + raw)
    return b"\r\n".join(out) + b"\r\n\r\n" + body


def basic(extra: list[tuple[str, str | bytes]] | None = None, body: bytes = b"hello\n") -> bytes:
    """A plain message with the usual headers, plus `extra`."""
    headers: list[tuple[str, str | bytes]] = [
        ("From", "Alice <alice@example.com>"),
        ("To", "bob@example.org"),
        ("Subject", "hostile"),
        ("Date", "Mon, 02 Jun 2025 10:00:00 +0000"),
        ("Message-ID", "<hostile@example.com>"),
    ]
    return message(headers + (extra or []), body)


def date_out_of_range(where: str = "date") -> bytes:
    """A date Python parses but cannot convert to a UTC datetime (year 10000 in UTC)."""
    date = "Fri, 31 Dec 9999 23:59:59 -2359"
    if where == "received":
        return basic([("Received", f"from a.example (a.example [192.0.2.1]) by b.example; {date}")])
    return message(
        [("From", "a@example.com"), ("Subject", "far future"), ("Date", date), ("Message-ID", "<f@x>")]
    )


def html_flood(size: int = 60_000, pattern: bytes = b"<p ") -> bytes:
    """An HTML body of one unclosed start tag repeated: quadratic in the stdlib HTML parser."""
    body = pattern * (size // len(pattern))
    return basic([("Content-Type", "text/html; charset=utf-8")], body)


def big_html(size: int = 20 * MB) -> bytes:
    """A large, ordinary HTML body."""
    unit = b"<div><p>Hello <b>world</b>, <a href='https://example.com/x'>a link</a></p></div>\n"
    return basic([("Content-Type", "text/html; charset=utf-8")], unit * (size // len(unit)))


def big_authres(size: int = 2 * MB) -> bytes:
    """One Authentication-Results header of `size` bytes (many results, folded)."""
    unit = "spf=pass smtp.mailfrom=a@example.com (comment (nested) here);\r\n "
    value = "mx.example.com; " + unit * (size // len(unit))
    return basic([("Authentication-Results", value)])


def big_content_type(size: int = 2 * MB) -> bytes:
    """A Content-Type with thousands of parameters."""
    unit = '; p{}="v a l u e"'
    params = "".join(unit.format(i) for i in range(size // 16))
    return basic([("Content-Type", "text/plain" + params)])


def long_header(size: int = 2 * MB, name: str = "X-Long") -> bytes:
    """One unfolded header line of `size` bytes."""
    return basic([(name, "x" * size)])


def deep_multipart(depth: int = 10_000) -> bytes:
    """Nested multipart/mixed `depth` levels deep, closed properly."""
    head = []
    tail = []
    for i in range(depth):
        head.append(f'--b{i}\r\nContent-Type: multipart/mixed; boundary="b{i + 1}"\r\n\r\n')
        tail.append(f"--b{i}--\r\n")
    inner = f"--b{depth}\r\nContent-Type: text/plain\r\n\r\ndeep\r\n--b{depth}--\r\n"
    body = ("".join(head) + inner + "".join(reversed(tail))).encode()
    return basic([("MIME-Version", "1.0"), ("Content-Type", 'multipart/mixed; boundary="b0"')], body)


def truncated_deep_multipart(depth: int = 10_000) -> bytes:
    """Nested multipart cut off before any closing boundary."""
    raw = deep_multipart(depth)
    return raw[: len(raw) * 2 // 3]


def big_body(size: int = 20 * MB) -> bytes:
    """A plain text body of `size` bytes."""
    return basic([], (b"a line of ordinary text, nothing to see here\n") * (size // 45))


def invisible_sender() -> bytes:
    """A look-alike sender and subject with zero-width and bidi characters."""
    return message(
        [
            ("From", "Ali\u200bce <ali\u200bce@example.com>"),
            ("Subject", "pay\u200d now \ufeffplease \u202egnp.exe"),
            ("Date", "Mon, 02 Jun 2025 10:00:00 +0000"),
        ]
    )


# -- a random hostile message, for hypothesis (small scale) and the benchmark (full scale) --
_DATES = [
    "Fri, 31 Dec 9999 23:59:59 -2359",
    "Mon, 01 Jan 0001 00:00:00 +2359",
    "32 Foo 2024 25:61:61 +9999",
    "Mon, 02 Jun 2025 10:00:00 +0000",
    "",
]
_CHARSETS = ["utf-8", "x-unknown", "base64", "rot13", "utf-7", "gb2312", "\x00", "a" * 300, "iso-8859-1"]
_WORDS = [
    "=?utf-8?B?AAAA?=",
    "=?utf-8?Q?=ZZ=?=",
    "=?bogus?X?abc?=",
    "=?utf-8?B?" + "Q" * 5 + "?=",
    "=?" * 50,
    "plain",
    "\u200bpay\u200dpal\ufeff \u202egnp.exe",
]
_NAMES = ["../../etc/passwd", "CON", "a\x00b.exe", "\u202etxt.exe", "x" * 400, "...", "dir\\evil.bat"]


def random_message(rng: object, scale: int = 1) -> bytes:
    """A hostile message chosen by `rng` (a random.Random); sizes grow with `scale`."""
    import random

    assert isinstance(rng, random.Random)
    pick = rng.choice
    size = rng.choice([10, 1000, 20_000]) * scale
    headers: list[tuple[str, str | bytes]] = []
    for _ in range(rng.randrange(1, 12)):
        kind = rng.randrange(9)
        if kind == 0:
            headers.append(("Date", pick(_DATES)))
        elif kind == 1:
            headers.append(("Received", f"from x (x [192.0.2.1]) by y; {pick(_DATES)}"))
        elif kind == 2:
            headers.append(("Authentication-Results", "mx; " + pick(["a=", "(", "spf=pass ", '"']) * size))
        elif kind == 3:
            params = "".join(f'; p{i}="{pick(_WORDS)}"' for i in range(min(size // 20, 100_000)))
            headers.append(
                ("Content-Type", f"{pick(['text/plain', 'multipart/mixed', 'text/html'])}{params}")
            )
        elif kind == 4:
            headers.append(("Subject", " ".join(pick(_WORDS) for _ in range(rng.randrange(1, 40)))))
        elif kind == 5:
            headers.append(("From", pick(_WORDS) + " <a\u200b@example.com>"))
        elif kind == 6:
            headers.append(("X-" + "y" * rng.randrange(1, 5), bytes(rng.randrange(256) for _ in range(50))))
        elif kind == 7:
            headers.append(
                ("Content-Transfer-Encoding", pick(["base64", "quoted-printable", "x-uue", "7bit"]))
            )
        else:
            headers.append(("Content-Disposition", f'attachment; filename="{pick(_NAMES)}"'))
    body_kind = rng.randrange(6)
    if body_kind == 0:
        body = b"<p " * (size // 3)
    elif body_kind == 1:
        body = b"=ZZ==\x00AAAA!!" * (size // 12)
    elif body_kind == 2:
        depth = rng.randrange(1, 3000)
        return deep_multipart(depth) if rng.random() < 0.5 else truncated_deep_multipart(depth)
    elif body_kind == 3:
        body = bytes(rng.randrange(256) for _ in range(min(size, 5000))) * max(1, size // 5000)
    elif body_kind == 4:
        body = (b"<ul><li>" * (size // 8)) + b"<!--" * 100
    else:
        body = f"Content-Type: text/plain; charset={pick(_CHARSETS)}\r\n\r\nhi\r\n".encode() * 3
    raw = message(headers, body)
    if rng.random() < 0.2:
        raw = raw[: rng.randrange(1, len(raw) + 1)]  # truncated anywhere
    return raw
