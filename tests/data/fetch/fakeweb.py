"""A fake web for the fetch tests: an HTTP server on 127.0.0.1 (in a thread) that serves
recorded-shape responses — statement pages, CDX answers, Wayback captures, TV News Archive
metadata and caption files — and misbehaves on request: redirects, 404/410, 429 with
Retry-After, 500s, slow or stalled responses and oversize bodies. It counts every request.

Routes map a path (without the query) to a Reply, a list of Replies (one per request, the last
repeated) or a function of the Request returning a Reply.
"""
from __future__ import annotations

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parent


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0                     # seconds before the status line
    stall: threading.Event | None = None   # send half the body, then wait for this event
    repeat: int = 1                        # send the body this many times (oversize bodies)
    length: bool = True                    # send Content-Length


@dataclass
class Request:
    path: str
    query: dict
    headers: dict
    host: str = "127.0.0.1"


def html(body: bytes | str, **headers) -> Reply:
    data = body.encode() if isinstance(body, str) else body
    return Reply(200, data, {"Content-Type": "text/html; charset=utf-8", **headers})


def data_file(name: str) -> bytes:
    return (DATA / name).read_bytes()


def cdx_json(*rows) -> Reply:
    """A CDX ``output=json`` answer: the header row, then (timestamp, original) rows."""
    table = [["timestamp", "original", "statuscode", "mimetype"]]
    table += [[ts, original, "200", "text/html"] for ts, original in rows]
    return Reply(200, json.dumps(table if rows else []).encode(), {"Content-Type": "application/json"})


class FakeWeb:
    """``with FakeWeb() as web: web.routes["/x"] = Reply(...); web.url("/x")``."""

    def __init__(self):
        self.routes: dict = {}
        self.requests: list[Request] = []
        self.stalled = threading.Event()     # set once a stalled reply has sent half its body
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def count(self, path: str) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def __enter__(self) -> "FakeWeb":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def transport(self):
        """The same routes as an httpx.MockTransport (for fake public host names; no delays)."""
        import httpx

        def handle(request: httpx.Request) -> httpx.Response:
            reply = self.reply(Request(request.url.path, dict(request.url.params),
                                       {k.lower(): v for k, v in request.headers.items()}, request.url.host))
            return httpx.Response(reply.status, headers=reply.headers, content=reply.body * reply.repeat)

        return httpx.MockTransport(handle)

    def reply(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = self.routes.get(request.path)
            if isinstance(route, list):
                route = route.pop(0) if len(route) > 1 else route[0]
        if route is None:
            return Reply(404, b"<h1>Not found</h1>", {"Content-Type": "text/html"})
        return route(request) if callable(route) else route


def _handler(web: FakeWeb):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            reply = web.reply(Request(parts.path, query, {k.lower(): v for k, v in self.headers.items()}))
            try:
                self._send(reply)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _send(self, reply: Reply):
            time.sleep(reply.delay)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.length:
                self.send_header("Content-Length", str(len(reply.body) * reply.repeat))
            self.end_headers()
            if reply.stall is not None:
                half = len(reply.body) // 2
                self.wfile.write(reply.body[:half])
                self.wfile.flush()
                web.stalled.set()
                reply.stall.wait(60)
                self.wfile.write(reply.body[half:])
                return
            for _ in range(reply.repeat):
                self.wfile.write(reply.body)

        def log_message(self, *args):
            pass

    return Handler
