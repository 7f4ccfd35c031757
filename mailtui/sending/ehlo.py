"""The name mailtui gives in EHLO: the configured one, else this host's fully qualified name.

`socket.getfqdn()` says "localhost" on many hosts whose /etc/hosts maps the host name to
127.0.1.1 or only lists localhost (containers, fresh VMs); "EHLO localhost" then gets mail
refused or scored as spam ("need fully-qualified hostname"), while the host's own name is
what swaks and msmtp send. So: the configured `ehlo` (per account, `[account.smtp] ehlo`,
or `--ehlo`), else the FQDN when it is not a localhost name, else the host name.
"""

from __future__ import annotations

import socket

_LOCAL = ("localhost", "localhost.localdomain", "localhost6", "localhost6.localdomain6", "ip6-localhost")


def _is_local(name: str) -> bool:
    return not name or name.lower() in _LOCAL or name.lower().startswith("localhost.")


def ehlo_name(configured: str | None = None) -> str:
    """The EHLO name to send."""
    if configured:
        return configured
    fqdn = socket.getfqdn()
    if not _is_local(fqdn):
        return fqdn
    host = socket.gethostname()
    return host if not _is_local(host) else "localhost"
