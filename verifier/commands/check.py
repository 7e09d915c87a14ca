"""`verifier check` — verify every quote of every article against the archive.

Settings come from the command line, then the configuration file (``verifier.config``), then the
defaults. Articles are checked in worker processes (``--jobs``, default: one per core), each
opening the archive itself; the results come back as data and are reported in input order.
"""
from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from verifier.archive import Archive
from verifier.article import load_article
from verifier.check import FAIL_LEVELS, ArticleResult, check_article, fails, open_archive
from verifier.commands.articles import add_arguments
from verifier.config import Suppression, apply_suppressions, settings
from verifier.errors import InputError, VerifierError
from verifier.formats import available, render
from verifier.inputs import expand_paths
from verifier.report import check_text, error_record, write_json_line
from verifier.speakers import SpeakerMatcher


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
    parser.add_argument("--date", help="the articles' publication date (YYYY-MM-DD) when they do not say")
    parser.add_argument("--jobs", "-j", type=_positive_int, default=None, metavar="N",
                        help="check in N worker processes (default: the number of cores; 1: no workers)")
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


@dataclass
class Options:
    """What checking one article needs besides the article; sent to each worker once."""

    db: str
    input_format: str | None = None
    double_apostrophes: bool = False
    aliases: dict = field(default_factory=dict)
    date: str | None = None
    suppressions: list[Suppression] = field(default_factory=list)
    # "text" or "json": each result is rendered where it is checked (in parallel) and only the
    # rendering and the verdicts travel back; None: the whole ArticleResult does.
    render: str | None = None
    console: dict = field(default_factory=dict)  # the rich Console settings for "text"


def run(args) -> int:
    s = settings(args)
    archive = open_archive(s.archive)
    out = _output(args.output)
    console = _console(out) if s.format == "text" else None
    streaming = s.format in ("text", "json") and not (console is not None and console.legacy_windows)
    options = Options(archive.path, args.input_format, s.double_apostrophes, s.aliases, args.date,
                      s.suppressions(), render=s.format if streaming else None,
                      console=_console_settings(console) if console is not None else {})
    paths = expand_paths(args.paths, filters=s.filters())
    kept: list[ArticleResult] = []  # every result for the other formats; verdicts only when streaming
    failed = failing = False
    for result, rendered in check_paths(paths, options, s.jobs, archive):
        if result.error is not None:
            failed = True
            print(f"verifier: {result.path}: {result.error}", file=sys.stderr)
        failing = failing or any(fails(c.judgement.verdict, s.fail_on) for c in result.checked
                                 if c.suppressed is None)
        if rendered:
            out.write(rendered)
        elif s.format == "json":
            write_json_line(result.record() if result.error is None else error_record(result.path, result.error), out)
        elif console is not None and result.error is None:
            for line in check_text(result.path, result.checked, result.summary):
                console.print(line)
        kept.append(result)
    if console is not None and len(paths) > 1:
        console.print(_totals(kept), style="bold", highlight=False)
    if s.format not in ("text", "json"):
        out.write(render(s.format, kept, {"archive": archive.path, "fail_on": s.fail_on}))
    out.flush()
    return 2 if failed else int(failing)


def check_paths(paths: list[str], options: Options, jobs: int, archive: Archive | None = None):
    """(ArticleResult, rendering) for each path, in order: in this process with ``jobs`` 1 (or a
    single article), else in a pool of ``jobs`` worker processes. Standard input is read here.
    With ``options.render`` the result keeps only its verdicts and the rendering is the report's
    text for it; else the rendering is None."""
    tasks: list = []
    for path in paths:
        if path == "-":
            try:
                tasks.append((path, load_article(path, options.input_format)))
            except InputError as exc:
                tasks.append(ArticleResult(path, error=exc.reason))  # rendered below
        else:
            tasks.append((path, None))
    work = sum(1 for t in tasks if not isinstance(t, ArticleResult))
    jobs = max(1, min(jobs, work))
    if jobs == 1:
        checker = _Checker(options, archive)
        for task in tasks:
            yield checker.finish(task) if isinstance(task, ArticleResult) else checker.run(task)
        return
    if archive is not None:
        archive.close()  # no SQLite connection may cross into a worker
    yield from _pooled(tasks, options, jobs)


