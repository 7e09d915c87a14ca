"""`verifier quotes [--format text|json] PATH...` — list the attributed quotes in articles."""
from __future__ import annotations

import sys

from verifier.article import load_article
from verifier.errors import InputError
from verifier.inputs import expand_paths
from verifier.quotes import extract_quotes
from verifier.report import error_record, place, quotes_record, quotes_text, write_json_line


def register(subparsers) -> None:
    parser = subparsers.add_parser("quotes", help="list the attributed quotes in articles",
                                   description="List every direct quote in the articles with its speaker.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article files (text, Markdown, HTML), - for stdin")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--input-format", choices=("txt", "md", "html"), default=None,
                        help="treat every input as this format instead of guessing from the name")
    parser.add_argument("--terms", action="store_true", help="also list scare quotes, titles and nicknames")
    parser.add_argument("--double-apostrophes", action="store_true",
                        help="read '' as a double quotation mark (as some archives write it)")
    parser.set_defaults(func=run)


def run(args) -> int:
    status = 0
    for path in expand_paths(args.paths):
        try:
            article = load_article(path, args.input_format)
        except InputError as exc:
            print(f"verifier: {exc}", file=sys.stderr)
            if args.format == "json":
                write_json_line(error_record(path, exc.reason), sys.stdout)
            status = 2
            continue
        quotes = extract_quotes(article.text, double_apostrophes=args.double_apostrophes)
        place(article, quotes)
        if args.format == "json":
            write_json_line(quotes_record(article, quotes), sys.stdout)
        else:
            sys.stdout.write(quotes_text(article, quotes, show_terms=args.terms))
    sys.stdout.flush()
    return status
