"""Tests of the SMTP reply-code explainer: coverage of the RFC codes, parsing, hints, languages."""

from __future__ import annotations

import re

import pytest

from mailtui.core.codes.explain import (
    enhanced_info,
    explain,
    explain_reply,
    format_explanation,
    normalize_lang,
    reply_info,
    short_explanation,
)

# Written out here, not read from the data: a code missing from the knowledge base must fail.
RFC5321_REPLIES = [int(c) for c in "211 214 220 221 250 251 252 354 421 450 451 452 455".split()] + [
    int(c) for c in "500 501 502 503 504 550 551 552 553 554 555".split()
]
RFC4954_REPLIES = [235, 334, 432, 454, 530, 534, 535, 538]
# subject.detail; every one is checked with class 2, 4 and 5.
RFC3463_ENHANCED = (
    "0.0 1.0 1.1 1.2 1.3 1.4 1.5 1.6 1.7 1.8 2.0 2.1 2.2 2.3 2.4 3.0 3.1 3.2 3.3 3.4 3.5 "
    "4.0 4.1 4.2 4.3 4.4 4.5 4.6 4.7 5.0 5.1 5.2 5.3 5.4 5.5 6.0 6.1 6.2 6.3 6.4 6.5 "
    "7.0 7.1 7.2 7.3 7.4 7.5 7.6 7.7"
).split()
LATER_ENHANCED = (
    "1.9 1.10 3.6 5.6 6.6 6.7 6.8 6.9 6.10 7.8 7.9 7.10 7.11 7.12 7.13 7.14 7.15 7.16 7.17 7.18 7.19 "
    "7.20 7.21 7.22 7.23 7.24 7.25 7.26 7.27"
).split()
CJK = re.compile(r"[\u4e00-\u9fff]")
SEVERITY_BY_DIGIT = {"2": "success", "3": "intermediate", "4": "temporary", "5": "permanent"}


# ---------------------------------------------------------------- the knowledge base is complete


@pytest.mark.parametrize("code", RFC5321_REPLIES + RFC4954_REPLIES)
def test_every_reply_code_is_known_in_both_languages(code: int) -> None:
    en, zh = reply_info(code, "en"), reply_info(code, "zh")
    for info in (en, zh):
        assert info.known and info.code == str(code)
        assert info.summary and info.detail and info.action
    assert CJK.search(zh.summary) and CJK.search(zh.detail) and CJK.search(zh.action)
    assert not CJK.search(en.summary + en.detail + en.action)
    assert zh.summary != en.summary and zh.action != en.action
    # Causes are written in parallel: same count in both languages, each "cause → fix".
    assert len(en.causes) == len(zh.causes)
    assert all("→" in cause for cause in en.causes + zh.causes)


@pytest.mark.parametrize("subject_detail", RFC3463_ENHANCED + LATER_ENHANCED)
@pytest.mark.parametrize("klass", ["2", "4", "5"])
def test_every_enhanced_code_is_known_in_both_languages(subject_detail: str, klass: str) -> None:
    code = f"{klass}.{subject_detail}"
    en, zh = enhanced_info(code, "en"), enhanced_info(code, "zh")
    for info in (en, zh):
        assert info.known and info.code == code
        assert info.summary and info.detail and info.action and info.ref
    assert CJK.search(zh.summary) and CJK.search(zh.action)
    assert not CJK.search(en.summary + en.detail + en.action)
    assert zh.summary != en.summary
    assert len(en.causes) == len(zh.causes)
    # The class meaning applies to every subject.detail and is named in the detail.
    class_word = {"2": "Success", "4": "transient", "5": "Permanent"}[klass]
    assert class_word in en.detail
    assert explain(code)[0].severity == SEVERITY_BY_DIGIT[klass]


@pytest.mark.parametrize("code", RFC5321_REPLIES + RFC4954_REPLIES + [521, 556, 299, 599, 412])
def test_severity_follows_the_first_digit(code: int) -> None:
    assert explain_reply(code).severity == SEVERITY_BY_DIGIT[str(code)[0]]


