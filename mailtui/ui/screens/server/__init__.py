"""The mail-server screen (`S`, or `mailtui --server`): queue, trace, summary, relay check."""
