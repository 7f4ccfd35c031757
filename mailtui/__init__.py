"""mailtui: a terminal mail console for system administrators."""

__version__ = "0.1.0"