def test_the_common_real_world_cases_carry_causes_and_fixes() -> None:
    assert any("mynetworks" in c for c in enhanced_info("5.7.1").causes)
    assert any("Greylist" in c for c in enhanced_info("4.7.1").causes)
    assert any("spamhaus" in c.lower() for c in reply_info(554).causes)
    assert any("app password" in c for c in enhanced_info("5.7.8").causes)
    assert any("STARTTLS" in c for c in reply_info(530).causes)
    assert any("message_size_limit" in c for c in enhanced_info("5.3.4").causes)
    assert any("灰名单" in c for c in reply_info(450, "zh").causes)
    assert any("中继被拒绝" in c for c in reply_info(550, "zh").causes)


# ---------------------------------------------------------------- unknown codes degrade gracefully


def test_unknown_enhanced_subject_gets_a_class_level_explanation() -> None:
    [e] = explain("5.9.9")
    assert e.enhanced_code == "5.9.9" and e.severity == "permanent"
    assert e.enhanced is not None and not e.enhanced.known
    assert "Permanent failure" in e.enhanced.summary and "subject 9" in e.enhanced.summary


def test_unknown_reply_code_gets_a_class_level_explanation() -> None:
    [e] = explain("299")
    assert e.reply is not None and not e.reply.known
    assert "Positive completion" in e.reply.summary and e.severity == "success"
    info = reply_info(452 + 100)  # 552 is known; 562 is not
    assert reply_info(562).known is False and info.known is True


@pytest.mark.parametrize("code", [0, 99, 600, 999, -1])
def test_numbers_outside_the_reply_range_do_not_raise(code: int) -> None:
    e = explain_reply(code, "whatever")
    assert e.severity == "unknown" and e.reply is not None and not e.reply.known
    assert str(code) in format_explanation(e)


@pytest.mark.parametrize("code", ["5.7.509", "5.7.606", "5.4.316", "4.4.316"])
def test_microsoft_vendor_details_explain_the_class_and_say_vendor_specific(code: str) -> None:
    [e] = explain(f"550 {code} Access denied, banned sending IP [203.0.113.5]")
    assert e.enhanced_code == code and e.enhanced is not None and not e.enhanced.known
    assert "vendor-specific" in e.enhanced.summary
    assert "Microsoft" in e.enhanced.detail
    zh = explain(f"550 {code} Access denied", "zh")[0]
    assert zh.enhanced is not None and "厂商" in zh.enhanced.summary


@pytest.mark.parametrize("code", ["3.1.1", "9.9.9", "5.x.1", "", "5.1"])
def test_malformed_enhanced_codes_do_not_raise(code: str) -> None:
    info = enhanced_info(code)
    assert not info.known and info.summary


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize(
    ("text", "reply", "enhanced"),
    [
        ("550 5.1.1", 550, "5.1.1"),
        ("550", 550, None),
        ("5.1.1", None, "5.1.1"),
        ("4.7.1", None, "4.7.1"),
        ("550-5.1.1 The email account that you tried to reach does not exist.", 550, "5.1.1"),
        ("#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##", 550, "5.1.1"),
        ("  421 4.7.0 Try again later, closing connection.", 421, "4.7.0"),
        ("<- 250 2.0.0 Ok: queued as 8F1A2C0E3B", 250, "2.0.0"),
        ("S: 354 End data with <CR><LF>.<CR><LF>", 354, None),
        ("Status: 4.4.1", None, "4.4.1"),
        ("dsn=4.4.2, status=deferred (lost connection with mx.example.net[198.51.100.7])", None, "4.4.2"),
    ],
)
def test_parses_the_usual_forms(text: str, reply: int | None, enhanced: str | None) -> None:
    [e] = explain(text)
    assert (e.reply_code, e.enhanced_code) == (reply, enhanced)


