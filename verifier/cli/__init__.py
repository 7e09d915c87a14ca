"""The command line: parse arguments, run one command, turn errors into one line and exit 2.

Each command lives in ``verifier.cli.<name>`` and exposes ``register(subparsers)``, which adds
its parser and sets ``func`` to a function taking the parsed arguments and returning an exit status.
A command module parses arguments only and imports its stage when it runs; `main` registers only
the command named on the line (all of them for help or a mistyped name), so `verifier quotes`
never loads the archive, the matcher or the reports.
"""
from __future__ import annotations

import argparse
import os
import sys

from verifier import __version__
from verifier.errors import VerifierError

COMMAND_MODULES = ("quotes", "archive", "check", "config", "serve")


def build_parser(commands: tuple[str, ...] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verifier",
        description="Find the quotes in news articles and check them against an archive of originals.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"verifier {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    import importlib

    for name in commands:
        importlib.import_module(f"verifier.cli.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_named_command(argv))
    if not argv:   # a bare `verifier`: what it can do, not an error
        parser.print_help()
        return 0
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


def _named_command(argv: list[str]) -> tuple[str, ...]:
    """The one command module to register: the first word of the line when it names a command;
    else every command, so that help and "invalid choice" list them all."""
    first = next((a for a in argv if not a.startswith("-")), None)
    if first in COMMAND_MODULES and "-h" not in argv[:argv.index(first)] and "--help" not in argv[:argv.index(first)]:
        return (first,)
    return COMMAND_MODULES
