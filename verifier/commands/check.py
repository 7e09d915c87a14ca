"""`verifier check` — verify every quote of every article against the archive."""
from __future__ import annotations

import sys

from verifier.check import FAIL_LEVELS, ArticleResult, check_article, fails, open_archive
from verifier.formats import available, render
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
    parser.add_argument("--format", choices=available(), default="text")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.add_argument("--fail-on", choices=FAIL_LEVELS, default="misquote",
                        help="exit 1 when a quote has this verdict or a more severe one (default: misquote)")
    parser.add_argument("--alias", action="append", default=[], metavar="NAME=PERSON",
                        help="another name of a speaker, e.g. 'the chancellor=Angela Merkel' (repeatable)")
    parser.add_argument("--date", help="the articles' publication date (YYYY-MM-DD) when they do not say")
    parser.set_defaults(func=run)


def run(args) -> int:
    matcher = SpeakerMatcher(_aliases(args.alias))
    archive = open_archive(args.archive)
    out = _output(args.output)
    streaming = args.format in ("text", "json")
    console = _console(out) if args.format == "text" else None
    reader = ArticleReader(args, json_out=out if args.format == "json" else None)
    results: list[ArticleResult] = []
    for article in reader:
        article.date = article.date or args.date
        result = ArticleResult(article.path, article,
                               check_article(article, archive, matcher, double_apostrophes=args.double_apostrophes))
        results.append(result)
        if args.format == "json":
            write_json_line(result.record(), out)
        elif console is not None:
            for line in check_text(article.path, result.checked, result.summary):
                console.print(line)
    results.extend(ArticleResult(path, error=reason) for path, reason in reader.errors)
    if console is not None and len(reader.paths) > 1:
        console.print(_totals(results), style="bold", highlight=False)
    if not streaming:
        out.write(render(args.format, _in_input_order(results, reader.paths),
                         {"archive": archive.path, "fail_on": args.fail_on}))
    out.flush()
    failing = any(fails(c.judgement.verdict, args.fail_on) for r in results for c in r.checked)
    return 2 if reader.failed else int(failing)


def _in_input_order(results: list[ArticleResult], paths: list[str]) -> list[ArticleResult]:
    order = {p: i for i, p in enumerate(paths)}
    return sorted(results, key=lambda r: order.get(r.path, len(order)))


def _totals(results: list[ArticleResult]) -> str:
    totals: dict[str, int] = {}
    for r in results:
        for verdict, n in r.summary.items():
            totals[verdict] = totals.get(verdict, 0) + n
    return f"total: {len(results)} files, " + ", ".join(f"{n} {v}" for v, n in totals.items())


def _output(path: str | None):
    if not path or path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise VerifierError(f"{path}: cannot write the report ({exc.strerror})") from None


def _aliases(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, person = pair.partition("=")
        if not sep or not name.strip() or not person.strip():
            raise VerifierError(f"--alias {pair!r}: expected NAME=PERSON")
        out[name.strip()] = person.strip()
    return out


def _console(out):
    from rich.console import Console

    return Console(file=out, highlight=False, soft_wrap=True)
