"""The IDLE watcher on a server that says BYE and then leaves the link open.

Dovecot closes its side right after a BYE, so the Dovecot tests cannot show this; a
server under load (or a proxy in front of it) may keep the socket open for a while, and a
client that answers the BYE with DONE and waits for the tagged reply then blocks for its
whole socket timeout. The watcher must reconnect at once instead. A scripted server is
used because no real one can be made to behave so on demand.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from mailtui.backends.imap.backend import ImapBackend
from mailtui.config import AccountConfig, PasswordSource, ServerConfig
from mailtui.core.transcript import Direction, Transcript


class ByeKeepsOpen:
    """The first link to IDLE says BYE and stays open; links made after it see one new message."""

    def __init__(self) -> None:
        self.connections = 0
        self.idling = threading.Event()
        self.say_bye = threading.Event()
        self.done_after_bye = threading.Event()  # the client sent DONE to a server that said BYE
        self._socks: list[socket.socket] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.say_bye.set()
        for sock in [self._listener, *self._socks]:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._listener.close()
        self._thread.join(5)

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            self._socks.append(conn)
            threading.Thread(target=self._session, args=(conn,), daemon=True).start()

    def _session(self, conn: socket.socket) -> None:
        try:
            with conn.makefile("rwb") as f:
                f.write(b"* OK [CAPABILITY IMAP4rev1 IDLE] scripted server ready\r\n")
                f.flush()
                for line in f:
                    tag, _, command = line.decode().strip().partition(" ")
                    verb = command.split(" ", 1)[0].upper()
                    if verb == "CAPABILITY":
                        f.write(b"* CAPABILITY IMAP4rev1 IDLE\r\n")
                    elif verb in ("SELECT", "EXAMINE"):
                        exists = 1 if self.say_bye.is_set() else 0  # the new mail came with the BYE
                        f.write(f"* {exists} EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n".encode())
                        f.write(f"* OK [UIDNEXT {exists + 1}] n\r\n".encode())
                    elif verb == "IDLE":
                        f.write(b"+ idling\r\n")
                        f.flush()
                        if not self.idling.is_set():  # the first IDLE: the link that says BYE
                            self.idling.set()
                            self.say_bye.wait(60)
                            f.write(b"* BYE shutting down\r\n")
                            f.flush()
                            # The link stays open; a DONE is read and never answered.
                            if f.readline().strip() == b"DONE":
                                self.done_after_bye.set()
                            self.say_bye.wait(60)
                            return
                        f.write(b"* 2 EXISTS\r\n")
                        f.flush()
                        if f.readline().strip() != b"DONE":
                            return
                    elif verb == "LOGOUT":
                        f.write(f"* BYE bye\r\n{tag} OK done\r\n".encode())
                        f.flush()
                        return
                    f.write(f"{tag} OK done\r\n".encode())
                    f.flush()
        except OSError:
            pass


@pytest.fixture
def server() -> Iterator[ByeKeepsOpen]:
    made = ByeKeepsOpen()
    yield made
    made.close()


def test_a_bye_during_idle_reconnects_at_once_without_waiting_for_done(server: ByeKeepsOpen) -> None:
    config = ServerConfig(
        kind="imap",
        account="scripted",
        host="127.0.0.1",
        port=server.port,
        tls="none",
        allow_plaintext_auth=True,
        user="bob",
        password=PasswordSource(inline="pw", keyring=False),
        timeout=120,  # blocking on the first link would outlast the join below by far
    )
    transcript = Transcript()
    backend = ImapBackend.from_account(AccountConfig(name="scripted", imap=config), transcript)
    result: list[bool] = []
    thread = threading.Thread(target=lambda: result.append(backend.wait_for_changes("INBOX", 110)))
    try:
        thread.start()
        assert server.idling.wait(30)
        server.say_bye.set()
        thread.join(30)
        alive = thread.is_alive()
        assert not alive and result == [True], transcript.format()
    finally:
        server.close()  # unblocks a stuck watcher, so the backend closes
        backend.close()
        thread.join(10)
    assert not server.done_after_bye.is_set()
    sent = [line.text for line in transcript.lines() if line.direction is Direction.SENT]
    assert sum(text.endswith(" IDLE") for text in sent) == 1  # the second link's change came at EXAMINE
