"""The app factory of `verifier serve`: routes, error handlers, the security middleware."""
from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import Route

from verifier.errors import VerifierError
from verifier.web import api, pages
from verifier.web.render import error_page
from verifier.web.security import Security, SecurityMiddleware, is_loopback
from verifier.web.service import Desk, _fetcher

DEFAULT_MAX_BODY = 10_000_000
MIN_TOKEN_LENGTH = 16
TOKEN_ENV = "VERIFIER_TOKEN"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@dataclass
class ServeConfig:
    """How the desk runs. ``archive``: the archive database (created if missing); ``host``: the
    address it is bound to (decides whether a token is required); ``token``: the access token;
    ``max_body``: the request size limit in bytes; ``allowed_hosts``: the Host names it answers to
    (default: the loopback names when bound to loopback, any otherwise); ``fetcher_factory``: makes
    the ``verifier.archive.fetch.client.Fetcher`` for URLs (tests inject one that never touches the network)."""

    archive: str
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    max_body: int = DEFAULT_MAX_BODY
    allowed_hosts: set[str] | None = None
    aliases: dict = field(default_factory=dict)
    fetcher_factory: object = _fetcher
    archive_label: str | None = None   # how reports name the archive (default: its path)
    checkers: int = 1                  # processes that run checks (1: the desk's own threads)

    def __post_init__(self):
        self.archive_label = self.archive_label or self.archive
        if self.max_body < 1:
            raise VerifierError("the request size limit must be positive")
        if self.token is not None and len(self.token) < MIN_TOKEN_LENGTH:
            raise VerifierError(f"{TOKEN_ENV} is too short (at least {MIN_TOKEN_LENGTH} characters)")
        if not is_loopback(self.host) and not self.token:
            raise VerifierError(f"binding to {self.host} makes the desk reachable from other machines: "
                                f"set {TOKEN_ENV} to an access token of at least {MIN_TOKEN_LENGTH} "
                                "characters (or keep the default --host 127.0.0.1)")
        if self.allowed_hosts is None and is_loopback(self.host):
            self.allowed_hosts = set(LOOPBACK_HOSTS) | {self.host.strip("[]").lower()}


async def _http_error(request, exc: HTTPException):
    api_path = request.url.path.startswith("/api/") or request.url.path == "/openapi.json"
    headers = dict(exc.headers or {})
    if api_path:
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=headers)
    return HTMLResponse(error_page(exc.status_code, str(exc.detail)), status_code=exc.status_code, headers=headers)


async def _server_error(request, exc: Exception):
    message = "internal error"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=500)
    return HTMLResponse(error_page(500, message), status_code=500)


def create_app(archive: str | None = None, *, config: ServeConfig | None = None, **options) -> Starlette:
    """The desk as an ASGI app: ``create_app("newsroom.db", host="0.0.0.0", token="...")`` or
    ``create_app(config=ServeConfig(...))``. Raises VerifierError when the settings are unsafe (a
    non-loopback host without a token) or the archive cannot be opened."""
    if config is None:
        if archive is None:
            raise VerifierError("no archive database given")
        config = ServeConfig(archive=os.fspath(archive), **options)
    checkers = None
    if config.checkers > 1:
        from verifier.web.checkers import Checkers

        checkers = Checkers(config.archive, config.aliases, config.checkers)
    desk = Desk(config.archive, config.aliases, config.fetcher_factory, checkers)
    security = Security(config.token)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            if checkers is not None:
                from starlette.concurrency import run_in_threadpool

                await run_in_threadpool(checkers.start)
            yield
        finally:
            desk.close()

    routes = [
        Route("/", pages.home),
        Route("/login", pages.login, methods=["GET", "POST"]),
        Route("/static/desk.css", pages.stylesheet),
        Route("/check", pages.check, methods=["POST"]),
        Route("/article/{digest}", pages.article),
        Route("/article/{digest}/review", pages.review, methods=["POST"]),
        Route("/article/{digest}/report", pages.report),
        Route("/article/{digest}/json", pages.article_json),
        Route("/archive", pages.archive),
        Route("/archive/add", pages.add_form),
        Route("/archive/add", pages.add, methods=["POST"]),
        Route("/archive/fetch", pages.fetch, methods=["POST"]),
        Route("/archive/doc/{doc_id}", pages.document),
        Route("/api/check", api.check, methods=["POST"]),
        Route("/api/archive/search", api.search),
        Route("/api/archive/documents", api.documents),
        Route("/api/archive/documents/{doc_id}", api.document),
        Route("/api/archive/add", api.add, methods=["POST"]),
        Route("/api/archive/fetch", api.fetch, methods=["POST"]),
        Route("/api/reviews/{digest}", api.reviews),
        Route("/openapi.json", api.openapi),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityMiddleware, security=security, max_body=config.max_body,
                               allowed_hosts=config.allowed_hosts)],
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
        lifespan=lifespan,
    )
    app.state.desk = desk
    app.state.security = security
    app.state.config = config
    return app
