"""The reply-code knowledge base as data, English + Simplified Chinese: basic replies, enhanced
status codes by class, and cues in reply texts."""
