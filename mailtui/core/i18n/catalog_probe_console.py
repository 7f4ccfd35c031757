"""Chinese for the IMAP probe's stage and console errors (diagnostics.imap_probe)."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    "stage {stage} needs a user (--user)": "阶段 {stage} 需要用户名（--user）",
    "{where} announces LOGINDISABLED on this connection": "{where} 在此连接上声明了 LOGINDISABLED",
    "it carries a password; the probe logs in for you (--user)": "它带有密码；探测会替你登录（--user）",
    "it carries credentials; the probe logs in for you (--user)": "它带有凭据；探测会替你登录（--user）",
    "it would change the connection under the client; use --tls starttls": (
        "它会在客户端不知情时改变连接；请使用 --tls starttls"
    ),
    "it waits for DONE, which the console cannot send": "它要等待 DONE，而控制台无法发送 DONE",
    "the client cannot follow a compressed stream": "客户端无法跟随压缩的数据流",
    "close the console instead": "请直接关闭控制台",
    "the console needs an IMAPClient or an imaplib.IMAP4 connection": (
        "控制台需要 IMAPClient 或 imaplib.IMAP4 连接"
    ),
    'type an IMAP command, e.g. CAPABILITY or LIST "" "*"': '请输入 IMAP 命令，例如 CAPABILITY 或 LIST "" "*"',
    "one command per line: CR, LF and NUL are not allowed": "每行一条命令：不允许 CR、LF 和 NUL",
    "the console does not send {verb}: {why}": "控制台不发送 {verb}：{why}",
    "literals ({{N}}) need a continuation the console cannot send": "字面量（{{N}}）需要控制台无法发送的续行",
}
