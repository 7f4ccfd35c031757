"""Basic SMTP reply codes 5yz (permanent): RFC 5321 §4.2, AUTH (RFC 4954), RFC 7504.

Data only, in English and Simplified Chinese; the 2yz-4yz codes are in `codes_data_reply.py`.
"""

from __future__ import annotations

from mailtui.core.codes.data.general import Entry
from mailtui.core.codes.data.general import entry as _e

_R = "RFC 5321 §4.2.3"


REPLY_CODES_5XX: dict[int, Entry] = {
    500: _e(
        "RFC 5321 §4.2.3, RFC 4954 §4",
        (
            "Syntax error, command unrecognized",
            "The server did not understand the command (or the line was too long). "
            "In an AUTH exchange, 500 5.5.6 means the authentication line was too long.",
            "Check the client: a typo in a manual session, a command the server does not know, or a proxy mangling it.",
            (
                "A firewall or 'SMTP fixup' (Cisco ASA) rewrites commands → disable SMTP inspection on it",
                "Talking SMTP to a non-SMTP port, or plain text to an implicit-TLS port (465) → use the right port and TLS mode",
            ),
        ),
        (
            "语法错误，命令无法识别",
            "服务器不认识该命令（或行太长）。在 AUTH 交互中，500 5.5.6 表示认证数据行过长。",
            "检查客户端：手工会话中的拼写错误、服务器不支持的命令，或中间代理篡改了命令。",
            (
                "防火墙或“SMTP fixup”（Cisco ASA）改写了命令 → 关闭其 SMTP 检查功能",
                "对非 SMTP 端口说 SMTP，或对隐式 TLS 端口（465）发明文 → 使用正确的端口和 TLS 模式",
            ),
        ),
    ),
    501: _e(
        _R,
        (
            "Syntax error in parameters or arguments",
            "The command is known but its argument is malformed "
            "(an address without <>, a bad EHLO name, invalid base64 in AUTH).",
            "Check the argument: address syntax, EHLO hostname, encoding.",
            (
                "EHLO name invalid (501 5.5.4 'Invalid domain name') → set a proper FQDN as the client's HELO name",
                "Sender address malformed (501 5.1.7) → fix the From / envelope sender",
            ),
        ),
        (
            "参数语法错误",
            "命令本身可识别，但参数格式错误（地址缺少 <>、EHLO 主机名不合法、AUTH 中 base64 无效）。",
            "检查参数：地址语法、EHLO 主机名、编码。",
            (
                "EHLO 名称无效（501 5.5.4 “Invalid domain name”）→ 将客户端的 HELO 名称设为正确的完整域名（FQDN）",
                "发件人地址格式错误（501 5.1.7）→ 修正 From / 信封发件人",
            ),
        ),
    ),
    502: _e(
        _R,
        (
            "Command not implemented",
            "The server knows the command but does not offer it (e.g. VRFY, ETRN, or AUTH "
            "on a port or before TLS where it is not offered).",
            "Use the EHLO capability list to see what is offered.",
        ),
        (
            "命令未实现",
            "服务器认识该命令但不提供（如 VRFY、ETRN，或在该端口/TLS 之前未提供 AUTH）。",
            "查看 EHLO 返回的能力列表，确认服务器提供了哪些功能。",
        ),
    ),
    503: _e(
        _R,
        (
            "Bad sequence of commands",
            "The command came in the wrong order (RCPT before MAIL, DATA with no valid "
            "recipient, AUTH twice, AUTH before STARTTLS).",
            "Check the dialogue in the transcript: usually an earlier command failed and the client went on.",
            (
                "All recipients were refused, then DATA was sent → look at the RCPT TO replies first",
                "'503 5.5.1 Error: authentication not enabled' → the server offers no AUTH here: use the submission port "
                "587 with STARTTLS",
            ),
        ),
        (
            "命令顺序错误",
            "命令顺序不对（MAIL 之前发 RCPT、没有有效收件人就发 DATA、重复 AUTH、STARTTLS 之前 AUTH）。",
            "查看会话记录：通常是前面某条命令已失败，而客户端仍继续执行。",
            (
                "所有收件人都被拒绝后又发送了 DATA → 先看 RCPT TO 的应答",
                "“503 5.5.1 Error: authentication not enabled” → 服务器在此不提供 AUTH：改用 587 提交端口并启用 STARTTLS",
            ),
        ),
    ),
    504: _e(
        _R,
        (
            "Command parameter not implemented",
            "A parameter is not supported, typically an AUTH mechanism "
            "(504 5.5.4 'Unrecognized authentication type').",
            "Pick a mechanism the server lists after EHLO.",
        ),
        (
            "命令参数未实现",
            "不支持某个参数，通常是 AUTH 机制（504 5.5.4 “Unrecognized authentication type”）。",
            "选择 EHLO 列出的认证机制。",
        ),
    ),
    521: _e(
        "RFC 7504 §3",
        (
            "Host does not accept mail",
            "This server never accepts mail (said in its greeting).",
            "Send to the domain's real MX hosts; check the MX records.",
        ),
        (
            "主机不接收邮件",
            "该服务器从不接收邮件（在欢迎横幅中声明）。",
            "发送到该域名真正的 MX 主机；检查 MX 记录。",
        ),
    ),
    530: _e(
        "RFC 4954 §6, RFC 3207 §4",
        (
            "Authentication required / must issue STARTTLS first",
            "The server wants you to authenticate (530 5.7.0 'Authentication required') or to start TLS "
            "(530 5.7.0 'Must issue a STARTTLS command first') before this command.",
            "Enable STARTTLS and SMTP AUTH in the client for this relay.",
            (
                "'Must issue a STARTTLS command first' → turn on STARTTLS (port 587) or implicit TLS (port 465)",
                "'Authentication required' / 'Client not authenticated' → configure user and password for the relay",
                "Authentication configured but AUTH was not offered before TLS → start TLS first, then AUTH",
            ),
        ),
        (
            "需要认证 / 必须先执行 STARTTLS",
            "服务器要求先认证（530 5.7.0 “Authentication required”）或先启用 TLS（530 5.7.0 “Must issue a STARTTLS command first”），才能执行该命令。",
            "在客户端中为该中继启用 STARTTLS 和 SMTP 认证。",
            (
                "“Must issue a STARTTLS command first” → 启用 STARTTLS（587 端口）或隐式 TLS（465 端口）",
                "“Authentication required” / “Client not authenticated” → 为该中继配置用户名和密码",
                "已配置认证但 TLS 之前服务器不提供 AUTH → 先启用 TLS，再认证",
            ),
        ),
    ),
    534: _e(
        "RFC 4954 §6",
        (
            "Authentication mechanism is too weak",
            "The server refuses this mechanism for this account "
            "(e.g. PLAIN where it wants something stronger). Gmail also answers 534-5.7.9 'Application-specific "
            "password required' and 534 5.7.14 'Please log in via your web browser'.",
            "Use a stronger mechanism, or the provider's app password / OAuth2.",
            (
                "Gmail with 2-step verification → create an app password, or use OAuth2 (XOAUTH2)",
                "Gmail 5.7.14 'log in via your web browser' → sign in on the web once and approve the device",
            ),
        ),
        (
            "认证机制太弱",
            "服务器拒绝该账户使用此认证机制（例如要求比 PLAIN 更强的机制）。Gmail 也会返回 534-5.7.9 "
            "“Application-specific password required”和 534 5.7.14 “Please log in via your web browser”。",
            "使用更强的认证机制，或服务商的应用专用密码 / OAuth2。",
            (
                "Gmail 开启了两步验证 → 创建应用专用密码，或使用 OAuth2（XOAUTH2）",
                "Gmail 5.7.14 “请通过网页浏览器登录” → 先在网页上登录一次并批准该设备",
            ),
        ),
    ),
    535: _e(
        "RFC 4954 §6",
        (
            "Authentication credentials invalid",
            "The user name or password was refused (535 5.7.8).",
            "Check user name (often the full address) and password; many providers need an app password.",
            (
                "Wrong user name or password → re-enter them; the login is often the full e-mail address",
                "Gmail '535-5.7.8 Username and Password not accepted' with 2-step verification → use an app password or OAuth2",
                "Microsoft 365 '535 5.7.139 Authentication unsuccessful' → enable 'Authenticated SMTP' for the mailbox; "
                "security defaults / MFA may block basic auth: use an app password or OAuth2",
                "Account locked after too many failures → wait or unlock it on the provider's side",
            ),
        ),
        (
            "认证凭据无效",
            "用户名或密码被拒绝（535 5.7.8）。",
            "检查用户名（通常是完整邮箱地址）和密码；许多服务商需要应用专用密码。",
            (
                "用户名或密码错误 → 重新输入；登录名通常是完整的邮箱地址",
                "Gmail “535-5.7.8 Username and Password not accepted”且开启了两步验证 → 使用应用专用密码或 OAuth2",
                "Microsoft 365 “535 5.7.139 Authentication unsuccessful” → 为该邮箱启用“经过身份验证的 SMTP”；安全默认值 / 多重验证可能禁用了基本认证：使用应用密码或 OAuth2",
                "失败次数过多导致账户被锁 → 等待，或在服务商处解锁",
            ),
        ),
    ),
    538: _e(
        "RFC 4954 §6",
        (
            "Encryption required for requested authentication mechanism",
            "This mechanism (e.g. PLAIN or LOGIN) is allowed only inside TLS.",
            "Enable STARTTLS or implicit TLS before AUTH; never turn this off on the server.",
        ),
        (
            "该认证机制要求加密连接",
            "此认证机制（如 PLAIN 或 LOGIN）只允许在 TLS 内使用。",
            "在 AUTH 之前启用 STARTTLS 或隐式 TLS；不要在服务器上关闭此要求。",
        ),
    ),
    550: _e(
        _R,
        (
            "Requested action not taken: mailbox unavailable",
            "Permanent refusal: the mailbox does not exist, or policy refuses this sender, recipient or relay.",
            "Read the text and the enhanced code: they say which. Do not retry unchanged.",
            (
                "User unknown (550 5.1.1) → check the address for typos; the mailbox may have been deleted",
                "Relay access denied (550/554 5.7.1) → the server does not relay for you: authenticate (SMTP AUTH) or add "
                "your network to mynetworks, or send through your own relay",
                "Blocked as spam / IP on a DNSBL (550 5.7.1, 5.7.606 ...) → check the listing, request delisting, fix rDNS/SPF/DKIM",
                "SPF / DMARC failure (550 5.7.23 / 5.7.26) → publish correct SPF and DKIM for the sending domain",
                "Sender address rejected (550 5.1.0 / 5.7.1) → the server does not accept this envelope sender",
            ),
        ),
        (
            "请求的操作未执行：邮箱不可用",
            "永久拒绝：邮箱不存在，或策略拒绝了该发件人、收件人或中继请求。",
            "阅读应答文字和增强状态码，它们会说明具体原因。不要原样重试。",
            (
                "用户不存在（550 5.1.1）→ 检查地址是否拼错；邮箱可能已被删除",
                "中继被拒绝（550/554 5.7.1）→ 服务器不为你转发：启用 SMTP 认证，或把你的网段加入 mynetworks，或通过你自己的中继发送",
                "被判为垃圾邮件 / IP 在 DNSBL 黑名单上（550 5.7.1、5.7.606 等）→ 查询黑名单，申请移除，修正反向解析/SPF/DKIM",
                "SPF / DMARC 校验失败（550 5.7.23 / 5.7.26）→ 为发信域名发布正确的 SPF 和 DKIM",
                "发件人地址被拒绝（550 5.1.0 / 5.7.1）→ 服务器不接受该信封发件人",
            ),
        ),
    ),
    551: _e(
        _R,
        (
            "User not local; please try <forward-path>",
            "The recipient is not here; the text may give a new address.",
            "Send to the address given in the text, if any.",
        ),
        (
            "用户不在本地，请尝试 <转发地址>",
            "收件人不在此服务器；应答中可能给出了新地址。",
            "如应答给出了地址，请改发到该地址。",
        ),
    ),
    552: _e(
        _R,
        (
            "Requested mail action aborted: exceeded storage allocation",
            "Too much data: the recipient's mailbox is full or the message is larger than allowed.",
            "Check the enhanced code: 5.2.2 = mailbox full, 5.3.4 / 5.2.3 = message too big.",
            (
                "Mailbox full (552 5.2.2) → the recipient must delete mail or get more quota; tell them by other means",
                "Message too big (552 5.3.4 'Message size exceeds fixed limit') → compare with the SIZE in EHLO; send a link "
                "instead of the attachment, or raise message_size_limit on your own server",
            ),
        ),
        (
            "请求的邮件操作中止：超出存储限额",
            "数据过多：收件人邮箱已满，或邮件大小超出限制。",
            "查看增强状态码：5.2.2 = 邮箱已满，5.3.4 / 5.2.3 = 邮件过大。",
            (
                "邮箱已满（552 5.2.2）→ 收件人需要删除邮件或扩大配额；请通过其他方式通知对方",
                "邮件过大（552 5.3.4 “Message size exceeds fixed limit”）→ 对照 EHLO 中的 SIZE 值；改为发送链接而不是附件，或在自己的服务器上调大 message_size_limit",
            ),
        ),
    ),
    553: _e(
        _R,
        (
            "Requested action not taken: mailbox name not allowed",
            "The address is not acceptable: bad syntax, or a sender this account may not use.",
            "Check the address; use the envelope sender your account owns.",
            (
                "'Sender address rejected: not owned by user' (553 5.7.1) → send with From / MAIL FROM equal to your login "
                "address (Postfix smtpd_sender_login_maps)",
                "Invalid address syntax (553 5.1.3) → fix the address",
            ),
        ),
        (
            "请求的操作未执行：邮箱名称不允许",
            "地址不被接受：语法错误，或该账户无权使用此发件人。",
            "检查地址；使用你账户所拥有的信封发件人。",
            (
                "“Sender address rejected: not owned by user”（553 5.7.1）→ 使 From / MAIL FROM 与登录地址一致（Postfix smtpd_sender_login_maps）",
                "地址语法无效（553 5.1.3）→ 修正地址",
            ),
        ),
    ),
    554: _e(
        _R,
        (
            "Transaction failed (or 'No SMTP service here' in the greeting)",
            "Permanent refusal of the whole transaction, very often by an anti-spam policy; in the greeting it means "
            "the server will not talk to you at all.",
            "Read the text: it names the blocklist or policy. Do not retry unchanged.",
            (
                "Blocked: IP listed on a DNSBL (554 5.7.1 'Service unavailable; Client host [x] blocked using "
                "zen.spamhaus.org') → look the IP up at the named list, fix the cause (open relay, infected host, "
                "missing rDNS), then request delisting",
                "Relay access denied (554 5.7.1) → authenticate, or send through your own relay",
                "Message rejected as spam at end of DATA (554 5.7.1) → check content, links and SPF/DKIM/DMARC",
                "DMARC policy reject (554 5.7.26 / 5.7.1) → align SPF or DKIM with the From domain",
            ),
        ),
        (
            "事务失败（在欢迎横幅中表示“此处无 SMTP 服务”）",
            "整个事务被永久拒绝，多数是反垃圾策略所致；出现在欢迎横幅时表示服务器完全不与你通信。",
            "阅读应答文字：其中会指出黑名单或策略名称。不要原样重试。",
            (
                "被拦截：IP 在 DNSBL 黑名单上（554 5.7.1 “Client host [x] blocked using zen.spamhaus.org”）→ 在所列黑名单处查询该 IP，"
                "先解决原因（开放中继、中毒主机、缺少反向解析），再申请移除",
                "中继被拒绝（554 5.7.1）→ 启用认证，或通过你自己的中继发送",
                "DATA 结束后被判为垃圾邮件（554 5.7.1）→ 检查内容、链接以及 SPF/DKIM/DMARC",
                "DMARC 策略拒收（554 5.7.26 / 5.7.1）→ 让 SPF 或 DKIM 与 From 域名对齐",
            ),
        ),
    ),
    555: _e(
        _R,
        (
            "MAIL FROM/RCPT TO parameters not recognized or not implemented",
            "The server does not support an ESMTP parameter you sent (SIZE=, BODY=8BITMIME, SMTPUTF8, NOTIFY= ...).",
            "Send only parameters the server lists after EHLO.",
        ),
        (
            "MAIL FROM/RCPT TO 参数无法识别或未实现",
            "服务器不支持你发送的 ESMTP 参数（SIZE=、BODY=8BITMIME、SMTPUTF8、NOTIFY= 等）。",
            "只使用 EHLO 中列出的参数。",
        ),
    ),
    556: _e(
        "RFC 7504 §3, RFC 7505",
        (
            "Domain does not accept mail",
            "The recipient's domain says it receives no mail (e.g. a null MX record).",
            "Check the recipient address: the domain is probably wrong or send-only.",
        ),
        (
            "域名不接收邮件",
            "收件人域名声明不接收邮件（例如设置了空 MX 记录）。",
            "检查收件人地址：域名可能有误，或该域名只发不收。",
        ),
    ),
}
