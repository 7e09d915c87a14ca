"""`verifier check` — verify every quote of every article against the archive.

Settings come from the command line, then the configuration file (``verifier.config``), then the
defaults. This module is the command line: it parses the arguments, merges the settings, chooses
and writes the report, and sets the exit status. The checking itself — in worker processes
(``--jobs``, default: one per core), results in input order — is ``verifier.report.text.batch``.
"""
from __future__ import annotations

import argparse
import os
import sys

from typing import TYPE_CHECKING

from verifier.inputs import expand_paths
from verifier.cli.articles import add_arguments
from verifier.config import settings
from verifier.errors import VerifierError
from verifier.report.formats import available, render
from verifier.verify.verdicts import FAIL_LEVELS, fails

if TYPE_CHECKING:
    from verifier.verify.check import ArticleResult


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="verify every quote of every article against the archive",
        description="Find every quote in the articles and check it against the archive of originals. "
                    "Defaults come from [tool.verifier] in pyproject.toml or from verifier.toml (see `verifier config`).")
    add_arguments(parser)
    parser.add_argument("--archive", metavar="DB_OR_DIR",
                        help="archive database, or a directory of source files (default: $VERIFIER_ARCHIVE, "
                             "then the configuration's archive, then ./verifier.db)")
    parser.add_argument("--format", choices=available(), default=None, help="report format (default: text)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--fail-on", choices=FAIL_LEVELS, default=None,
                        help="exit 1 when a quote has this verdict or a more severe one (default: misquote)")
    parser.add_argument("--alias", action="append", default=[], metavar="NAME=PERSON",
                        help="another name of a speaker, e.g. 'the chancellor=Angela Merkel' (repeatable; "
                             "adds to the configuration's aliases)")
    parser.add_argument("--date", help="the articles' publication date (YYYY-MM-DD) when they do not say "
                                       "(else a date in the file name)")
    parser.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                        help="check in N worker processes (default: the number of cores; 1: no workers)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="text report: verified quotes in full, not one line each")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress display (it is shown only on a terminal, on standard error)")
    add_config_arguments(parser)
    parser.set_defaults(func=run)


def add_config_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--config", metavar="FILE",
                       help="read the configuration from FILE (verifier.toml, or a pyproject.toml with "
                            "[tool.verifier]) instead of looking for one")
    group.add_argument("--no-config", action="store_true", help="ignore configuration files")


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, not {value!r}")
    return n


def run(args) -> int:
    from verifier.cli.progress import Progress, open_archive
    from verifier.report.batch import Options, check_paths
    from verifier.report.console import text_console
    from verifier.report.text import check_text, totals_line

    s = settings(args)
    location = s.archive  # as given: --archive, $VERIFIER_ARCHIVE, the configuration or the default
    archive = open_archive(location, args.quiet)
    out = _output(args.output)
    console = text_console(out) if s.format == "text" else None
    streaming = s.format in ("text", "json") and not (console is not None and console.legacy_windows)
    options = Options(archive.path, args.input_format, s.double_apostrophes, s.aliases, args.date,
                      s.suppressions(), render=s.format if streaming else None,
                      console=_console_settings(console) if console is not None else {},
                      verbose=args.verbose)
    paths = _not_archived(expand_paths(args.paths, filters=s.filters()), location)
    kept: list[ArticleResult] = []  # every result for the other formats; verdicts only when streaming
    failed = failing = False
    with Progress(len(paths), "checking", "files", quiet=args.quiet) as progress:
        for result, rendered in check_paths(paths, options, s.jobs, archive):
            if result.error is not None:
                failed = True
                progress.error(f"{result.path}: {result.error}")
            failing = failing or any(fails(c.judgement.verdict, s.fail_on) for c in result.checked
                                     if c.suppressed is None)
            if rendered:   # "json" always, "text" but on a legacy Windows console
                progress.write(rendered, out)
            elif console is not None and result.error is None:
                for line in check_text(result, console, args.verbose):
                    console.print(line)
            kept.append(result)
            progress.advance()
    if console is not None and len(paths) > 1:
        console.print(totals_line(kept), style="bold", highlight=False)
    if s.format not in ("text", "json"):
        out.write(render(s.format, kept, {"archive": location, "archive_db": archive.path,
                                          "fail_on": s.fail_on}))
    out.flush()
    return 2 if failed else int(failing)


def _not_archived(paths: list[str], location: str | None) -> list[str]:
    """The drafts, without the archive's own sources: when the archive is a directory of source
    files (in the repository, say), files under it are originals, not articles — a pre-commit hook
    passing every changed file must not check a transcript against itself."""
    if not location or not os.path.isdir(location):
        return paths
    root = os.path.join(os.path.realpath(location), "")
    return [p for p in paths if p == "-" or not os.path.realpath(p).startswith(root)]


def _output(path: str | None):
    if not path or path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise VerifierError(f"{path}: cannot write the report ({exc.strerror})") from None


def _console_settings(console) -> dict:
    """What a console writing elsewhere needs to render exactly as ``console`` would."""
    return {"color_system": console.color_system, "force_terminal": console.is_terminal,
            "width": console.width, "legacy_windows": False}
