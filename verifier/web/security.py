"""The desk's safety rules, as one ASGI middleware and a few helpers.

- **Host**: bound to a loopback address, only requests naming a loopback host (``localhost``,
  ``127.0.0.1``, ``[::1]``) are served, so a web page cannot reach the desk through DNS rebinding.
- **Token**: when one is configured (always, when bound to another address), every request but the
  login page and the stylesheet needs it — ``Authorization: Bearer TOKEN``, or the HttpOnly
  SameSite=Strict cookie the login page sets (an HMAC of the token, not the token itself).
- **Size**: a request body over the limit gets 413, from its Content-Length before anything is
  read, or as soon as a streamed body passes the limit.
- **Cross-site requests**: a state-changing request (POST, PUT, PATCH, DELETE) that a browser marks
  as cross-site (``Sec-Fetch-Site``) or whose ``Origin`` is not this server is refused (403); forms
  also carry a CSRF token bound to the session cookie (``check_csrf``).
- **Headers**: a strict Content-Security-Policy (no scripts at all; styles and forms from this
  server only; no framing), ``nosniff``, no referrer, ``no-store`` caching.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException

CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",  # no-referrer makes Chromium send Origin: null on its own forms
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
}
LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost"}
AUTH_COOKIE = "verifier_auth"
SESSION_COOKIE = "verifier_session"
NAME_COOKIE = "verifier_reviewer"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
OPEN_PATHS = {"/login", "/static/desk.css"}   # served without the token


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server on this machine."""
    host = (host or "").strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The host of a Host header, without the port: ``[::1]:8000`` -> ``::1``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class Security:
    """The secrets of one running desk: the access token (or None) and the CSRF key."""

    def __init__(self, token: str | None):
        self.token = token or None
        self.key = secrets.token_bytes(32)

    def auth_cookie_value(self) -> str:
        assert self.token
        return hmac.new(self.token.encode(), b"verifier-serve-auth", hashlib.sha256).hexdigest()

    def token_ok(self, given: str | None) -> bool:
        return bool(self.token) and given is not None and hmac.compare_digest(
            given.encode("utf-8", "replace"), self.token.encode())

    def authorised(self, headers: dict, cookies: dict) -> bool:
        if not self.token:
            return True
        auth = headers.get("authorization", "")
        if auth[:7].lower() == "bearer " and self.token_ok(auth[7:].strip()):
            return True
        cookie = cookies.get(AUTH_COOKIE)
        return cookie is not None and hmac.compare_digest(cookie.encode("utf-8", "replace"),
                                                          self.auth_cookie_value().encode())

    def csrf_token(self, session: str) -> str:
        return hmac.new(self.key, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: str | None, given: str | None) -> bool:
        return bool(session) and bool(given) and hmac.compare_digest(
            self.csrf_token(session).encode(), str(given).encode("utf-8", "replace"))


def new_session() -> str:
    return secrets.token_urlsafe(24)


def check_csrf(request, form) -> None:
    """403 unless the form carries the CSRF token of the request's session."""
    security: Security = request.app.state.security
    if not security.csrf_ok(request.cookies.get(SESSION_COOKIE), form.get("csrf")):
        raise HTTPException(403, "the form has expired or did not come from this desk; "
                                 "reload the page and try again")


def _headers(scope) -> dict:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookies(headers: dict) -> dict:
    from starlette.requests import cookie_parser

    return cookie_parser(headers.get("cookie", ""))


class SecurityMiddleware:
    """Host check, token, size limit, cross-site refusal and security headers (see the module)."""

    def __init__(self, app, security: Security, max_body: int, allowed_hosts: set[str] | None):
        self.app = app
        self.security = security
        self.max_body = max_body
        self.allowed_hosts = allowed_hosts  # None: any

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        path = scope.get("path", "")
        api = path.startswith("/api/") or path == "/openapi.json"

        async def send_headers(message):
            if message["type"] == "http.response.start":
                present = {k.decode("latin-1").lower() for k, _ in message.get("headers", [])}
                extra = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items() if k not in present]
                if "content-security-policy" not in present:
                    extra.append((b"content-security-policy", CSP.encode()))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        async def refuse(status: int, message: str, extra: dict | None = None):
            await _error(scope, send_headers, status, message, api, extra)

        host = host_name(headers.get("host", ""))
        if self.allowed_hosts is not None and host not in self.allowed_hosts:
            return await refuse(400, f"this desk does not answer to the host name {host!r}; "
                                     "open it as http://127.0.0.1 or http://localhost")
        if path not in OPEN_PATHS and not self.security.authorised(headers, _cookies(headers)):
            if api or scope["method"] not in ("GET", "HEAD"):
                return await refuse(401, "this desk needs its access token (Authorization: Bearer TOKEN)",
                                    {"www-authenticate": 'Bearer realm="verifier"'})
            return await _redirect(send_headers, "/login")
        if scope["method"] in UNSAFE_METHODS:
            site = headers.get("sec-fetch-site")
            if site is not None and site not in ("same-origin", "none"):
                return await refuse(403, f"cross-site request refused (Sec-Fetch-Site: {site})")
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc.lower() != headers.get("host", "").lower():
                return await refuse(403, "cross-site request refused (the Origin is not this desk)")
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                return await refuse(400, "bad Content-Length")
            if int(length) > self.max_body:
                return await refuse(413, self.too_large())
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise HTTPException(413, self.too_large())
            return message

        await self.app(scope, limited_receive, send_headers)

    def too_large(self) -> str:
        return f"request too large (the limit is {self.max_body:,} bytes)"


async def _error(scope, send, status: int, message: str, api: bool, extra: dict | None = None):
    if api:
        body, ctype = json.dumps({"error": message}).encode(), b"application/json"
    else:
        from verifier.web.render import error_page

        body, ctype = error_page(status, message).encode(), b"text/html; charset=utf-8"
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send, location: str):
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode()), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})
