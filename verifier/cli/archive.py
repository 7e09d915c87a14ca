"""`verifier archive add|fetch|list|search|show|remove|stats|check` — look after an archive of originals.

Only argument parsing and output live here; the work is in verifier.archive.store (the store),
verifier.archive.sources (reading files) and verifier.archive.fetch.web / verifier.archive.fetch.client (fetching from the web).
Text output is plain when not on a terminal, rich tables when it is.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from typing import TYPE_CHECKING

from verifier.errors import VerifierError

if TYPE_CHECKING:
    from verifier.archive.store import Archive

# The names of the source formats (verifier.archive.sources.FORMATS), here so that parsing the
# command line loads no reader; a test keeps the two the same.
SOURCE_FORMATS = ("html", "json", "md", "srt", "txt", "vtt")


def register(subparsers) -> None:
    parser = subparsers.add_parser("archive", help="look after an archive of original sources",
                                   description="Build and query the archive of original statements, "
                                               "transcripts and captions (an SQLite database, or a "
                                               "postgresql:// URL for a shared archive on a server).")
    commands = parser.add_subparsers(dest="archive_command", metavar="ACTION")
    commands.required = True
    _add_parser(commands)
    _fetch_parser(commands)
    _list_parser(commands)
    _search_parser(commands)
    _simple_parser(commands, "show", show, "show one document and its segments", "ID",
                   "document id (or a unique prefix, or its source path)")
    _simple_parser(commands, "remove", remove, "remove documents", "ID",
                   "document id (or a unique prefix, or its source path)", nargs="+")
    _simple_parser(commands, "stats", stats, "counts: documents, segments, words, speakers")
    _simple_parser(commands, "check", check, "check that every document is whole and indexed")
    _copy_parser(commands)


def _common(parser, formats=("text", "json")) -> None:
    parser.add_argument("--db", default=None, metavar="DB",
                        help="archive database or postgresql:// URL (default: $VERIFIER_ARCHIVE, then ./verifier.db)")
    parser.add_argument("--format", choices=formats, default="text", help="output format")


def _add_parser(commands) -> None:
    p = commands.add_parser("add", help="add source files or directories to the archive",
                            description="Add transcripts, captions (.srt, .vtt), speeches and statements "
                                        "(.txt, .md, .html) and JSON transcript exports. Directories are "
                                        "walked recursively. Unchanged files are skipped; changed files "
                                        "replace their earlier version.")
    _common(p)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (- for standard input)")
    _metadata_options(p, "(overrides front matter)")
    p.add_argument("--source-format", choices=SOURCE_FORMATS,
                   help="read every file as this format (default: by extension; - is txt)")
    p.add_argument("--force", action="store_true", help="re-read files even when unchanged")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary (and no progress display)")
    p.set_defaults(func=add)


def _fetch_parser(commands) -> None:
    p = commands.add_parser("fetch", help="fetch originals from the web into the archive",
                            description="Fetch statement pages, caption and transcript files (.srt, .vtt, "
                                        ".txt, .json) by URL, Wayback Machine snapshots, and TV News Archive "
                                        "broadcasts' captions (an identifier or archive.org/details URL), "
                                        "and add them to the archive.")
    _common(p)
    p.add_argument("urls", nargs="+", metavar="URL", help="URLs, or TV News Archive identifiers")
    _metadata_options(p, "(overrides the page's)", "; also picks the Wayback snapshot of that date")
    wayback = p.add_mutually_exclusive_group()
    wayback.add_argument("--wayback", action="store_true",
                         help="take the Wayback Machine snapshot closest to --date (default: the latest)")
    wayback.add_argument("--no-wayback", action="store_true",
                         help="the live page only: no snapshot for a --date, none for a page that is gone")
    p.add_argument("--offline", action="store_true", help="use the HTTP cache only; fetch nothing")
    p.add_argument("--refresh", action="store_true", help="download again even when cached")
    p.add_argument("--allow-private", action="store_true",
                   help="allow hosts on private, loopback and link-local addresses (an intranet)")
    p.add_argument("--source-format", choices=SOURCE_FORMATS,
                   help="read every download as this format (default: by content type)")
    p.add_argument("--force", action="store_true", help="store again even when unchanged")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors and the summary (and no progress display)")
    p.set_defaults(func=fetch)


def _metadata_options(p, note: str, date_note: str = "") -> None:
    """The document metadata flags of `add` and `fetch`; they win over what the file says."""
    p.add_argument("--speaker", help=f"who speaks {note}")
    p.add_argument("--date", type=_date_arg, help=f"date of the statement, YYYY-MM-DD{date_note}")
    p.add_argument("--title", help="title of the document")
    p.add_argument("--url", help="where the original is published")
    p.add_argument("--kind", help="broadcast, speech, statement, interview, press release, ...")
    p.add_argument("--outlet", help="outlet or channel")
    p.add_argument("--language", help="language code, e.g. en")


def _list_parser(commands) -> None:
    p = commands.add_parser("list", help="list the documents in the archive")
    _common(p)
    p.add_argument("--limit", type=_positive, default=None, help="at most this many documents")
    p.add_argument("--speaker", help="only documents with this speaker")
    p.add_argument("--kind", help="only documents of this kind")
    p.set_defaults(func=list_documents)


def _search_parser(commands) -> None:
    p = commands.add_parser("search", help="find the passages that best match some words")
    _common(p)
    p.add_argument("text", nargs="+", metavar="TEXT", help="words to look for (e.g. a quote)")
    p.add_argument("--limit", type=_positive, default=10, help="at most this many passages (10)")
    p.add_argument("--speaker", help="only passages by this speaker")
    p.add_argument("--fts", action="store_true", help="TEXT is a query expression: SQLite FTS5 syntax, or websearch syntax on PostgreSQL")
    p.set_defaults(func=search)


def _copy_parser(commands) -> None:
    p = commands.add_parser("copy", help="copy an archive to another (SQLite file or PostgreSQL URL)",
                            description="Copy every document of SRC into DEST (created if need be), oldest "
                                        "first; documents DEST has already are skipped, so running it "
                                        "again resumes an interrupted copy.")
    p.add_argument("source", metavar="SRC", help="archive to copy: a database file or postgresql:// URL")
    p.add_argument("destination", metavar="DEST", help="archive to copy into (created if it does not exist)")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    p.set_defaults(func=copy)


def _simple_parser(commands, name, func, help_text, metavar=None, arg_help=None, nargs=None) -> None:
    p = commands.add_parser(name, help=help_text)
    _common(p)
    if metavar:
        p.add_argument("ids", metavar=metavar, help=arg_help, nargs=nargs)
    p.set_defaults(func=func)


def _date_arg(value: str) -> str:
    import argparse

    try:
        from verifier.archive.sources import iso_date
        return iso_date(value, None, "--date")
    except VerifierError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(value: str) -> int:
    import argparse

    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number")
    return int(value)


def _warn_without_speaker(archive: Archive, stored: dict[str, str]) -> None:
    """Say which added documents (id -> path or address) name no speaker, and how to give one,
    and which take theirs from their title (a reading the user may want to correct)."""
    ids = archive.without_speaker(list(stored))
    if ids:
        print(f"verifier: note: {len(ids)} of {len(stored)} documents added name no speaker ({_some(stored, ids)}): "
              f"quotes matched there are judged on weaker evidence; give one with --speaker NAME, a 'speaker:' "
              f"front-matter field, or speaker turns ('NAME: ...') in the text", file=sys.stderr)
    titled = archive.speakers_from_titles(list(stored))
    if titled:
        print(f"verifier: note: {len(titled)} of {len(stored)} documents added take their speaker from their title "
              f"({_some(stored, titled, titled)}); give --speaker NAME where that reading is wrong", file=sys.stderr)


def _some(stored: dict[str, str], ids, speakers: dict[str, str] | None = None) -> str:
    """The first three of ``ids`` by file name (with their speaker, if given), then "..."."""
    names = [(Path(stored[i]).name or stored[i]) + (f": {speakers[i]}" if speakers else "") for i in ids]
    return ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")


def _open(args, create: bool = False) -> Archive:
    from verifier.archive.store import Archive, default_path
    return Archive.open(args.db or default_path(), create=create)


# ----------------------------------------------------------------------------- commands

def add(args) -> int:
    from verifier.archive.sources import iter_source_files
    from verifier.cli.progress import Progress

    overrides = {k: getattr(args, k) for k in ("speaker", "date", "title", "url", "kind", "outlet", "language")
                 if getattr(args, k) is not None}
    counts = {"added": 0, "replaced": 0, "unchanged": 0, "failed": 0}
    stored: dict[str, str] = {}
    files = list(iter_source_files(args.paths))   # directories walked once: counted here, added below
    progress = Progress(len(files), "adding", "files", quiet=args.quiet)

    def on_result(result):
        counts[result.status] += 1
        if result.status != "unchanged":
            stored[result.document_id] = str(result.path)
        if args.format == "json":
            progress.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
        elif not args.quiet:
            progress.write(f"{result.status:9} {result.document_id}  {result.path}  "
                           f"({result.segments} segments, {result.words} words)\n")
        progress.advance()

    def on_error(error):
        counts["failed"] += 1
        progress.error(str(error))
        if args.format == "json":
            progress.write(json.dumps({"path": error.path, "error": error.reason}, ensure_ascii=False) + "\n")
        progress.advance()

    with _open(args, create=True) as archive:
        with progress:
            archive.add_paths(files, fmt=args.source_format, force=args.force,
                              on_result=on_result, on_error=on_error, **overrides)
        _warn_without_speaker(archive, stored)
    if args.format == "text":
        summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n or k == "added")
        print(summary, file=sys.stderr if args.quiet and not counts["failed"] else sys.stdout)
    return 2 if counts["failed"] else 0


def fetch(args) -> int:
    from verifier.archive.fetch.client import FetchConfig, Fetcher, Guard
    from verifier.archive.fetch.web import fetch_source
    from verifier.cli.progress import Progress

    overrides = {k: getattr(args, k) for k in ("speaker", "date", "title", "url", "kind", "outlet", "language")
                 if getattr(args, k) is not None}
    counts = {"added": 0, "replaced": 0, "unchanged": 0, "failed": 0}
    stored: dict[str, str] = {}
    config = FetchConfig.from_env(offline=args.offline, refresh=args.refresh)
    progress = Progress(len(args.urls), "fetching", "URLs", quiet=args.quiet)
    with _open(args, create=True) as archive, Fetcher(config, Guard(allow_private=args.allow_private)) as fetcher:
        with progress:
            for target in args.urls:
                try:
                    source = fetch_source(fetcher, target, overrides, wayback=args.wayback,
                                          auto_wayback=not args.no_wayback, fmt=args.source_format)
                    result = archive.add_document(source.document, force=args.force, path=target)
                except VerifierError as exc:
                    counts["failed"] += 1
                    _fetch_failed(args, target, exc, progress)
                else:
                    counts[result.status] += 1
                    if result.status != "unchanged":
                        stored[result.document_id] = target
                    _fetched(args, result, source, progress)
                progress.advance()
        _warn_without_speaker(archive, stored)
    if args.format == "text":
        summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n or k == "added")
        print(summary, file=sys.stderr if args.quiet and not counts["failed"] else sys.stdout)
    return 2 if counts["failed"] else 0


def _fetched(args, result, source, progress) -> None:
    if args.format == "json":
        progress.write(json.dumps({**result.to_json(), **source.to_json()}, ensure_ascii=False) + "\n")
    elif not args.quiet:
        progress.write(f"{result.status:9} {result.document_id}  {result.path}  "
                       f"({result.segments} segments, {result.words} words; {source.describe()})\n")


def _fetch_failed(args, target: str, exc: VerifierError, progress) -> None:
    message = str(exc) if str(exc).startswith(target) else f"{target}: {exc}"
    progress.error(message)
    if args.format == "json":
        progress.write(json.dumps({"path": target, "error": message[len(target) + 2:]}, ensure_ascii=False) + "\n")


def list_documents(args) -> int:
    with _open(args) as archive:
        docs = archive.documents(limit=args.limit, speaker=args.speaker, kind=args.kind)
    if args.format == "json":
        _print(json.dumps(docs, ensure_ascii=False, indent=1))
        return 0
    rows = [[d["id"], d["date"] or "", d["kind"] or "", _speakers(d), d["title"] or "",
             str(d["segments"]), str(d["words"])] for d in docs]
    _table(["id", "date", "kind", "speaker", "title", "segments", "words"], rows)
    return 0


def search(args) -> int:
    with _open(args) as archive:
        passages = archive.search(" ".join(args.text), limit=args.limit, speaker=args.speaker, raw=args.fts)
    if args.format == "json":
        _print(json.dumps([p.to_json() for p in passages], ensure_ascii=False, indent=1))
        return 0
    if not passages:
        print("no passage found", file=sys.stderr)
    for rank, p in enumerate(passages, 1):
        doc = p.document
        where = ", ".join(x for x in (doc["date"], doc["kind"], p.timecode and f"at {p.timecode}") if x)
        _print(f"{rank}. {p.speaker or 'unknown speaker'} - {doc['title']} ({where}) "
               f"[{doc['id']}, score {p.score:.1f}]")
        _print("   " + " ".join(p.text.split()))
    return 0


def show(args) -> int:
    from verifier.archive.store import timecode
    with _open(args) as archive:
        doc = archive.document(args.ids)
    if args.format == "json":
        _print(json.dumps(doc, ensure_ascii=False, indent=1))
        return 0
    for key in ("id", "title", "speaker", "speakers", "date", "kind", "outlet", "url", "language",
                "format", "source_path", "added", "words"):
        value = ", ".join(doc[key]) if isinstance(doc[key], list) else doc[key]
        if value not in (None, ""):
            _print(f"{key + ':':12} {value}")
    for key, value in doc["metadata"].items():
        _print(f"{key + ':':12} {json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}")
    _print("")
    for seg in doc["segments"]:
        stamp = f"[{timecode(seg['start_time'])}] " if seg["start_time"] is not None else ""
        _print(f"{seg['id']:>6}  {stamp}{seg['speaker'] or '-'}: {' '.join(seg['text'].split())}")
    return 0


def remove(args) -> int:
    removed = []
    with _open(args) as archive:
        for ref in args.ids:
            doc = archive.remove(ref)
            removed.append({"id": doc["id"], "title": doc["title"], "source_path": doc["source_path"]})
            if args.format == "text":
                _print(f"removed {doc['id']}  {doc['title'] or ''}")
    if args.format == "json":
        _print(json.dumps(removed, ensure_ascii=False))
    return 0


def copy(args) -> int:
    from verifier.archive.copy import copy_archive
    from verifier.archive.store import Archive

    def on_document(status, summary):
        if args.format == "text" and status == "copied":
            _print(f"copied    {summary['id']}  {summary['title'] or ''}")

    with Archive.open(args.source) as source, Archive.open(args.destination, create=True) as destination:
        counts = copy_archive(source, destination, on_document)
    if args.format == "json":
        _print(json.dumps(counts))
    else:
        _print(f"{counts['copied']} copied, {counts['present']} there already")
    return 0


def stats(args) -> int:
    with _open(args) as archive:
        info = archive.stats()
    if args.format == "json":
        _print(json.dumps(info, ensure_ascii=False, indent=1))
        return 0
    for key, value in info.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k or '(none)'} {n}" for k, n in value.items()) or "-"
        _print(f"{key + ':':17}{value if value is not None else '-'}")
    return 0


def check(args) -> int:
    with _open(args) as archive:
        problems = archive.check()
    if args.format == "json":
        _print(json.dumps({"ok": not problems, "problems": problems}))
    else:
        for problem in problems:
            _print(problem)
        _print(f"{archive.path}: {'ok' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


# ----------------------------------------------------------------------------- output

def _speakers(doc: dict) -> str:
    speakers = doc.get("speakers") or ([doc["speaker"]] if doc.get("speaker") else [])
    return ", ".join(speakers[:3]) + (f" +{len(speakers) - 3}" if len(speakers) > 3 else "")


def _print(line: str) -> None:
    print(line)


def _table(columns: list[str], rows: list[list[str]]) -> None:
    """A rich table on a terminal, tab-separated lines otherwise."""
    if sys.stdout.isatty():
        from rich.table import Table

        from verifier.report.console import text_console

        table = Table(show_lines=False)
        for name in columns:
            fixed = name in ("id", "date", "segments", "words")
            table.add_column(name, no_wrap=fixed, justify="right" if name in ("segments", "words") else "left")
        for row in rows:
            table.add_row(*row)
        text_console(sys.stdout, soft_wrap=False).print(table)
        return
    print("\t".join(columns))
    for row in rows:
        print("\t".join(" ".join(c.split()) for c in row))
