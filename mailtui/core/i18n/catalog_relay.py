"""Chinese for the relay client's configuration, login and envelope errors (sending.smtp)."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    "cannot load ca_file {ca_file} for {host}: {error}. Point ca_file at a readable PEM "
    "certificate (or CA bundle).": (
        "无法为 {host} 加载 ca_file {ca_file}：{error}。请让 ca_file 指向可读的 PEM 证书（或 CA 证书包）。"
    ),
    "the TLS certificate of {where} could not be verified: {reason} ({detail}). Nothing was sent. ": (
        "无法验证 {where} 的 TLS 证书：{reason}（{detail}）。没有发送任何内容。"
    ),
    "{where} does not offer AUTH on this connection, but the config asks to log in as {user}. "
    "Set auth = false if the relay accepts mail without login.": (
        "{where} 在此连接上没有提供 AUTH，但配置要求以 {user} 登录。如果该中继无需登录即可收信，请设置 auth = false。"
    ),
    "no password for {user} on {where}: set password_command, password_env or a keyring "
    "entry (service mailtui, user {keyring_user}).": (
        "{where} 上的 {user} 没有密码：请设置 password_command、password_env 或密钥环条目"
        "（service mailtui，user {keyring_user}）。"
    ),
    "{where} offers AUTH {offered}; mailtui logs in with PLAIN or LOGIN (over TLS), or "
    "OAUTHBEARER/XOAUTH2 with oauth2_token_command.": (
        "{where} 提供的 AUTH 为 {offered}；mailtui 使用 PLAIN 或 LOGIN（经 TLS）登录，"
        "或配合 oauth2_token_command 使用 OAUTHBEARER/XOAUTH2。"
    ),
    "{where} offers AUTH {offered} but not {wanted}, and oauth2_token_command gives an OAuth2 "
    'token (oauth2_mechanism = "{mechanism}" in {table}). Use a mechanism the server offers, '
    "or remove oauth2_token_command to log in with a password.": (
        "{where} 提供的 AUTH 为 {offered}，没有 {wanted}，而 oauth2_token_command 给出的是 OAuth2 令牌"
        '（{table} 中 oauth2_mechanism = "{mechanism}"）。请使用服务器提供的机制，'
        "或删除 oauth2_token_command 改用密码登录。"
    ),
    'Use tls = "starttls" or "ssl" for this relay, or, only on a trusted network path, '
    "set allow_plaintext_auth = true in {table}.": (
        '请为该中继使用 tls = "starttls" 或 "ssl"，或者仅在可信的网络路径上，在 {table} 中设置 '
        "allow_plaintext_auth = true。"
    ),
    "Use --tls starttls or --tls ssl, or, only on a trusted network path, --allow-plaintext-auth.": (
        "请使用 --tls starttls 或 --tls ssl，或者仅在可信的网络路径上使用 --allow-plaintext-auth。"
    ),
    "refusing to send the password of {user} over an unencrypted connection to {where}. {fix}": (
        "拒绝通过未加密的连接把 {user} 的密码发送到 {where}。{fix}"
    ),
    "no recipients: give at least one To, Cc or Bcc address": "没有收件人：请至少给出一个 To、Cc 或 Bcc 地址",
    "sender": "发件人",
    "recipient": "收件人",
    "bad {role} address {addr}: {problem}; nothing was sent": "{role}地址 {addr} 无效：{problem}；没有发送任何内容",
    "the message is {size} bytes but {where} accepts at most {limit} bytes (EHLO SIZE). Nothing "
    "was sent: make attachments smaller or send them another way.": (
        "邮件大小为 {size} 字节，但 {where} 最多接受 {limit} 字节（EHLO SIZE）。没有发送任何内容："
        "请缩小附件或改用其他方式发送。"
    ),
    "an address (or a raw UTF-8 header) is not plain ASCII, and {where} does not offer "
    "SMTPUTF8, so it cannot carry it. Nothing was sent: use an ASCII address or another relay.": (
        "某个地址（或原始 UTF-8 头）不是纯 ASCII，而 {where} 没有提供 SMTPUTF8，无法传送。"
        "没有发送任何内容：请使用 ASCII 地址或换一个中继。"
    ),
}
