"""`verifier serve`: run the copy desk (``verifier.web``) with uvicorn.

The app itself is ``verifier.web.create_app``; this module only starts a server for it — in this
process, or with ``workers`` > 1 in that many worker processes sharing the listening socket (checks
are CPU-bound Python: threads of one process share one core). Each worker opens the archive itself
(SQLite in WAL mode: many readers, writes serialised); the settings reach it through
``$VERIFIER_SERVE_CONFIG``. On SIGTERM or Ctrl-C it stops within ``SHUTDOWN_SECONDS``, even
with a check under way (its worker thread is abandoned, not awaited).
"""
from __future__ import annotations

import json
import os

from verifier.web import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app", "serve", "app_from_environment"]

CONFIG_ENV = "VERIFIER_SERVE_CONFIG"
_SHARED_FIELDS = ("archive", "host", "port", "token", "max_body", "aliases", "archive_label")
SHUTDOWN_SECONDS = 2   # on SIGTERM, requests in flight get this long, then the server stops


def serve(config: ServeConfig, log_level: str = "info", workers: int = 1) -> None:
    """Serve the desk at ``config.host``:``config.port`` until interrupted."""
    import uvicorn

    options = dict(host=config.host, port=config.port, log_level=log_level, server_header=False,
                   proxy_headers=False, forwarded_allow_ips="", access_log=True,
                   h11_max_incomplete_event_size=64 * 1024,
                   timeout_graceful_shutdown=SHUTDOWN_SECONDS)
    if workers <= 1:
        uvicorn.run(create_app(config=config), **options)
        return
    create_app(config=config)   # raises here, once, if the settings or the archive are not sound
    os.environ[CONFIG_ENV] = json.dumps({f: getattr(config, f) for f in _SHARED_FIELDS})
    uvicorn.run("verifier.web.serve:app_from_environment", factory=True, workers=workers, **options)


def app_from_environment():
    """The app of one worker process, from the settings ``serve`` left in the environment."""
    return create_app(config=ServeConfig(**json.loads(os.environ[CONFIG_ENV])))
