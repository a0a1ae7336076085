"""A real HTTP server on 127.0.0.1 for tests: routes in, base URL out.

Usage::

    from httpservers import Route, serve   # tests/ is on sys.path under pytest

    routes = {
        "/ok": Route(200, body=b"<title>Hi</title>", headers={"Content-Type": "text/html"}),
        "/moved": Route(301, headers={"Location": "/ok"}),
        "/slow": Route(200, delay=2.0),                   # sleeps before the status line
        "/trickle": Route(200, body=b"x" * 50, trickle=0.1),  # one byte every 0.1 s
        "/gz": Route(200, body=b"hello", gzip=True),      # gzip-encoded on the wire
        "/reset": Route(close=True),                      # drops the connection, no answer
        "/flaky": [Route(503, headers={"Retry-After": "0"}), Route(200, body=b"up")],
        "/echo": lambda request: Route(200, body=request.headers.get("User-Agent", "").encode()),
    }
    with serve(routes) as base_url:
        requests.get(f"{base_url}/ok")
        assert base_url.hits("/flaky") == 0
        print(base_url.requests)  # every request received, in order (with .received_at)
        print(base_url.peak_in_flight)  # the most requests answered at once

- A route is a `Route`, a list of Routes served in turn (the last one repeats), or a
  callable taking the `ReceivedRequest` and returning a Route.
- Paths match as sent (still percent-encoded), without the query string; an
  unknown path gets a plain 404.
- `serve()` yields a `ServerURL`: a str ("http://127.0.0.1:PORT", no trailing slash)
  that also carries `.requests`, `.hits(path)`, `.host`, `.port`.
- `serve(routes, host="127.0.0.7")` binds another loopback address, to simulate
  several hosts (all of 127.0.0.0/8 is loopback on Linux).
- Leaving the `with` block stops the server: later requests are refused.
- The server is threaded with a deep listen backlog and Nagle disabled (see
  /work/shared/notes/measuring.md); delays block only their own request.
"""

from __future__ import annotations

import contextlib
import gzip as gzip_module
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Headers = Mapping[str, str] | list[tuple[str, str]]


@dataclass(frozen=True)
class Route:
    """One canned answer.

    status/reason: the status line. headers: sent as given (a list keeps duplicates);
    Content-Length is added unless given. delay: seconds to sleep before answering.
    trickle: seconds to sleep between body pieces of `trickle_size` bytes.
    gzip: compress the body and send Content-Encoding: gzip. close: drop the
    connection without answering (the client sees a reset / empty reply).
    """

    status: int = 200
    body: bytes = b""
    headers: Headers = field(default_factory=dict)
    delay: float = 0.0
    trickle: float | None = None
    trickle_size: int = 1
    gzip: bool = False
    close: bool = False
    reason: str | None = None


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str  # with the query string
    headers: dict[str, str]
    received_at: float = 0.0  # time.monotonic() when the request line was read


RouteSpec = Route | list[Route] | Callable[[ReceivedRequest], Route]

NOT_FOUND = Route(404, body=b"not found", headers={"Content-Type": "text/plain"})


class ServerURL(str):
    """The server's base URL, with what it has seen."""

    host: str
    port: int
    requests: list[ReceivedRequest]
    _stats: dict[str, int]

    @property
    def peak_in_flight(self) -> int:
        """The most requests this server was answering at once."""
        return self._stats["peak"]

    def hits(self, path: str) -> int:
        """How many requests asked for `path` (query string ignored)."""
        return sum(1 for r in self.requests if urlsplit(r.path).path == path)


class _Server(ThreadingHTTPServer):
    request_queue_size = 1024
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], routes: Mapping[str, RouteSpec]) -> None:
        super().__init__(address, _Handler)
        self.routes = dict(routes)
        self.received: list[ReceivedRequest] = []
        self.counters: dict[str, int] = {}
        self.lock = threading.Lock()
        self.open_connections: set[socket.socket] = set()
        self.stats = {"in_flight": 0, "peak": 0}

    def close_open_connections(self) -> None:
        # keep-alive connections outlive shutdown(); cut them so a stopped server is gone
        with self.lock:
            connections = list(self.open_connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hanging up mid-trickle are expected; keep test output clean

    def pick(self, request: ReceivedRequest) -> Route:
        path = urlsplit(request.path).path
        with self.lock:
            self.received.append(request)
            count = self.counters.get(path, 0)
            self.counters[path] = count + 1
        spec = self.routes.get(path, NOT_FOUND)
        if isinstance(spec, Route):
            return spec
        if isinstance(spec, list):
            return spec[min(count, len(spec) - 1)]
        return spec(request)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        with self.server.lock:
            self.server.open_connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def _answer(self, send_body: bool) -> None:
        stats = self.server.stats
        with self.server.lock:
            stats["in_flight"] += 1
            stats["peak"] = max(stats["peak"], stats["in_flight"])
        try:
            self._answer_counted(send_body)
        finally:
            with self.server.lock:
                stats["in_flight"] -= 1

    def _answer_counted(self, send_body: bool) -> None:
        request = ReceivedRequest(
            self.command, self.path, dict(self.headers.items()), time.monotonic()
        )
        route = self.server.pick(request)
        if route.delay:
            time.sleep(route.delay)
        if route.close:
            self.close_connection = True
            return
        body = gzip_module.compress(route.body) if route.gzip else route.body
        header_items = (
            list(route.headers.items())
            if isinstance(route.headers, Mapping)
            else list(route.headers)
        )
        self.send_response(route.status, route.reason)
        for name, value in header_items:
            self.send_header(name, value)
        names = {name.lower() for name, _ in header_items}
        if route.gzip and "content-encoding" not in names:
            self.send_header("Content-Encoding", "gzip")
        if "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not send_body:
            return
        if route.trickle is None:
            self.wfile.write(body)
            return
        for start in range(0, len(body), route.trickle_size):
            self.wfile.write(body[start : start + route.trickle_size])
            self.wfile.flush()
            time.sleep(route.trickle)

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)


@contextlib.contextmanager
def serve(
    routes: Mapping[str, RouteSpec], host: str = "127.0.0.1", tls: ssl.SSLContext | None = None
) -> Iterator[ServerURL]:
    """Run a server with `routes` on `host` (a free port) for the duration of the block;
    over HTTPS with `tls` (a server-side context holding the certificate)."""
    server = _Server((host, 0), routes)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    port = server.server_address[1]
    base_url = ServerURL(f"{'https' if tls else 'http'}://{host}:{port}")
    base_url.host = host
    base_url.port = port
    base_url.requests = server.received
    base_url._stats = server.stats
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()
        server.close_open_connections()
        thread.join()
