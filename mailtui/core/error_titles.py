"""Error titles in the current language: the few fixed headings an admin sees above a message.

`MailtuiError` passes its title (given or the class default) through `error_title`, so a
raise site keeps writing the English title and the CLI and UI show it translated. A title
missing from the table stays as written.
"""

from __future__ import annotations

from mailtui.core.i18n import tr


def _titles() -> dict[str, str]:
    # Built on each call: the language may change after import (set once at start, and in tests).
    return {
        "Error": tr("Error"),
        "Configuration error": tr("Configuration error"),
        "Credentials error": tr("Credentials error"),
        "Mailbox error": tr("Mailbox error"),
        "Not supported here": tr("Not supported here"),
        "No such folder": tr("No such folder"),
        "No such message": tr("No such message"),
        "Connection lost": tr("Connection lost"),
        "Login failed": tr("Login failed"),
        "TLS error": tr("TLS error"),
        "Send failed": tr("Send failed"),
        "TLS configuration error": tr("TLS configuration error"),
        "TLS certificate not trusted": tr("TLS certificate not trusted"),
        "Recipients refused": tr("Recipients refused"),
        "Login refused": tr("Login refused"),
        "Sender refused": tr("Sender refused"),
        "Message refused": tr("Message refused"),
        "Greeting refused": tr("Greeting refused"),
        "Connection refused": tr("Connection refused"),
        "Cannot connect": tr("Cannot connect"),
        "Timed out": tr("Timed out"),
        "Login not possible": tr("Login not possible"),
        "No password": tr("No password"),
        "Plaintext login refused": tr("Plaintext login refused"),
        "STARTTLS not offered": tr("STARTTLS not offered"),
        "Message too big": tr("Message too big"),
        "SMTPUTF8 not supported": tr("SMTPUTF8 not supported"),
        "Bad dns_server": tr("Bad dns_server"),
        "No input": tr("No input"),
        "Attachment not readable": tr("Attachment not readable"),
        "Bad time": tr("Bad time"),
        "Bad msmtprc": tr("Bad msmtprc"),
        "No msmtp account": tr("No msmtp account"),
        "Cannot read the msmtprc": tr("Cannot read the msmtprc"),
        "Probe failed": tr("Probe failed"),
        "Probe closed": tr("Probe closed"),
        "Mail server error": tr("Mail server error"),
        "Cannot read the mail log": tr("Cannot read the mail log"),
        "No mail log": tr("No mail log"),
        "Not allowed": tr("Not allowed"),
        "DNS error": tr("DNS error"),
        "Bad domain": tr("Bad domain"),
        "Bad --server": tr("Bad --server"),
        "Bad --blocklist-ip": tr("Bad --blocklist-ip"),
        "Bundle not saved": tr("Bundle not saved"),
        "DKIM signing failed": tr("DKIM signing failed"),
        "Outbox error": tr("Outbox error"),
        "Not queued": tr("Not queued"),
        "No account": tr("No account"),
        "No config file": tr("No config file"),
        "Cannot read the muttrc": tr("Cannot read the muttrc"),
        "Not connected": tr("Not connected"),
        "Could not save attachment": tr("Could not save attachment"),
        "Cannot attach file": tr("Cannot attach file"),
        "Storage error": tr("Storage error"),
        "Drafts error": tr("Drafts error"),
        "No such mailbox": tr("No such mailbox"),
        "Not a mailbox": tr("Not a mailbox"),
        "Not a Maildir": tr("Not a Maildir"),
        "Unknown mailbox type": tr("Unknown mailbox type"),
        "No mailbox configured": tr("No mailbox configured"),
        "Folder changed on the server": tr("Folder changed on the server"),
        "Changes not applied": tr("Changes not applied"),
        "Header cache": tr("Header cache"),
        "Invalid URL": tr("Invalid URL"),
        "Read-only mailbox": tr("Read-only mailbox"),
        "Mailbox locked": tr("Mailbox locked"),
        "Demo mailbox": tr("Demo mailbox"),
        "Demo relay": tr("Demo relay"),
        "Cannot build message": tr("Cannot build message"),
        "Theme error": tr("Theme error"),
        "Usage": tr("Usage"),
    }


def error_title(title: str) -> str:
    """`title` in the current language (as written when the table has no entry for it)."""
    return _titles().get(title, title)
