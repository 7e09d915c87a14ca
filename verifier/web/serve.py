"""`verifier serve`: run the copy desk (``verifier.web``) with uvicorn.

The app itself is ``verifier.web.create_app``; this module only starts a server for it, in this
process. With ``workers`` > 1 checks run in that many worker processes (``verifier.web.checkers``:
checks are CPU-bound Python, and the threads of one process share one core), each with its own
connection to the archive; one queue feeds them, so every core has work while checks wait. On
SIGTERM or Ctrl-C it stops within ``SHUTDOWN_SECONDS``, even with a check under way (its worker is
stopped, not awaited).
"""
from __future__ import annotations

from verifier.web import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app", "serve"]

SHUTDOWN_SECONDS = 2   # on SIGTERM, requests in flight get this long, then the server stops


def serve(config: ServeConfig, log_level: str = "info") -> None:
    """Serve the desk at ``config.host``:``config.port`` until interrupted (its checks in
    ``config.checkers`` processes)."""
    import uvicorn

    uvicorn.run(create_app(config=config), host=config.host, port=config.port,
                log_level=log_level, server_header=False, proxy_headers=False, forwarded_allow_ips="",
                access_log=True, h11_max_incomplete_event_size=64 * 1024,
                timeout_graceful_shutdown=SHUTDOWN_SECONDS)
