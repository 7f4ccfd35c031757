"""The mail-server screen's tabs: queue, trace, summary and relay check, one widget each."""
