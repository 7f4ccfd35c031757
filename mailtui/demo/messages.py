"""The routine mail of a sysadmin's inbox, generated for the demo: cron output, monitoring
alerts, logwatch, fail2ban, certbot, security announcements and colleagues' notes.

Deterministic: everything comes from the `random.Random` passed in and the fixed base time.
The hand-made showcase messages (encodings, bounces, traps) are in `demo_specials`.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from mailtui.demo.mime import CET, EST, DemoMessage, addr, enc_q, mail, text_part

HOSTS = ("web01", "web02", "db01", "mail01", "backup01", "lb01")
ADMIN = "admin@demo.test"
ME = addr("Demo Admin", ADMIN)

Maker = Callable[[random.Random, datetime, int], tuple[bytes, bool]]


def _mid(when: datetime, n: int, host: str) -> str:
    return f"<{when.strftime('%Y%m%d%H%M%S')}.{n:04d}@{host}>"


def _cron(rng: random.Random, when: datetime, n: int) -> tuple[bytes, bool]:
    host = rng.choice(HOSTS)
    job, out = rng.choice(
        [
            (
                "/usr/local/sbin/backup.sh",
                'rsync: [sender] link_stat "/srv/www/uploads/tmp" failed: No such file or directory (2)\n'
                "rsync error: some files/attrs were not transferred (code 23) at main.c(1338) [sender=3.2.7]\n"
                f"backup finished with warnings, {rng.randint(12, 60)}.{rng.randint(0, 9)} GiB sent\n",
            ),
            (
                "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )",
                '/etc/cron.daily/logrotate:\nerror: skipping "/var/log/nginx/access.log" because parent '
                "directory has insecure permissions (It's world writable or writable by group which is not "
                '"root") Set "su" directive in config file to tell logrotate which user/group should be used '
                "for rotation.\nrun-parts: /etc/cron.daily/logrotate exited with return code 1\n",
            ),
            (
                "/usr/bin/php /srv/www/shop/artisan schedule:run",
                'PHP Warning:  Undefined array key "currency" in /srv/www/shop/app/Jobs/SyncRates.php on line 42\n'
                f"Synced {rng.randint(100, 400)} exchange rates.\n",
            ),
            (
                "pg_dump -Fc shop > /var/backups/shop.dump",
                "pg_dump: warning: there are circular foreign-key constraints on this table:\n"
                "pg_dump: detail: orders\npg_dump: hint: You might not be able to restore the dump "
                "without using --disable-triggers or temporarily dropping the constraints.\n",
            ),
        ]
    )
    frm = addr("Cron Daemon", f"root@{host}.demo.test")
    subject = f"Cron <root@{host}> {job}"
    extra = [
        ("X-Cron-Env", "<SHELL=/bin/sh>"),
        ("X-Cron-Env", "<HOME=/root>"),
        ("X-Cron-Env", "<PATH=/usr/bin:/bin>"),
        ("X-Cron-Env", "<LOGNAME=root>"),
        ("Auto-Submitted", "auto-generated"),
        ("Precedence", "bulk"),
    ]
    raw = mail(
        when=when,
        frm=frm,
        to=f"root@{host}.demo.test",
        subject=subject,
        mid=_mid(when, n, f"{host}.demo.test"),
        content=text_part(out, cte="8bit"),
        extra=extra,
        hop=(f"{host}.demo.test", f"10.0.0.{HOSTS.index(host) + 11}"),
    )
    return raw, False


def _alert(rng: random.Random, when: datetime, n: int) -> tuple[bytes, bool]:
    host = rng.choice(HOSTS)
    kind = rng.choice(["PROBLEM", "PROBLEM", "RECOVERY"])
    service, state, detail = rng.choice(
        [
            ("disk /", "91%", "DISK WARNING - free space: / 3712 MiB (9% inode=71%)"),
            ("disk /var", "96%", "DISK CRITICAL - free space: /var 802 MiB (4% inode=88%)"),
            ("load", "load 14.2", "CRITICAL - load average: 14.20, 11.83, 7.02"),
            (
                "http",
                "503",
                "HTTP CRITICAL: HTTP/1.1 503 Service Unavailable - 412 bytes in 0.031 second response time",
            ),
            ("swap", "82% used", "SWAP WARNING - 18% free (367 MB out of 2047 MB)"),
            ("mailq", "312 queued", "WARNING: mailq is 312 (threshold w = 200)"),
        ]
    )
    if kind == "RECOVERY":
        state, detail = (
            "OK",
            detail.split(" - ")[0].replace("WARNING", "OK").replace("CRITICAL", "OK") + " - back to normal",
        )
    subject = f"[{kind}] {service} on {host} {state}"
    body = (
        f"***** Icinga *****\n\nNotification Type: {kind}\n\nService: {service}\nHost: {host}.demo.test\n"
        f"Address: 10.0.0.{HOSTS.index(host) + 11}\nState: {'OK' if kind == 'RECOVERY' else 'WARNING'}\n\n"
        f"Date/Time: {when.astimezone(CET):%Y-%m-%d %H:%M:%S %z}\n\nAdditional Info: {detail}\n"
    )
    raw = mail(
        when=when,
        frm=addr("Icinga", "icinga@mon01.demo.test"),
        to=ADMIN,
        subject=subject,
        mid=_mid(when, n, "mon01.demo.test"),
        content=text_part(body, cte="7bit"),
        extra=[("Auto-Submitted", "auto-generated")],
        hop=("mon01.demo.test", "10.0.0.5"),
        tz=CET,
    )
    return raw, False


def _logwatch(rng: random.Random, when: datetime, n: int) -> tuple[bytes, bool]:
    host = rng.choice(HOSTS)
    fails = rng.randint(200, 4000)
    body = (
        "\n ################### Logwatch 7.8 (01/22/23) ####################\n"
        f"        Processing Initiated: {when.astimezone(CET):%a %b %d %H:%M:%S %Y}\n"
        "        Date Range Processed: yesterday\n"
        f"        Detail Level of Output: 0\n        Logfiles for Host: {host}\n"
        " ##################################################################\n\n"
        " --------------------- SSHD Begin ------------------------\n\n"
        f" Failed logins from:\n    203.0.113.45: {fails // 3} times\n    198.51.100.77: {fails // 5} times\n\n"
        f" Illegal users from:\n    203.0.113.45: {fails // 7} times\n\n"
        " Users logging in through sshd:\n    admin:\n       192.0.2.10: 3 times\n\n"
        " ---------------------- SSHD End -------------------------\n\n"
        " --------------------- Disk Space Begin ------------------------\n\n"
        " Filesystem      Size  Used Avail Use% Mounted on\n"
        f" /dev/sda1        40G   {rng.randint(20, 37)}G  {rng.randint(2, 18)}G  {rng.randint(50, 93)}% /\n\n"
        " ---------------------- Disk Space End -------------------------\n\n"
        " ###################### Logwatch End #########################\n"
    )
    raw = mail(
        when=when,
        frm=addr("logwatch", f"root@{host}.demo.test"),
        to=f"root@{host}.demo.test",
        subject=f"Logwatch for {host} (Linux)",
        mid=_mid(when, n, f"{host}.demo.test"),
        content=text_part(body, cte="7bit"),
        extra=[("Auto-Submitted", "auto-generated")],
        hop=(f"{host}.demo.test", f"10.0.0.{HOSTS.index(host) + 11}"),
    )
    return raw, False


def _fail2ban(rng: random.Random, when: datetime, n: int) -> tuple[bytes, bool]:
    host = rng.choice(HOSTS[:4])
    ip = f"{rng.choice(['203.0.113', '198.51.100', '192.0.2'])}.{rng.randint(2, 254)}"
    jail = rng.choice(["sshd", "sshd", "postfix-sasl", "nginx-botsearch"])
    attempts = rng.randint(5, 12)
    log = "".join(
        f"{when.astimezone(CET) - timedelta(seconds=31 * i):%b %d %H:%M:%S} {host} sshd[{4100 + i}]: "
        f"Failed password for invalid user {rng.choice(['admin', 'test', 'oracle', 'ubuntu', 'git'])} from {ip} port "
        f"{rng.randint(30000, 65000)} ssh2\n"
        for i in range(min(attempts, 6))
    )
    body = (
        f"Hi,\n\nThe IP {ip} has just been banned by Fail2Ban after\n{attempts} attempts against {jail}.\n\n"
        f"Here is more information about {ip} :\n\n% This is the RIPE Database query service.\n"
        f"netname:        EXAMPLE-HOSTING-NET\ncountry:        NL\n\nLines containing failures of {ip}\n\n{log}\n"
        "Regards,\n\nFail2Ban\n"
    )
    raw = mail(
        when=when,
        frm=addr("Fail2Ban", f"fail2ban@{host}.demo.test"),
        to=ADMIN,
        subject=f"[Fail2Ban] {jail}: banned {ip} from {host}.demo.test",
        mid=_mid(when, n, f"{host}.demo.test"),
        content=text_part(body, cte="7bit"),
        hop=(f"{host}.demo.test", f"10.0.0.{HOSTS.index(host) + 11}"),
    )
    return raw, False


def _certbot(rng: random.Random, when: datetime, n: int) -> tuple[bytes, bool]:
    domain = rng.choice(["www.demo.test", "shop.demo.test", "mail.demo.test", "grafana.demo.test"])
    if rng.random() < 0.6:
        body = (
            "Saving debug log to /var/log/letsencrypt/letsencrypt.log\n\n"
            "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -\n"
            f"Processing /etc/letsencrypt/renewal/{domain}.conf\n"
            "- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - -\n"
            "Renewing an existing certificate for " + domain + "\n\n"
            "Congratulations, all renewals succeeded:\n"
            f"  /etc/letsencrypt/live/{domain}/fullchain.pem (success)\n"
            "Hook 'post-hook' ran with output:\n Reloading nginx configuration (via systemctl): nginx.service.\n"
        )
        frm, subject = addr("Cron Daemon", "root@web01.demo.test"), "Cron <root@web01> certbot -q renew"
    else:
        body = (
            f"Hello,\n\nYour certificate (or certificates) for the names listed below will expire in "
            f"{rng.randint(5, 19)} days.\nPlease make sure to renew your certificate before then, or visitors "
            f"to your web site will encounter errors.\n\n{domain}\n\nWe recommend renewing certificates "
            "automatically when they have a third of their\ntotal lifetime left.\n\n"
            "Regards,\nThe Let's Encrypt Team\n"
        )
        frm = addr("Let's Encrypt Expiry Bot", "expiry@letsencrypt.org")
        subject = f'Let\'s Encrypt certificate expiration notice for domain "{domain}"'
    raw = mail(
        when=when,
        frm=frm,
        to=ADMIN,
        subject=subject,
        mid=_mid(when, n, "web01.demo.test"),
        content=text_part(body, cte="7bit"),
        hop=("outbound.letsencrypt.org", "198.51.100.40"),
    )
    return raw, False


def _security(rng: random.Random, when: datetime, n: int) -> tuple[bytes, bool]:
    pkg, cve = rng.choice(
        [
            ("openssl", "CVE-2026-0101"),
            ("nginx", "CVE-2026-1183"),
            ("postgresql-15", "CVE-2026-2210"),
            ("linux", "CVE-2026-3002"),
            ("exim4", "CVE-2026-4410"),
            ("sudo", "CVE-2026-5130"),
        ]
    )
    dsa = 5800 + n % 200
    body = (
        "-------------------------------------------------------------------------\n"
        f"Debian Security Advisory DSA-{dsa}-1                   security@debian.org\n"
        "https://www.debian.org/security/                       Security Team\n"
        "-------------------------------------------------------------------------\n\n"
        f"Package        : {pkg}\nCVE ID         : {cve}\n\n"
        f"A vulnerability was discovered in {pkg} which may result in denial of\nservice or the "
        "execution of arbitrary code.\n\nWe recommend that you upgrade your "
        f"{pkg} packages.\n"
    )
    extra = [
        ("List-Id", "<debian-security-announce.lists.debian.org>"),
        (
            "List-Unsubscribe",
            "<mailto:debian-security-announce-request@lists.debian.org?subject=unsubscribe>",
        ),
        ("Precedence", "list"),
    ]
    raw = mail(
        when=when,
        frm=addr("Salvatore Bonaccorso", "carnil@debian.org"),
        to="debian-security-announce@lists.debian.org",
        subject=f"[SECURITY] [DSA {dsa}-1] {pkg} security update",
        mid=_mid(when, n, "lists.debian.org"),
        content=text_part(body, cte="7bit"),
        extra=extra,
        hop=("bendel.debian.org", "82.195.75.100"),
    )
    return raw, False


_PEOPLE = [
    ("Alice Martin", "alice@demo.test", EST),
    ("Bob Nowak", "bob@demo.test", CET),
    ("Jürgen Müller", "juergen@demo.test", CET),
    ("Carol Diaz", "carol@partner.example", EST),
]
_NOTES = [
    (
        "Can you bump the PHP memory limit on web02?",
        "The image import keeps dying at 256M. 512M should do.\n",
    ),
    (
        "Firewall change for the new VPN range",
        "Please allow 10.8.0.0/24 to reach db01:5432. Ticket OPS-{n}.\n",
    ),
    ("Weekend on-call swap", "Could we swap: I take the 14th, you take the 21st? Thanks!\n"),
    (
        "Is mail01 rejecting our newsletter?",
        "Marketing says their mails to customers bounce since Tuesday.\n",
    ),
    ("Disk on backup01 — order more?", "At this rate we're full in ~3 weeks. Shall I order 2×8 TB?\n"),
    (
        "Zugangsdaten für den neuen Monitoring-Server",
        "Die Zugangsdaten liegen im Passwortmanager, Ordner „Ops“.\n",
    ),
]


def _note(rng: random.Random, when: datetime, n: int) -> tuple[bytes, bool]:
    name, email, tz = rng.choice(_PEOPLE)
    subject, body = rng.choice(_NOTES)
    subject = ("Re: " if rng.random() < 0.3 else "") + subject
    text = f"Hi,\n\n{body.format(n=4000 + n)}\nCheers,\n{name.split()[0]}\n"
    raw = mail(
        when=when,
        frm=addr(name, email),
        to=ME,
        subject=subject if subject.isascii() else enc_q(subject),
        mid=_mid(when, n, email.split("@")[1]),
        content=text_part(text, cte="quoted-printable"),
        tz=tz,
        hop=("mail.partner.example", "198.51.100.23")
        if "partner" in email
        else ("mail01.demo.test", "10.0.0.14"),
    )
    return raw, True


# (maker, weight): roughly what a small ops team's admin inbox looks like.
MAKERS: tuple[tuple[Maker, int], ...] = (
    (_cron, 30),
    (_alert, 25),
    (_logwatch, 12),
    (_fail2ban, 12),
    (_certbot, 6),
    (_security, 6),
    (_note, 12),
)


def routine_messages(rng: random.Random, base: datetime, count: int, days: int = 60) -> list[DemoMessage]:
    """`count` routine INBOX messages delivered over the `days` before `base`, with flags.

    Mail from the last day is mostly unread and still in new/; older mail is mostly seen, a
    few are flagged, and some of the colleagues' notes are answered.
    """
    makers = [m for m, _ in MAKERS]
    weights = [w for _, w in MAKERS]
    out = []
    for n in range(count):
        when = base - timedelta(seconds=rng.randint(0, days * 86400))
        raw, human = rng.choices(makers, weights)[0](rng, when, n)
        age = base - when
        if age < timedelta(hours=20) and rng.random() < 0.7:
            out.append(DemoMessage("", when, raw, flags="", new=True))
            continue
        flags = "S" if rng.random() > 0.04 else ""  # a few seen-by-nobody in cur/
        if rng.random() < 0.07:
            flags = "F" + flags
        if human and rng.random() < 0.4:
            flags = "".join(sorted(flags + "R"))
        out.append(DemoMessage("", when, raw, flags=flags))
    return out


__all__ = ["ADMIN", "ME", "routine_messages"]
