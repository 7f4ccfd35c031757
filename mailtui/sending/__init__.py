"""Sending mail: the SMTP client that records every line (`client`), one message through a relay
(`smtp`), send-now-else-queue with the Sent copy (`dispatch`) and the persistent outbox (`outbox`)."""
