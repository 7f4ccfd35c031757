"""Reading one message: the pager screen and its attachments dialog."""
