"""Stage 5, reports: checked articles shown to people and to machines.

Takes ``ArticleResult`` objects; ``text`` is the copy editor's terminal view, ``formats`` holds
SARIF, GitHub annotations, JUnit and the HTML report, ``batch`` checks many articles (in worker
processes) and renders each where it is checked. JSON Lines records are ``verify.check``'s and
``verifier.records``'.
"""
from __future__ import annotations

from verifier.lazy import exports

PUBLIC = {
    "check_text": "text",
    "inline_diff": "text",
    "check_paths": "batch",
    "Options": "batch",
}
__all__ = list(PUBLIC)
__getattr__, __dir__ = exports(__name__, PUBLIC)
