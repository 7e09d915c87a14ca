"""Originals from the web: ``client`` is the careful HTTP client (address guard, robots.txt, rate
limits, cache); ``web`` decides what to fetch (a live page, a Wayback Machine snapshot, a TV News
Archive caption file) and turns the response into a ``Document`` with ``sources``' readers.
"""
from __future__ import annotations

from verifier.lazy import exports

PUBLIC = {
    "FetchConfig": "client",
    "Fetcher": "client",
    "Guard": "client",
    "FetchError": "client",
    "Endpoints": "web",
    "fetch_source": "web",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = exports(__name__, PUBLIC)
