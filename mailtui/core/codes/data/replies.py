"""Basic SMTP reply codes 2yz-4yz: RFC 5321 §4.2, AUTH (RFC 4954), STARTTLS (RFC 3207).

Data only, in English and Simplified Chinese. Each entry: summary, detail, action, and the
usual real-world causes written as "cause → fix" (the same causes, in the same order, in both
languages: the explainer ranks them on the English text). 5yz codes: `codes_data_reply_5xx.py`.
"""

from __future__ import annotations

from mailtui.core.codes.data.general import Entry
from mailtui.core.codes.data.general import entry as _e

_R = "RFC 5321 §4.2.3"


REPLY_CODES: dict[int, Entry] = {
    211: _e(
        _R,
        ("System status, or system help reply", "Answer to a status or HELP request.", "Nothing to do."),
        ("系统状态或系统帮助应答", "对状态查询或 HELP 命令的应答。", "无需处理。"),
    ),
    214: _e(
        _R,
        ("Help message", "Text meant for a human, usually the answer to HELP.", "Nothing to do."),
        ("帮助信息", "给人看的说明文字，通常是 HELP 命令的应答。", "无需处理。"),
    ),
    220: _e(
        _R,
        (
            "Service ready",
            "The server's greeting (or the answer to STARTTLS: start the TLS handshake now).",
            "Nothing to do: the client continues with EHLO (or the TLS handshake).",
        ),
        (
            "服务就绪",
            "服务器的欢迎横幅（或对 STARTTLS 的应答：现在开始 TLS 握手）。",
            "无需处理：客户端接着发送 EHLO（或进行 TLS 握手）。",
        ),
    ),
    221: _e(
        _R,
        (
            "Service closing transmission channel",
            "The server says goodbye, normally after QUIT.",
            "Nothing to do.",
        ),
        ("服务关闭传输通道", "服务器道别，通常是对 QUIT 的应答。", "无需处理。"),
    ),
    235: _e(
        "RFC 4954 §6",
        ("Authentication succeeded", "SMTP AUTH worked: the server knows who you are.", "Nothing to do."),
        ("认证成功", "SMTP AUTH 成功：服务器已确认你的身份。", "无需处理。"),
    ),
    250: _e(
        _R,
        (
            "Requested mail action okay, completed",
            "The command worked. After the final '.' of DATA it means "
            "the server took responsibility for the message (often with a queue id).",
            "Nothing to do. Keep the queue id in the text to trace the message in the server's log.",
        ),
        (
            "请求的邮件操作已完成",
            "命令成功。在 DATA 结尾的“.”之后，表示服务器已接收并对该邮件负责（通常附带队列 ID）。",
            "无需处理。可记下应答中的队列 ID，用于在服务器日志中追踪该邮件。",
        ),
    ),
    251: _e(
        _R,
        (
            "User not local; will forward",
            "The server accepts the recipient and will forward to another address.",
            "Nothing to do; update the address if the text gives a new one.",
        ),
        (
            "用户不在本地，将转发",
            "服务器接受该收件人，并会转发到另一个地址。",
            "无需处理；如应答给出了新地址，可更新通讯录。",
        ),
    ),
    252: _e(
        _R,
        (
            "Cannot VRFY user, but will accept message and attempt delivery",
            "The server does not confirm addresses (VRFY is disabled to stop address harvesting) but takes mail.",
            "Nothing to do: VRFY answers prove nothing; send a test message instead.",
        ),
        (
            "无法 VRFY 验证用户，但会接受邮件并尝试投递",
            "服务器不确认地址是否存在（为防止地址收集而禁用了 VRFY），但会收信。",
            "无需处理：VRFY 的结果说明不了什么，请直接发测试邮件。",
        ),
    ),
    334: _e(
        "RFC 4954 §4",
        (
            "AUTH continue (server challenge)",
            "The server waits for the next step of the SASL exchange; the text is "
            "base64 (for LOGIN it decodes to 'Username:' / 'Password:').",
            "Nothing to do: the client answers the challenge.",
        ),
        (
            "AUTH 继续（服务器质询）",
            "服务器等待 SASL 交互的下一步；文字为 base64 编码（LOGIN 机制解码后为 'Username:' / 'Password:'）。",
            "无需处理：客户端会回应该质询。",
        ),
    ),
    354: _e(
        _R,
        (
            "Start mail input; end with <CRLF>.<CRLF>",
            "The server accepted DATA and waits for the message.",
            "Nothing to do: the client sends the message and a line with a single '.'.",
        ),
        (
            "开始输入邮件内容，以 <CRLF>.<CRLF> 结束",
            "服务器接受了 DATA 命令，正在等待邮件内容。",
            "无需处理：客户端发送邮件内容，最后发送仅含“.”的一行。",
        ),
    ),
    421: _e(
        _R,
        (
            "Service not available, closing transmission channel",
            "The server is closing the connection: it is shutting down, overloaded, or limiting you.",
            "Retry later (a queue does this). If it persists, read the text: rate limits and reputation blocks say so.",
            (
                "Too many connections from your IP / rate limited (421 4.7.0) → lower concurrency and sending rate "
                "(Postfix: smtp_destination_concurrency_limit, smtp_destination_rate_delay); the queue retries",
                "Server restarting or overloaded → nothing to do, retry later",
                "Temporary reputation block (e.g. '421 4.7.0 Try again later' from Gmail/Yahoo) → check SPF/DKIM/DMARC "
                "and rDNS, slow down, watch the provider's postmaster tools",
                "Idle timeout: the client was too slow → check the network or a stalled client",
            ),
        ),
        (
            "服务不可用，正在关闭传输通道",
            "服务器正在断开连接：服务器正在关闭、负载过高，或对你进行了限制。",
            "稍后重试（队列会自动重试）。若持续出现，请阅读应答文字：限速和信誉封锁通常会注明。",
            (
                "来自你 IP 的连接过多 / 被限速（421 4.7.0）→ 降低并发数和发送速率（Postfix：smtp_destination_concurrency_limit、"
                "smtp_destination_rate_delay）；队列会自动重试",
                "服务器正在重启或负载过高 → 无需处理，稍后重试",
                "临时信誉封锁（如 Gmail/Yahoo 的“421 4.7.0 Try again later”）→ 检查 SPF/DKIM/DMARC 和反向解析，降低发送速度，关注服务商的邮局管理工具",
                "空闲超时：客户端太慢 → 检查网络或卡住的客户端",
            ),
        ),
    ),
    432: _e(
        "RFC 4954 §6",
        (
            "A password transition is needed",
            "The account must change its password (or switch mechanism) before this authentication can work.",
            "Log in once with a password (e.g. webmail) to complete the transition.",
        ),
        (
            "需要过渡密码",
            "该账户必须先修改密码（或切换认证机制），本次认证才能成功。",
            "先用密码登录一次（例如网页邮箱）完成过渡。",
        ),
    ),
    450: _e(
        _R,
        (
            "Requested mail action not taken: mailbox unavailable",
            "Temporary refusal for this recipient: mailbox busy, or blocked for now by policy.",
            "Retry later; the sending server's queue does so.",
            (
                "Greylisting (450 4.2.0 / 4.7.1 'Greylisted', postgrey) → nothing to do: a real MTA retries after a "
                "few minutes and is accepted; only a client that never retries loses the mail",
                "Recipient or sender domain lookup failed temporarily (450 4.1.8 / 4.1.2) → fix or wait for DNS",
                "Mailbox locked or busy → wait",
            ),
        ),
        (
            "请求的邮件操作未执行：邮箱不可用",
            "对该收件人的临时拒绝：邮箱忙，或暂时被策略拦截。",
            "稍后重试；发送方服务器的队列会自动重试。",
            (
                "灰名单（450 4.2.0 / 4.7.1 “Greylisted”，postgrey）→ 无需处理：正常的邮件服务器几分钟后会重试并被接受；只有从不重试的客户端会丢信",
                "收件人或发件人域名的 DNS 查询暂时失败（450 4.1.8 / 4.1.2）→ 修复 DNS 或等待",
                "邮箱被锁定或繁忙 → 等待",
            ),
        ),
    ),
    451: _e(
        _R,
        (
            "Requested action aborted: local error in processing",
            "The server hit a temporary problem of its own (or greylisted you).",
            "Retry later. If it persists on your own server, read its log.",
            (
                "Greylisting (451 4.7.1 'Please try again later', 'greylisted') → wait: the queue retries and gets through",
                "Local error / queue full / DNS lookup failure on the server (451 4.3.0) → server admin: check the mail log, "
                "disk space and the content filter (amavis, rspamd) being reachable",
                "Temporary SPF/DKIM lookup error (451 4.7.24) → check the sender's DNS answers",
            ),
        ),
        (
            "请求的操作中止：本地处理出错",
            "服务器自身遇到临时问题（或对你启用了灰名单）。",
            "稍后重试。如果是你自己的服务器且持续出现，请查看其日志。",
            (
                "灰名单（451 4.7.1 “Please try again later”、“greylisted”）→ 等待：队列会重试并最终通过",
                "本地错误 / 队列已满 / 服务器上的 DNS 查询失败（451 4.3.0）→ 服务器管理员：查看邮件日志、磁盘空间，确认内容过滤器（amavis、rspamd）可连接",
                "SPF/DKIM 查询临时出错（451 4.7.24）→ 检查发件人域名的 DNS 应答",
            ),
        ),
    ),
    452: _e(
        _R,
        (
            "Requested action not taken: insufficient system storage",
            "The server is short of space, or refuses more recipients in this transaction.",
            "Retry later; for 'too many recipients' send the rest in another transaction (MTAs do this by themselves).",
            (
                "Too many recipients in one message (452 4.5.3) → split the recipient list",
                "Server disk or queue full (452 4.3.1) → server admin: free disk space",
                "Recipient over quota, temporary (452 4.2.2) → the recipient must clean up; the queue retries",
            ),
        ),
        (
            "请求的操作未执行：系统存储空间不足",
            "服务器空间不足，或本次会话拒绝接受更多收件人。",
            "稍后重试；若是“收件人过多”，将剩余收件人放到另一次会话中发送（邮件服务器会自动这样做）。",
            (
                "单封邮件收件人过多（452 4.5.3）→ 拆分收件人列表",
                "服务器磁盘或队列已满（452 4.3.1）→ 服务器管理员：清理磁盘空间",
                "收件人邮箱暂时超出配额（452 4.2.2）→ 收件人需清理邮箱；队列会重试",
            ),
        ),
    ),
    454: _e(
        "RFC 4954 §6, RFC 3207 §4",
        (
            "Temporary authentication failure, or TLS not available",
            "After AUTH: the server could not check the credentials right now (its password backend failed). "
            "After STARTTLS: TLS is temporarily unavailable.",
            "Retry later. Do not send the password without TLS to work around it.",
            (
                "Authentication backend (LDAP, SQL, Dovecot auth) down → server admin: check the auth service",
                "'454 TLS not available due to temporary reason' → server admin: check certificate and key files",
            ),
        ),
        (
            "临时认证失败，或 TLS 不可用",
            "AUTH 之后：服务器暂时无法校验凭据（其密码后端出错）。STARTTLS 之后：TLS 暂时不可用。",
            "稍后重试。不要为了绕过问题而在没有 TLS 的情况下发送密码。",
            (
                "认证后端（LDAP、SQL、Dovecot auth）故障 → 服务器管理员：检查认证服务",
                "“454 TLS not available due to temporary reason” → 服务器管理员：检查证书和私钥文件",
            ),
        ),
    ),
    455: _e(
        _R,
        (
            "Server unable to accommodate parameters",
            "The server cannot handle the MAIL FROM / RCPT TO parameters "
            "for now (e.g. a SIZE it cannot take at the moment).",
            "Retry later, or send without the extension parameter.",
        ),
        (
            "服务器无法满足参数要求",
            "服务器暂时无法处理 MAIL FROM / RCPT TO 的扩展参数（例如暂时无法接受的 SIZE）。",
            "稍后重试，或不带该扩展参数发送。",
        ),
    ),
}
