"""`verifier check` — verify every quote of every article against the archive."""
from __future__ import annotations

import sys

from verifier.check import FAIL_LEVELS, check_article, fails, open_archive, quote_record, summary
from verifier.commands.articles import ArticleReader, add_arguments
from verifier.errors import VerifierError
from verifier.report import check_text, write_json_line
from verifier.speakers import SpeakerMatcher


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="verify every quote of every article against the archive",
        description="Find every quote in the articles and check it against the archive of originals.")
    add_arguments(parser)
    parser.add_argument("--archive", metavar="DB_OR_DIR",
                        help="archive database, or a directory of source files (default: $VERIFIER_ARCHIVE, then ./verifier.db)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--fail-on", choices=FAIL_LEVELS, default="misquote",
                        help="exit 1 when a quote has this verdict or a more severe one (default: misquote)")
    parser.add_argument("--alias", action="append", default=[], metavar="NAME=PERSON",
                        help="another name of a speaker, e.g. 'the chancellor=Angela Merkel' (repeatable)")
    parser.add_argument("--date", help="the articles' publication date (YYYY-MM-DD) when they do not say")
    parser.set_defaults(func=run)


def run(args) -> int:
    matcher = SpeakerMatcher(_aliases(args.alias))
    archive = open_archive(args.archive)
    status = 0
    console = _console() if args.format == "text" else None
    reader = ArticleReader(args)
    totals: dict[str, int] = {}
    for article in reader:
        article.date = article.date or args.date
        checked = check_article(article, archive, matcher, double_apostrophes=args.double_apostrophes)
        counts = summary(checked)
        if args.format == "json":
            write_json_line({"path": article.path, "quotes": [quote_record(c) for c in checked],
                             "summary": counts}, sys.stdout)
        else:
            for line in check_text(article.path, checked, counts):
                console.print(line)
        if status == 0 and any(fails(c.judgement.verdict, args.fail_on) for c in checked):
            status = 1
        totals = {v: totals.get(v, 0) + n for v, n in counts.items()}
    if console is not None and len(reader.paths) > 1:
        console.print(f"total: {len(reader.paths)} files, " + ", ".join(f"{n} {v}" for v, n in totals.items()),
                      style="bold", highlight=False)
    sys.stdout.flush()
    return 2 if reader.failed else status


def _aliases(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, person = pair.partition("=")
        if not sep or not name.strip() or not person.strip():
            raise VerifierError(f"--alias {pair!r}: expected NAME=PERSON")
        out[name.strip()] = person.strip()
    return out


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)
