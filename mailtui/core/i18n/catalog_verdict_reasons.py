"""Chinese for the reason lines and warnings of single DKIM, ARC, SPF and DMARC verdicts."""

from __future__ import annotations

CATALOG: dict[str, str] = {
    # DKIM
    "the signature cannot be parsed: {error}": "无法解析签名：{error}",
    "{error}: try again later": "{error}：请稍后重试",
    "weak key: {bits}-bit RSA at {key}; verifiers refuse keys under {min_bits} bits "
    "(RFC 8301): publish a {good_bits}-bit key under a new selector": (
        "弱密钥：{key} 是 {bits} 位 RSA；验证方拒绝小于 {min_bits} 位的密钥（RFC 8301）："
        "请在新的 selector 下发布 {good_bits} 位密钥"
    ),
    "key record unusable: {error}": "密钥记录不可用：{error}",
    "malformed: {error}": "格式错误：{error}",
    "{bits}-bit key: accepted today, but {good_bits} bits are recommended": (
        "{bits} 位密钥：目前仍被接受，但建议使用 {good_bits} 位"
    ),
    "signature valid for d={domain} (key {key})": "d={domain} 的签名有效（密钥 {key}）",
    "the name does not exist": "该名称不存在",
    "the name has no TXT record": "该名称没有 TXT 记录",
    "key not found: no DKIM key at {key} ({why}); publish the selector's public key "
    "there, or sign with a selector that is published": (
        "找不到密钥：{key} 上没有 DKIM 密钥（{why}）；请在该处发布此 selector 的公钥，或改用已发布的 selector 签名"
    ),
    "key revoked: {key} publishes an empty p= (RFC 6376 3.6.1); the signer still uses "
    "a retired selector: point it at the current key": (
        "密钥已吊销：{key} 发布的 p= 为空（RFC 6376 3.6.1）；签名方仍在使用已停用的 selector：请改用当前密钥"
    ),
    "key record at {key} unusable: {error}": "{key} 上的密钥记录不可用：{error}",
    "signature mismatch: the body hash matches but the signed headers do not: a signed header "
    "was changed after signing (or the key at {key} is not the one that signed)": (
        "签名不匹配：正文哈希一致，但被签名的头部不一致：某个被签名的头部在签名后被修改了"
        "（或者 {key} 上的密钥并不是签名所用的密钥）"
    ),
    "body hash mismatch: the body was modified after signing (a list footer, a disclaimer, "
    "or a relay re-encoding); sign after such changes, or have the list re-sign": (
        "正文哈希不匹配：正文在签名后被修改（邮件列表页脚、免责声明或中继重新编码）；"
        "请在这些修改之后再签名，或让邮件列表重新签名"
    ),
    "signature expired: x={expired} ({when}, {hours} h ago); the message was delivered or "
    "re-checked too late, or the signer's x= is too short": (
        "签名已过期：x={expired}（{when}，{hours} 小时前）；邮件投递或重新检查得太晚，或签名方的 x= 太短"
    ),
    "invalid signature: {error}": "签名无效：{error}",
    "rsa-sha1 is obsolete (RFC 8301): many verifiers treat it as failing; sign with rsa-sha256": (
        "rsa-sha1 已过时（RFC 8301）：许多验证方将其视为失败；请使用 rsa-sha256 签名"
    ),
    "l={signed}: only the first {signed} of {total} body bytes are signed; the {extra} "
    "bytes after them were added later and are not covered: anyone could have written them": (
        "l={signed}：正文 {total} 字节中只有前 {signed} 字节被签名；其后的 {extra} 字节是后来添加的，"
        "不受签名保护：任何人都可能写入它们"
    ),
    "l={signed}: the signature covers only part of any body; drop l= at the signer": (
        "l={signed}：签名只覆盖正文的一部分；请在签名方去掉 l="
    ),
    # ARC
    "malformed ARC headers: {error}": "ARC 头格式错误：{error}",
    "the message carries no ARC headers": "邮件没有 ARC 头",
    "chain intact through {hops}": "链完整，经过 {hops}",
    "the newest ARC-Message-Signature (i={instance}, d={domain}) "
    "no longer matches: the message was changed after the last ARC hop sealed it": (
        "最新的 ARC-Message-Signature（i={instance}，d={domain}）不再匹配：邮件在最后一个 ARC 跳封印之后被修改过"
    ),
    # SPF
    "include/redirect nesting too deep (a loop?)": "include/redirect 嵌套过深（是否有循环？）",
    "{domain} publishes no SPF record": "{domain} 没有发布 SPF 记录",
    "{domain} publishes {count} SPF records (RFC 7208 4.5)": "{domain} 发布了 {count} 条 SPF 记录（RFC 7208 4.5）",
    "more than {limit} DNS lookups (RFC 7208 4.6.4)": "DNS 查询超过 {limit} 次（RFC 7208 4.6.4）",
    "include:{target} has no SPF record ({domain})": "include:{target} 没有 SPF 记录（{domain}）",
    "redirect={target} has no SPF record": "redirect={target} 没有 SPF 记录",
    "no mechanism of {domain} matched (default ?all)": "{domain} 的机制都不匹配（默认 ?all）",
    "no client IP in the Received chain": "Received 链中没有客户端 IP",
    "{ip} is not an IP address": "{ip} 不是 IP 地址",
    "no envelope sender (Return-Path) nor HELO to check": "没有可检查的信封发件人（Return-Path）或 HELO",
    "DNS failed: {error}": "DNS 查询失败：{error}",
    "{ip} is allowed to send for {domain} ({why})": "{ip} 被允许代表 {domain} 发信（{why}）",
    "{ip} is NOT allowed to send for {domain} ({why}): add it to the SPF record if it is yours": (
        "{ip} 不被允许代表 {domain} 发信（{why}）：如果它是你的服务器，请把它加入 SPF 记录"
    ),
    "{ip} is probably not allowed for {domain} ({why}): add it to the SPF record if it is yours": (
        "{ip} 很可能不被允许代表 {domain} 发信（{why}）：如果它是你的服务器，请把它加入 SPF 记录"
    ),
    # DMARC
    "no From address with a domain": "没有带域名的 From 地址",
    "From has {count} domains": "From 含有 {count} 个域名",
    "{why}: DMARC cannot be applied (RFC 7489 6.6.1)": "{why}：无法应用 DMARC（RFC 7489 6.6.1）",
    "no DMARC record at _dmarc.{domain} nor at its organisational domain": (
        "_dmarc.{domain} 及其组织域名上都没有 DMARC 记录"
    ),
    "_dmarc.{domain} has {count} DMARC records": "_dmarc.{domain} 有 {count} 条 DMARC 记录",
    "invalid record": "记录无效",
    "From {domain} aligned with {via}": "From {domain} 与 {via} 对齐",
    " and ": " 和 ",
    "DKIM passed only for d={passing}, which is not strictly aligned with {domain}": (
        "DKIM 只对 d={passing} 通过，它与 {domain} 不是严格对齐"
    ),
    "DKIM passed only for d={passing}, which is not aligned with {domain}": (
        "DKIM 只对 d={passing} 通过，它与 {domain} 不对齐"
    ),
    "no DKIM signature passed": "没有 DKIM 签名通过",
    "SPF passed for {spf}, not aligned with {domain}": "SPF 对 {spf} 通过，但与 {domain} 不对齐",
    "{parts}: sign with d={domain} (or its organisational domain) to align": (
        "{parts}：请用 d={domain}（或其组织域名）签名以实现对齐"
    ),
}
