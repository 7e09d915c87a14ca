"""`verifier archive ...` — placeholder until the archive lands."""
from __future__ import annotations


def register(subparsers) -> None:
    parser = subparsers.add_parser("archive", help="look after an archive of original sources")
    parser.set_defaults(func=lambda args: 0)
