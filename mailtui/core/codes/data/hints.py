"""Cues in a server's reply text and what they usually mean, in English and Chinese.

Patterns are case-insensitive regexes matched against the reply (or bounce) text. They are
what an admin looks for first: "greylisted", "spamhaus", "Relay access denied", "over quota"...
Order matters only for display: the most specific cues come first.
"""

from __future__ import annotations

from mailtui.core.codes.data.general import Hint

HINTS: tuple[Hint, ...] = (
    Hint(
        "greylist",
        r"gr[ae]y-?list|postgrey",
        "Greylisting",
        "the server refuses the first attempt from an unknown sender on purpose. A real mail server retries "
        "after a few minutes and gets through; nothing to do unless it still fails after an hour.",
        "灰名单",
        "服务器故意拒绝陌生发件人的第一次投递。正常的邮件服务器几分钟后重试即可通过；除非一小时后仍失败，否则无需处理。",
    ),
    Hint(
        "relay",
        r"relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|not allowed)|unable to relay"
        r"|not allowed to relay|we do not relay|relay not permitted",
        "Relay denied",
        "this server will not pass mail on for you. Authenticate with SMTP AUTH (submission port 587), add the "
        "client's network to mynetworks on your own server, or send through your own provider's relay.",
        "中继被拒绝",
        "该服务器不为你转发邮件。请使用 SMTP 认证（587 提交端口），或在自己的服务器上把客户端网段加入 mynetworks，或通过你自己服务商的中继发送。",
    ),
    Hint(
        "dnsbl",
        r"spamhaus|spamcop|barracuda|sorbs|\bdnsbl\b|\brbl\b|black ?list|block ?list|\bblocked\b"
        r"|listed (?:at|on|in|by)",
        "Blocked / blocklist",
        "the sending IP or domain is blocked, often because it is on a DNS blocklist (Spamhaus, SpamCop, "
        "Barracuda ...). Look the IP up on the list named in the text, fix the cause (open relay, compromised "
        "account, missing rDNS/SPF/DKIM), then request delisting.",
        "被拦截 / 黑名单",
        "发送 IP 或域名被拦截，通常是因为上了 DNS 黑名单（Spamhaus、SpamCop、Barracuda 等）。在应答所列的黑名单查询该 IP，"
        "先解决原因（开放中继、账户被盗、缺少反向解析/SPF/DKIM），再申请移除。",
    ),
    Hint(
        "spam",
        r"\bspam\b|unsolicited|content rejected|high spam|suspicious",
        "Spam filter",
        "the content or the sender's reputation looked like spam. Check SPF/DKIM/DMARC, links and attachments; "
        "a plain test message shows whether the content is the cause.",
        "垃圾邮件过滤",
        "邮件内容或发件人信誉被判为垃圾邮件。检查 SPF/DKIM/DMARC、链接和附件；发一封纯文本测试邮件可判断是否是内容导致的。",
    ),
    Hint(
        "virus",
        r"\bvirus\b|malware|infected|dangerous attachment|banned attachment",
        "Malware filter",
        "an attachment was refused as dangerous or of a banned type (.exe, macros). Send it another way.",
        "恶意软件过滤",
        "附件被判为危险或属于禁止的类型（.exe、宏）。请换一种方式发送。",
    ),
    Hint(
        "quota",
        r"mailbox (?:is )?full|over ?quota|quota exceeded|exceeded (?:the )?(?:storage|quota)|mailbox size",
        "Mailbox full",
        "the recipient is over quota. They must delete mail or get more space; tell them by other means.",
        "邮箱已满",
        "收件人超出了邮箱配额。对方需要删除邮件或扩大空间；请通过其他方式通知对方。",
    ),
    Hint(
        "size",
        r"too (?:big|large)|message size|size limit|exceeds? (?:the )?(?:maximum|max|fixed|size)"
        r"|message length exceeds",
        "Message too big",
        "the message exceeds the size limit (see SIZE after EHLO; base64 adds about 37%). Send a link instead "
        "of the attachment, or raise message_size_limit on your own server.",
        "邮件过大",
        "邮件超过大小上限（见 EHLO 中的 SIZE；base64 编码会增大约 37%）。改为发送链接而非附件，或在自己的服务器上调大 message_size_limit。",
    ),
    Hint(
        "starttls",
        r"must issue a starttls|starttls (?:is )?required|tls (?:is )?required|encryption required"
        r"|must use tls|requires? (?:a )?secure connection",
        "TLS required",
        "the server wants an encrypted connection first. Enable STARTTLS (port 587) or implicit TLS (port 465).",
        "需要 TLS",
        "服务器要求先建立加密连接。请启用 STARTTLS（587 端口）或隐式 TLS（465 端口）。",
    ),
    Hint(
        "auth_required",
        r"authentication (?:is )?required|must authenticate|not authenticated"
        r"|authentication needed|sender address rejected: not logged in",
        "Authentication required",
        "the relay only takes mail from logged-in users. Configure user name and password (SMTP AUTH) for it.",
        "需要认证",
        "该中继只接受已登录用户的邮件。请为它配置用户名和密码（SMTP 认证）。",
    ),
    Hint(
        "auth_failed",
        r"authentication (?:failed|unsuccessful)|credentials (?:invalid|incorrect|were incorrect)"
        r"|username and password not accepted|badcredentials|invalid (?:login|credentials)|bad username or password",
        "Login refused",
        "wrong user name or password. The login is often the full address; Gmail and Microsoft 365 with "
        "2-step verification need an app password or OAuth2.",
        "登录被拒绝",
        "用户名或密码错误。登录名通常是完整邮箱地址；开启了两步验证的 Gmail 和 Microsoft 365 需要应用专用密码或 OAuth2。",
    ),
    Hint(
        "app_password",
        r"application-specific password|app password|smtpclientauthentication is disabled"
        r"|basic authentication is disabled",
        "App password / SMTP AUTH disabled",
        "the provider does not accept the normal password here. Gmail: create an app password. Microsoft 365: "
        "enable Authenticated SMTP for the mailbox (or the tenant), or use OAuth2.",
        "应用专用密码 / SMTP 认证被禁用",
        "服务商在此不接受普通密码。Gmail：创建应用专用密码。Microsoft 365：为该邮箱（或租户）启用“经过身份验证的 SMTP”，或使用 OAuth2。",
    ),
    Hint(
        "rate",
        r"too many (?:connections|concurrent|sessions|messages|recipients|errors)|connection rate"
        r"|rate limit|rate-limit|throttl",
        "Too many connections / rate limited",
        "you are sending too much or too fast. Lower concurrency and rate (Postfix: "
        "smtp_destination_concurrency_limit, smtp_destination_rate_delay); the queue retries.",
        "连接过多 / 被限速",
        "发送量过大或过快。降低并发数和发送速率（Postfix：smtp_destination_concurrency_limit、smtp_destination_rate_delay）；队列会自动重试。",
    ),
    Hint(
        "dmarc",
        r"\bdmarc\b",
        "DMARC",
        "the From: domain's DMARC policy failed: SPF or DKIM must pass AND align with the From: domain.",
        "DMARC",
        "From: 域名的 DMARC 策略校验失败：SPF 或 DKIM 必须通过，并且与 From: 域名对齐。",
    ),
    Hint(
        "spf",
        r"\bspf\b",
        "SPF",
        "the sending IP is not in the sender domain's SPF record (or SPF could not be evaluated). Add the "
        "sending server or provider to the record; keep it under 10 DNS lookups.",
        "SPF",
        "发送 IP 不在发件域名的 SPF 记录中（或 SPF 无法计算）。把发送服务器或服务商加入记录；DNS 查询次数控制在 10 次以内。",
    ),
    Hint(
        "dkim",
        r"\bdkim\b",
        "DKIM",
        "the DKIM signature is missing or does not verify. Check the selector's key in DNS and that nothing "
        "rewrites the message after signing.",
        "DKIM",
        "DKIM 签名缺失或校验不通过。检查 DNS 中选择器（selector）的公钥，并确认签名后没有环节改动邮件。",
    ),
    Hint(
        "rdns",
        r"reverse dns|\brdns\b|\bptr\b|reverse (?:host ?name|lookup)|cannot find your (?:reverse )?hostname",
        "Reverse DNS",
        "the sending IP has no PTR record or it does not match. Set rDNS for the IP (ISP / cloud panel) to the "
        "mail host name, with a matching A record.",
        "反向解析",
        "发送 IP 没有 PTR 记录或记录不匹配。在运营商 / 云平台控制台为该 IP 设置反向解析，指向邮件主机名，并有对应的 A 记录。",
    ),
    Hint(
        "helo",
        r"helo command rejected|invalid helo|need fully-qualified hostname|helo/ehlo|bad helo",
        "HELO name",
        "the name the client gives in EHLO/HELO was refused. Use a fully-qualified host name that resolves "
        "(Postfix smtp_helo_name / myhostname).",
        "HELO 名称",
        "客户端在 EHLO/HELO 中给出的名称被拒绝。请使用可以解析的完整主机域名（Postfix smtp_helo_name / myhostname）。",
    ),
    Hint(
        "user_unknown",
        r"user unknown|unknown user|no such (?:user|recipient|mailbox)|recipient not found"
        r"|recipientnotfound|recipnotfound|does not exist|unknown recipient|invalid recipient|mailbox not found"
        r"|address rejected: user|undeliverable address",
        "Unknown recipient",
        "the mailbox does not exist: check the address for typos, or the person has left.",
        "收件人不存在",
        "该邮箱不存在：检查地址是否拼错，或此人已离职。",
    ),
    Hint(
        "disabled",
        r"account (?:is )?(?:disabled|suspended|inactive)|mailbox (?:is )?(?:disabled|inactive|suspended)",
        "Mailbox disabled",
        "the mailbox exists but is disabled; contact the person another way.",
        "邮箱已停用",
        "邮箱存在但已停用；请通过其他方式联系对方。",
    ),
    Hint(
        "sender_rejected",
        r"sender address rejected|sender verify failed|sender verification|not owned by user",
        "Sender refused",
        "the envelope sender (MAIL FROM) was refused: its domain does not resolve, it cannot receive bounces, or "
        "your login may not send as it. Send as your own address.",
        "发件人被拒绝",
        "信封发件人（MAIL FROM）被拒绝：其域名无法解析、无法接收退信，或你的登录账户无权以此地址发信。请使用你自己的地址发信。",
    ),
    Hint(
        "null_mx",
        r"null mx",
        "Null MX",
        "the domain declares that it receives no mail (MX 0 .). Check the address's domain.",
        "空 MX",
        "该域名声明不接收邮件（MX 0 .）。请检查地址中的域名。",
    ),
    Hint(
        "no_route",
        r"host (?:or domain name )?not found|domain not found|name service error|nxdomain|no mx"
        r"|unrout(?:e)?able|no route to host|network is unreachable",
        "DNS / routing",
        "the destination domain or host could not be found or reached. Check the domain for typos and its MX "
        "records (mailtui dns).",
        "DNS / 路由",
        "找不到或无法到达目标域名或主机。检查域名是否拼错及其 MX 记录（mailtui dns）。",
    ),
    Hint(
        "timeout",
        r"timed? ?out|connection (?:refused|reset|lost|dropped)|lost connection",
        "Connection problem",
        "the connection failed or broke. Check that outbound port 25 is open and the server is up; the queue retries.",
        "连接问题",
        "连接失败或中断。检查出站 25 端口是否开放、对方服务器是否在线；队列会自动重试。",
    ),
    Hint(
        "local_error",
        r"local error|queue file write error|temporary lookup failure|insufficient system storage",
        "Server-side problem",
        "the receiving server has a problem of its own (disk, lookup table, filter). Wait; on your own server "
        "read the mail log.",
        "服务器端问题",
        "接收方服务器自身出了问题（磁盘、查找表、过滤器）。请等待；如果是你自己的服务器，请查看邮件日志。",
    ),
    Hint(
        "stage_rcpt",
        r"(?:in reply to|after) RCPT TO",
        "Stage: RCPT TO",
        "refused at RCPT TO, i.e. about this recipient (or relay/sender policy), before the message was sent.",
        "阶段：RCPT TO",
        "在 RCPT TO 阶段被拒绝，即针对该收件人（或中继/发件人策略），邮件内容尚未发送。",
    ),
    Hint(
        "stage_mail",
        r"(?:in reply to|after) MAIL FROM",
        "Stage: MAIL FROM",
        "refused at MAIL FROM: the sender address, the client's IP, or the SIZE announced.",
        "阶段：MAIL FROM",
        "在 MAIL FROM 阶段被拒绝：原因在发件人地址、客户端 IP 或声明的 SIZE。",
    ),
    Hint(
        "stage_data",
        r"(?:in reply to|after) end of data|end of DATA command|after DATA",
        "Stage: end of DATA",
        "refused after the whole message was sent: content, size, spam/virus filter or SPF/DKIM/DMARC.",
        "阶段：DATA 结束",
        "在整封邮件发送完后被拒绝：原因在内容、大小、垃圾/病毒过滤或 SPF/DKIM/DMARC。",
    ),
    Hint(
        "stage_connect",
        r"initial (?:connection|greeting)|server greeting|in reply to (?:our )?(?:EHLO|HELO)",
        "Stage: connection",
        "refused at the greeting or EHLO: about the client's IP (blocklist, rDNS) or its HELO name.",
        "阶段：连接",
        "在欢迎横幅或 EHLO 阶段被拒绝：原因在客户端 IP（黑名单、反向解析）或其 HELO 名称。",
    ),
)
