"""OAuth2 logins over IMAP: AUTHENTICATE OAUTHBEARER (RFC 7628) or XOAUTH2, one chosen here.

Shared by the backend's connection and the IMAP probe. imapclient's own `oauth*_login`
would answer a server's JSON error challenge with the token again; RFC 7628 §3.2.3 asks
for a single %x01, and the challenge (status, scope) says why the token was refused.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Protocol

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from mailtui.core.errors import AuthenticationError
from mailtui.core.transcript import Transcript
from mailtui.credentials import (
    OAUTH_ABORT,
    choose_oauth_mechanism,
    oauth_error_detail,
    oauth_initial_response,
)

__all__ = ["OAUTH_AUTH", "oauth_login"]

# ImapConnection's `auth` values that log in with a token -> the oauth2_mechanism preference.
OAUTH_AUTH = {"oauth2": "auto", "oauthbearer": "oauthbearer", "xoauth2": "xoauth2"}


class _Where(Protocol):
    """Where the login goes (ImapSettings): host and port go into OAUTHBEARER's message."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def user(self) -> str: ...


class _OAuthAnswer:
    """The SASL client of an OAuth2 login: the token first, then %x01 to an error challenge."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob
        self._sent = False
        self.error = ""

    def __call__(self, challenge: bytes) -> bytes:
        if not self._sent:
            self._sent = True
            return self._blob
        self.error = oauth_error_detail(base64.b64encode(challenge)) or "the server sent an error challenge"
        return OAUTH_ABORT


def offered_mechanisms(client: IMAPClient) -> list[str]:
    """The SASL mechanisms of the server's AUTH= capabilities, upper case."""
    return [
        c.decode("ascii", "replace")[5:].upper()
        for c in client.capabilities()
        if c.upper().startswith(b"AUTH=")
    ]


def oauth_login(
    client: IMAPClient,
    where: _Where,
    token: str,
    preference: str,
    transcript: Transcript | None,
    *,
    note: Callable[[str], None] | None = None,
) -> str:
    """Log in with `token` over the mechanism `preference` picks; the mechanism used.

    Raises AuthenticationError when the server offers no fitting mechanism, and imapclient's
    LoginError (with the challenge's status and scope) when it refuses the token.
    """
    offered = offered_mechanisms(client)
    mechanism = choose_oauth_mechanism(preference, offered)
    if mechanism is None:
        wanted = "OAUTHBEARER or XOAUTH2" if preference == "auto" else preference.upper()
        raise AuthenticationError(
            f"the IMAP server {where.host}:{where.port} offers "
            f"{' '.join('AUTH=' + m for m in offered) or 'no AUTH= mechanism'} but not {wanted}, and "
            "oauth2_token_command gives an OAuth2 token. Set oauth2_mechanism to one the server "
            "offers, or remove oauth2_token_command to log in with a password.",
            title="Login not possible",
        )
    blob = oauth_initial_response(mechanism, where.user, token, where.host, where.port)
    if transcript is not None:
        transcript.add_secret(token, where.user)
        transcript.add_secret(blob.decode("utf-8"))  # its base64 form too
    answer = _OAuthAnswer(blob)
    if note is not None:
        note(f"logging in with AUTHENTICATE {mechanism}")
    try:
        client.sasl_login(mechanism, answer)
    except LoginError as exc:
        if answer.error:
            raise LoginError(f"{' '.join(str(a) for a in exc.args)} ({answer.error})") from None
        raise
    if note is not None:
        note(f"logged in as {where.user} with AUTHENTICATE {mechanism}")
    return mechanism
