"""`verifier serve`: run the copy desk (``verifier.web``) with uvicorn.

The app itself is ``verifier.web.create_app``; this module only starts a server for it.
"""
from __future__ import annotations

from verifier.web import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app", "serve"]


def serve(config: ServeConfig, log_level: str = "info") -> None:
    """Serve the desk at ``config.host``:``config.port`` until interrupted."""
    import uvicorn

    app = create_app(config=config)
    uvicorn.run(app, host=config.host, port=config.port, log_level=log_level, server_header=False,
                proxy_headers=False, forwarded_allow_ips="", access_log=True,
                h11_max_incomplete_event_size=64 * 1024)
