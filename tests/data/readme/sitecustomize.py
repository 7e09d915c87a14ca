"""A stand-in for the web in the README's examples (tests/test_readme_examples.py): with
``VERIFIER_README_STANDIN`` set, `verifier archive fetch` resolves the examples' fictional hosts
(energy.gov.example, voss-for-velden.example, the Internet Archive) to a stand-in public address and
an intranet host to a private one, and gets its answers from ``httpx.MockTransport`` — pages and
captions from tests/data/fetch. The guard, redirects, the cache and the readers are the real ones;
nothing leaves the machine. Loaded by Python at start-up (``PYTHONPATH``) in those runs only."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

if os.environ.get("VERIFIER_README_STANDIN"):
    import httpx

    import verifier.archive.fetch.client as client

    DATA = Path(__file__).resolve().parent.parent / "fetch"
    PUBLIC, PRIVATE = "93.184.215.14", "10.8.0.12"
    TV = "ENT_20250311_190000_Evening_News"
    CAPTIONS = f"https://ia800101.us.archive.org/12/items/{TV}/{TV}.cc5.srt"
    SNAPSHOT = "20250116093000"
    HTML = {"Content-Type": "text/html; charset=utf-8"}

    def _cdx(url: str) -> httpx.Response:
        rows = [["timestamp", "original", "statuscode", "mimetype"]]
        if url == "https://voss-for-velden.example/pledges/trees":
            rows.append([SNAPSHOT, url, "200", "text/html"])
        return httpx.Response(200, content=json.dumps(rows if len(rows) > 1 else []).encode(),
                              headers={"Content-Type": "application/json"})

    def _answer(request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(query=None))
        if url == "https://web.archive.org/cdx/search/cdx":
            return _cdx(request.url.params.get("url", ""))
        pages = {
            "https://energy.gov.example/news/2025/northern-grid-timetable": (200, "statement.html", HTML),
            f"https://web.archive.org/web/{SNAPSHOT}id_/https://voss-for-velden.example/pledges/trees":
                (200, "snapshot-2025-01.html", HTML),
            f"https://archive.org/metadata/{TV}": (200, "tv-metadata.json", {"Content-Type": "application/json"}),
            CAPTIONS: (200, f"{TV}.cc5.srt", {"Content-Type": "application/x-subrip"}),
        }
        if url in pages:
            status, name, headers = pages[url]
            return httpx.Response(status, content=(DATA / name).read_bytes(), headers=headers)
        if url == f"https://archive.org/download/{TV}/{TV}.cc5.srt":
            return httpx.Response(302, headers={"Location": CAPTIONS})
        if url == "https://voss-for-velden.example/pledges/nurseries":
            return httpx.Response(410, headers=HTML)
        return httpx.Response(404, headers=HTML)

    def _resolve(host, port, *args, **kwargs):
        name = str(host).lower()
        if name.endswith(".example") or name == "archive.org" or name.endswith(".archive.org"):
            address = PUBLIC
        elif name.endswith(".local"):
            address = PRIVATE
        else:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 443))]

    socket.getaddrinfo = _resolve
    client._PinnedTransport = lambda guard: httpx.MockTransport(_answer)
