"""`verifier quotes [--format text|json] PATH...` — list the attributed quotes in articles."""
from __future__ import annotations

import sys

from verifier.cli.articles import ArticleReader, add_arguments
from verifier.records import write_json_line


def register(subparsers) -> None:
    parser = subparsers.add_parser("quotes", help="list the attributed quotes in articles",
                                   description="List every direct quote in the articles with its speaker.")
    add_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument("--terms", action="store_true", help="also list scare quotes, titles and nicknames")
    parser.set_defaults(func=run)


def run(args) -> int:
    from verifier.budget import budget
    from verifier.errors import InputError
    from verifier.quotes.extract import extract_quotes
    from verifier.quotes.listing import place, quotes_record, quotes_text
    reader = ArticleReader(args)
    for article in reader:
        try:
            with budget(article.path):
                quotes = extract_quotes(article.text, double_apostrophes=args.double_apostrophes)
        except InputError as exc:
            reader.report(article.path, exc)
            continue
        place(article, quotes)
        if args.format == "json":
            write_json_line(quotes_record(article, quotes), sys.stdout)
        else:
            sys.stdout.write(quotes_text(article, quotes, show_terms=args.terms))
    sys.stdout.flush()
    return 2 if reader.failed else 0