def test_multi_line_gmail_reply_gives_one_explanation() -> None:
    text = (
        "550-5.1.1 The email account that you tried to reach does not exist. Please try\n"
        "550-5.1.1 double-checking the recipient's email address for typos or\n"
        "550-5.1.1 unnecessary spaces. For more information, go to\n"
        "550 5.1.1  https://support.google.com/mail/?p=NoSuchUser d2e1a72fcca58-7b9b1a2c3d4si123456b3a.512 - gsmtp\n"
    )
    [e] = explain(text)
    assert (e.reply_code, e.enhanced_code, e.severity) == (550, "5.1.1", "permanent")
    assert e.text.startswith("550-5.1.1 The email account")
    assert any(h.startswith("Unknown recipient") for h in e.hints)


POSTFIX_BOUNCE = """\
This is the mail system at host mail.example.com.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

                   The mail system

<bob@example.org>: host mx.example.org[192.0.2.25] said: 550 5.1.1
    <bob@example.org>: Recipient address rejected: User unknown in virtual
    mailbox table (in reply to RCPT TO command)

--8F1A2C0E3B.1732334400/mail.example.com
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.example.com
X-Postfix-Queue-ID: 8F1A2C0E3B
X-Postfix-Sender: rfc822; alice@example.com
Arrival-Date: Mon, 23 Nov 2026 04:01:12 +0000 (UTC)

Final-Recipient: rfc822; bob@example.org
Original-Recipient: rfc822;bob@example.org
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 5.1.1 <bob@example.org>: Recipient address rejected:
    User unknown in virtual mailbox table
"""


def test_postfix_bounce_is_one_deduplicated_explanation_with_hints() -> None:
    [e] = explain(POSTFIX_BOUNCE)
    assert (e.reply_code, e.enhanced_code) == (550, "5.1.1")
    assert "said: 550 5.1.1" in e.text
    labels = [h.split(":")[0] for h in e.hints]
    assert "Unknown recipient" in labels and "Stage" in labels
    assert any("RCPT TO" in h for h in e.hints)


def test_postfix_log_lines() -> None:
    log = (
        "Nov 23 04:01:13 mail postfix/smtp[12345]: 8F1A2C0E3B: to=<bob@example.org>, "
        "relay=mx.example.org[192.0.2.25]:25, delay=0.61, delays=0.05/0.01/0.4/0.15, dsn=5.1.1, "
        "status=bounced (host mx.example.org[192.0.2.25] said: 550 5.1.1 <bob@example.org>: "
        "Recipient address rejected: User unknown (in reply to RCPT TO command))\n"
        "Nov 23 04:02:40 mail postfix/smtp[12346]: 9A0B1C2D3E: to=<carol@example.net>, "
        "relay=mx.example.net[198.51.100.7]:25, delay=1.2, delays=0.1/0/0.6/0.5, dsn=4.2.0, "
        "status=deferred (host mx.example.net[198.51.100.7] said: 450 4.2.0 <carol@example.net>: "
        "Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html "
        "(in reply to RCPT TO command))\n"
    )
    first, second = explain(log)
    assert (first.reply_code, first.enhanced_code, first.severity) == (550, "5.1.1", "permanent")
    assert (second.reply_code, second.enhanced_code, second.severity) == (450, "4.2.0", "temporary")
    assert any(h.startswith("Greylisting") for h in second.hints)
    assert not any(h.startswith("Greylisting") for h in first.hints)


EXIM_BOUNCE = """\
This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  dave@example.net
    host mx1.example.net [198.51.100.20]
    SMTP error from remote mail server after RCPT TO:<dave@example.net>:
    554 5.7.1 <dave@example.net>: Relay access denied

  erin@example.com
    host mx.example.com [203.0.113.25]
    SMTP error from remote mail server after end of data:
    552 5.2.2 <erin@example.com>: mailbox full
"""


def test_exim_bounce_with_two_recipients_keeps_hints_per_recipient() -> None:
    relay, full = explain(EXIM_BOUNCE)
    assert (relay.reply_code, relay.enhanced_code) == (554, "5.7.1")
    assert (full.reply_code, full.enhanced_code) == (552, "5.2.2")
    assert any(h.startswith("Relay denied") for h in relay.hints)
    assert not any(h.startswith("Relay denied") for h in full.hints)
    assert any(h.startswith("Mailbox full") for h in full.hints)
    assert any("end of DATA" in h for h in full.hints)
    assert "mynetworks" in relay.causes[0]  # the cause the text points at comes first


