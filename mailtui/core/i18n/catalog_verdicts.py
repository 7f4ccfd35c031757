"""Chinese for the DKIM, SPF, DMARC and ARC verdicts computed here and their comparison."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    "we verify it, the server did not: its DNS may have failed, or the key was published since": (
        "我们验证通过，服务器没有：可能是服务器的 DNS 查询失败，或者密钥是之后才发布的"
    ),
    "the server verified it, but {key} does not hold the key now: it was removed "
    "or revoked since, or the server's DNS sees another zone (split horizon)": (
        "服务器验证通过，但 {key} 现在没有该密钥：密钥之后被删除或吊销了，"
        "或者服务器的 DNS 看到的是另一个区域（split horizon）"
    ),
    "the server verified it before x= passed; it has expired since": "服务器在 x= 到期前验证通过；此后签名已过期",
    "the server verified it, we do not: the message changed after it arrived "
    "(a filter, a list, a forward), or the key changed since": (
        "服务器验证通过，我们没有：邮件到达后被修改过（过滤器、邮件列表、转发），或者密钥之后变了"
    ),
    "the server saw another client IP, sender or DNS answer, or the message changed after it arrived": (
        "服务器看到的客户端 IP、发件人或 DNS 应答与这里不同，或者邮件到达后被修改过"
    ),
    "the server wrote no result for it": "服务器没有写出它的结果",
    "Verdicts computed here (DNS: {server})": "本地计算的验证结论（DNS：{server}）",
    "Server: no Authentication-Results header": "服务器：没有 Authentication-Results 头",
    "NOT trusted: anyone could have written it": "不可信：任何人都可能写入它",
    "Server: Authentication-Results by {authserv_id} ({trust})": "服务器：{authserv_id} 写入的 Authentication-Results（{trust}）",
    "(no DKIM-Signature)": "（没有 DKIM-Signature）",
    "warning: {warning}": "警告：{warning}",
    "not checked": "未检查",
    "handed in by: {note}": "提交方：{note}",
    "the policy asks receivers to: {disposition}": "该策略要求收件方：{disposition}",
    "Ours vs the server's:": "本地结论与服务器结论对比：",
    "DISAGREES: {note}": "不一致：{note}",
    "(nothing to compare)": "（没有可对比的内容）",
}
