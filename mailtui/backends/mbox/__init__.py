"""The mbox backend (`backend.MboxBackend`, also the /var/mail spool) and its format details."""
