"""Mailbox backends, picked by URL scheme: maildir://, mbox://, imap://, imaps:// (or a plain path)."""
