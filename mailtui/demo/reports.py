"""Demo messages that come in groups: delivery reports, a discussion thread, and the content
of the Sent, Drafts, Trash and Archive folders.

The bounce and the delay notice are worded and structured like Postfix's (RFC 3464
multipart/report with a message/delivery-status part), and refer to a message that is in Sent.
"""

from __future__ import annotations

import random
import textwrap
from dataclasses import replace
from datetime import datetime, timedelta

from mailtui.demo.messages import ADMIN, ME, routine_messages
from mailtui.demo.mime import (
    CET,
    EST,
    DemoMessage,
    Header,
    Part,
    addr,
    enc_q,
    fmt_date,
    mail,
    mid_for,
    multipart,
    qid_for,
    render,
    text_part,
)

MTA = "mail01.demo.test"


def _sent(
    when: datetime, to: str, subject: str, body: str, tag: str, extra: list[Header] | None = None
) -> bytes:
    return mail(
        when=when,
        frm=ME,
        to=to,
        subject=subject,
        mid=mid_for(when, tag, "demo.test"),
        content=text_part(body),
        tz=CET,
        hop=None,
        extra=extra or [],
        written=when,
    )


def _fold(text: str) -> str:
    """Wrap like Postfix's notices: 76 columns, continuation lines indented by four spaces."""
    return textwrap.fill(
        text, width=76, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False
    )


def _report(
    when: datetime, original: bytes, rcpt: str, *, action: str, status: str, diag: str, headers_only: bool
) -> bytes:
    """A Postfix non-delivery (action failed) or delay (action delayed) report for `original`."""
    qid = qid_for(rcpt + action)
    orig_date = (b"\n" + original).split(b"\nDate: ", 1)[1].split(b"\n", 1)[0].decode()
    failed = action == "failed"
    intro = (
        f"This is the mail system at host {MTA}.\n\n"
        + (
            "I'm sorry to have to inform you that your message could not\nbe delivered to one or more "
            "recipients. It's attached below.\n\nFor further assistance, please send mail to postmaster.\n\n"
            "If you do so, please include this problem report. You can\ndelete your own text from the "
            "attached returned message.\n"
            if failed
            else "####################################################################\n"
            "# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\n"
            "####################################################################\n\n"
            "Your message could not be delivered for 4.0 hours.\nIt will be retried until it is 5.0 days old.\n"
        )
        + f"\n                   The mail system\n\n{_fold(f'<{rcpt}>: {diag}')}\n"
    )
    dsn = (
        f"Reporting-MTA: dns; {MTA}\nX-Postfix-Queue-ID: {qid}\nX-Postfix-Sender: rfc822; {ADMIN}\n"
        f"Arrival-Date: {orig_date}\n\nFinal-Recipient: rfc822; {rcpt}\nOriginal-Recipient: rfc822;{rcpt}\n"
        f"Action: {action}\nStatus: {status}\nRemote-MTA: dns; mx1.{rcpt.split('@')[1]}\n"
        + _fold(f"Diagnostic-Code: smtp; {diag.split(' said: ', 1)[-1].split(' (in reply')[0]}")
        + "\n"
        + ("" if failed else f"Will-Retry-Until: {fmt_date(when + timedelta(days=5), CET)}\n")
    )
    if headers_only:
        last: Part = (
            [("Content-Description", "Undelivered Message Headers"), ("Content-Type", "text/rfc822-headers")],
            original.split(b"\n\n", 1)[0] + b"\n",
        )
    else:
        last = (
            [
                ("Content-Description", "Undelivered Message"),
                ("Content-Type", "message/rfc822"),
                ("Content-Transfer-Encoding", "8bit"),
            ],
            original,
        )
    boundary = f"{qid}.{int(when.timestamp())}/{MTA}"
    content = multipart(
        "report",
        boundary,
        [
            (
                [("Content-Description", "Notification"), ("Content-Type", "text/plain; charset=us-ascii")],
                intro.encode(),
            ),
            (
                [("Content-Description", "Delivery report"), ("Content-Type", "message/delivery-status")],
                dsn.encode(),
            ),
            last,
        ],
        params="report-type=delivery-status",
        preamble="This is a MIME-encapsulated message.",
    )
    subject = "Undelivered Mail Returned to Sender" if failed else "Delayed Mail (still being retried)"
    return mail(
        when=when,
        frm=f"MAILER-DAEMON@{MTA} (Mail Delivery System)",
        to=ADMIN,
        subject=subject,
        mid=mid_for(when, qid, MTA),
        content=content,
        sender="",
        tz=CET,
        hop=(MTA, "10.0.0.14"),
        extra=[("Auto-Submitted", "auto-replied")],
    )


