"""`verifier config` — the configuration `verifier check` would run with, and where it came from."""
from __future__ import annotations

import json
import sys

from verifier.cli.check import add_config_arguments
from verifier.config import settings, to_toml


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "config", help="show the effective configuration",
        description="Show the settings `verifier check` would use here: from the command line's "
                    "defaults, [tool.verifier] in pyproject.toml or verifier.toml (the first found "
                    "walking up from the working directory), and $VERIFIER_ARCHIVE.")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: TOML, each value commented with where it came from")
    add_config_arguments(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    # ``--format`` here is this command's output, not the report format of `verifier check`.
    s = settings(_Unset(config=args.config, no_config=args.no_config))
    if args.format == "json":
        record = {"config_file": str(s.config.path) if s.config.path else None, **s.as_dict(),
                  "origins": s.origins}
        sys.stdout.write(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(to_toml(s))
    return 0


class _Unset:
    """Arguments with no `verifier check` flag given."""

    def __init__(self, **given):
        self.__dict__.update(given)

    def __getattr__(self, name):
        return None
