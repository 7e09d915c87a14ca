"""Stage 4, verification: for each quote, the passage it comes from and the verdict.

Takes quotes and an archive; ``match`` retrieves candidate passages and aligns them word by word,
``occasion`` and ``provenance`` judge whether a passage is the occasion quoted, ``differences``
classifies every difference, ``judge`` gives the verdict and the speaker check, ``check`` runs
them for one article and builds its JSON record, ``verdicts`` names the verdicts and their
severity. Hands on ``CheckedQuote`` and ``ArticleResult`` to the reports.
"""
from __future__ import annotations

from verifier.lazy import exports

PUBLIC = {
    "check_article": "check",
    "check_quote": "check",
    "ArticleResult": "check",
    "CheckedQuote": "check",
    "open_archive": "check",
    "VERDICTS": "verdicts",
    "fails": "verdicts",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = exports(__name__, PUBLIC)
