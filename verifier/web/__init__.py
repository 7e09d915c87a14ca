"""`verifier serve`: a desk for copy editors, as an ASGI app (Starlette).

- ``app``: the app factory and its settings (``create_app``, ``ServeConfig``).
- ``security``: host check, access token, size limit, cross-site refusal, CSRF, headers.
- ``service``: reading, checking and storing — everything that is not HTTP.
- ``pages`` / ``render``: the server-rendered pages (built with ``verifier.report.formats.html``'s pieces).
- ``api``: the JSON API and its OpenAPI description.
- ``forms``: request bodies read in memory.
"""
from __future__ import annotations

from verifier.web.app import ServeConfig, create_app

__all__ = ["ServeConfig", "create_app"]
