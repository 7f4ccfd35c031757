"""Enhanced status codes X.7.x (security or policy), English + Chinese.

Sources: RFC 3463, RFC 4954 (AUTH), RFC 5248, RFC 6710, RFC 7293, RFC 7372, RFC 7505, RFC 8617,
RFC 8689, as listed in the IANA registry. Keyed by (subject, detail).
"""

from __future__ import annotations

from mailtui.core.codes.data.general import Entry
from mailtui.core.codes.data.general import entry as _e

_R = "RFC 3463"


ENHANCED_X7: dict[tuple[int, int], Entry] = {
    # X.7.x security or policy
    (7, 0): _e(
        _R + ", RFC 4954",
        (
            "Other or undefined security status",
            "A security or policy reason. Common: 530 5.7.0 authentication "
            "required / must issue STARTTLS; 421 4.7.0 too many connections or temporarily rate limited; "
            "454 4.7.0 temporary authentication failure.",
            "Read the text: it names the policy. Usually: enable TLS and authentication, or slow down.",
            (
                "'530 5.7.0 Must issue a STARTTLS command first' → enable STARTTLS (or use port 465 with implicit TLS)",
                "'530 5.7.0 Authentication required' → configure SMTP AUTH for the relay",
                "'421 4.7.0 Too many connections' / 'Try again later' → lower concurrency and rate; the queue retries",
            ),
        ),
        (
            "其他或未定义的安全状态",
            "安全或策略原因。常见：530 5.7.0 需要认证 / 必须先执行 STARTTLS；421 4.7.0 连接过多或被临时限速；454 4.7.0 临时认证失败。",
            "阅读应答文字，其中会说明具体策略。通常的办法：启用 TLS 和认证，或降低发送速度。",
            (
                "“530 5.7.0 Must issue a STARTTLS command first”→ 启用 STARTTLS（或使用 465 端口的隐式 TLS）",
                "“530 5.7.0 Authentication required”→ 为中继配置 SMTP 认证",
                "“421 4.7.0 Too many connections”/“Try again later”→ 降低并发数和发送速率；队列会自动重试",
            ),
        ),
    ),
    (7, 1): _e(
        _R,
        (
            "Delivery not authorized, message refused",
            "Policy refused the message: relay denied, sender or client "
            "blocked, spam, or (as 4.7.1) greylisting.",
            "Read the text for which policy, then fix that.",
            (
                "'Relay access denied' → the server is not your relay: use SMTP AUTH, add your network to mynetworks, or "
                "send through your own provider's relay",
                "'Client host blocked using zen.spamhaus.org' / 'listed on a blocklist' → check the IP on the named DNSBL, "
                "fix the cause, request delisting; make sure rDNS, SPF and DKIM are right",
                "'Message rejected as spam' → check content, URLs, and authentication (SPF/DKIM/DMARC)",
                "'450/451 4.7.1 Greylisted, try again' → nothing to do: the queue retries after a few minutes",
                "'Sender address rejected: not owned by user' → send as the address you log in with",
            ),
        ),
        (
            "投递未获授权，邮件被拒收",
            "策略拒绝了邮件：中继被拒绝、发件人或客户端被封、被判为垃圾邮件，或（4.7.1 时）灰名单。",
            "根据应答文字判断是哪条策略，再针对性解决。",
            (
                "“Relay access denied”（中继被拒绝）→ 该服务器不是你的中继：使用 SMTP 认证、把你的网段加入 mynetworks，或通过你自己服务商的中继发送",
                "“Client host blocked using zen.spamhaus.org”/“listed on a blocklist”→ 在所列 DNSBL 查询该 IP，解决原因后申请移除；确认反向解析、SPF、DKIM 正确",
                "“Message rejected as spam”→ 检查内容、链接以及认证（SPF/DKIM/DMARC）",
                "“450/451 4.7.1 Greylisted, try again”（灰名单）→ 无需处理：队列几分钟后会重试",
                "“Sender address rejected: not owned by user”→ 使用你登录的地址作为发件人",
            ),
        ),
    ),
    (7, 2): _e(
        _R,
        (
            "Mailing list expansion prohibited",
            "The sender may not post to this list.",
            "Ask the list owner for permission.",
        ),
        ("禁止展开邮件列表", "发件人无权向该列表发信。", "向列表管理员申请权限。"),
    ),
    (7, 3): _e(
        _R,
        (
            "Security conversion required but not possible",
            "A security conversion is needed and cannot be done.",
            "Send in a form the receiver's security policy accepts.",
        ),
        (
            "需要安全转换但无法完成",
            "需要进行安全相关的转换，但无法完成。",
            "以接收方安全策略接受的形式发送。",
        ),
    ),
    (7, 4): _e(
        _R,
        (
            "Security features not supported",
            "The message asks for security features the receiver lacks.",
            "Send without them or choose another path.",
        ),
        ("不支持的安全特性", "邮件要求接收方不具备的安全特性。", "不使用这些特性发送，或选择其他路径。"),
    ),
    (7, 5): _e(
        _R,
        ("Cryptographic failure", "Decryption or signature checking failed.", "Check keys and certificates."),
        ("加密处理失败", "解密或签名校验失败。", "检查密钥和证书。"),
    ),
    (7, 6): _e(
        _R,
        (
            "Cryptographic algorithm not supported",
            "The receiver does not support the algorithm used.",
            "Use a more common algorithm.",
        ),
        ("不支持的加密算法", "接收方不支持所用算法。", "改用更通用的算法。"),
    ),
    (7, 7): _e(
        _R,
        (
            "Message integrity failure",
            "The message was altered or its integrity check failed.",
            "Find what modifies the message in transit (footer, filter, line endings).",
        ),
        (
            "邮件完整性校验失败",
            "邮件被篡改或完整性校验失败。",
            "查找传输途中修改邮件的环节（签名档、过滤器、换行符）。",
        ),
    ),
    (7, 8): _e(
        "RFC 4954",
        (
            "Authentication credentials invalid",
            "User name or password wrong (535 5.7.8).",
            "Check login (often the full address) and password; use an app password where the provider needs one.",
            (
                "Gmail 'Username and Password not accepted' → with 2-step verification use an app password or OAuth2",
                "Microsoft 365 → enable Authenticated SMTP for the mailbox; basic auth may be off (use OAuth2)",
                "Password recently changed → update it in mailtui's keyring entry",
            ),
        ),
        (
            "认证凭据无效",
            "用户名或密码错误（535 5.7.8）。",
            "检查登录名（通常是完整地址）和密码；服务商要求时使用应用专用密码。",
            (
                "Gmail “Username and Password not accepted”→ 开启两步验证后需使用应用专用密码或 OAuth2",
                "Microsoft 365 → 为该邮箱启用“经过身份验证的 SMTP”；基本认证可能已被关闭（使用 OAuth2）",
                "最近改过密码 → 更新 mailtui 在密钥环中保存的密码",
            ),
        ),
    ),
    (7, 9): _e(
        "RFC 4954",
        (
            "Authentication mechanism is too weak",
            "The server wants a stronger mechanism for this account.",
            "Use a stronger mechanism, an app password or OAuth2.",
        ),
        ("认证机制太弱", "服务器要求该账户使用更强的认证机制。", "使用更强的机制、应用专用密码或 OAuth2。"),
    ),
    (7, 10): _e(
        "RFC 5248",
        ("Encryption needed", "The operation needs an encrypted connection.", "Enable TLS."),
        ("需要加密", "该操作需要加密连接。", "启用 TLS。"),
    ),
    (7, 11): _e(
        "RFC 4954",
        (
            "Encryption required for requested authentication mechanism",
            "This AUTH mechanism is only allowed over TLS.",
            "Start TLS before AUTH.",
        ),
        ("所请求的认证机制需要加密", "此 AUTH 机制只允许在 TLS 下使用。", "在 AUTH 之前启用 TLS。"),
    ),
    (7, 12): _e(
        "RFC 4954",
        (
            "A password transition is needed",
            "The account must set or change its password before this mechanism works.",
            "Log in once with the password (e.g. webmail) to complete the change.",
        ),
        (
            "需要过渡密码",
            "该账户必须先设置或修改密码，此认证机制才可用。",
            "先用密码登录一次（如网页邮箱）完成修改。",
        ),
    ),
    (7, 13): _e(
        "RFC 5248",
        (
            "User account disabled",
            "Authentication worked but the account is disabled.",
            "Ask the provider to re-enable it.",
        ),
        ("用户账户已停用", "认证成功，但账户已被停用。", "联系服务商重新启用账户。"),
    ),
    (7, 14): _e(
        "RFC 5248",
        (
            "Trust relationship required",
            "The operation needs a trust relationship between servers that does not exist.",
            "Configure the trust (e.g. for BURL) or do it differently.",
        ),
        (
            "需要信任关系",
            "该操作需要服务器之间的信任关系，但尚未建立。",
            "配置信任关系（如 BURL 所需），或换一种方式。",
        ),
    ),
    (7, 15): _e(
        "RFC 6710",
        (
            "Priority level is too low",
            "The requested priority is below what the receiver accepts now.",
            "Retry later or with a higher priority.",
        ),
        ("优先级过低", "请求的优先级低于接收方当前接受的水平。", "稍后重试，或使用更高优先级。"),
    ),
    (7, 16): _e(
        "RFC 6710",
        (
            "Message is too big for the specified priority",
            "Large messages are accepted only at other priorities.",
            "Send a smaller message or change the priority.",
        ),
        ("邮件对指定优先级来说过大", "大邮件只在其他优先级下被接受。", "减小邮件或更改优先级。"),
    ),
    (7, 17): _e(
        "RFC 7293",
        (
            "Mailbox owner has changed",
            "RRVS: the mailbox changed owner since the date given by the sender.",
            "Do not resend: the address now belongs to someone else.",
        ),
        (
            "邮箱所有者已变更",
            "RRVS：自发件人指定的日期以来，该邮箱已更换主人。",
            "不要重发：该地址现在属于别人。",
        ),
    ),
    (7, 18): _e(
        "RFC 7293",
        (
            "Domain owner has changed",
            "RRVS: the recipient's domain changed owner since the given date.",
            "Do not resend; verify the address.",
        ),
        ("域名所有者已变更", "RRVS：自指定日期以来，收件人域名已更换主人。", "不要重发；核实该地址。"),
    ),
    (7, 19): _e(
        "RFC 7293",
        (
            "RRVS test cannot be completed",
            "The receiver cannot tell whether the mailbox changed owner.",
            "Decide whether to resend without RRVS.",
        ),
        ("RRVS 检查无法完成", "接收方无法判断邮箱是否更换过主人。", "决定是否在不使用 RRVS 的情况下重发。"),
    ),
    (7, 20): _e(
        "RFC 7372",
        (
            "No passing DKIM signature found",
            "The receiver requires a valid DKIM signature and found none.",
            "Sign outgoing mail with DKIM (opendkim, rspamd) and publish the key in DNS.",
        ),
        (
            "未找到通过校验的 DKIM 签名",
            "接收方要求有效的 DKIM 签名，但没有找到。",
            "用 DKIM 为外发邮件签名（opendkim、rspamd），并在 DNS 中发布公钥。",
        ),
    ),
    (7, 21): _e(
        "RFC 7372",
        (
            "No acceptable DKIM signature found",
            "DKIM signatures passed, but none is acceptable to local policy (wrong domain, weak key).",
            "Sign with the From domain and a key of at least 1024 (better 2048) bits.",
        ),
        (
            "未找到可接受的 DKIM 签名",
            "DKIM 签名虽然通过，但都不符合本地策略（域名不对、密钥太弱）。",
            "使用 From 域名签名，密钥至少 1024 位（最好 2048 位）。",
        ),
    ),
    (7, 22): _e(
        "RFC 7372",
        (
            "No valid author-matched DKIM signature found",
            "No valid DKIM signature matches the From: domain.",
            "Sign with d= equal to (or a parent of) the From: domain.",
        ),
        (
            "未找到与作者匹配的有效 DKIM 签名",
            "没有与 From: 域名匹配的有效 DKIM 签名。",
            "签名时使 d= 等于 From: 域名（或其上级域名）。",
        ),
    ),
    (7, 23): _e(
        "RFC 7372",
        (
            "SPF validation failed",
            "The sending IP is not allowed by the sender domain's SPF record.",
            "Add the sending server (or your provider's include:) to the domain's SPF record.",
            (
                "Sending through a new relay or a cloud service not in SPF → add it to the SPF record",
                "Mail forwarded by a third party breaks SPF → the forwarder should use SRS, or rely on DKIM",
            ),
        ),
        (
            "SPF 校验失败",
            "发件域名的 SPF 记录不允许该发送 IP。",
            "把发送服务器（或服务商的 include:）加入该域名的 SPF 记录。",
            (
                "通过未列入 SPF 的新中继或云服务发信 → 将其加入 SPF 记录",
                "第三方转发导致 SPF 失败 → 转发方应使用 SRS，或依靠 DKIM",
            ),
        ),
    ),
    (7, 24): _e(
        "RFC 7372",
        (
            "SPF validation error",
            "Evaluating SPF failed (DNS error, syntax error, too many lookups).",
            "Check the SPF record syntax and keep it under 10 DNS lookups.",
        ),
        (
            "SPF 校验出错",
            "计算 SPF 时出错（DNS 错误、语法错误、查询次数过多）。",
            "检查 SPF 记录的语法，并将 DNS 查询次数控制在 10 次以内。",
        ),
    ),
    (7, 25): _e(
        "RFC 7372",
        (
            "Reverse DNS validation failed",
            "The sending IP has no PTR record, or it does not match forward DNS.",
            "Ask whoever owns the IP (ISP, cloud) to set a PTR to your mail host name, with a matching A record.",
            ("No PTR on a home / cloud IP → set rDNS in the provider's panel, or send through a relay",),
        ),
        (
            "反向 DNS 校验失败",
            "发送 IP 没有 PTR 记录，或与正向解析不一致。",
            "请 IP 所属方（运营商、云平台）把 PTR 设为你的邮件主机名，并有对应的 A 记录。",
            ("家庭宽带 / 云主机 IP 没有 PTR → 在服务商控制台设置反向解析，或通过中继发送",),
        ),
    ),
    (7, 26): _e(
        "RFC 7372",
        (
            "Multiple authentication checks failed",
            "Several checks failed together; Gmail uses 5.7.26 for mail "
            "that fails DMARC or is unauthenticated.",
            "Make SPF and DKIM pass and align with the From: domain (DMARC).",
            (
                "'Unauthenticated email ... is not accepted due to domain's DMARC policy' → sign with DKIM for the From "
                "domain and include the sender in SPF",
            ),
        ),
        (
            "多项认证检查失败",
            "多项检查同时失败；Gmail 对未通过 DMARC 或未认证的邮件使用 5.7.26。",
            "让 SPF 和 DKIM 通过，并与 From: 域名对齐（DMARC）。",
            (
                "“Unauthenticated email ... is not accepted due to domain's DMARC policy”→ 用 From 域名做 DKIM 签名，并把发送方加入 SPF",
            ),
        ),
    ),
    (7, 27): _e(
        "RFC 7505",
        (
            "Sender address has null MX",
            "The sender's domain publishes a null MX, so it could not receive a bounce.",
            "Send from a domain that can receive mail.",
        ),
        (
            "发件人地址为空 MX",
            "发件人域名发布了空 MX 记录，无法接收退信。",
            "使用能接收邮件的域名作为发件人。",
        ),
    ),
    (7, 28): _e(
        "IANA registry",
        (
            "Mail flood detected",
            "The message looks like part of a flood of similar abusive messages.",
            "Slow down and check the sender account is not compromised.",
        ),
        (
            "检测到邮件洪泛",
            "该邮件疑似大量相似滥发邮件的一部分。",
            "降低发送速度，并检查发件账户是否被盗用。",
        ),
    ),
    (7, 29): _e(
        "RFC 8617",
        (
            "ARC validation failure",
            "The ARC chain of the message did not validate.",
            "Check the forwarders (lists) that add ARC headers.",
        ),
        ("ARC 校验失败", "邮件的 ARC 链校验未通过。", "检查添加 ARC 头的转发方（如邮件列表）。"),
    ),
    (7, 30): _e(
        "RFC 8689",
        (
            "REQUIRETLS support required",
            "The message requires REQUIRETLS and the next hop does not support it.",
            "Send without REQUIRETLS or through a path that supports it.",
        ),
        (
            "需要 REQUIRETLS 支持",
            "邮件要求 REQUIRETLS，而下一跳不支持。",
            "不使用 REQUIRETLS 发送，或选择支持它的路径。",
        ),
    ),
}
