"""The Maildir backend (`backend.MaildirBackend`) and its parts: folders, file names, listing,
refs, the key -> file index and the header cache."""
