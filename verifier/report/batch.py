"""Checking a list of article paths against an archive, in this process or in worker processes.

`check_paths` yields one (ArticleResult, rendering) per path, in input order, whether the
articles are checked here (one job, or one article) or in a pool of worker processes that each
open the archive themselves (no SQLite connection crosses into a worker). An article that fails
is reported as an error for its file only; so is one whose worker process dies (a crash, the
out-of-memory killer): it is checked again alone, and a new pool takes the rest. Standard input
("-") is read in the calling process. With `Options.render` ("text" or "json") each result is
rendered where it is checked and only the rendering and the verdicts travel back.
"""
from __future__ import annotations

import io
import json
import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from verifier.archive.store import Archive
from verifier.article.load import load_article, publication_date
from verifier.budget import budget
from verifier.verify.check import ArticleResult, check_article
from verifier.config import Suppression, apply_suppressions
from verifier.errors import InputError, VerifierError
from verifier.report.console import text_console
from verifier.report.text import check_text
from verifier.quotes.speakers import SpeakerMatcher


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
    verbose: bool = False  # "text": verified quotes in full, not one line each


def check_paths(paths: list[str], options: Options, jobs: int, archive: Archive | None = None):
    """(ArticleResult, rendering) for each path, in order: in this process with ``jobs`` 1 (or a
    single article), else in a pool of ``jobs`` worker processes. Standard input is read here.
    With ``options.render`` the result keeps only its verdicts and the rendering is the report's
    text for it; else the rendering is None. ``archive``, if given, is the open ``options.db``,
    used in this process; it is closed before any worker starts."""
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
            return _light(result), json.dumps(result.record(), ensure_ascii=False) + "\n"
        if result.error is not None:
            return result, ""
        if self.console is None:
            self.console = text_console(io.StringIO(), **self.options.console)
        buffer = self.console.file
        buffer.seek(0)
        buffer.truncate()
        for line in check_text(result, self.console, self.options.verbose):
            self.console.print(line)
        return _light(result), buffer.getvalue()

    def check(self, task) -> ArticleResult:
        path, article = task
        o = self.options
        try:
            with budget(path):
                if article is None:
                    article = load_article(path, o.input_format)
                by_name = not (article.date or o.date)   # then a date is its file name's
                article.date = publication_date(article, o.date)
                checked = check_article(article, self.archive, self.matcher, double_apostrophes=o.double_apostrophes)
            apply_suppressions(article, checked, o.suppressions)
            return ArticleResult(path, article, checked, dated_by_name=by_name and article.date is not None)
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
    from verifier.verify.check import CheckedQuote

    light = ArticleResult(result.path, error=result.error)
    light.checked = [CheckedQuote(None, c.judgement.__class__(c.judgement.verdict, c.judgement.score), c.suppressed)
                     for c in result.checked]
    return light
