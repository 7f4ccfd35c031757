"""The demo behind `mailtui --demo` / `make demo`: a generated Maildir (`mailbox`, built from `messages`,
`reports`, `specials`, `traps` and the byte-exact `mime` pieces) and a loopback SMTP relay (`relay`)."""
