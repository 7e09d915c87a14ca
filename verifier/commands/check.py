"""`verifier check` — verify every quote of every article against the archive."""
from __future__ import annotations

import sys

from verifier.article import load_article
from verifier.check import FAIL_LEVELS, check_article, fails, open_archive, quote_record, summary
from verifier.errors import InputError
from verifier.inputs import expand_paths
from verifier.report import check_text, error_record, write_json_line
from verifier.speakers import SpeakerMatcher


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="verify every quote of every article against the archive",
        description="Find every quote in the articles and check it against the archive of originals.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="articles (text, Markdown, HTML), directories, - for stdin")
    parser.add_argument("--archive", metavar="DB_OR_DIR",
                        help="archive database, or a directory of source files (default: $VERIFIER_ARCHIVE, then ./verifier.db)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--fail-on", choices=FAIL_LEVELS, default="misquote",
                        help="exit 1 when a quote has this verdict or a more severe one (default: misquote)")
    parser.add_argument("--alias", action="append", default=[], metavar="NAME=PERSON",
                        help="another name of a speaker, e.g. 'the chancellor=Angela Merkel' (repeatable)")
    parser.add_argument("--date", help="the articles' publication date (YYYY-MM-DD) when they do not say")
    parser.add_argument("--input-format", choices=("txt", "md", "html"), default=None)
    parser.add_argument("--double-apostrophes", action="store_true",
                        help="read '' as a double quotation mark (as some archives write it)")
    parser.set_defaults(func=run)


def run(args) -> int:
    matcher = SpeakerMatcher(_aliases(args.alias))
    archive = open_archive(args.archive)
    status = 0
    console = _console() if args.format == "text" else None
    paths = expand_paths(args.paths)
    totals: dict[str, int] = {}
    for path in paths:
        try:
            article = load_article(path, args.input_format)
        except InputError as exc:
            print(f"verifier: {exc}", file=sys.stderr)
            if args.format == "json":
                write_json_line(error_record(path, exc.reason), sys.stdout)
            status = 2
            continue
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
    if console is not None and len(paths) > 1:
        console.print(f"total: {len(paths)} files, " + ", ".join(f"{n} {v}" for v, n in totals.items()),
                      style="bold", highlight=False)
    sys.stdout.flush()
    return status


def _aliases(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, person = pair.partition("=")
        if not sep or not name.strip() or not person.strip():
            from verifier.errors import VerifierError

            raise VerifierError(f"--alias {pair!r}: expected NAME=PERSON")
        out[name.strip()] = person.strip()
    return out


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)
