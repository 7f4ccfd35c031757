"""Deliverability verdicts computed from the message itself: DKIM, ARC, SPF and DMARC.

`report.verify_message(raw, ...)` runs them all through one resolver (`resolver.VerdictDns`,
pointed at the `dns_server` setting) and sets them beside the receiving server's
Authentication-Results (test mail is signed by `sending.dkim_sign`). Headless: no textual.
"""
