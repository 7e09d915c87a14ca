"""The command line: parse arguments, run one command, turn errors into one line and exit 2.

Each command lives in ``verifier.commands.<name>`` and exposes ``register(subparsers)``, which adds
its parser and sets ``func`` to a function taking the parsed arguments and returning an exit status.
"""
from __future__ import annotations

import argparse
import os
import sys

from verifier import __version__
from verifier.errors import VerifierError

COMMAND_MODULES = ("quotes", "archive", "check", "config", "serve")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verifier",
        description="Find the quotes in news articles and check them against an archive of originals.",
    )
    parser.add_argument("--version", action="version", version=f"verifier {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"verifier.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except VerifierError as exc:
        print(f"verifier: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("verifier: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
