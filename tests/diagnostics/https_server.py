"""A loopback HTTPS server for the MTA-STS policy fetch: one response per Host header.

`pages` maps a host name to (status, headers, body); other hosts get 404. TLS with the
certificate given (made by tests/certs.py), in a daemon thread until `close()`.
"""

from __future__ import annotations

import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

Page = tuple[int, dict[str, str], bytes]


class HttpsServer:
    def __init__(self, cert: Path, key: Path, pages: dict[str, Page]) -> None:
        self.pages = pages
        self.requests: list[tuple[str, str]] = []  # (host, path)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (http.server's name)
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                outer.requests.append((host, self.path))
                status, headers, body = outer.pages.get(host, (404, {}, b"not found"))
                if self.path != "/.well-known/mta-sts.txt":
                    status, headers, body = 404, {}, b"not found"
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                return

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=2)
