"""A local stand-in for the UNFCCC registry: real NDC files served on 127.0.0.1 under the catalog's URL paths.

Each path has a behaviour: serve a file (with Range support, ETag and Last-Modified), answer a
status, fail with 500 a few times then serve, send an HTML error page with status 200, redirect,
wait before answering, or break the connection half-way through the body the first time. The
server records every request (path and headers) so tests can check what the client asked for.
It listens on an ephemeral port of the loopback interface only and is stopped by the fixture.
"""

from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional

ERROR_PAGE = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Sorry</h1></body></html>"


@dataclass
class Route:
    """What the server does for one path."""

    file: Optional[Path] = None
    status: int = 200
    fail_first: int = 0               # answer 500 this many times, then serve the file
    html_200: bool = False            # an error page with status 200
    content_type: str = ""            # override (e.g. application/pdf for an HTML body)
    redirect: str = ""                # Location of a 302
    delay: float = 0.0                # seconds before answering
    cut_first: bool = False           # the first full GET sends half the body and closes the connection
    retry_after: str = ""             # answer 429 Too Many Requests with this Retry-After
    served: int = field(default=0)


class RegistryServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        handler = _handler(self)
        self.httpd = _Server(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> RegistryServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def hits(self, path: str) -> list[dict[str, str]]:
        """The headers of every request for ``path``."""
        with self._lock:
            return [headers for p, headers in self.requests if p == path]


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (a timeout test, a refused file) is expected: no traceback on stderr."""


def _handler(server: RegistryServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:     # quiet
            pass

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            with server._lock:
                server.requests.append((path, dict(self.headers.items())))
                route = server.routes.get(path)
                if route is not None:
                    route.served += 1
            if route is None:
                return self._answer(404, b"not found", "text/plain")
            if route.delay:
                time.sleep(route.delay)
            if route.redirect:
                self.send_response(302)
                self.send_header("Location", route.redirect)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if route.retry_after:
                self.send_response(429)
                self.send_header("Retry-After", route.retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if route.status != 200:
                return self._answer(route.status, b"no", "text/plain")
            if route.served <= route.fail_first:
                return self._answer(500, b"internal error", "text/plain")
            if route.html_200:
                return self._answer(200, ERROR_PAGE, route.content_type or "text/html; charset=utf-8")
            assert route.file is not None
            return self._file(route)

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _file(self, route: Route) -> None:
            assert route.file is not None
            data = route.file.read_bytes()
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            start = 0
            wanted = self.headers.get("Range", "")
            if wanted.startswith("bytes=") and self.headers.get("If-Range", etag) == etag:
                start = int(wanted[6:].split("-")[0])
            body = data[start:]
            self.send_response(206 if start else 200)
            self.send_header("Content-Type", route.content_type or "application/pdf")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", email.utils.formatdate(route.file.stat().st_mtime, usegmt=True))
            if start:
                self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.end_headers()
            if route.cut_first and not start and route.served == 1:
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler
