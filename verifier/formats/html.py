"""The `html` report of `verifier check` (being written)."""
from __future__ import annotations

from verifier.errors import VerifierError


def render(results, context: dict) -> str:
    raise VerifierError("--format html is not available yet")