GMAIL_BOUNCE = """\
** Message blocked **

Your message to frank@example.com has been blocked. See technical details below for more information.

The response from the remote server was:
550-5.7.26 This mail is unauthenticated, which poses a security risk to the sender and Gmail users,
550-5.7.26 and has been blocked. The sender must authenticate with at least one of SPF or DKIM. For this
550-5.7.26 message, DKIM checks did not pass and SPF check for [example.com] did not pass with ip:
550 5.7.26 [203.0.113.5]. https://support.google.com/mail/answer/81126#authentication 41be03b00d2f7-7b9b1a2c3d4si1.1 - gsmtp
"""


def test_gmail_dmarc_bounce() -> None:
    [e] = explain(GMAIL_BOUNCE)
    assert (e.reply_code, e.enhanced_code) == (550, "5.7.26")
    assert e.enhanced is not None and e.enhanced.summary == "Multiple authentication checks failed"
    labels = {h.split(":")[0] for h in e.hints}
    assert {"SPF", "DKIM"} <= labels


EXCHANGE_NDR = """\
Your message to grace@contoso.com couldn't be delivered.

Diagnostic information for administrators:

Generating server: AM6PR01MB1234.eurprd01.prod.exchangelabs.com

grace@contoso.com
Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup'

Original message headers:
Received: from AM6PR01MB1234.eurprd01.prod.exchangelabs.com (2603:10a6:20b:12::34) by
 AM6PR01MB5678.eurprd01.prod.exchangelabs.com with HTTPS; Mon, 23 Nov 2026 04:01:12 +0000
"""


def test_exchange_ndr() -> None:
    [e] = explain(EXCHANGE_NDR)
    assert (e.reply_code, e.enhanced_code, e.severity) == (550, "5.1.10", "permanent")
    assert e.enhanced is not None and "Microsoft 365" in e.enhanced.detail
    assert any(h.startswith("Unknown recipient") for h in e.hints)


def test_exchange_vendor_code_in_a_bounce() -> None:
    text = (
        "Remote Server returned '550 5.7.606 Access denied, banned sending IP [203.0.113.5]. To request "
        "removal from this list please visit https://sender.office.com/ and follow the directions. For more "
        "information please go to http://go.microsoft.com/fwlink/?LinkID=526655 AS(1430)'"
    )
    [e] = explain(text)
    assert (e.reply_code, e.enhanced_code) == (550, "5.7.606")
    assert "security or policy" in e.enhanced.summary  # type: ignore[union-attr]


def test_transcript_with_versions_and_continuations() -> None:
    transcript = (
        "<- 220 mx.example.com ESMTP Exim 4.94.2 Mon, 23 Nov 2026 04:01:12 +0000\n"
        "-> EHLO client.example.org\n"
        "<- 250-mx.example.com Hello client.example.org [192.0.2.10]\n"
        "<- 250-SIZE 52428800\n"
        "<- 250 HELP\n"
        "-> MAIL FROM:<alice@example.org> SIZE=512\n"
        "<- 250 OK\n"
    )
    found = [(e.reply_code, e.enhanced_code) for e in explain(transcript)]
    assert found == [(220, None), (250, None)]  # no "4.94.2", no "512", no size digits


@pytest.mark.parametrize(
    "text",
    ["", "hello world", "Message size 512 bytes is fine", "Exim 4.94.2 and Postfix 3.7.11", "192.0.2.1"],
)
def test_text_without_codes_gives_nothing(text: str) -> None:
    assert explain(text) == []


def test_duplicates_are_merged() -> None:
    assert len(explain("550 5.1.1 a\n550 5.1.1 b\nStatus: 5.1.1\n550 again")) == 1
    assert len(explain("550 5.1.1 a\n452 4.5.3 too many recipients")) == 2


def test_class_mismatch_is_pointed_out() -> None:
    [e] = explain("550 4.2.2 mailbox full")
    assert e.severity == "permanent"
    assert any("disagree" in h for h in e.hints)


# ---------------------------------------------------------------- hints


