"""Chinese for the mail-server screen and commands (server/, ui/screens/server, commands/server)."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # error titles (core.error_titles)
    "Mail server error": "邮件服务器错误",
    "Cannot read the mail log": "无法读取邮件日志",
    "No mail log": "没有邮件日志",
    "Not allowed": "不允许",
}