def _pooled(tasks: list, options: Options, jobs: int):
    """Results in input order from a pool of ``jobs`` workers. If a worker process dies (a crash,
    the out-of-memory killer), the pool is lost: the first unfinished article is then checked again
    alone, so that only the one that kills its worker is reported as failed, and a new pool takes
    the rest."""
    local = _Checker(options, archive=False)  # renders what never reaches a worker
    done = 0
    while done < len(tasks):
        broken = None
        pool = _pool(jobs, options)
        try:
            futures = [t if isinstance(t, ArticleResult) else pool.submit(_run_in_worker, t)
                       for t in tasks[done:]]
            for future in futures:
                if isinstance(future, ArticleResult):
                    outcome = local.finish(future)
                else:
                    outcome = _outcome(future, tasks[done], local)
                if outcome is None:
                    broken = tasks[done]
                    break
                yield outcome
                done += 1
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if broken is not None:
            yield _alone(broken, options, local)
            done += 1


def _pool(jobs: int, options: Options) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_init_worker,
                               initargs=(options,))


def _outcome(future, task, local: "_Checker"):
    """The future's (result, rendering); None when the pool broke."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None
    except Exception as exc:  # e.g. a result that could not be sent back
        return local.finish(ArticleResult(task[0], error=f"could not be checked ({type(exc).__name__}: {exc})"))


def _alone(task, options: Options, local: "_Checker"):
    pool = _pool(1, options)
    try:
        return _outcome(pool.submit(_run_in_worker, task), task, local) or local.finish(
            ArticleResult(task[0], error="the worker process checking it stopped unexpectedly"))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _context():
    """fork where it is safe and cheap (Linux: workers start with everything imported), else the
    platform's default (spawn on macOS and Windows)."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class _Checker:
    """Checks one article at a time with its own archive connection and speaker matcher, and
    renders the result when the options say so. ``archive=False``: only for ``finish``."""

    def __init__(self, options: Options, archive: Archive | None | bool = None):
        self.options = options
        self.archive = archive if archive is not None else Archive.open(options.db)
        self.matcher = SpeakerMatcher(options.aliases)
        self.console = None

    def run(self, task):
        return self.finish(self.check(task))

    def finish(self, result: ArticleResult):
        """(result, rendering): with ``options.render``, the report's text for the result and
        the result reduced to its verdicts; else (result, None)."""
        how = self.options.render
        if how is None:
            return result, None
        if how == "json":
            rec = result.record() if result.error is None else error_record(result.path, result.error)
            return _light(result), json.dumps(rec, ensure_ascii=False) + "\n"
        if result.error is not None:
            return result, ""
        if self.console is None:
            self.console = _console(io.StringIO(), **self.options.console)
        buffer = self.console.file
        buffer.seek(0)
        buffer.truncate()
        for line in check_text(result.path, result.checked, result.summary):
            self.console.print(line)
        return _light(result), buffer.getvalue()

    def check(self, task) -> ArticleResult:
        path, article = task
        o = self.options
        try:
            if article is None:
                article = load_article(path, o.input_format)
            article.date = article.date or o.date
            checked = check_article(article, self.archive, self.matcher, double_apostrophes=o.double_apostrophes)
            apply_suppressions(article, checked, o.suppressions)
            return ArticleResult(path, article, checked)
        except InputError as exc:
            return ArticleResult(path, error=exc.reason)
        except VerifierError as exc:
            return ArticleResult(path, error=str(exc))
        except RecursionError:
            return ArticleResult(path, error="too deeply nested to check")
        except Exception as exc:  # one article's bug must not stop the others
            return ArticleResult(path, error=f"could not be checked ({type(exc).__name__}: {exc})")


_worker: _Checker | None = None


def _init_worker(options: Options) -> None:
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _worker = _Checker(options)


def _run_in_worker(task):
    return _worker.run(task)


def _light(result: ArticleResult) -> ArticleResult:
    """What the totals need of a result already printed: its verdicts, not its texts."""
    from verifier.check import CheckedQuote

    light = ArticleResult(result.path, error=result.error)
    light.checked = [CheckedQuote(None, c.judgement.__class__(c.judgement.verdict, c.judgement.score), c.suppressed)
                     for c in result.checked]
    return light


def _totals(results: list[ArticleResult]) -> str:
    totals: dict[str, int] = {}
    suppressed = 0
    for r in results:
        for verdict, n in r.summary.items():
            totals[verdict] = totals.get(verdict, 0) + n
        suppressed += sum(c.suppressed is not None for c in r.checked)
    line = f"total: {len(results)} files, " + ", ".join(f"{n} {v}" for v, n in totals.items())
    return line + (f" ({suppressed} suppressed)" if suppressed else "")


def _output(path: str | None):
    if not path or path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise VerifierError(f"{path}: cannot write the report ({exc.strerror})") from None


def _console(out, **settings):
    from rich.console import Console

    return Console(file=out, highlight=False, soft_wrap=True, **settings)


def _console_settings(console) -> dict:
    """What a console writing elsewhere needs to render exactly as ``console`` would."""
    return {"color_system": console.color_system, "force_terminal": console.is_terminal,
            "width": console.width, "legacy_windows": False}
