"""The demo's showcase messages: one per decoding case mailtui must get right.

RFC 2047 B and Q words in UTF-8, GBK, GB2312, Big5 and Shift_JIS subjects and bodies, raw
8-bit headers, attachments (text, a generated PNG, a PDF), HTML-only and
multipart/alternative mail. The traps (markup, terminal escapes, overlong line, broken base64)
are in `demo_traps`; bounces, the thread and the other folders in `demo_reports`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mailtui.demo.messages import ADMIN, ME
from mailtui.demo.mime import (
    CET,
    CST,
    EST,
    JST,
    DemoMessage,
    addr,
    attachment,
    enc_b,
    enc_q,
    inbox_message,
    mid_for,
    multipart,
    png_graph,
    text_part,
    tiny_pdf,
)
from mailtui.demo.traps import trap_messages

TW = CST  # Taipei is UTC+8 too


def _encodings(base: datetime) -> list[DemoMessage]:
    out = []
    t = base - timedelta(hours=2, minutes=13)
    plan = "迁移计划\n1. 周五 22:00 停止 mail01 的 Postfix\n2. 同步 /var/vmail 到 mail02\n3. 切换 MX 记录\n"
    body = (
        "各位同事：\n\n本周五晚上我们将把邮件服务器从 mail01 迁移到新硬件。"
        "迁移期间（约两小时）邮件会在队列中等待，不会丢失。\n\n详细计划见附件。\n\n王伟\n运维组\n"
    )
    content = multipart(
        "mixed",
        "=_demo_zh_b",
        [
            text_part(body, cte="base64"),
            attachment("迁移计划.txt", 'text/plain; charset="utf-8"', plan.encode()),
        ],
    )
    out.append(
        inbox_message(
            t,
            frm=addr("王伟", "wang.wei@demo.test"),
            to=ME,
            subject=enc_b("测试邮件：服务器迁移通知"),
            mid=mid_for(t, "zh", "demo.test"),
            content=content,
            tz=CST,
            hop=("mail01.demo.test", "10.0.0.14"),
            flags="",
            new=True,
        )
    )

    t = base - timedelta(hours=5, minutes=40)
    body = (
        "Hallo zusammen,\n\nam Samstag von 02:00 bis 04:00 Uhr tauschen wir die USV im Serverraum.\n"
        "Betroffen: web01, web02, db01. Bitte keine Deployments in diesem Zeitraum.\n\n"
        "Viele Grüße aus dem Rechenzentrum\nJürgen Müller\n"
    )
    out.append(
        inbox_message(
            t,
            frm=addr("Jürgen Müller", "juergen@demo.test"),
            to=ME,
            subject=enc_q("Grüße aus dem Rechenzentrum – Wartung am Samstag"),
            mid=mid_for(t, "de", "demo.test"),
            content=text_part(body, cte="quoted-printable"),
            tz=CET,
            hop=("mail01.demo.test", "10.0.0.14"),
        )
    )

    t = base - timedelta(minutes=48)
    body = "🚀 shop v2.14.0 is live on web01 and web02.\n\n✅ 412 tests passed\n⚠️ 3 migrations applied\n🕒 took 4m 12s\n"
    out.append(
        inbox_message(
            t,
            frm=addr("Deploy Bot 🤖", "deploy@ci.demo.test"),
            to=ADMIN,
            subject=enc_b("🚀 Deploy shop v2.14.0 to production ✅"),
            mid=mid_for(t, "emoji", "ci.demo.test"),
            content=text_part(body, cte="8bit"),
            hop=("ci.demo.test", "10.0.0.30"),
            flags="",
            new=True,
        )
    )

    t = base - timedelta(hours=26, minutes=5)
    body = "管理员您好：\n\n昨晚 db01 的数据库备份失败，错误信息如下：\n\npg_dump: 错误: 磁盘空间不足\n\n请尽快处理。\n\n李娜\n"
    out.append(
        inbox_message(
            t,
            frm=addr("李娜", "li.na@partner.example", "gbk"),
            to=ME,
            subject=enc_b("关于数据库备份失败的报告", "gbk"),
            mid=mid_for(t, "gbk", "partner.example"),
            content=text_part(body, charset="gbk", cte="8bit"),
            tz=CST,
            hop=("mx.partner.example", "198.51.100.61"),
        )
    )

    t = base - timedelta(hours=50, minutes=22)
    body = "【告警】db01 磁盘空间不足\n\n挂载点：/var/lib/postgresql\n使用率：96%\n剩余：3.1 GB\n"
    out.append(
        inbox_message(
            t,
            frm=addr("监控中心", "zabbix@partner.example", "gb2312"),
            to=ADMIN,
            subject=enc_b("【告警】磁盘空间不足 db01", "gb2312"),
            mid=mid_for(t, "gb2312", "partner.example"),
            content=text_part(body, charset="gb2312", cte="base64"),
            tz=CST,
            hop=("mx.partner.example", "198.51.100.61"),
            flags="FS",
        )
    )

    t = base - timedelta(days=3, hours=4)
    body = "各位好：\n\n本週六凌晨 2 點至 4 點將進行機房網路設備維護，屆時 VPN 會中斷。\n\n陳志明\n台北機房\n"
    out.append(
        inbox_message(
            t,
            frm=addr("陳志明", "chen@tw.partner.example", "big5"),
            to=ME,
            subject=enc_b("系統維護通知：本週六凌晨", "big5"),
            mid=mid_for(t, "big5", "tw.partner.example"),
            content=text_part(body, charset="big5", cte="quoted-printable"),
            tz=TW,
            hop=("mx.tw.partner.example", "198.51.100.88"),
        )
    )

    t = base - timedelta(days=4, hours=1)
    body = "ご担当者様\n\n来週月曜日にサーバー移行を実施いたします。\n作業時間：10:00〜12:00（日本時間）\n\n田中\n"
    out.append(
        inbox_message(
            t,
            frm=addr("田中 太郎", "tanaka@jp.partner.example", "shift_jis"),
            to=ME,
            subject=enc_b("サーバー移行のお知らせ", "shift_jis"),
            mid=mid_for(t, "sjis", "jp.partner.example"),
            content=text_part(body, charset="shift_jis", cte="base64"),
            tz=JST,
            hop=("mx.jp.partner.example", "198.51.100.99"),
        )
    )

    # Raw 8-bit Latin-1 in a header, as old printers and scripts still send it.
    t = base - timedelta(days=6, hours=3)
    body = "Der Drucker im 2. OG meldet: Papierstau in Fach 2. Bitte prüfen.\n"
    out.append(
        inbox_message(
            t,
            frm=addr("Drucker 2OG", "mfp-2og@demo.test"),
            to=ADMIN,
            subject="Störung: Drucker im 2. OG".encode("latin-1"),
            mid=mid_for(t, "latin1", "demo.test"),
            content=text_part(body, charset="iso-8859-1", cte="8bit"),
            tz=CET,
            hop=("mfp-2og.demo.test", "10.0.2.40"),
        )
    )
    return out


def _attachments_and_html(base: datetime) -> list[DemoMessage]:
    out = []
    t = base - timedelta(hours=9, minutes=2)
    log = "".join(
        f"2026/11/15 0{h}:{m:02d}:17 [error] 1042#1042: *{9000 + m} upstream timed out (110: Connection timed out) "
        f"while reading response header from upstream, client: 192.0.2.{m}, server: shop.demo.test\n"
        for h in range(2, 4)
        for m in range(0, 60, 12)
    )
    load = [2, 3, 3, 4, 6, 9, 14, 19, 22, 23, 21, 17, 12, 8, 6, 5, 4, 3, 3, 2, 2, 3, 4, 3]
    content = multipart(
        "mixed",
        "=_demo_attach",
        [
            text_part(
                "Hi,\n\nattached the nginx errors from last night and the load graph.\n"
                "The upstream timeouts line up with the backup window.\n\nBob\n"
            ),
            attachment("nginx-error.log", "text/plain; charset=us-ascii", log.encode()),
            attachment("load-graph.png", "image/png", png_graph(load)),
        ],
    )
    out.append(
        inbox_message(
            t,
            frm=addr("Bob Nowak", "bob@demo.test"),
            to=ME,
            subject="nginx timeouts last night + load graph",
            mid=mid_for(t, "attach", "demo.test"),
            content=content,
            tz=CET,
            hop=("mail01.demo.test", "10.0.0.14"),
            flags="FS",
        )
    )

    t = base - timedelta(days=9, hours=6)
    pdf = tiny_pdf(
        ["HostCo GmbH - Invoice 2026-11-0471", "Dedicated server DS-42: EUR 89.00", "Total: EUR 105.91"]
    )
    content = multipart(
        "mixed",
        "=_demo_pdf",
        [
            text_part(
                "Dear customer,\n\nplease find your invoice for November attached.\n\nHostCo Billing\n",
                cte="7bit",
            ),
            attachment("invoice-2026-11-0471.pdf", "application/pdf", pdf),
        ],
    )
    out.append(
        inbox_message(
            t,
            frm=addr("HostCo Billing", "billing@hostco.example"),
            to=ADMIN,
            subject="Your invoice 2026-11-0471",
            mid=mid_for(t, "pdf", "hostco.example"),
            content=content,
            tz=CET,
            hop=("mout.hostco.example", "203.0.113.80"),
        )
    )

    t = base - timedelta(hours=30, minutes=17)
    html = (
        "<!DOCTYPE html><html><head><style>body{font-family:Arial} .ok{color:#2a2}</style>"
        "<script>alert('scripts never run in mailtui')</script></head><body>"
        '<h1>CloudHost weekly status</h1><p>All systems <b class="ok">operational</b> this week.</p>'
        '<table border="1"><tr><th>Service</th><th>Uptime</th></tr><tr><td>Object storage</td><td>99.98&nbsp;%</td></tr>'
        "<tr><td>Managed DNS</td><td>100&nbsp;%</td></tr></table>"
        '<p>Read the <a href="https://status.cloudhost.example/report">full report</a>.</p>'
        '<img src="https://tracker.cloudhost.example/open.gif?u=8812" width="1" height="1">'
        "</body></html>\n"
    )
    out.append(
        inbox_message(
            t,
            frm=addr("CloudHost", "status@cloudhost.example"),
            to=ADMIN,
            subject="CloudHost weekly status digest",
            mid=mid_for(t, "html", "cloudhost.example"),
            content=text_part(html, subtype="html", cte="quoted-printable"),
            tz=EST,
            hop=("mta7.cloudhost.example", "203.0.113.120"),
            extra=[("List-Unsubscribe", "<https://cloudhost.example/unsubscribe?u=8812>")],
        )
    )

    t = base - timedelta(days=8, hours=2)
    plain = (
        "Post-mortem INC-2041\n\nImpact: shop.demo.test returned 503 for 38 minutes.\n"
        "Root cause: the PHP-FPM pool on web02 was exhausted by a crawler.\n"
        "Action items:\n  * rate-limit /search at the load balancer\n  * alert on FPM queue length\n"
    )
    html = (
        "<html><body><h2>Post-mortem INC-2041</h2><p><b>Impact:</b> shop.demo.test returned 503 for "
        "<i>38 minutes</i>.</p><p><b>Root cause:</b> the PHP-FPM pool on web02 was exhausted by a crawler.</p>"
        "<ul><li>rate-limit /search at the load balancer</li><li>alert on FPM queue length</li></ul></body></html>\n"
    )
    content = multipart(
        "alternative",
        "=_demo_alt",
        [
            text_part(plain, cte="quoted-printable"),
            text_part(html, subtype="html", cte="quoted-printable"),
        ],
    )
    out.append(
        inbox_message(
            t,
            frm=addr("Alice Martin", "alice@demo.test"),
            to="ops@demo.test",
            subject="Post-mortem INC-2041: shop outage",
            mid=mid_for(t, "alt", "demo.test"),
            content=content,
            tz=EST,
            hop=("mail01.demo.test", "10.0.0.14"),
            flags="FS",
        )
    )
    return out


def special_messages(base: datetime) -> list[DemoMessage]:
    """The showcase messages for INBOX, delivered at fixed offsets before `base`."""
    return [*_encodings(base), *_attachments_and_html(base), *trap_messages(base)]
