"""Chinese for sending: send, sendmail, the queue, dispatch and the outbox."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # commands/queue.py
    "{count} message(s) queued": "队列中共有 {count} 封邮件",
    "{sent} sent, {failed} failed, {remaining} still queued": (
        "已发送 {sent} 封，失败 {failed} 封，仍在队列中 {remaining} 封"
    ),
    "the queue is empty": "队列为空",
    "another `mailtui queue flush` is running; nothing was attempted": (
        "另一个 `mailtui queue flush` 正在运行；本次未做任何尝试"
    ),
    "{count} message(s) not due yet (use --force to send them now)": (
        "{count} 封邮件尚未到重试时间（用 --force 立即发送）"
    ),
    "no queued message with id {ident} (see `mailtui queue list`)": (
        "队列中没有 ID 为 {ident} 的邮件（参见 `mailtui queue list`）"
    ),
    # commands/send.py
    "account {account} has no [account.smtp] table, so it cannot send. Add one "
    "(host, port, tls, user) or name a relay with --server HOST[:PORT].": (
        "账户 {account} 没有 [account.smtp] 配置节，因此无法发信。请添加一节"
        "（host、port、tls、user），或用 --server HOST[:PORT] 指定中继服务器。"
    ),
    "cannot read the attachment {path}: {why}. Nothing was sent.": "无法读取附件 {path}：{why}。邮件未发送。",
    "the message was NOT accepted; it was kept in {path}": "邮件未被接受；已保存到 {path}",
    "a copy is in {path}": "副本保存在 {path}",
    "the message was kept in {path}": "邮件已保存到 {path}",
    "the message was NOT accepted and could not be kept in {path} either ({why}); send it again": (
        "邮件未被接受，也无法保存到 {path}（{why}）；请重新发送"
    ),
    # commands/sendmail.py
    "no envelope sender: give -f ADDRESS or set `from` in the account": (
        "没有信封发件人：请用 -f ADDRESS 指定，或在账户中设置 `from`"
    ),
    "bad envelope sender {sender}: {problem}": "信封发件人 {sender} 无效：{problem}",
    "bad recipient: {problems}": "收件人无效：{problems}",
    "no recipients: name them on the command line or use -t with To/Cc/Bcc headers": (
        "没有收件人：请在命令行中指定，或用 -t 从 To/Cc/Bcc 头读取"
    ),
    "queued as {ident}; it is sent when the relay takes it": "已加入队列，ID 为 {ident}；中继服务器接收后即发送",
    "the -F name contains a line break; that would inject headers": "-F 指定的名字含有换行符，会造成邮件头注入",
    "unknown option {option} (see `mailtui sendmail --help`)": "未知选项 {option}（参见 `mailtui sendmail --help`）",
    # sending/dispatch.py
    "not sent now ({title}: {why}); queued as {ident}, retried later (`mailtui queue flush`)": (
        "暂未发送（{title}：{why}）；已加入队列，ID 为 {ident}，稍后重试（`mailtui queue flush`）"
    ),
    "the Sent copy was kept in the local Maildir {where} instead": "已发送副本改存到本地 Maildir {where}",
    "refused {rcpt}: {code} {text}": "{rcpt} 被拒收：{code} {text}",
    "account {account} has no [account.smtp] relay to send queued mail through": (
        "账户 {account} 没有 [account.smtp] 中继服务器，无法发送队列中的邮件"
    ),
    "gave up on {ident} after its queue_lifetime; a delivery report is in {where}": (
        "{ident} 已超过 queue_lifetime，放弃投递；投递报告在 {where}"
    ),
    "could not store a Sent copy anywhere: {why}": "已发送副本无处可存：{why}",
    "queued as {ident} for {rcpts}; `mailtui queue flush` retries it": (
        "已为 {rcpts} 加入队列，ID 为 {ident}；`mailtui queue flush` 会重试"
    ),
    "could not record the failure in the outbox: {why}": "无法在发件队列中记录这次失败：{why}",
    "{why}: it may be sent again by the next flush": "{why}：下次 flush 时可能会再次发送",
    "could not store the Sent copy in {folder} ({why})": "无法把已发送副本存入 {folder}（{why}）",
    "could not queue a copy before sending ({why}); sending without one": (
        "发送前无法在队列中保留副本（{why}）；将在没有副本的情况下发送"
    ),
    "could not queue {rcpts} for a retry: {why}": "无法为 {rcpts} 加入队列以便重试：{why}",
    "queued again as {ident} for {rcpts}": "已为 {rcpts} 重新加入队列，ID 为 {ident}",
    "{ident} is past its queue_lifetime but could not be returned to its sender: {why}": (
        "{ident} 已超过 queue_lifetime，但无法退回给发件人：{why}"
    ),
    "the relay did not take the message ({title}: {why}) and it cannot be queued: {queue_error}": (
        "中继服务器没有接收邮件（{title}：{why}），也无法加入队列：{queue_error}"
    ),
    "could not queue {rcpts} again: {why}": "无法为 {rcpts} 重新加入队列：{why}",
    # ui/screens/compose/send_transcript.py
    "NOT SENT ({title}): {why}": "未发送（{title}）：{why}",
    "Refused recipients:": "被拒收的收件人：",
    "Outgoing message (Esc closes)": "待发邮件（Esc 关闭）",
    "MIME parts (decoded sizes):": "MIME 部分（解码后大小）：",
    # sending/smtp.py
    " Meaning: {text}.": " 含义：{text}。",
    "{where} refused every recipient: {items}.": "{where} 拒收了所有收件人：{items}。",
    "refused the login of {user}": "拒绝了 {user} 的登录",
    "refused the sender {sender}": "拒绝了发件人 {sender}",
    "refused the message": "拒收了这封邮件",
    "refused our EHLO/HELO": "拒绝了我们的 EHLO/HELO",
    "refused the connection": "拒绝了连接",
    "answered {stage} with an error": "对 {stage} 返回了错误",
    " Check the user name and the password: {origin}.": " 请检查用户名和密码：{origin}。",
    " Check the user name and that oauth2_token_command prints a current access "
    "token with the mail scope ({table}).": (
        " 请检查用户名，并确认 oauth2_token_command 输出的是当前有效、带邮件权限范围的访问令牌（{table}）。"
    ),
    "{where} closed the connection during {stage} ({why}); the relay did not confirm the "
    "message, so it counts as not sent. Retry later (rarely, a relay that lost only its reply "
    "delivers such a message twice).": (
        "{where} 在 {stage} 阶段关闭了连接（{why}）；中继服务器没有确认收到邮件，因此视为未发送。"
        "请稍后重试（少数情况下，只丢失了应答的中继会把这封邮件投递两次）。"
    ),
    "could not connect to {where}: {why}. Check host, port and tls in the config, and that "
    "the relay is reachable.": "无法连接到 {where}：{why}。请检查配置中的 host、port 和 tls，以及中继服务器是否可达。",
    "TLS negotiation with {where} failed during {stage}: {why}. Check that tls = "
    '"{tls}" matches the port ({port}: 465 is usually ssl, 587 starttls).': (
        '与 {where} 的 TLS 协商在 {stage} 阶段失败：{why}。请确认 tls = "{tls}" 与端口相符'
        "（{port}；465 通常是 ssl，587 是 starttls）。"
    ),
    "network error talking to {where} during {stage}: {why}": "与 {where} 通信时在 {stage} 阶段出现网络错误：{why}",
    "{where} did not answer within {timeout} s during {stage}. The relay may be overloaded or a "
    "firewall may drop the traffic; retry later or raise timeout.": (
        "{where} 在 {stage} 阶段 {timeout} 秒内没有响应。中继服务器可能过载，或者防火墙丢弃了流量；"
        "请稍后重试，或调大 timeout。"
    ),
    '{where} does not offer STARTTLS, but the config requires it (tls = "starttls"). '
    'Nothing was sent. Check the port, or use tls = "ssl" for port 465.': (
        '{where} 未提供 STARTTLS，但配置要求使用它（tls = "starttls"）。邮件未发送。'
        '请检查端口，或对 465 端口使用 tls = "ssl"。'
    ),
    # sending/outbox.py
    "cannot create the outbox {root}: {why}": "无法创建发件队列目录 {root}：{why}",
    "cannot read {path}: not a JSON object": "无法读取 {path}：不是 JSON 对象",
    "cannot read queued message {ident}: {why}": "无法读取队列中的邮件 {ident}：{why}",
    "cannot read {path}: {why}": "无法读取 {path}：{why}",
    "cannot list the outbox {root}: {why}": "无法列出发件队列 {root}：{why}",
    "cannot remove {path}: {why}": "无法删除 {path}：{why}",
    "cannot remove queued message {ident}: {why}": "无法删除队列中的邮件 {ident}：{why}",
    "cannot open the outbox lock in {root}: {why}": "无法打开 {root} 中的发件队列锁：{why}",
    "no queued message {ident} in {root}": "{root} 中没有队列邮件 {ident}",
}
