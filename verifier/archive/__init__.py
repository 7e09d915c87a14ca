"""Stage 3, the archive: the originals (transcripts, captions, statements), stored and searchable.

Takes source files or fetched pages (``sources`` reads each format into a ``Document`` of
segments; ``fetch`` brings them from the web); keeps them in SQLite with an FTS5 index
(``store``, with ``ingest`` adding and ``retrieval`` finding candidate passages); hands on
``Passage`` objects and the index's statistics. ``reviews`` keeps the desk's decisions on quotes.
"""
from __future__ import annotations

from verifier.lazy import exports

PUBLIC = {
    "Archive": "store",
    "AddResult": "store",
    "timecode": "store",
    "default_path": "store",
    "Passage": "retrieval",
    "Document": "sources",
    "Segment": "sources",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = exports(__name__, PUBLIC)
