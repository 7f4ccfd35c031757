"""Shared shapes and the general part of the SMTP reply-code knowledge base (English + Chinese).

The knowledge is data, not code: `codes.py` looks things up here. This module holds the record
types (`Text`, `Entry`, `Hint`), the class-level texts used when a code is unknown (first digit of
a reply code, class and subject of an enhanced code) and the labels of the formatted output.
The reply codes live in `codes_data_reply*.py`, the enhanced codes in `codes_data_enhanced*.py`,
the text cues in `codes_data_hints.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["en", "zh"]


@dataclass(frozen=True)
class Text:
    """What one code means, in one language."""

    summary: str
    detail: str
    action: str
    causes: tuple[str, ...] = ()  # each "cause → fix", in an admin's words


@dataclass(frozen=True)
class Entry:
    """One code of the knowledge base, with its source and both languages."""

    ref: str
    en: Text
    zh: Text

    def text(self, lang: Lang) -> Text:
        """The text in `lang` ("zh" or anything else for English)."""
        return self.zh if lang == "zh" else self.en


def entry(
    ref: str,
    en: tuple[str, str, str] | tuple[str, str, str, tuple[str, ...]],
    zh: tuple[str, str, str] | tuple[str, str, str, tuple[str, ...]],
) -> Entry:
    """Build an `Entry` from two (summary, detail, action[, causes]) tuples: keeps the tables short."""
    return Entry(ref, Text(*en), Text(*zh))


@dataclass(frozen=True)
class Hint:
    """A cue in the server's text (regex, case-insensitive) and what it usually means."""

    key: str
    pattern: str
    en_label: str
    en: str
    zh_label: str
    zh: str

    def label(self, lang: Lang) -> str:
        return self.zh_label if lang == "zh" else self.en_label

    def text(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


# First digit of a basic reply code (RFC 5321 §4.2.1). Used for every code, known or not.
REPLY_CLASSES: dict[int, Entry] = {
    2: Entry(
        "RFC 5321 §4.2.1",
        Text(
            "Positive completion (2yz)",
            "The server accepted the command and completed the action.",
            "Nothing to do: this step worked.",
        ),
        Text("肯定完成应答（2yz）", "服务器已接受命令并完成了相应操作。", "无需处理：这一步成功了。"),
    ),
    3: Entry(
        "RFC 5321 §4.2.1",
        Text(
            "Positive intermediate (3yz)",
            "The server accepted the command and waits for more from the client (message data, an AUTH response).",
            "Nothing to do: the client sends the next part.",
        ),
        Text(
            "肯定中间应答（3yz）",
            "服务器已接受命令，正在等待客户端继续发送（邮件正文、AUTH 应答等）。",
            "无需处理：客户端接着发送下一部分即可。",
        ),
    ),
    4: Entry(
        "RFC 5321 §4.2.1",
        Text(
            "Transient negative completion (4yz)",
            "The server refused for now; the condition is temporary and the same command may succeed later.",
            "Retry later. A mail server's queue does this on its own; if it lasts for hours, look at the text for the reason.",
        ),
        Text(
            "暂时性否定应答（4yz）",
            "服务器暂时拒绝；这是临时状况，稍后重发同样的命令可能成功。",
            "稍后重试。邮件服务器的队列会自动重试；如果持续数小时仍失败，请根据应答文字查找原因。",
        ),
    ),
    5: Entry(
        "RFC 5321 §4.2.1",
        Text(
            "Permanent negative completion (5yz)",
            "The server refused and will refuse again: sending the same thing again will not work.",
            "Do not retry as is: fix the cause (address, credentials, content, DNS, policy) first.",
        ),
        Text(
            "永久性否定应答（5yz）",
            "服务器拒绝，且重发同样内容仍会被拒绝。",
            "不要原样重试：先解决原因（地址、凭据、内容、DNS、策略）。",
        ),
    ),
}

# Second digit of a basic reply code (RFC 5321 §4.2.1).
REPLY_CATEGORIES: dict[int, tuple[str, str]] = {
    0: ("syntax", "语法"),
    1: ("information", "信息"),
    2: ("connection", "连接"),
    3: ("unspecified", "未指定"),
    4: ("unspecified", "未指定"),
    5: ("mail system", "邮件系统"),
}

# Class of an enhanced status code (RFC 3463 §3.1).
ENHANCED_CLASSES: dict[int, Entry] = {
    2: Entry(
        "RFC 3463 §3.1",
        Text("Success", "The action was completed (delivered, relayed or accepted).", "Nothing to do."),
        Text("成功", "操作已完成（已投递、已转发或已接受）。", "无需处理。"),
    ),
    4: Entry(
        "RFC 3463 §3.1",
        Text(
            "Persistent transient failure",
            "The message is valid but a temporary condition stopped it; sending again later may work.",
            "Wait and retry (the sending server's queue does so); act only if it keeps failing.",
        ),
        Text(
            "持续性临时失败",
            "邮件本身没问题，但临时状况导致未能投递；稍后重发可能成功。",
            "等待并重试（发送方服务器的队列会自动重试）；只有持续失败时才需要处理。",
        ),
    ),
    5: Entry(
        "RFC 3463 §3.1",
        Text(
            "Permanent failure",
            "The message will not be delivered as sent; resending it unchanged will fail again.",
            "Fix the cause before sending again.",
        ),
        Text("永久失败", "邮件按原样无法投递；不做修改重发仍会失败。", "先解决原因，再重新发送。"),
    ),
}

# Subject of an enhanced status code (RFC 3463 §3.2): short names used in class-level texts.
ENHANCED_SUBJECTS: dict[int, tuple[str, str]] = {
    0: ("other or undefined", "其他或未定义"),
    1: ("addressing", "地址"),
    2: ("mailbox", "邮箱"),
    3: ("mail system", "邮件系统"),
    4: ("network and routing", "网络与路由"),
    5: ("mail delivery protocol", "邮件投递协议"),
    6: ("message content or media", "邮件内容或媒体"),
    7: ("security or policy", "安全或策略"),
}

# Labels of the formatted output and of class-level texts, per language.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "success": "success",
        "intermediate": "intermediate (the server waits for more)",
        "temporary": "temporary error (retry later)",
        "permanent": "permanent error (do not retry as is)",
        "unknown": "unknown",
        "s_success": "success",
        "s_intermediate": "intermediate",
        "s_temporary": "temporary error",
        "s_permanent": "permanent error",
        "s_unknown": "unknown",
        "colon": ": ",
        "category_unknown": "undefined",
        "severity": "Severity",
        "reply": "Reply",
        "enhanced": "Enhanced status",
        "action": "What to do",
        "causes": "Usual causes → fixes",
        "hints": "From the server's text",
        "server_said": "Server said",
        "unknown_reply": "Unknown reply code: {klass}, category {category}",
        "not_a_reply": "Not an SMTP reply code (they run from 200 to 599)",
        "unknown_reply_detail": "This code is not defined by RFC 5321 or its extensions; only its first digits carry meaning.",
        "unknown_subject": "Unknown enhanced status: {klass}, subject {subject} is not registered",
        "unknown_detail": "{klass}, {subject} (detail {detail} is vendor-specific)",
        "vendor_detail": "Detail {detail} is not in the IANA registry: it is specific to the server's software "
        "(Microsoft 365 / Exchange use 5.7.5xx, 5.7.6xx, 5.4.3xx ...); search that vendor's documentation for "
        "the full code. The class and subject still apply: {klass_detail} The problem is about {subject}.",
        "read_text": "Read the server's text: it usually names the reason.",
        "unknown_class": "Not a valid enhanced status code: the class must be 2, 4 or 5",
        "mismatch": "The reply code {reply} and the enhanced code {enhanced} disagree on the class; "
        "the reply code decides whether it is temporary or permanent.",
    },
    "zh": {
        "success": "成功",
        "intermediate": "中间应答（服务器等待后续数据）",
        "temporary": "临时错误（稍后重试）",
        "permanent": "永久错误（不要原样重试）",
        "unknown": "未知",
        "s_success": "成功",
        "s_intermediate": "中间应答",
        "s_temporary": "临时错误",
        "s_permanent": "永久错误",
        "s_unknown": "未知",
        "colon": "：",
        "category_unknown": "未定义",
        "severity": "性质",
        "reply": "应答码",
        "enhanced": "增强状态码",
        "action": "处理建议",
        "causes": "常见原因 → 解决办法",
        "hints": "根据服务器文字判断",
        "server_said": "服务器原文",
        "unknown_reply": "未知应答码：{klass}，类别：{category}",
        "not_a_reply": "不是 SMTP 应答码（应答码范围为 200–599）",
        "unknown_reply_detail": "RFC 5321 及其扩展没有定义该代码；只有前两位数字有意义。",
        "unknown_subject": "未知增强状态码：{klass}，主题 {subject} 未注册",
        "unknown_detail": "{klass}，{subject}（细节码 {detail} 为厂商自定义）",
        "vendor_detail": "细节码 {detail} 不在 IANA 注册表中，是服务器软件自定义的（例如 Microsoft 365 / Exchange "
        "使用 5.7.5xx、5.7.6xx、5.4.3xx 等）；请在该厂商文档中查找完整代码。类别和主题的含义仍然适用：{klass_detail}"
        "问题属于“{subject}”方面。",
        "read_text": "阅读服务器的应答文字，其中通常会说明原因。",
        "unknown_class": "不是有效的增强状态码：类别必须是 2、4 或 5",
        "mismatch": "应答码 {reply} 与增强状态码 {enhanced} 的类别不一致；是否为临时错误以应答码为准。",
    },
}
