"""Widgets of the compose screen: address lines and the attachment list."""
