"""Chinese for the header inspector: its advice and verdict sentences."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # core/headers/inspection.py
    "no trusted authserv-id configured (ui.trusted_authserv_ids): no verdict is trusted": (
        "未配置可信的 authserv-id（ui.trusted_authserv_ids）：所有验证结论均不可信"
    ),
    "trusted": "可信",
    "UNTRUSTED: no authserv-id": "不可信：没有 authserv-id",
    "UNTRUSTED: not in ui.trusted_authserv_ids; its verdicts are not counted": (
        "不可信：不在 ui.trusted_authserv_ids 中，其验证结论不计入"
    ),
    "Trusted verdicts: ": "可信的验证结论：",
    "no headers found": "未找到邮件头",
    "Received chain: {count} hop(s), oldest first, total {total}": (
        "Received 链：共 {count} 跳，从最早的开始，总耗时 {total}"
    ),
    "MIME structure:": "MIME 结构：",
    "headers too long to inspect in all: later {name} headers cut (not inspected)": (
        "邮件头过长，无法全部检查：后面的 {name} 头已截断（未检查）"
    ),
    # core/headers/received.py
    "negative delay {delay}: clock skew between hosts": "负延迟 {delay}：主机之间时钟不同步",
    "slow hop: {delay}": "慢跳：{delay}",
    "hop {number}: {anomaly}": "第 {number} 跳：{anomaly}",
    "could not parse ({error})": "无法解析（{error}）",
    "no ';' before the date": "日期前没有 ';'",
    "no date": "没有日期",
    "Date cannot be represented (year out of range): shown as written: {date}": (
        "日期无法表示（年份超出范围）：按原文显示：{date}"
    ),
    "unparsable date: {date}": "无法解析的日期：{date}",
    "no from/by/with clauses": "没有 from/by/with 子句",
    # core/headers/inspection.py notes
    "more than {limit} {name} headers: the rest cut (not inspected)": "{name} 头超过 {limit} 个：其余已截去（未检查）",
    "{name} header longer than {limit} characters: cut for inspection": "{name} 头超过 {limit} 个字符：检查时已截断",
    "could not parse the headers ({error})": "无法解析邮件头（{error}）",
    "Date cannot be represented (year out of range): shown as written": "日期无法表示（年份超出范围）：按原文显示",
    "unparsable Date header": "无法解析的 Date 头",
    "no Date header": "没有 Date 头",
    "no Message-ID header": "没有 Message-ID 头",
    "Message-ID is not of the form <left@right>": "Message-ID 的格式不是 <left@right>",
    "more than one Return-Path: added by more than one delivery agent": (
        "有多个 Return-Path：被不止一个投递代理添加"
    ),
    "message of {size} MB: MIME structure of its first 8 MB only": "邮件大小 {size} MB：只显示前 8 MB 的 MIME 结构",
    "could not parse the MIME structure ({error})": "无法解析 MIME 结构（{error}）",
    "could not read the delivery report ({error})": "无法读取投递报告（{error}）",
    "header {name} longer than {limit} characters: cut for display": "{name} 头超过 {limit} 个字符：显示时已截断",
    "{what} contains invisible or bidi-control characters ({marks}): a look-alike?": (
        "{what} 含有不可见字符或双向控制字符（{marks}）：是仿冒吗？"
    ),
    "could not look for signatures ({error})": "无法查找签名（{error}）",
    # core/headers/dsn.py
    "{count} recipients: the first {shown} shown": "{count} 个收件人：只显示前 {shown} 个",
    "the delivery report names no recipient": "投递报告没有列出收件人",
    "the original message is not returned (neither message/rfc822 nor text/rfc822-headers)": (
        "没有退回原始邮件（既没有 message/rfc822 也没有 text/rfc822-headers）"
    ),
    "Delivery report ({style}):": "投递报告（{style}）：",
}
