"""The articles a command reads: each PATH expanded, read, and a failure reported once."""
from __future__ import annotations

import sys

from verifier.errors import InputError
from verifier.inputs import expand_paths
from verifier.records import error_record, write_json_line


def add_arguments(parser) -> None:
    """The options every article-reading command shares."""
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="articles (text, Markdown, HTML), directories of them, - for stdin")
    parser.add_argument("--input-format", choices=("txt", "md", "html"), default=None,
                        help="treat every input as this format instead of guessing from the name")
    parser.add_argument("--double-apostrophes", action="store_true",
                        help="read '' as a double quotation mark (as some archives write it)")


class ArticleReader:
    """Iterates over the articles of ``args.paths``; an unreadable one gets a one-line message on
    standard error (and an error record on ``json_out``, by default standard output for JSON) and
    is listed in ``errors``."""

    def __init__(self, args, json_out=None):
        self.args = args
        self.paths = expand_paths(args.paths)
        self.errors: list[tuple[str, str]] = []  # (path, reason)
        self.json_out = json_out if json_out is not None else (sys.stdout if args.format == "json" else None)

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def __iter__(self):
        from verifier.article.load import load_article   # loaded when the command runs, not for --help
        for path in self.paths:
            try:
                yield load_article(path, self.args.input_format)
            except InputError as exc:
                self.report(path, exc)

    def report(self, path: str, exc: InputError) -> None:
        """One line on standard error (and an error record) for an input that failed."""
        print(f"verifier: {exc}", file=sys.stderr)
        if self.json_out is not None:
            write_json_line(error_record(path, exc.reason), self.json_out)
        self.errors.append((path, exc.reason))

