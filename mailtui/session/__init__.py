"""Textual-free state the UI drives: the running app's session, the start-up preload, folder scans.

Nothing here imports textual (checked by tests/test_architecture.py and the import contract)."""
