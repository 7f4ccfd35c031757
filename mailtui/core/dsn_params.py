"""The parameters of a delivery status notification request (RFC 3461): NOTIFY and RET.

Pure: one check for the four places that take them (sendmail's -N/-R, `mailtui send
--dsn/--dsn-ret`, compose's F4, the account's `dsn_notify`/`dsn_ret`). NOTIFY is `never`
or a comma list of success, failure, delay; RET is `full` or `hdrs`.
"""

from __future__ import annotations

NOTIFY_WORDS = ("success", "failure", "delay")
RET_VALUES = ("full", "hdrs")


def notify_value(text: str) -> str:
    """`text` as the NOTIFY list ("failure,delay"), lower case; ValueError saying what is expected."""
    words = [w.strip().lower() for w in text.split(",") if w.strip()]
    if words == ["never"] or (words and all(w in NOTIFY_WORDS for w in words)):
        return ",".join(dict.fromkeys(words))
    raise ValueError(f"{text!r}: expected never, or a comma list of success, failure, delay")


def ret_value(text: str) -> str:
    """`text` as RET ("full" or "hdrs"); ValueError otherwise."""
    value = text.strip().lower()
    if value in RET_VALUES:
        return value
    raise ValueError(f"{text!r}: expected full or hdrs")