def reports(base: datetime) -> list[DemoMessage]:
    """The bounce, the greylisting delay notice, and the two messages of ours they refer to."""
    out = []
    sent_at = base - timedelta(hours=41)
    original = _sent(
        sent_at,
        "j.doe@partner.example",
        "Quarterly access review",
        "Hi John,\n\nplease confirm the attached list of VPN users by Friday.\n\nDemo Admin\n",
        "review",
    )
    out.append(DemoMessage("Sent", sent_at, original))
    bounce_at = sent_at + timedelta(seconds=3)
    out.append(
        DemoMessage(
            "",
            bounce_at,
            _report(
                bounce_at,
                original,
                "j.doe@partner.example",
                action="failed",
                status="5.1.1",
                diag="host mx1.partner.example[198.51.100.25] said: 550 5.1.1 <j.doe@partner.example>: Recipient "
                "address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)",
                headers_only=False,
            ),
            flags="",
            new=True,
        )
    )

    sent_at = base - timedelta(hours=7)
    original = _sent(
        sent_at,
        "noc@isp.example",
        "Re: BGP session flapping on uplink 2",
        "Hi,\n\nthe session flapped again at 02:14 UTC, logs below.\n\nDemo Admin\n",
        "bgp",
    )
    out.append(DemoMessage("Sent", sent_at, original))
    delay_at = sent_at + timedelta(hours=4)
    out.append(
        DemoMessage(
            "",
            delay_at,
            _report(
                delay_at,
                original,
                "noc@isp.example",
                action="delayed",
                status="4.7.1",
                diag="host mx1.isp.example[203.0.113.25] said: 451 4.7.1 <noc@isp.example>: Recipient address "
                "rejected: Greylisted, see https://isp.example/greylisting (in reply to RCPT TO command)",
                headers_only=True,
            ),
            flags="",
            new=True,
        )
    )
    return out


_THREAD = [
    # (who, email, tz, parent index or None, folder, text)
    (
        "Alice Martin",
        "alice@demo.test",
        EST,
        None,
        "",
        "mail01 runs Debian 11 and leaves LTS next year. Proposal: build mail02 on Debian 13, sync with "
        "doveadm, switch MX on a Friday night.",
    ),
    ("Bob Nowak", "bob@demo.test", CET, 0, "", "+1. Do we keep the Postfix config or start clean?"),
    ("Demo Admin", ADMIN, CET, 1, "Sent", "Start clean, but keep the transport maps and the TLS policy."),
    (
        "Alice Martin",
        "alice@demo.test",
        EST,
        2,
        "",
        "OK. I'll prepare mail02 this week. Dovecot 2.4 changed the config syntax, so expect some surprises.",
    ),
    ("Jürgen Müller", "juergen@demo.test", CET, 0, "", "Bitte vorher die USV-Wartung am Samstag beachten!"),
    (
        "Carol Diaz",
        "carol@partner.example",
        EST,
        3,
        "",
        "Our MX will keep retrying for 5 days, so a few hours of downtime are fine for us.",
    ),
    ("Demo Admin", ADMIN, CET, 5, "Sent", "Thanks Carol. Cutover is Friday 22:00 CET, ~2 hours."),
    ("Bob Nowak", "bob@demo.test", CET, 6, "", "mail02 is synced, 41 GB, doveadm sync reported no errors."),
]


