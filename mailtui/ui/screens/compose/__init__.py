"""Composing and sending: the compose screen, its workers, the send transcript and the drafts pickers."""
