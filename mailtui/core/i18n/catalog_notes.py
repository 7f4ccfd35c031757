"""Chinese for transcript step notes (sending.client/smtp, the probes), the msmtprc reader, config titles."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # sending.client: mailtui's own lines in an SMTP transcript
    "connecting to {where}": "正在连接 {where}",
    "connecting to {where} with implicit TLS": "正在以隐式 TLS 连接 {where}",
    "connection failed: {why}": "连接失败：{why}",
    "connection lost: {why}": "连接中断：{why}",
    "TLS negotiation failed: {why}": "TLS 协商失败：{why}",
    "connection lost during DATA: {why}": "DATA 阶段连接中断：{why}",
    "certificate verified": "证书已验证",
    "certificate NOT verified (tls_verify = false)": "证书未验证（tls_verify = false）",
    "TLS established: {session}, {how}": "TLS 已建立：{session}，{how}",
    # sending.smtp
    "the relay does not offer DSN: the delivery status notification request is dropped": (
        "该中继未提供 DSN：投递状态通知请求已被忽略"
    ),
    "accepted for {accepted} of {total} recipients": "{total} 个收件人中已接受 {accepted} 个",
    "the message has 8-bit data but the relay does not offer 8BITMIME; sending as is": (
        "邮件含有 8 位数据，但该中继未提供 8BITMIME；按原样发送"
    ),
    # diagnostics probes: step notes
    "connecting to {where} ({tls})": "正在连接 {where}（{tls}）",
    "logged in as {user} with AUTHENTICATE {mechanism}": "已用 AUTHENTICATE {mechanism} 以 {user} 身份登录",
    "logged in as {user}: {text}": "已以 {user} 身份登录：{text}",
    "no user given (--user)": "未指定用户（--user）",
    "not logged in": "未登录",
    "{count} folders": "{count} 个文件夹",
    "{count} extensions": "{count} 个扩展",
    # probe errors (diagnostics.smtp_probe, imap_probe, probe_session) and the relay client
    "--quit-after {stage} needs a sender (--from)": "--quit-after {stage} 需要发件人（--from）",
    "--quit-after {stage} needs a recipient (--to)": "--quit-after {stage} 需要收件人（--to）",
    "{where} does not offer AUTH on this connection (many servers offer it only after STARTTLS)": (
        "{where} 在此连接上没有提供 AUTH（很多服务器只在 STARTTLS 之后才提供）"
    ),
    "{where} does not offer AUTH on this connection": "{where} 在此连接上没有提供 AUTH",
    "{where} offers AUTH {offered}; the probe logs in with PLAIN or LOGIN": (
        "{where} 提供的 AUTH 为 {offered}；探测使用 PLAIN 或 LOGIN 登录"
    ),
    "{where} answered {stage} with {code} {text} ({meaning})": "{where} 对 {stage} 的回复为 {code} {text}（{meaning}）",
    "Check the user name and the password": "请检查用户名和密码",
    "{said}. {check}.": "{said}。{check}。",
    "{where} closed the connection during {stage}: {text}": "{where} 在 {stage} 阶段关闭了连接：{text}",
    "{where}: {stage} failed: {why}": "{where}：{stage} 阶段失败：{why}",
    "unknown stage {stage}; stages: {stages}": "未知阶段 {stage}；可用阶段：{stages}",
    "the probe is finished; start a new session to probe again": "探测已结束；请开始新的会话重新探测",
    "the connection failed during {command}: {why}": "执行 {command} 时连接失败：{why}",
    "more than {count} response lines; giving up": "响应超过 {count} 行；已放弃",
    "the mail transaction": "邮件事务",
    # config.msmtp
    "{path}: no msmtp account {name} (accounts: {known})": "{path}：没有名为 {name} 的 msmtp 账户（现有账户：{known}）",
    "{path}: no account is defined": "{path}：没有定义任何账户",
    "{origin}: `account` needs a name": "{origin}：`account` 需要一个名称",
    "{origin}: account {name} inherits {parent}, which is not defined above": (
        "{origin}：账户 {name} 继承自 {parent}，但它未在前面定义"
    ),
    "{text} is not a time (YYYY-MM-DD[ HH:MM[:SS]])": "{text} 不是有效的时间（YYYY-MM-DD[ HH:MM[:SS]]）",
    # error titles (core.error_titles)
    "Bad time": "时间无效",
    "Bad msmtprc": "msmtprc 有误",
    "No msmtp account": "没有 msmtp 账户",
    "Cannot read the msmtprc": "无法读取 msmtprc",
    "Probe failed": "探测失败",
}
