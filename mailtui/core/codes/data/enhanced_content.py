"""Enhanced status codes X.5.x and X.6.x (protocol, content and media), English + Chinese.

Sources: RFC 3463, RFC 4954 (AUTH), RFC 4468, RFC 6531, as listed in the IANA registry.
"""

from __future__ import annotations

from mailtui.core.codes.data.general import Entry
from mailtui.core.codes.data.general import entry as _e

_R = "RFC 3463"


ENHANCED_MEDIA: dict[tuple[int, int], Entry] = {
    # X.5.x mail delivery protocol
    (5, 0): _e(
        _R,
        (
            "Other or undefined protocol status",
            "Something went wrong in the SMTP dialogue itself.",
            "Look at the transcript for the command that failed.",
        ),
        ("其他或未定义的协议状态", "SMTP 对话本身出了问题。", "在会话记录中查找失败的命令。"),
    ),
    (5, 1): _e(
        _R,
        (
            "Invalid command",
            "The command is unknown or not allowed here (wrong order).",
            "Check the transcript; see also reply codes 500 and 503.",
        ),
        ("无效命令", "命令未知，或在此处不允许（顺序错误）。", "检查会话记录；另见应答码 500 和 503。"),
    ),
    (5, 2): _e(
        _R,
        ("Syntax error", "A command could not be parsed.", "Check the command syntax (addresses need <>)."),
        ("语法错误", "无法解析某条命令。", "检查命令语法（地址需要用 <> 括起来）。"),
    ),
    (5, 3): _e(
        _R,
        (
            "Too many recipients",
            "More recipients than the server takes in one transaction.",
            "Send to the rest in another transaction (an MTA does this by itself); use a list server for mass mail.",
        ),
        (
            "收件人过多",
            "收件人数超过服务器单次会话允许的数量。",
            "将剩余收件人放在另一次会话中发送（邮件服务器会自动处理）；群发请使用邮件列表服务。",
        ),
    ),
    (5, 4): _e(
        _R,
        (
            "Invalid command arguments",
            "The arguments are not valid (bad EHLO name, unknown AUTH mechanism, bad parameter).",
            "Fix the argument; for EHLO use a fully-qualified host name.",
        ),
        (
            "命令参数无效",
            "参数无效（EHLO 名称不合法、未知的 AUTH 机制、错误的参数）。",
            "修正参数；EHLO 请使用完整的主机域名。",
        ),
    ),
    (5, 5): _e(
        _R,
        (
            "Wrong protocol version",
            "The client and server disagree on the protocol (e.g. HELO where EHLO is needed).",
            "Use EHLO / the protocol version the server expects.",
        ),
        (
            "协议版本错误",
            "客户端与服务器对协议理解不一致（例如需要 EHLO 却发了 HELO）。",
            "使用 EHLO / 服务器期望的协议版本。",
        ),
    ),
    (5, 6): _e(
        "RFC 4954",
        (
            "Authentication exchange line is too long",
            "An AUTH line exceeded the server's limit (usually a huge OAuth2 token).",
            "Send the initial response on its own line after 334, or use a shorter token.",
        ),
        (
            "认证交互行过长",
            "某一行 AUTH 数据超过了服务器的限制（通常是很长的 OAuth2 令牌）。",
            "在收到 334 后单独一行发送初始应答，或使用更短的令牌。",
        ),
    ),
    # X.6.x message content or media
    (6, 0): _e(
        _R,
        (
            "Other or undefined media error",
            "Something about the content was refused.",
            "Read the text; content filters often use this code.",
        ),
        ("其他或未定义的媒体错误", "邮件内容的某方面被拒绝。", "阅读应答文字；内容过滤器常使用此代码。"),
    ),
    (6, 1): _e(
        _R,
        (
            "Media not supported",
            "The message contains a media type the receiver does not accept.",
            "Send in another format.",
        ),
        ("媒体类型不受支持", "邮件包含接收方不接受的媒体类型。", "改用其他格式发送。"),
    ),
    (6, 2): _e(
        _R,
        (
            "Conversion required and prohibited",
            "The content must be converted for delivery but conversion is forbidden.",
            "Send content the receiver can take unchanged (e.g. 7-bit).",
        ),
        (
            "需要转换但被禁止",
            "投递需要转换内容，但转换被禁止。",
            "发送接收方可直接接受的内容（如 7 位编码）。",
        ),
    ),
    (6, 3): _e(
        _R,
        (
            "Conversion required but not supported",
            "The content must be converted but the system cannot do it.",
            "Send in a format the receiver supports.",
        ),
        ("需要转换但不受支持", "内容需要转换，但系统无法完成。", "改用接收方支持的格式发送。"),
    ),
    (6, 4): _e(
        _R,
        (
            "Conversion with loss performed",
            "The message was delivered, but converted with some loss.",
            "Nothing to do, unless the lost part matters.",
        ),
        ("已进行有损转换", "邮件已投递，但转换时丢失了部分内容。", "无需处理，除非丢失的部分很重要。"),
    ),
    (6, 5): _e(
        _R,
        ("Conversion failed", "Converting the message failed.", "Send in a simpler format."),
        ("转换失败", "邮件转换失败。", "改用更简单的格式发送。"),
    ),
    (6, 6): _e(
        "RFC 4468",
        (
            "Message content not available",
            "The content referenced by BURL could not be fetched.",
            "Check the BURL/IMAP URL and its authorization.",
        ),
        ("邮件内容不可用", "无法获取 BURL 引用的内容。", "检查 BURL/IMAP URL 及其授权。"),
    ),
    (6, 7): _e(
        "RFC 6531",
        (
            "Non-ASCII addresses not permitted for that sender/recipient",
            "An internationalized (UTF-8) address was used where it is not allowed.",
            "Use an ASCII address for this correspondent.",
        ),
        (
            "该发件人/收件人不允许使用非 ASCII 地址",
            "在不允许的地方使用了国际化（UTF-8）地址。",
            "为此联系人使用纯 ASCII 地址。",
        ),
    ),
    (6, 8): _e(
        "RFC 6531",
        (
            "UTF-8 string reply is required, but not permitted by the SMTP client",
            "The server would need to answer in UTF-8 but the client did not ask for SMTPUTF8.",
            "Use a client with SMTPUTF8 support, or ASCII addresses.",
        ),
        (
            "需要 UTF-8 应答，但 SMTP 客户端不允许",
            "服务器需要用 UTF-8 应答，但客户端没有请求 SMTPUTF8。",
            "使用支持 SMTPUTF8 的客户端，或改用 ASCII 地址。",
        ),
    ),
    (6, 9): _e(
        "RFC 6531",
        (
            "UTF-8 header message cannot be transferred to one or more recipients",
            "A message with UTF-8 headers cannot go to a server without SMTPUTF8, so it was rejected.",
            "Send with ASCII headers and addresses to these recipients.",
        ),
        (
            "含 UTF-8 头的邮件无法发送给部分收件人",
            "含 UTF-8 邮件头的邮件无法发往不支持 SMTPUTF8 的服务器，因此被拒绝。",
            "向这些收件人发送时使用 ASCII 邮件头和地址。",
        ),
    ),
    (6, 10): _e(
        "RFC 6531 (IANA: deprecated)",
        (
            "UTF-8 string reply required (deprecated duplicate of X.6.8)",
            "Same meaning as X.6.8; the registry marks it deprecated.",
            "As for X.6.8: use SMTPUTF8 or ASCII addresses.",
        ),
        (
            "需要 UTF-8 应答（已废弃，与 X.6.8 重复）",
            "含义与 X.6.8 相同；注册表已将其标为废弃。",
            "同 X.6.8：使用 SMTPUTF8 或 ASCII 地址。",
        ),
    ),
}
