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
    # ui: the diagnostics screen and its probe forms
    "SMTP probe": "SMTP 探测",
    "IMAP probe": "IMAP 探测",
    "Codes": "状态码",
    "Decoder": "解码器",
    "Headers": "邮件头",
    "ctrl+←/→ switch tabs · ctrl+s saves the transcript, ctrl+b the diagnostic bundle": (
        "ctrl+←/→ 切换标签页 · ctrl+s 保存会话记录，ctrl+b 保存诊断包"
    ),
    "Diagnostic bundle": "诊断包",
    "{what} saved to {path}": "{what}已保存到 {path}",
    "Saved": "已保存",
    "host": "主机",
    "port": "端口",
    "user": "用户",
    "password (empty: from config)": "密码（留空：取自配置）",
    "OAuth2 token (empty: oauth2_token_command)": "OAuth2 令牌（留空：由 oauth2_token_command 获取）",
    "implicit TLS": "隐式 TLS",
    "no TLS": "不使用 TLS",
    "Next stage: {stage} (press Step)": "下一阶段：{stage}（按“单步”）",
    "EHLO name": "EHLO 名称",
    "quit after {stage}": "在 {stage} 后退出",
    "up to {stage}": "直到 {stage}",
    "Run": "运行",
    "Step": "单步",
    "Run probes up to the chosen stage; Step does one stage per press.": (
        "“运行”会探测到所选阶段为止；“单步”每按一次执行一个阶段。"
    ),
    "The probe is still running; wait for its result.": "探测仍在进行中，请等待结果。",
    "Give a host and a port (1-65535) to probe.": "请给出要探测的主机和端口（1-65535）。",
    "Probing ...": "正在探测……",
    "the probe was closed; press Run to start again": "探测已关闭；请按“运行”重新开始",
    "Unexpected error: {kind}: {why}": "意外错误：{kind}：{why}",
    "Log in for console": "登录以使用控制台",
    "Probe the IMAP server; the console needs a logged-in probe.": "探测 IMAP 服务器；控制台需要一个已登录的探测。",
    'IMAP command, e.g. CAPABILITY or LIST "" "*"': 'IMAP 命令，例如 CAPABILITY 或 LIST "" "*"',
    "no logged-in connection: press 'Log in for console'": "没有已登录的连接：请按“登录以使用控制台”",
    "Logged in: the console below uses this connection.": "已登录：下方的控制台使用此连接。",
    "Probe closed": "探测已关闭",
    # ui: the decoder, explainer, header inspector and transcript tabs
    "PARTIAL decode as {kind} (detected)": "按 {kind} 部分解码（自动识别）",
    "PARTIAL decode as {kind} (given)": "按 {kind} 部分解码（指定）",
    "Decoded as {kind} (detected)": "已按 {kind} 解码（自动识别）",
    "Decoded as {kind} (given)": "已按 {kind} 解码（指定）",
    ", charset {charset}": "，字符集 {charset}",
    "Words:": "编码字：",
    "note: {note}": "说明：{note}",
    "problem: {note}": "问题：{note}",
    "Decode pasted text": "解码粘贴的文本",
    "Nothing to decode: paste encoded words, Base64 or quoted-printable text.": (
        "没有可解码的内容：请粘贴编码字（encoded words）、Base64 或 quoted-printable 文本。"
    ),
    "Explain pasted bounce": "解释粘贴的退信",
    "Inspecting the headers…": "正在检查邮件头……",
    "Tab to this inspection, then V: verify DKIM, ARC, SPF and DMARC here, beside the server's results": (
        "用 Tab 切换到此检查结果，然后按 V：在这里验证 DKIM、ARC、SPF 和 DMARC，与服务器的结果对照"
    ),
    "No message is open. Open a message in the pager and press H to inspect its headers.": (
        "没有打开的邮件。请在阅读器中打开一封邮件，然后按 H 检查其邮件头。"
    ),
    "No message is open: open one in the pager and press H, then V.": (
        "没有打开的邮件：请在阅读器中打开一封，按 H，然后按 V。"
    ),
    "filter: account, smtp/imap or connection words": "过滤：账户、smtp/imap 或连接中的词",
    # config.msmtp
    "{path}: no msmtp account {name} (accounts: {known})": "{path}：没有名为 {name} 的 msmtp 账户（现有账户：{known}）",
    "{path}: no account is defined": "{path}：没有定义任何账户",
    "{origin}: eval {command}: not run; the settings its output would give are missing": (
        "{origin}：eval {command}：未执行；其输出本应给出的设置缺失"
    ),
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
