"""The mail server on this host (Postfix, Exim): queue, log trace, summary, relay checks.

Reserved for that subsystem; it imports nothing from ui/ or session/.
"""
