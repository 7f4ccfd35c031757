"""mutt's search patterns: parsed (`parse`), matched on one message (`evaluate`)."""
