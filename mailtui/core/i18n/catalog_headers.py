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
}
