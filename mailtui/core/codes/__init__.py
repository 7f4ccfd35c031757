"""SMTP reply codes and enhanced status codes explained (`explain`), from the knowledge in `data/`."""