@pytest.mark.parametrize(
    ("reply", "message", "label"),
    [
        (450, "4.7.1 <a@example.org>: Recipient address rejected: Greylisted for 300 seconds", "Greylisting"),
        (451, "4.7.1 Please try again later (greylisting in action)", "Greylisting"),
        (
            554,
            "5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org",
            "Blocked",
        ),
        (550, "5.7.1 Your IP is listed on a blacklist", "Blocked"),
        (554, "5.7.1 rejected: IP found in our DNSBL", "Blocked"),
        (554, "5.7.1 <x@example.net>: Relay access denied", "Relay denied"),
        (552, "5.2.2 <x@example.net>: Mailbox full", "Mailbox full"),
        (452, "4.2.2 The email account that you tried to reach is over quota", "Mailbox full"),
        (552, "5.3.4 Message size exceeds fixed limit", "Message too big"),
        (552, "5.3.4 Message too big for system", "Message too big"),
        (530, "5.7.0 Must issue a STARTTLS command first", "TLS required"),
        (421, "4.7.0 mx.example.com Error: too many connections from 203.0.113.9", "Too many connections"),
        (550, "5.7.23 SPF validation failed for example.com", "SPF"),
        (550, "5.7.20 No passing DKIM signature found", "DKIM"),
        (550, "5.7.1 Unauthenticated email is not accepted due to domain's DMARC policy", "DMARC"),
        (
            550,
            "5.1.1 <x@example.net>: Recipient address rejected: User unknown in local recipient table",
            "Unknown recipient",
        ),
        (
            535,
            "5.7.8 Username and Password not accepted. Learn more at https://support.google.com/mail/?p=BadCredentials",
            "Login refused",
        ),
        (534, "5.7.9 Application-specific password required.", "App password"),
        (550, "5.7.25 The IP address sending this message does not have a PTR record setup", "Reverse DNS"),
        (530, "5.7.57 Client not authenticated to send mail.", "Authentication required"),
        (451, "4.3.0 Error: queue file write error", "Server-side problem"),
        (550, "5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found", "Unknown recipient"),
    ],
)
def test_hints_fire_on_their_cue_words(reply: int, message: str, label: str) -> None:
    e = explain_reply(reply, message)
    assert any(h.startswith(label) for h in e.hints), e.hints
    zh = explain_reply(reply, message, "zh")
    assert len(zh.hints) == len(e.hints) and all(
        CJK.search(h) for h in zh.hints if not h.startswith(("SPF", "DKIM", "DMARC"))
    )


def test_no_hint_on_a_plain_reply() -> None:
    assert explain_reply(250, "2.0.0 Ok: queued as 8F1A2C0E3B").hints == ()


def test_explain_reply_reads_the_enhanced_code_from_the_message() -> None:
    e = explain_reply(550, "5.1.1 <bob@example.org>: Recipient address rejected")
    assert e.enhanced_code == "5.1.1" and e.text.startswith("550 5.1.1")
    assert explain_reply(550, "Mailbox unavailable").enhanced_code is None


# ---------------------------------------------------------------- languages and output


def test_chinese_output_is_chinese_and_differs_from_english() -> None:
    text = "554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org"
    [en], [zh] = explain(text, "en"), explain(text, "zh")
    assert zh.lang == "zh" and en.lang == "en"
    block_en, block_zh = format_explanation(en), format_explanation(zh)
    assert CJK.search(block_zh) and "永久错误" in block_zh
    assert not CJK.search(block_en)
    assert block_en != block_zh
    assert zh.causes and all(CJK.search(c) for c in zh.causes)
    assert "临时错误" in format_explanation(explain("451 4.7.1 greylisted", "zh")[0])


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "zh"),
        ("zh-CN", "zh"),
        ("zh_Hans", "zh"),
        ("ZH", "zh"),
        ("en", "en"),
        ("fr", "en"),
        ("", "en"),
        ("xx-YY", "en"),
    ],
)
def test_language_normalisation(lang: str, expected: str) -> None:
    assert normalize_lang(lang) == expected
    assert explain("550 5.1.1", lang)[0].lang == expected


