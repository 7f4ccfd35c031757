"""Chinese for the probes: their messages (`diagnostics.probe_messages`) and reports."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # probe_messages
    "implicit TLS, negotiated at connect": "隐式 TLS，连接时即已协商",
    "no TLS (--tls none)": "不使用 TLS（--tls none）",
    "{host}:{port} does not offer STARTTLS, but --tls starttls requires it. Use --tls ssl "
    "(usually port {ssl_port}), or --tls none to probe without encryption.": (
        "{host}:{port} 未提供 STARTTLS，但 --tls starttls 要求使用它。请改用 --tls ssl"
        "（通常是 {ssl_port} 端口），或用 --tls none 在不加密的情况下探测。"
    ),
    "refusing to send the password of {user} over an unencrypted connection to "
    "{host}:{port}. Use --tls starttls or ssl, or (trusted network only) --allow-plaintext-auth.": (
        "拒绝通过未加密的连接把 {user} 的密码发送到 {host}:{port}。请使用 --tls starttls 或 ssl，"
        "或者（仅限可信网络）加上 --allow-plaintext-auth。"
    ),
    "no password for {user}": "没有 {user} 的密码",
    "the connection is closed": "连接已关闭",
    " If you trust this server, pass its certificate (or CA) with --ca-file PEM; --no-verify "
    "accepts any certificate.": (
        " 如果信任该服务器，请用 --ca-file PEM 指定它的证书（或 CA 证书）；--no-verify 会接受任何证书。"
    ),
    " Check that --tls {tls} matches port {port} ({hint}).": " 请确认 --tls {tls} 与端口 {port} 相符（{hint}）。",
    "TLS with {where} failed during {stage}: {why}.": "与 {where} 的 TLS 在 {stage} 阶段失败：{why}。",
    "{where} did not answer within {timeout} s during {stage}": "{where} 在 {stage} 阶段 {timeout} 秒内没有响应",
    "cannot connect to {where}: {text}. Check host, port and that it is reachable.": (
        "无法连接到 {where}：{text}。请检查主机名、端口以及网络是否可达。"
    ),
    # report
    "no TLS on this connection": "此连接未使用 TLS",
    "a verifying client would refuse it: {reason}": "进行证书验证的客户端会拒绝它：{reason}",
    "it would verify": "验证可以通过",
    "NOT CHECKED (--no-verify); {would}": "未检查（--no-verify）；{would}",
    "the handshake failed": "握手失败",
    "NO: {why}": "否：{why}",
    "{days} days left": "还剩 {days} 天",
    "EXPIRED {days} days ago": "已过期 {days} 天",
    "OK: reached stage {target}": "成功：已到达 {target} 阶段",
    "FAILED (exit {exit_code}) after stage {reached}, aiming for {target}:": (
        "失败（退出码 {exit_code}）：目标为 {target} 阶段，止于 {reached} 阶段之后："
    ),
    "SMTP probe of {host}:{port} (tls {tls}), up to stage {target}": (
        "SMTP 探测 {host}:{port}（tls {tls}），直到 {target} 阶段"
    ),
    "IMAP probe of {host}:{port} (tls {tls}){who}, up to stage {target}": (
        "IMAP 探测 {host}:{port}（tls {tls}）{who}，直到 {target} 阶段"
    ),
    " as {user}": "，用户 {user}",
    "Banner": "欢迎横幅（Banner）",
    "(no banner)": "（无横幅）",
    "Capabilities (EHLO)": "服务能力（EHLO）",
    "(EHLO not reached)": "（未到达 EHLO）",
    "keyword": "关键字",
    "before TLS": "TLS 之前",
    "after TLS": "TLS 之后",
    "after login": "登录之后",
    "capability": "能力",
    "Capabilities": "服务能力",
    "(not reached)": "（未到达）",
    "note: a test message was delivered (stage data)": "注意：已投递一封测试邮件（data 阶段）",
    "Greeting": "问候语",
    "Login": "登录",
    "not reached": "未到达",
    "folders: {count}": "文件夹：{count} 个",
    "TLS and certificate": "TLS 与证书",
    "Steps": "步骤",
    "Transcript": "会话记录",
    "Verdict": "结论",
    # smtp_probe / imap_probe step notes and errors
    "implicit TLS: {version}": "隐式 TLS：{version}",
    "logged in as {user} with AUTH {mechanism}": "已用 AUTH {mechanism} 以 {user} 身份登录",
    "sender <{sender}> accepted": "发件人 <{sender}> 已被接受",
    "recipient <{recipient}> accepted": "收件人 <{recipient}> 已被接受",
    "test message of {size} bytes accepted": "{size} 字节的测试邮件已被接受",
    "Check the user name and that oauth2_token_command prints a current access token": (
        "请检查用户名，并确认 oauth2_token_command 输出的是当前有效的访问令牌"
    ),
    "Check the user name and password": "请检查用户名和密码",
    "{where} refused the login of {user}: {text}.": "{where} 拒绝了 {user} 的登录：{text}。",
    "{where} dropped the connection during {stage}: {text}": "{where} 在 {stage} 阶段断开了连接：{text}",
    "network error with {where} during {stage}: {text}": "与 {where} 通信时在 {stage} 阶段出现网络错误：{text}",
    "{where} answered {stage} with an error: {text}": "{where} 对 {stage} 返回了错误：{text}",
}
