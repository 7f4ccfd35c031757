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
}
