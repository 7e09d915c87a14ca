"""`verifier quotes` — placeholder."""
from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("quotes", help="list the attributed quotes in articles")
    parser.set_defaults(func=lambda args: 0)
