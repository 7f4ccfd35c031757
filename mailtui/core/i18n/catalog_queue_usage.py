"""Chinese for `mailtui queue` list lines and `mailtui sendmail` option errors."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # commands/queue.py
    "being sent now": "正在发送",
    "interrupted (its sender died before the relay answered); due now, sent again": (
        "已中断（发送进程在中继应答前退出）；现在到期，将再次发送"
    ),
    "held (permanent failure; `queue flush --force` retries)": "已暂停（永久失败；`queue flush --force` 会重试）",
    "due now": "现在到期",
    "next try in {age}": "{age} 后重试",
    "AGE": "时长",
    "TRIES": "尝试",
    "RECIPIENTS": "收件人",
    "from {sender} via {account}; {next}": "发件人 {sender}，经由 {account}；{next}",
    "subject: {subject}": "主题：{subject}",
    "last error: {error}": "上次错误：{error}",
    "dropped {ident}": "已删除 {ident}",
    "failed {ident}: {error}": "{ident} 失败：{error}",
    # commands/sendmail.py
    "{option} needs a value": "{option} 需要一个值",
    "-R {value}: expected full or hdrs": "-R {value}：应为 full 或 hdrs",
    "-B {value}: expected 8BITMIME or 7BIT": "-B {value}：应为 8BITMIME 或 7BIT",
    "SMTP on stdin is a different mode; pipe the message itself": "标准输入上的 SMTP 是另一种模式；请直接用管道传入邮件",
    "list the outbox with `mailtui queue list`": "用 `mailtui queue list` 列出发件箱",
    "send the outbox with `mailtui queue flush`": "用 `mailtui queue flush` 发送发件箱",
    "only -bm (deliver a message) is supported": "只支持 -bm（投递一封邮件）",
    "-b{mode} is not supported: {advice}": "不支持 -b{mode}：{advice}",
    "-b needs a mode (only -bm is supported)": "-b 需要一个模式（只支持 -bm）",
    "-{flag} needs a value (see `mailtui sendmail --help`)": "-{flag} 需要一个值（见 `mailtui sendmail --help`）",
    "unknown option -{flag} in {arg} (see `mailtui sendmail --help`)": (
        "{arg} 中有未知选项 -{flag}（见 `mailtui sendmail --help`）"
    ),
}
