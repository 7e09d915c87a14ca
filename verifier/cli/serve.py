"""`verifier serve` — the copy desk in a browser, and a JSON API for newsroom tools.

Binds to 127.0.0.1 unless ``--host`` says otherwise; bound to any other address it needs an access
token in ``$VERIFIER_TOKEN`` and refuses to start without one.
"""
from __future__ import annotations

import os
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "serve", help="run the copy desk: check articles and review quotes in a browser",
        description="Serve the copy desk (pages and a JSON API) for an archive. Bound to 127.0.0.1 by "
                    "default; any other address needs an access token in $VERIFIER_TOKEN.")
    parser.add_argument("--archive", metavar="DB",
                        help="archive database, created if missing, or a directory of source files "
                             "(default: $VERIFIER_ARCHIVE, then ./verifier.db)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind to (default: 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port (default: 8000)")
    parser.add_argument("--max-body", type=_size, default=None, metavar="BYTES",
                        help="largest request accepted, in bytes (default: 10000000)")
    parser.add_argument("--workers", type=_workers, default=None, metavar="N",
                        help="worker processes that run checks (default: one per CPU core)")
    parser.add_argument("--alias", action="append", default=[], metavar="NAME=PERSON",
                        help="another name of a speaker, e.g. 'the chancellor=Angela Merkel' (repeatable)")
    parser.set_defaults(func=run)


def _port(value: str) -> int:
    import argparse

    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number")
    return int(value)


def _workers(value: str) -> int:
    import argparse

    if not value.isdigit() or not 1 <= int(value) <= 64:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of workers from 1 to 64")
    return int(value)


def _size(value: str) -> int:
    import argparse

    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive number of bytes")
    return int(value)


def run(args) -> int:
    from verifier.config import parse_aliases
    from verifier.web.app import DEFAULT_MAX_BODY, TOKEN_ENV, ServeConfig

    from verifier.archive.store import default_path

    location = db = args.archive or default_path()
    if os.path.isdir(location):
        from verifier.cli.progress import open_archive

        with open_archive(location) as archive:  # indexes the directory into the cache
            db = archive.path
    workers = args.workers or os.cpu_count() or 1
    config = ServeConfig(archive=db, host=args.host, port=args.port,
                         token=os.environ.get(TOKEN_ENV) or None,
                         max_body=args.max_body or DEFAULT_MAX_BODY, aliases=parse_aliases(args.alias),
                         archive_label=location, checkers=workers)
    from verifier.web.serve import serve

    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"verifier: the desk for {location} is at http://{shown}:{args.port}/"
          + (" (access token required)" if config.token else "")
          + (f", {workers} workers" if workers > 1 else ""), file=sys.stderr)
    serve(config)
    return 0
