"""verifier — find the quotes in a news article and check them against an archive of originals.

The flow is one way: article (load) -> quotes (extract, attribute) -> archive (SQLite + FTS5)
-> match (retrieve, align) -> judge (verdicts) -> report (text, JSON, ...).
"""

__version__ = "0.1.0"
