"""Chinese for the mail-server screen and commands (server/, ui/screens/server, commands/server)."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # error titles (core.error_titles)
    "Mail server error": "邮件服务器错误",
    "Cannot read the mail log": "无法读取邮件日志",
    "No mail log": "没有邮件日志",
    "Not allowed": "不允许",
    # ui.screens.server
    "Queue": "队列",
    "Trace": "追踪",
    "Summary": "摘要",
    "Relay check": "中继检查",
    "the systemd journal": "systemd 日志（journal）",
    "the default instance": "默认实例",
    "log {log} · postfix {postfix}": "日志 {log} · postfix {postfix}",
    "Queued message {queue_id} (postcat -q)": "队列中的邮件 {queue_id}（postcat -q）",
    # commands.server
    "the mail log": "邮件日志",
    "{path} does not exist (yet): waiting for it": "{path}（尚）不存在：正在等待它出现",
    "following {query} in {where} (Ctrl-C to stop)": "正在 {where} 中跟踪 {query}（按 Ctrl-C 停止）",
    "final status reached": "已到达最终状态",
    "left the queue without a final status (deleted?)": "未到达最终状态就离开了队列（被删除了？）",
    "deferred, and nothing more within --deferred-timeout; the MTA retries later": (
        "已延迟，且在 --deferred-timeout 内没有新进展；MTA 稍后会重试"
    ),
    "no final status within the follow timeout": "在跟踪超时时间内没有到达最终状态",
    "stopped": "已停止",
    "an Exim action (use --mta exim; Postfix: flush ID)": "这是 Exim 的操作（请使用 --mta exim；Postfix 请用 flush ID）",
    "{count} message(s)": "{count} 封邮件",
    "flushed: {what}": "已冲刷：{what}",
    "all deferred mail": "所有延迟的邮件",
    "give one queue id": "请给出一个队列 ID",
    "give queue ids, or ALL": "请给出队列 ID，或 ALL",
    "Postfix settings not checked: {why}": "未检查 Postfix 设置：{why}",
    "MX of {domain}: {hosts}": "{domain} 的 MX：{hosts}",
    # server.after_send
    "the message was queued locally, not sent": "邮件已在本地排队，没有发送",
    "the relay {host} is not on this host (its log is there)": "中继 {host} 不在本机上（它的日志在那台主机上）",
    "the relay's reply named no queue id": "中继的回复中没有队列 ID",
    # server.errors, logparse, tail
    "{path}: permission denied; {hint}": "{path}：权限不足；{hint}",
    "no mail log file (/var/log/mail.log, /var/log/maillog) and no journalctl": (
        "没有邮件日志文件（/var/log/mail.log、/var/log/maillog），也没有 journalctl"
    ),
    "it is readable by root only: run as root (sudo)": "只有 root 可以读取：请以 root 身份运行（sudo）",
    "join the {quoted} group (sudo usermod -aG {group} $USER, then log in again) or run with sudo": (
        "请加入 {quoted} 组（sudo usermod -aG {group} $USER，然后重新登录），或用 sudo 运行"
    ),
    "{path}: no such file": "{path}：文件不存在",
    "the journal is not readable by this user: join the 'systemd-journal' or 'adm' group "
    "(sudo usermod -aG systemd-journal $USER) or run with sudo": (
        "当前用户无法读取 systemd 日志：请加入 'systemd-journal' 或 'adm' 组"
        "（sudo usermod -aG systemd-journal $USER），或用 sudo 运行"
    ),
    "journalctl failed: {why}": "journalctl 运行失败：{why}",
    # server.explain_reply
    "this server refused to relay: the client is not in mynetworks and did not authenticate "
    "(SASL); `mailtui server check` explains mynetworks and smtpd_relay_restrictions": (
        "本服务器拒绝了中继：客户端不在 mynetworks 中，也没有进行 SASL 认证；"
        "`mailtui server check` 会解释 mynetworks 和 smtpd_relay_restrictions"
    ),
    "success": "成功",
    "temporary failure": "临时失败",
    "permanent error": "永久错误",
    "the remote host did not answer in time: outbound port 25 may be blocked (`mailtui server check --domain`)": (
        "远程主机没有及时响应：出站 25 端口可能被封锁（`mailtui server check --domain`）"
    ),
    "{delay} s from arrival to this attempt": "从到达到本次尝试共 {delay} 秒",
    ": {a} s before the queue manager (receiving, cleanup), {b} s in the queue "
    "(waiting for delivery), {c} s connection setup (DNS, HELO, TLS), {d} s transmission": (
        "：进入队列管理器前 {a} 秒（接收、cleanup），在队列中 {b} 秒（等待投递），"
        "建立连接 {c} 秒（DNS、HELO、TLS），传输 {d} 秒"
    ),
    # server.queue
    "{tool} is not installed: is Postfix installed on this host?": "未安装 {tool}：本机是否安装了 Postfix？",
    "{tool} needs root (sudo)": "{tool} 需要 root 权限（sudo）",
    "{tool} needs root or the postdrop group": "{tool} 需要 root 权限或 postdrop 组",
    "{tool} was refused: {why}. {needs}": "{tool} 被拒绝：{why}。{needs}",
    "{command} failed ({code}): {why}": "{command} 失败（{code}）：{why}",
    "exim is not installed on this host (looked for exim and exim4)": "本机未安装 exim（已查找 exim 和 exim4）",
    "exim {flag} was refused: {why}. It needs root or an Exim admin "
    "user (the exim group: Debian-exim on Debian, or one of admin_groups)": (
        "exim {flag} 被拒绝：{why}。它需要 root 或 Exim 管理用户"
        "（exim 组：Debian 上为 Debian-exim，或 admin_groups 中的某个组）"
    ),
    "exim {flag}: {done} of {total} done; {reasons}": "exim {flag}：{total} 封中已完成 {done} 封；{reasons}",
    "no reason given": "未给出原因",
    # server.exim_spool
    "not an Exim spool header (-H) file: {line}": "不是 Exim 队列头（-H）文件：{line}",
    "{queue_id}: no <sender> line in the spool header": "{queue_id}：队列头中没有 <sender> 行",
    "{queue_id}: unexpected line in the spool header: {line}": "{queue_id}：队列头中有意外的行：{line}",
    "{queue_id}: no recipient count in the spool header": "{queue_id}：队列头中没有收件人数量",
    # server.relay_check
    "OPEN RELAY: an outside client may relay: neither restriction list ends with "
    "reject_unauth_destination ({restrictions}) or mynetworks contains every address": (
        "开放中继：外部客户端可以中继：两个限制列表都没有以 reject_unauth_destination 结尾"
        "（{restrictions}），或者 mynetworks 包含了所有地址"
    ),
    "not an open relay: {restrictions}": "不是开放中继：{restrictions}",
    "clients trusted to relay: {networks}": "可信任中继的客户端：{networks}",
    "(none)": "（无）",
    " (but permit_mynetworks is not in smtpd_relay_restrictions)": "（但 smtpd_relay_restrictions 中没有 permit_mynetworks）",
    "a client outside mynetworks that has not authenticated (SASL) gets 554 5.7.1 Relay access denied": (
        "不在 mynetworks 中且未经 SASL 认证的客户端会收到 554 5.7.1 Relay access denied"
    ),
    "a client outside mynetworks that has not authenticated gets 454 4.7.1 Relay access denied "
    "(defer_unauth_destination)": (
        "不在 mynetworks 中且未经认证的客户端会收到 454 4.7.1 Relay access denied（defer_unauth_destination）"
    ),
    "nothing": "无",
    "{why}; relaying is allowed by: {by}": "{why}；允许中继的规则：{by}",
    "{ip} is in mynetworks: it may relay": "{ip} 在 mynetworks 中：可以中继",
    "{ip} is in mynetworks, but smtpd_relay_restrictions has no permit_mynetworks: it may not relay": (
        "{ip} 在 mynetworks 中，但 smtpd_relay_restrictions 中没有 permit_mynetworks：不能中继"
    ),
    "{ip} is not in mynetworks: it may relay only after SASL authentication": (
        "{ip} 不在 mynetworks 中：只有通过 SASL 认证后才能中继"
    ),
    "{ip} is not in mynetworks: it may relay only after SASL authentication, which "
    "smtpd_relay_restrictions does not permit either": (
        "{ip} 不在 mynetworks 中：只有通过 SASL 认证后才能中继，而 smtpd_relay_restrictions 也不允许这样做"
    ),
    "outbound mail goes through {relayhost}": "外发邮件经由 {relayhost} 发送",
    "outbound mail goes straight to each domain's MX (port 25)": "外发邮件直接发往各域名的 MX（25 端口）",
    "listening on: {interfaces}": "监听于：{interfaces}",
    "myhostname {hostname}; mydestination {destination}": "myhostname {hostname}；mydestination {destination}",
    "(system hostname)": "（系统主机名）",
    "{limit} bytes (~{mb} MB), advertised as SIZE {limit} in EHLO": (
        "{limit} 字节（约 {mb} MB），在 EHLO 中公布为 SIZE {limit}"
    ),
    "no size limit (SIZE advertised without a number)": "没有大小限制（公布的 SIZE 不带数值）",
    "TLS is off for inbound mail (set it to 'may' and give a certificate)": (
        "入站邮件未启用 TLS（请设为 'may' 并配置证书）"
    ),
    "TLS is off for outbound mail (set it to 'may' and give a certificate)": (
        "出站邮件未启用 TLS（请设为 'may' 并配置证书）"
    ),
    "inbound TLS: {level}": "入站 TLS：{level}",
    "outbound TLS: {level}": "出站 TLS：{level}",
    "postconf is not installed: is Postfix installed on this host?": "未安装 postconf：本机是否安装了 Postfix？",
    "{command} failed: {why}": "{command} 失败：{why}",
    # server.summary
    "(no mail lines in this window)": "（此时间段内没有邮件日志行）",
    "received  {count}   ({size} bytes)": "已接收 {count}   （{size} 字节）",
    "delivered {count}   ({size} bytes)": "已投递 {count}   （{size} 字节）",
    "deferred  {count}   ({deferrals} deferrals)": "已延迟 {count}   （{deferrals} 次延迟）",
    "bounced   {count}": "已退信 {count}",
    "rejected  {count}": "已拒收 {count}",
    "expired   {count}": "已过期 {count}",
    "per hour {first} .. {last}": "每小时 {first} .. {last}",
    "received": "已接收",
    "delivered": "已投递",
    "deferred": "已延迟",
    "rejected": "已拒收",
    "top senders:": "发件人排行：",
    "top recipients:": "收件人排行：",
    "top destination domains:": "目标域名排行：",
    "deferral reasons:": "延迟原因：",
    "rejection reasons:": "拒收原因：",
    "timed out: {hosts}": "超时：{hosts}",
    # server.trace (timeline steps and the CLI form)
    "received from {client}": "接收自 {client}",
    ", {size} bytes": "，{size} 字节",
    ", {count} recipient(s)": "，{count} 个收件人",
    "queued from <{sender}>": "已排队，发件人 <{sender}>",
    " via {relay}": "，经由 {relay}",
    " -> re-injected as {queue_id}": " -> 重新注入为 {queue_id}",
    "to <{address}>: {status}": "发往 <{address}>：{status}",
    "attempt": "尝试",
    "removed from the queue": "已从队列中移除",
    "expired: returned to sender": "已过期：退回发件人",
    "rejected at {stage}: {reply}": "在 {stage} 阶段被拒收：{reply}",
    "nothing in the log matches {query}": "日志中没有与 {query} 匹配的内容",
    "message {ids} ({mta}): {status}": "邮件 {ids}（{mta}）：{status}",
    "from <{sender}>": "发件人 <{sender}>",
    "{size} bytes": "{size} 字节",
    "client {client}": "客户端 {client}",
    ", ": "，",
    "refused during SMTP:": "在 SMTP 会话中被拒绝：",
    "{stage} from {client}: {reply}": "{stage}，来自 {client}：{reply}",
    "  (from <{sender}> to <{address}>)": "  （发件人 <{sender}>，收件人 <{address}>）",
    # ui.widgets.server: the Queue, Trace, Summary and Relay check tabs
    "{title}: {message}": "{title}：{message}",
    "problem": "问题",
    "warning": "警告",
    "ok": "正常",
    "info": "信息",
    "client IP: may it relay?": "客户端 IP：它能否中继？",
    "domain: port 25 of its MX": "域名：检查其 MX 的 25 端口",
    "Reading postconf -n …": "正在读取 postconf -n …",
    "Reading postconf -n and trying port 25 of {domain}'s MX hosts …": (
        "正在读取 postconf -n，并尝试连接 {domain} 的 MX 主机的 25 端口 …"
    ),
    "Queue ID": "队列 ID",
    "Age": "时长",
    "Size": "大小",
    "From": "发件人",
    "To": "收件人",
    "Reading the queue…": "正在读取队列…",
    "The queue is empty.": "队列为空。",
    "the queue could not be read": "无法读取队列",
    " · {count} tagged": " · 已标记 {count} 封",
    " · read {when}": " · 读取于 {when}",
    "  {queue}  since {arrived} ({age})  {size} bytes": "  {queue}  自 {arrived} 起（{age}）  {size} 字节",
    "to <{address}>": "收件人 <{address}>",
    "By delay reason": "按延迟原因",
    "By destination domain": "按目标域名",
    "Delete {count} queued message(s) for good ({shown})? This cannot be undone.": (
        "永久删除 {count} 封排队中的邮件（{shown}）？此操作无法撤销。"
    ),
    "flush": "冲刷",
    "hold": "挂起",
    "release": "释放",
    "requeue": "重新排队",
    "delete": "删除",
    "{action}: {what} …": "{action}：{what} …",
    "{action}: {count} message(s)": "{action}：{count} 封邮件",
    "flushed {queue_id}": "已冲刷 {queue_id}",
    "flushed all deferred mail (postqueue -f)": "已冲刷所有延迟的邮件（postqueue -f）",
    "queue id, Message-ID or address; Enter traces it": "队列 ID、Message-ID 或地址；按 Enter 追踪",
    "Type a queue id (12BDBE6FEE9), a Message-ID or an address and press Enter.": (
        "输入队列 ID（如 12BDBE6FEE9）、Message-ID 或地址，然后按 Enter。"
    ),
    "Nothing in the log matches {query}.": "日志中没有与 {query} 匹配的内容。",
    "message {ids} ({mta}): ": "邮件 {ids}（{mta}）：",
    " (final)": "（最终）",
    "to <{address}> ": "发往 <{address}> ",
    "via {relay}": "经由 {relay}",
    "queue id {queue_id}": "队列 ID {queue_id}",
    " ({details})": "（{details}）",
    "timeline ({date}):": "时间线（{date}）：",
    "Refused during SMTP:": "在 SMTP 会话中被拒绝：",
    "{time} {stage} from {client}": "{time} {stage}，来自 {client}",
    "from <{sender}> to <{address}>": "发件人 <{sender}>，收件人 <{address}>",
    "reading the log for {query} …": "正在日志中查找 {query} …",
    "{count} message(s), {rejects} SMTP reject(s)": "{count} 封邮件，{rejects} 次 SMTP 拒绝",
    "following {query} in the log (ctrl+f stops) …": "正在日志中跟踪 {query}（按 ctrl+f 停止）…",
    "{query} is not in the log yet; waiting for it …": "{query} 尚未出现在日志中；正在等待 …",
    "following {query}: {status}, {elapsed} s (ctrl+f stops) …": (
        "正在跟踪 {query}：{status}，{elapsed} 秒（按 ctrl+f 停止）…"
    ),
    "{ids}: {status} ({why}, {elapsed} s)": "{ids}：{status}（{why}，{elapsed} 秒）",
    "deferred, and nothing more for a minute; the MTA retries later (ctrl+f follows again)": (
        "已延迟，且一分钟内没有新进展；MTA 稍后会重试（按 ctrl+f 重新跟踪）"
    ),
    "no final status within 10 minutes (ctrl+f follows again)": "10 分钟内没有到达最终状态（按 ctrl+f 重新跟踪）",
    "stopped following": "已停止跟踪",
    "time window (optional): {example}": "时间段（可选）：{example}",
    "Reading the log…": "正在读取日志…",
    "{label}/h": "{label}/小时",
    " peak {count}": " 峰值 {count}",
    "per hour, {first} .. {last}": "每小时，{first} .. {last}",
    "no hours": "没有按小时的数据",
    "no summary": "没有摘要",
    "Deferral reasons": "延迟原因",
    "Rejection reasons": "拒收原因",
    "Timed out: {hosts}": "超时：{hosts}",
    "Top senders": "发件人排行",
    "Top recipients": "收件人排行",
    "Top destination domains": "目标域名排行",
}
