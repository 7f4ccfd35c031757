"""What mailtui keeps on disk for the user: drafts (autosave, crash recovery) and saved attachments (safe names)."""
