"""The IMAP backend (`backend.ImapBackend`) and its parts: connection, UIDs, header cache, fetch,
CONDSTORE sync, IDLE watch, offline queue, large-message parts, trace."""
