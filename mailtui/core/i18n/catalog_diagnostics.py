"""Chinese for the bundle, TLS verify advice, the verdict report's lines and the Authentication-Results notes."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # diagnostics.bundle: headings and notes (the data in it stays as it was)
    "(not installed)": "（未安装）",
    "(no config given)": "（未提供配置）",
    "(the outbox could not be read: {error})": "（无法读取发件队列：{error}）",
    "(outbox not read)": "（未读取发件队列）",
    "(the outbox is empty)": "（发件队列为空）",
    "interrupted (the sending process died before the relay's answer)": "已中断（发送进程在中继应答之前退出）",
    "held (permanent failure; retry by hand)": "已搁置（永久性失败；请手动重试）",
    "next try {when}": "下次尝试 {when}",
    "account {account}": "账户 {account}",
    "from {sender} to {recipients}": "发件人 {sender}，收件人 {recipients}",
    "attempts: {attempts}, {state}": "尝试次数：{attempts}，{state}",
    "last reply: {reply}": "中继最后的应答：{reply}",
    "(none yet)": "（尚无）",
    "mailtui diagnostic bundle, {stamp}": "mailtui 诊断包，{stamp}",
    "Versions": "版本",
    "Config (secrets masked)": "配置（机密已遮蔽）",
    "SMTP probe": "SMTP 探测",
    "(no SMTP probe was run)": "（未运行 SMTP 探测）",
    "IMAP probe": "IMAP 探测",
    "(no IMAP probe was run)": "（未运行 IMAP 探测）",
    "DNS checks": "DNS 检查",
    "(no DNS check was run)": "（未运行 DNS 检查）",
    "Headers of the open message": "当前打开邮件的头部",
    "Headers of the message last inspected (H)": "最近检查（H）的邮件的头部",
    "(no message was open or inspected)": "（没有打开或检查过邮件）",
    "Outbox": "发件队列",
    "(empty)": "（空）",
    " Addresses are redacted: each one is a stable token (userN at domainN.invalid).": (
        "地址已脱敏：每个地址都替换为固定的代号（形如 userN，域名为 domainN.invalid）。"
    ),
    "Secrets (passwords, tokens) are masked as ********.": "机密（密码、令牌）已遮蔽为 ********。",
    "Secrets (passwords, tokens) are masked as ********: {secrets} of {accounts} (password_command, "
    "password_env, inline, keyring), and those used in this session.": (
        "机密（密码、令牌）已遮蔽为 ********：{accounts}的 {secrets}（password_command、password_env、"
        "写在配置中、keyring），以及本次会话中用到的机密。"
    ),
    "{count} configured secret": "{count} 个已配置的机密",
    "{count} configured secrets": "{count} 个已配置的机密",
    "{count} account": "{count} 个账户",
    "{count} accounts": "{count} 个账户",
    "cannot write to {folder}: {why}; check the directory's permissions or free space "
    "(XDG_DATA_HOME decides where it is)": (
        "无法写入 {folder}：{why}；请检查该目录的权限或剩余空间（目录位置由 XDG_DATA_HOME 决定）"
    ),
    # tls: why verification failed, and what fixes it
    "the certificate is not valid yet (check the clocks of both machines)": "证书尚未生效（请检查两台机器的时钟）",
    "the certificate has expired": "证书已过期",
    "the server presents a self-signed certificate that is not trusted here": "服务器出示的是自签名证书，本机不信任它",
    "the certificate chain ends in a self-signed CA that is not trusted here": "证书链的终点是本机不信任的自签名 CA",
    "the certificate's issuer is not a CA trusted here (or the server omits the intermediate)": (
        "证书的签发者不是本机信任的 CA（或服务器没有发送中间证书）"
    ),
    "the server sent no intermediate certificate, so the chain cannot be built": (
        "服务器没有发送中间证书，无法构建证书链"
    ),
    "the certificate does not match the IP address connected to": "证书与所连接的 IP 地址不符",
    "the certificate does not match the host name connected to": "证书与所连接的主机名不符",
    'If you trust this server, set ca_file = "/path/to/its-certificate.pem" (its certificate '
    "or its CA) in {table}; tls_verify = false accepts any certificate and is not recommended.": (
        '如果信任该服务器，请在 {table} 中设置 ca_file = "/path/to/its-certificate.pem"（它的证书或 CA 证书）；'
        "tls_verify = false 会接受任何证书，不建议使用。"
    ),
    'If you trust the issuer, set ca_file = "/path/to/the-ca.pem" in {table}; a server that '
    "omits its intermediate certificate must send the full chain.": (
        '如果信任该签发者，请在 {table} 中设置 ca_file = "/path/to/the-ca.pem"；'
        "没有发送中间证书的服务器必须改为发送完整的证书链。"
    ),
    'If this is the certificate you expect, set ca_file = "/path/to/its-certificate.pem" in {table}.': (
        '如果这正是你预期的证书，请在 {table} 中设置 ca_file = "/path/to/its-certificate.pem"。'
    ),
    "Connect with a host name the certificate lists (mailtui probe shows its names) or have "
    "the certificate cover this name; ca_file does not help here.": (
        "请使用证书中列出的主机名连接（mailtui probe 会显示这些名称），或让证书包含这个名称；ca_file 对此无效。"
    ),
    "The server's certificate must be renewed; ca_file does not help here.": "服务器的证书必须续期；ca_file 对此无效。",
    "Check the clocks of this machine and of the server; ca_file does not help here.": (
        "请检查本机和服务器的时钟；ca_file 对此无效。"
    ),
    "certificate verification failed: {detail}": "证书验证失败：{detail}",
    "If you trust this server, give --ca-file /path/to/its-certificate.pem (its certificate or "
    "its CA); --no-verify accepts any certificate and is not recommended.": (
        "如果信任该服务器，请用 --ca-file /path/to/its-certificate.pem 指定它的证书（或 CA 证书）；"
        "--no-verify 会接受任何证书，不建议使用。"
    ),
    "If you trust the issuer, give --ca-file /path/to/the-ca.pem; a server that omits its "
    "intermediate certificate must send the full chain.": (
        "如果信任该签发者，请用 --ca-file /path/to/the-ca.pem 指定；没有发送中间证书的服务器必须改为发送完整的证书链。"
    ),
    "If this is the certificate you expect, give --ca-file /path/to/its-certificate.pem.": (
        "如果这正是你预期的证书，请用 --ca-file /path/to/its-certificate.pem 指定它。"
    ),
    # diagnostics.verdicts: the report's record and summary lines, SPF path, DMARC disposition
    "(no authserv-id)": "（没有 authserv-id）",
    ", {bits}-bit key": "，{bits} 位密钥",
    "valid": "有效",
    "INVALID": "无效",
    "i={instance} cv={cv} seal d={seal_domain} s={seal_selector}: {seal}; "
    "message signature d={ams_domain}: {ams}": (
        "i={instance} cv={cv} 封印 d={seal_domain} s={seal_selector}：{seal}；邮件签名 d={ams_domain}：{ams}"
    ),
    "SPF: {result} for {ip} as {sender} (domain {domain})": "SPF: {result}（{ip}，发件人 {sender}，域名 {domain}）",
    "path: {step}": "路径：{step}",
    "DMARC: {result} for From domain {domain}": "DMARC: {result}（From 域名 {domain}）",
    "record at _dmarc.{domain}: p={policy} pct={pct} adkim={adkim} aspf={aspf}": (
        "_dmarc.{domain} 的记录：p={policy} pct={pct} adkim={adkim} aspf={aspf}"
    ),
    "{policy} for {pct}% of failing mail, {weaker} for the rest (pct={pct})": (
        "对 {pct}% 的未通过邮件执行 {policy}，其余执行 {weaker}（pct={pct}）"
    ),
    "Received #{number} from the top, written by {by}: client {ip}": "自上而下第 {number} 个 Received，由 {by} 写入：客户端 {ip}",
    "(no IP stated)": "（未写明 IP）",
    "; ": "；",
    "{domain}: {term} matched (include passed)": "{domain}：{term} 匹配（include 通过）",
    "{term} in {domain}": "{domain} 中的 {term}",
    "{domain}: {term} matched": "{domain}：{term} 匹配",
    "{domain}: nothing matched": "{domain}：没有任何项匹配",
    "{domain}: {term} ->": "{domain}：{term} ->",
    "{domain}: redirect={target} ->": "{domain}：redirect={target} ->",
    # core.headers.authres: notes on Authentication-Results, DKIM-Signature and ARC headers
    "unclosed comment": "注释没有闭合",
    "unclosed quoted string": "引号字符串没有闭合",
    "ARC instance i= missing": "缺少 ARC 实例号 i=",
    "no authserv-id: cannot be attributed to a server, so never trusted": (
        "没有 authserv-id：无法归属到某台服务器，因此永远不可信"
    ),
    "unreadable result: {text}": "无法读取的结果：{text}",
    "required tag {tag}= missing": "缺少必需的标签 {tag}=",
    "rsa-sha1 is obsolete (RFC 8301): verifiers treat it as failing": "rsa-sha1 已废弃（RFC 8301）：验证方会按失败处理",
    "h= does not include From: the signature is invalid (RFC 6376 5.4)": "h= 不包含 From：签名无效（RFC 6376 5.4）",
    "instance i= missing or not a number": "实例号 i= 缺失或不是数字",
    "cv= missing": "缺少 cv=",
    # diagnostics.spf: the record's syntax errors and the expansion tree's problems
    "not an SPF record (must start with v=spf1)": "不是 SPF 记录（必须以 v=spf1 开头）",
    "{name}= appears more than once": "{name}= 出现了不止一次",
    "unknown term {term}": "未知的项 {term}",
    "{name} needs a domain: {term}": "{name} 需要一个域名：{term}",
    "{name} needs an address: {term}": "{name} 需要一个地址：{term}",
    "redirect= is ignored because the record has an 'all' mechanism": "redirect= 被忽略，因为该记录含有 'all' 机制",
    "{lookups} DNS-querying terms (include, a, mx, ptr, exists, redirect): over SPF's limit "
    "of {limit}; receivers return permerror and the policy fails for everyone": (
        "{lookups} 个需要 DNS 查询的项（include、a、mx、ptr、exists、redirect）：超过 SPF 的 {limit} 次上限；"
        "收件方会返回 permerror，该策略对所有邮件都判定失败"
    ),
    "{voids} void lookups (names with no record): over the limit of {limit}, permerror": (
        "{voids} 次空查询（名称没有任何记录）：超过 {limit} 次的上限，结果为 permerror"
    ),
    "{domain}: no such domain or no TXT records": "{domain}：域名不存在或没有 TXT 记录",
    "{domain}: no SPF record (no TXT record starting with v=spf1)": "{domain}：没有 SPF 记录（没有以 v=spf1 开头的 TXT 记录）",
    "{domain}: {count} SPF records; RFC 7208 says permerror, keep exactly one": (
        "{domain}：有 {count} 条 SPF 记录；按 RFC 7208 结果为 permerror，请只保留一条"
    ),
    "{domain}: no SPF record": "{domain}：没有 SPF 记录",
    "{domain}: {error}": "{domain}：{error}",
    "{domain}: the ptr mechanism is deprecated (RFC 7208 5.5); use ip4/ip6": "{domain}：ptr 机制已废弃（RFC 7208 5.5）；请改用 ip4/ip6",
    "{domain}: {term} uses a macro; not expanded": "{domain}：{term} 使用了宏；未展开",
    "loop: {loop}": "循环：{loop}",
    "loop back to {target}": "循环回到 {target}",
    "{domain}: includes nested deeper than {limit}; stopped": "{domain}：include 嵌套超过 {limit} 层；已停止展开",
    "{domain}: {term} matches nothing: {target} has no {kind} record (void lookup)": (
        "{domain}：{term} 匹配不到任何地址：{target} 没有 {kind} 记录（空查询）"
    ),
    # diagnostics.signatures: PGP and S/MIME verdicts (the status keyword, labels, key ids and
    # what gpg or openssl said stay as they are)
    "encrypted: mailtui does not decrypt; its content and any signature inside it are not checked": (
        "已加密：mailtui 不解密；其内容及其中的任何签名都未检查"
    ),
    "{tool} did not answer in {seconds} s": "{tool} 在 {seconds} 秒内没有应答",
    "{tool} could not be started: {error}": "无法启动 {tool}：{error}",
    "not checked: {why}": "未检查：{why}",
    "not checked: gpg is not installed (apt-get install gpg)": "未检查：没有安装 gpg（apt-get install gpg）",
    "the key is yours (ultimately trusted)": "这是你自己的密钥（绝对信任）",
    "the key is fully trusted in your keyring": "该密钥在你的密钥环中被完全信任",
    "the key is marginally trusted in your keyring": "该密钥在你的密钥环中被勉强信任",
    "you have marked this key as never to be trusted": "你已把该密钥标记为永不信任",
    "the key is in your keyring but not certified as the sender's: compare its fingerprint "
    "with the sender before you rely on it": (
        "该密钥在你的密钥环中，但未经认证属于发件人：在信赖它之前，请与发件人核对其指纹"
    ),
    "BAD signature: the signed part was changed after it was signed (a list footer, a relay "
    "rewriting the text), or the signature is not for it": (
        "签名不匹配（BAD）：被签名的部分在签名后被修改了（邮件列表页脚、中继改写了正文），"
        "或者该签名并非针对这部分内容"
    ),
    "the signature is valid, but the signer's key has expired": "签名有效，但签名者的密钥已过期",
    "the signature is valid, but the signer's key has been REVOKED: do not trust it": (
        "签名有效，但签名者的密钥已被吊销（REVOKED）：不要信任它"
    ),
    "the signature is valid, but it has expired": "签名有效，但签名本身已过期",
    "good signature, but {trust}": "签名正确，但{trust}",
    "good signature: the signed part is as it was signed": "签名正确：被签名的部分与签名时一致",
    "not checked: the signer's key {key} is not in your keyring (gpg --recv-keys {key}, or import "
    "it from the sender, then check again)": (
        "未检查：签名者的密钥 {key} 不在你的密钥环中（用 gpg --recv-keys {key} 获取，或从发件人处导入，然后重新检查）"
    ),
    "gpg gave no verdict": "gpg 没有给出结论",
    "not checked: openssl is not installed": "未检查：没有安装 openssl",
    "the CA file {path}": "所给的 CA 文件 {path}",
    "the system's CA store": "系统的 CA 证书库",
    "good signature, and the signer's certificate chains to {where}": "签名正确，签名者的证书链可追溯到{where}",
    "the signature matches the message, but the signer's certificate is not trusted here "
    "({error}); check it, or give its CA with --smime-ca-file": (
        "签名与邮件相符，但签名者的证书在本机不受信任（{error}）；请核查该证书，或用 --smime-ca-file 指定它的 CA"
    ),
    "BAD signature: the signed part was changed after it was signed ({error})": (
        "签名不匹配（BAD）：被签名的部分在签名后被修改了（{error}）"
    ),
    "no reason given": "未给出原因",
    "issued by {issuer}, valid {start} to {end}": "签发者 {issuer}，有效期 {start} 至 {end}",
    "(not signed or encrypted with PGP or S/MIME)": "（没有 PGP 或 S/MIME 签名或加密）",
    "part {part}: {label}: {status}": "第 {part} 部分：{label}：{status}",
    "signer: {signer}": "签名者：{signer}",
    "key: {key}": "密钥：{key}",
    "checked with {tool}": "检查工具：{tool}",
    # core.error_titles: the titles catalog_errors does not hold (diagnostics, mailboxes, storage, outbox, demo)
    "DNS error": "DNS 错误",
    "Bad domain": "域名无效",
    "Bad --server": "--server 无效",
    "Bad --blocklist-ip": "--blocklist-ip 无效",
    "Bundle not saved": "诊断包未保存",
    "DKIM signing failed": "DKIM 签名失败",
    "Outbox error": "发件队列错误",
    "Not queued": "未加入发件队列",
    "No account": "没有账户",
    "No config file": "没有配置文件",
    "Cannot read the muttrc": "无法读取 muttrc",
    "Not connected": "未连接",
    "Could not save attachment": "无法保存附件",
    "Cannot attach file": "无法附加文件",
    "Storage error": "存储错误",
    "Drafts error": "草稿错误",
    "No such mailbox": "没有该邮箱",
    "Not a mailbox": "不是邮箱",
    "Not a Maildir": "不是 Maildir",
    "Unknown mailbox type": "未知的邮箱类型",
    "No mailbox configured": "未配置邮箱",
    "Folder changed on the server": "服务器上的文件夹已变化",
    "Changes not applied": "更改未生效",
    "Header cache": "头部缓存",
    "Invalid URL": "URL 无效",
    "Read-only mailbox": "只读邮箱",
    "Mailbox locked": "邮箱已被锁定",
    "Demo mailbox": "演示邮箱",
    "Demo relay": "演示中继",
    "Cannot build message": "无法生成邮件",
    "Theme error": "主题错误",
    "Usage": "用法错误",
}
