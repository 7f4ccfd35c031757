"""Widgets of the mail browser, one per module."""
