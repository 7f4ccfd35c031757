"""The Textual user interface: the only package of mailtui that imports textual.

`app.MailApp` is the entry point (`run_app` for the CLI); screens live in `screens/`,
widgets in `widgets/` (one per file), worker-to-UI messages in `messages.py`.
"""
