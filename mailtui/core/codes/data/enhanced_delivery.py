"""Enhanced status codes X.0.x to X.4.x (RFC 3463 and the IANA registry), English + Chinese.

Keyed by (subject, detail); the class digit (2, 4, 5) decides success / temporary / permanent
and applies to every entry. Subjects 5-6 are in `codes_data_enhanced_media.py`, 7 in
`codes_data_enhanced_x7.py`.
"""

from __future__ import annotations

from mailtui.core.codes.data.general import Entry
from mailtui.core.codes.data.general import entry as _e

_R = "RFC 3463"


ENHANCED_A: dict[tuple[int, int], Entry] = {
    (0, 0): _e(
        _R,
        (
            "Other undefined status",
            "No more specific code applies; the text carries the meaning.",
            "Read the server's text.",
        ),
        ("其他未定义状态", "没有更具体的代码适用；含义在应答文字中。", "阅读服务器的应答文字。"),
    ),
    # X.1.x addressing
    (1, 0): _e(
        _R,
        (
            "Other address status",
            "Something about an address (sender or recipient) is wrong.",
            "Check both the envelope sender and the recipient addresses.",
            (
                "'Sender address rejected: Domain not found' → the sender's domain has no DNS: fix it or use another sender",
                "Sender verification failed (Postfix reject_unverified_sender, Exim verify=sender) → make sure bounces "
                "to the sender address are accepted",
            ),
        ),
        (
            "其他地址状态",
            "某个地址（发件人或收件人）有问题。",
            "检查信封发件人和收件人地址。",
            (
                "“Sender address rejected: Domain not found”→ 发件人域名没有 DNS 记录：修复 DNS 或换用其他发件人",
                "发件人验证失败（Postfix reject_unverified_sender、Exim verify=sender）→ 确保发往发件人地址的退信能被接收",
            ),
        ),
    ),
    (1, 1): _e(
        _R,
        (
            "Bad destination mailbox address",
            "The recipient mailbox does not exist at that domain ('User unknown').",
            "Check the address for typos; ask the recipient for the right one.",
            (
                "Typo in the local part (jhon@ instead of john@) → correct the address",
                "Mailbox deleted (person left) → remove the address from lists",
                "The domain's mail moved (to Microsoft 365 / Google) but the old server still answers → the recipient's admin "
                "must fix MX or the recipient table",
            ),
        ),
        (
            "目标邮箱地址错误",
            "该域名下不存在此收件人邮箱（“User unknown”，用户不存在）。",
            "检查地址是否拼错；向收件人确认正确地址。",
            (
                "@ 前的用户名拼写错误（如 jhon@ 写成 john@）→ 更正地址",
                "邮箱已被删除（人员已离职）→ 从列表中移除该地址",
                "对方域名的邮件已迁移（到 Microsoft 365 / Google），但旧服务器仍在应答 → 对方管理员需修正 MX 或收件人表",
            ),
        ),
    ),
    (1, 2): _e(
        _R,
        (
            "Bad destination system address",
            "The recipient's domain or host does not exist or cannot take mail.",
            "Check the domain part of the address (typo like gmial.com) and its MX records.",
        ),
        (
            "目标系统地址错误",
            "收件人的域名或主机不存在，或无法接收邮件。",
            "检查地址中的域名部分（如 gmial.com 之类的拼写错误）及其 MX 记录。",
        ),
    ),
    (1, 3): _e(
        _R,
        (
            "Bad destination mailbox address syntax",
            "The recipient address is not a valid address.",
            "Fix the address: stray spaces, missing <>, two @, non-ASCII without SMTPUTF8.",
        ),
        (
            "目标邮箱地址语法错误",
            "收件人地址不是合法地址。",
            "修正地址：多余空格、缺少 <>、两个 @、未启用 SMTPUTF8 却含非 ASCII 字符。",
        ),
    ),
    (1, 4): _e(
        _R,
        (
            "Destination mailbox address ambiguous",
            "The address matches several mailboxes.",
            "Use a more specific address.",
        ),
        ("目标邮箱地址不明确", "该地址对应多个邮箱。", "使用更具体的地址。"),
    ),
    (1, 5): _e(
        _R,
        (
            "Destination address valid",
            "The recipient address was accepted (used with 250 2.1.5).",
            "Nothing to do.",
        ),
        ("目标地址有效", "收件人地址已被接受（通常与 250 2.1.5 一起出现）。", "无需处理。"),
    ),
    (1, 6): _e(
        _R,
        (
            "Destination mailbox has moved, no forwarding address",
            "The mailbox existed but moved; no new address is known.",
            "Ask the recipient for the new address.",
        ),
        ("目标邮箱已迁移，无转发地址", "该邮箱曾存在但已迁移，且没有新地址。", "向收件人询问新地址。"),
    ),
    (1, 7): _e(
        _R,
        (
            "Bad sender's mailbox address syntax",
            "The envelope sender (MAIL FROM) is not a valid address.",
            "Fix the sender address in the client or the application sending the mail.",
        ),
        (
            "发件人邮箱地址语法错误",
            "信封发件人（MAIL FROM）不是合法地址。",
            "在客户端或发信程序中修正发件人地址。",
        ),
    ),
    (1, 8): _e(
        _R,
        (
            "Bad sender's system address",
            "The sender's domain does not exist or cannot receive replies.",
            "Use a sender domain that resolves in DNS and has MX (or A) records; not 'localhost' or an internal name.",
            (
                "Application sends as user@localhost.localdomain → set a real sender domain (Postfix myorigin)",
            ),
        ),
        (
            "发件人系统地址错误",
            "发件人的域名不存在或无法接收回信。",
            "使用能在 DNS 中解析、有 MX（或 A）记录的发件域名；不要用“localhost”或内部名称。",
            ("程序以 user@localhost.localdomain 发信 → 设置真实的发件域名（Postfix myorigin）",),
        ),
    ),
    (1, 9): _e(
        "RFC 3886",
        (
            "Message relayed to non-compliant mailer",
            "The message was relayed to a system that does not return "
            "delivery notifications, so no further status will come.",
            "Nothing to do; no delivery report will follow.",
        ),
        (
            "邮件已转发至不兼容的邮件系统",
            "邮件被转发到不支持投递通知的系统，后续不会再有状态报告。",
            "无需处理；不会再有投递报告。",
        ),
    ),
    (1, 10): _e(
        "RFC 7505",
        (
            "Recipient address has null MX",
            "The recipient's domain publishes a null MX ('MX 0 .'): it receives no "
            "mail. Note: Microsoft 365 also uses 5.1.10 for 'Recipient not found by SMTP address lookup'.",
            "Check the recipient address; with Microsoft 365 it usually means the mailbox does not exist.",
        ),
        (
            "收件人地址为空 MX",
            "收件人域名发布了空 MX 记录（“MX 0 .”），表示不接收邮件。注意：Microsoft 365 也用 5.1.10 表示“按 SMTP 地址查找不到收件人”。",
            "检查收件人地址；如果对方是 Microsoft 365，通常表示该邮箱不存在。",
        ),
    ),
    # X.2.x mailbox
    (2, 0): _e(
        _R,
        (
            "Other or undefined mailbox status",
            "Something is wrong with the recipient's mailbox (greylisting servers also use 4.2.0).",
            "Wait for retries if temporary; otherwise contact the recipient by other means.",
            (
                "'450 4.2.0 Recipient address rejected: Greylisted' → nothing to do, the queue retries in minutes",
            ),
        ),
        (
            "其他或未定义的邮箱状态",
            "收件人邮箱有问题（灰名单服务器也使用 4.2.0）。",
            "若是临时错误则等待重试；否则通过其他方式联系收件人。",
            ("“450 4.2.0 Recipient address rejected: Greylisted”→ 无需处理，队列几分钟后会重试",),
        ),
    ),
    (2, 1): _e(
        _R,
        (
            "Mailbox disabled, not accepting messages",
            "The mailbox exists but is disabled, suspended or inactive.",
            "Contact the recipient by other means; the account may be closed.",
        ),
        (
            "邮箱已停用，不接收邮件",
            "邮箱存在，但已被停用、冻结或长期未使用。",
            "通过其他方式联系收件人；该账户可能已关闭。",
        ),
    ),
    (2, 2): _e(
        _R,
        (
            "Mailbox full",
            "The recipient is over quota.",
            "Temporary (4.2.2): the queue retries. Permanent (5.2.2): tell the recipient to clean up, then resend.",
            (
                "Recipient never empties the mailbox → contact them by phone or another address",
                "Your own user over quota → raise the quota or archive old mail (doveadm quota get -u user)",
            ),
        ),
        (
            "邮箱已满",
            "收件人超出了邮箱配额。",
            "临时（4.2.2）：队列会重试。永久（5.2.2）：通知收件人清理邮箱后重发。",
            (
                "收件人从不清理邮箱 → 通过电话或其他地址联系对方",
                "你自己的用户超出配额 → 扩大配额或归档旧邮件（doveadm quota get -u 用户名）",
            ),
        ),
    ),
    (2, 3): _e(
        _R,
        (
            "Message length exceeds administrative limit",
            "The message is larger than this mailbox accepts.",
            "Send a smaller message: a link instead of the attachment.",
        ),
        ("邮件长度超出管理限制", "邮件大小超过该邮箱允许的上限。", "发送更小的邮件：用链接代替附件。"),
    ),
    (2, 4): _e(
        _R,
        (
            "Mailing list expansion problem",
            "The address is a list and expanding it failed.",
            "Tell the list owner.",
        ),
        ("邮件列表展开出错", "该地址是邮件列表，展开成员时出错。", "通知邮件列表的管理员。"),
    ),
    # X.3.x mail system
    (3, 0): _e(
        _R,
        (
            "Other or undefined mail system status",
            "The receiving mail system has a problem of its own "
            "(Postfix uses 4.3.0 for local errors, failed lookups or a full queue).",
            "If temporary: wait. On your own server: read the mail log.",
            (
                "'451 4.3.0 Error: queue file write error' → server admin: disk full or permissions in the queue directory",
                "'451 4.3.0 Temporary lookup failure' → server admin: a map (LDAP, MySQL) or DNS lookup failed",
            ),
        ),
        (
            "其他或未定义的邮件系统状态",
            "接收方邮件系统自身出了问题（Postfix 用 4.3.0 表示本地错误、查表失败或队列已满）。",
            "若是临时错误：等待。若是你自己的服务器：查看邮件日志。",
            (
                "“451 4.3.0 Error: queue file write error”→ 服务器管理员：磁盘已满或队列目录权限错误",
                "“451 4.3.0 Temporary lookup failure”→ 服务器管理员：查表（LDAP、MySQL）或 DNS 查询失败",
            ),
        ),
    ),
    (3, 1): _e(
        _R,
        (
            "Mail system full",
            "The receiving system is out of storage.",
            "Wait; the server admin must free space.",
        ),
        ("邮件系统已满", "接收方系统存储空间耗尽。", "等待；需由服务器管理员释放空间。"),
    ),
    (3, 2): _e(
        _R,
        (
            "System not accepting network messages",
            "The server is not taking mail now (maintenance, shutting down).",
            "Retry later.",
        ),
        ("系统不接收网络邮件", "服务器当前不收信（维护中或正在关闭）。", "稍后重试。"),
    ),
    (3, 3): _e(
        _R,
        (
            "System not capable of selected features",
            "The message needs a feature the receiver lacks (8BITMIME, SMTPUTF8, DSN ...).",
            "Send without the feature, or let the MTA downgrade the message.",
        ),
        (
            "系统不支持所选功能",
            "邮件需要接收方不具备的功能（8BITMIME、SMTPUTF8、DSN 等）。",
            "不使用该功能发送，或让邮件服务器对邮件降级转换。",
        ),
    ),
    (3, 4): _e(
        _R,
        (
            "Message too big for system",
            "The message exceeds the server's size limit (the SIZE shown after EHLO).",
            "Send less: a link instead of a big attachment. Note base64 makes attachments about 37% bigger.",
            (
                "'552 5.3.4 Message size exceeds fixed limit' → compare the message size with the SIZE in EHLO",
                "On your own Postfix → raise message_size_limit (and mailbox_size_limit) if the policy allows",
            ),
        ),
        (
            "邮件对系统来说过大",
            "邮件超过服务器的大小上限（EHLO 中 SIZE 显示的值）。",
            "减小邮件：用链接代替大附件。注意 base64 编码会使附件增大约 37%。",
            (
                "“552 5.3.4 Message size exceeds fixed limit”→ 将邮件大小与 EHLO 中的 SIZE 值对比",
                "如果是你自己的 Postfix → 在策略允许时调大 message_size_limit（以及 mailbox_size_limit）",
            ),
        ),
    ),
    (3, 5): _e(
        _R,
        (
            "System incorrectly configured",
            "The receiving system is misconfigured (e.g. mail loops back to itself, "
            "or it does not know it is the destination).",
            "Tell the receiving domain's admin; on your server fix "
            "mydestination / relay_domains / transport maps.",
        ),
        (
            "系统配置错误",
            "接收方系统配置有误（例如邮件回环到自身，或服务器不知道自己是目的地）。",
            "通知接收方域名的管理员；如果是你自己的服务器，修正 mydestination / relay_domains / transport 映射。",
        ),
    ),
    (3, 6): _e(
        "RFC 6710",
        (
            "Requested priority was changed",
            "The message was accepted, but with a different priority than requested.",
            "Nothing to do.",
        ),
        ("请求的优先级已被修改", "邮件已被接受，但优先级与请求的不同。", "无需处理。"),
    ),
    # X.4.x network and routing
    (4, 0): _e(
        _R,
        (
            "Other or undefined network or routing status",
            "Something went wrong on the network path or in routing.",
            "Read the text; check DNS and connectivity to the destination.",
        ),
        (
            "其他或未定义的网络或路由状态",
            "网络路径或路由出了问题。",
            "阅读应答文字；检查 DNS 以及到目标的连通性。",
        ),
    ),
    (4, 1): _e(
        _R,
        (
            "No answer from host",
            "The destination server did not answer (connection timed out or refused).",
            "Temporary: the queue retries. Check that port 25 outbound is not blocked (many ISPs and clouds block it).",
            (
                "Outbound port 25 blocked by the ISP / cloud provider → send through a relay on port 587",
                "Destination server down → nothing to do, the queue retries",
                "Firewall drops the connection → test with: mailtui probe / telnet host 25",
            ),
        ),
        (
            "主机无应答",
            "目标服务器没有应答（连接超时或被拒绝）。",
            "临时错误：队列会重试。检查出站 25 端口是否被封（许多运营商和云平台会封禁）。",
            (
                "运营商 / 云平台封禁了出站 25 端口 → 通过 587 端口的中继发送",
                "目标服务器宕机 → 无需处理，队列会重试",
                "防火墙丢弃了连接 → 用 mailtui probe / telnet 主机 25 测试",
            ),
        ),
    ),
    (4, 2): _e(
        _R,
        (
            "Bad connection",
            "The connection was established but broke (dropped, reset, or timed out mid-session).",
            "Temporary: the queue retries. If it repeats, look at MTU, TLS problems or a filtering firewall.",
            (
                "Connection dropped during TLS → check TLS versions/ciphers on both sides",
                "Connection dropped after DATA on big messages → MTU / firewall problem on the path",
            ),
        ),
        (
            "连接异常",
            "连接已建立但中途断开（被丢弃、重置或会话中超时）。",
            "临时错误：队列会重试。若反复出现，检查 MTU、TLS 问题或做过滤的防火墙。",
            (
                "TLS 过程中连接断开 → 检查双方的 TLS 版本和加密套件",
                "发送大邮件时 DATA 之后断开 → 路径上的 MTU / 防火墙问题",
            ),
        ),
    ),
    (4, 3): _e(
        _R,
        (
            "Directory server failure",
            "A lookup the routing needs failed (usually DNS, sometimes LDAP).",
            "Check the DNS resolver of the sending server; retry later.",
        ),
        (
            "目录服务器故障",
            "路由所需的查询失败（通常是 DNS，有时是 LDAP）。",
            "检查发送方服务器的 DNS 解析器；稍后重试。",
        ),
    ),
    (4, 4): _e(
        _R,
        (
            "Unable to route",
            "No route to the destination: the domain has no MX and no usable address, or it does not exist.",
            "Check the recipient domain for typos and its MX records (mailtui dns MX domain).",
            (
                "Domain has no MX / A record ('Host or domain name not found') → typo in the domain, or the domain's DNS is broken",
                "Internal domain routed wrongly → fix transport maps on your server",
            ),
        ),
        (
            "无法路由",
            "到目标没有路由：该域名没有 MX 也没有可用地址，或根本不存在。",
            "检查收件人域名是否拼错以及其 MX 记录（mailtui dns MX 域名）。",
            (
                "域名没有 MX / A 记录（“Host or domain name not found”）→ 域名拼写错误，或对方 DNS 故障",
                "内部域名路由错误 → 修正你服务器上的 transport 映射",
            ),
        ),
    ),
    (4, 5): _e(
        _R,
        (
            "Mail system congestion",
            "The receiver is overloaded or limits how much you send.",
            "Retry later and send more slowly.",
        ),
        ("邮件系统拥塞", "接收方负载过高，或限制了你的发送量。", "稍后重试并降低发送速度。"),
    ),
    (4, 6): _e(
        _R,
        (
            "Routing loop detected",
            "The message went around in circles (too many Received: headers).",
            "Fix the forwarding or MX/transport configuration that sends mail back and forth.",
        ),
        (
            "检测到路由环路",
            "邮件在服务器之间来回转发（Received: 头过多）。",
            "修正导致邮件来回转发的转发规则或 MX/transport 配置。",
        ),
    ),
    (4, 7): _e(
        _R,
        (
            "Delivery time expired",
            "The sending server retried until its queue lifetime ran out and gave up.",
            "Find the earlier temporary error in the report (it says why); then resend.",
            ("Destination unreachable for days → check its MX and whether it accepts your IP",),
        ),
        (
            "投递超时",
            "发送方服务器一直重试，直到超过队列保留时间后放弃。",
            "在报告中找到之前的临时错误（它说明了原因），解决后重新发送。",
            ("目标连续多日无法连接 → 检查其 MX，以及它是否接受你的 IP",),
        ),
    ),
}
