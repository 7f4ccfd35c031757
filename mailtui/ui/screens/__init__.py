"""Screens and modal dialogs of the mail browser, one per module."""