def test_format_explanation_is_plain_and_strips_control_characters() -> None:
    [e] = explain("550 5.1.1 \x1b[31mUser unknown\x1b[0m \u202eevil")
    block = format_explanation(e)
    assert "\x1b" not in block and "\u202e" not in block and "[31m" not in block
    assert "User unknown" in block
    assert "Reply 550" in block and "Enhanced status 5.1.1" in block and "What to do" in block


def test_short_explanation_is_one_line() -> None:
    line = short_explanation(450, "4.2.0 Recipient address rejected: Greylisted")
    assert "\n" not in line
    assert line.startswith("450 4.2.0 temporary error: ") and "Greylisting" in line
    assert short_explanation(250, "2.0.0 Ok: queued as 8F1A2C0E3B").startswith("250 2.0.0 success")
    assert short_explanation(535, "5.7.8 Authentication credentials invalid", "zh").startswith(
        "535 5.7.8 永久错误"
    )
    assert "vendor" not in short_explanation(550, "5.7.509 Access denied")  # falls back to the reply summary
    assert short_explanation(550).startswith("550 permanent error: Requested action not taken")


def test_mailtui_transcript_lines_ports_and_addresses_are_not_codes() -> None:
    # The shape of core.transcript.TranscriptLine.format(): time, connection (host:port), direction, text.
    transcript = (
        "12:00:00.100 smtp#1 relay.example:587 > MAIL FROM:<550@example.org> SIZE=512\n"
        "12:00:00.123 smtp#1 relay.example:587 < 250 2.0.0 Ok\n"
        "12:00:01.000 smtp#1 relay.example:465 < 535 5.7.8 Error: authentication failed\n"
    )
    found = [(e.reply_code, e.enhanced_code) for e in explain(transcript)]
    assert found == [(250, "2.0.0"), (535, "5.7.8")]


def test_short_explanation_prefers_the_reply_meaning_over_an_undefined_detail() -> None:
    line = short_explanation(530, "5.7.0 Must issue a STARTTLS command first")
    assert line.startswith("530 5.7.0 permanent error: Authentication required / must issue STARTTLS first")
    assert line.endswith("TLS required")
    assert "Reverse DNS validation failed" in short_explanation(550, "5.7.25 no PTR record")


@pytest.mark.parametrize(
    "text",
    [
        "550-",
        "550 5.1.1.1",
        "5.999.999 odd",
        "\x00\x1b]0;title\x07 421 4.4.2 bad",
        "５５０ ５.１.１",
        "4.7.1" * 1000,
        "550 5.1.1\r\n\r\n\r\n",
        "\n".join(f"{c} {c // 100}.0.0 x" for c in range(200, 600)),
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    for lang in ("en", "zh"):
        for e in explain(text, lang):
            assert e.severity in {"success", "intermediate", "temporary", "permanent", "unknown"}
            assert format_explanation(e)


def test_short_explanation_without_the_code_is_the_same_text_after_it() -> None:
    full = short_explanation(550, "5.1.1 <bob@example.org>: User unknown")
    bare = short_explanation(550, "5.1.1 <bob@example.org>: User unknown", with_code=False)
    assert full == "550 5.1.1 " + bare and not bare[:1].isdigit()


def test_usual_causes_are_not_repeated_and_fit_the_enhanced_code() -> None:
    """550 5.7.1 listed relay denied and sender rejected twice (the enhanced code's and the
    reply code's wording) and the reply code's user-unknown (5.1.1) cause."""
    from mailtui.core.codes.explain import explain

    [found] = explain("550 5.7.1", "en")
    assert found.causes
    assert not any("5.1.1" in cause for cause in found.causes), found.causes
    heads = [re.split(r"[:(→]", c.replace("'", ""))[0].strip().lower() for c in found.causes]
    assert len(heads) == len(set(heads)), found.causes
    [chinese] = explain("550 5.7.1", "zh")
    assert len(chinese.causes) == len(found.causes)  # the same causes, in parallel
    assert not any("5.1.1" in cause for cause in chinese.causes)
    [plain] = explain("550 5.1.1", "en")
    assert any("5.1.1" in cause for cause in plain.causes)  # its own cause stays