def thread(base: datetime) -> list[DemoMessage]:
    """An 8-message discussion (6 in INBOX, 2 in Sent) linked by In-Reply-To and References."""
    out: list[DemoMessage] = []
    mids: list[str] = []
    refs: list[list[str]] = []
    start = base - timedelta(days=12)
    for i, (name, email, tz, parent, folder, text) in enumerate(_THREAD):
        when = start + timedelta(hours=7 * i + 3)
        mid = mid_for(when, f"thread{i}", "demo.test")
        chain = [] if parent is None else [*refs[parent], mids[parent]]
        extra: list[Header] = []
        if chain:
            extra = [("In-Reply-To", chain[-1]), ("References", "\n ".join(chain))]
        subject = "Migrating mail01 to Debian 13"
        subject = subject if parent is None else "Re: " + subject
        body = f"{text}\n\n-- \n{name}\n"
        if folder == "Sent":
            raw = mail(
                when=when,
                frm=ME,
                to="ops@demo.test",
                subject=subject,
                mid=mid,
                content=text_part(body),
                tz=tz,
                hop=None,
                extra=extra,
                written=when,
            )
        else:
            raw = mail(
                when=when,
                frm=addr(name, email),
                to="ops@demo.test",
                subject=subject,
                mid=mid,
                content=text_part(body, cte="quoted-printable"),
                tz=tz,
                extra=extra,
                hop=("mail01.demo.test", "10.0.0.14"),
            )
        last = i == len(_THREAD) - 1
        out.append(DemoMessage(folder, when, raw, flags="" if last else ("RS" if i == 1 else "S")))
        mids.append(mid)
        refs.append(chain)
    return out


def other_folders(base: datetime) -> list[DemoMessage]:
    """A few messages each for Sent, Drafts, Trash and Archive."""
    out = []
    t = base - timedelta(days=1, hours=3)
    out.append(
        DemoMessage(
            "Sent",
            t,
            _sent(
                t,
                "team@demo.test",
                enc_q("Wartungsfenster Samstag 02:00–04:00"),
                "Hi all,\n\nUPS swap on Saturday, no deploys please.\n",
                "maint",
            ),
        )
    )
    t = base - timedelta(days=5)
    out.append(
        DemoMessage(
            "Sent",
            t,
            _sent(
                t,
                addr("Bob Nowak", "bob@demo.test"),
                "Re: Can you bump the PHP memory limit on web02?",
                "Done, 512M, php-fpm reloaded.\n",
                "php",
            ),
        )
    )
    t = base - timedelta(hours=2)
    draft = render(
        [
            ("Date", fmt_date(t, CET)),
            ("From", ME),
            ("To", "ops@demo.test"),
            ("Subject", "Post-mortem INC-2041 follow-up (draft)"),
            ("Message-ID", mid_for(t, "draft1", "demo.test")),
            ("MIME-Version", "1.0"),
            *text_part("TODO: timeline, graphs from Grafana\n")[0],
        ],
        b"TODO: timeline, graphs from Grafana\n",
    )
    out.append(DemoMessage("Drafts", t, draft, flags="DS"))
    t = base - timedelta(days=3)
    out.append(
        DemoMessage(
            "Drafts",
            t,
            _sent(
                t,
                addr("Carol Diaz", "carol@partner.example"),
                "Re: Migrating mail01 to Debian 13",
                "Hi Carol,\n\nthe new MX will be\n",
                "draft2",
            ),
            flags="DS",
        )
    )
    rng = random.Random(7)
    for i, m in enumerate(routine_messages(rng, base - timedelta(days=2), 3, days=10)):
        out.append(replace(m, folder="Trash", flags="ST" if i == 0 else "S", new=False))
    for m in routine_messages(random.Random(11), base - timedelta(days=40), 8, days=20):
        out.append(replace(m, folder="Archive", flags=m.flags or "S", new=False))
    return out


__all__ = ["other_folders", "reports", "thread"]
