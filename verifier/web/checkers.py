"""Checks in worker processes, for a desk on a machine with several cores (`verifier serve
--workers N`, N > 1).

A check is CPU-bound Python: the threads of one process share one core. ``Checkers`` keeps a pool
of N processes, each with its own connection to the archive (which a check only reads); the desk's
own process keeps HTTP, the pages and the reviews, and hands each check to the pool. Checks wait
in one queue, so whichever process is free takes the next — no process idles while another has
checks waiting, however the clients' connections fall. The processes are started with "spawn"
(the desk's process runs threads; forking it could copy a lock held by one of them), once, before
the first check needs them. A check's errors (an unreadable article, a spent CPU budget) come back
as they are raised; a process that dies (out of memory, killed) costs the check it was running a
one-line error, and the pool is started again for the next.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import signal
import threading
from concurrent.futures.process import BrokenProcessPool

from verifier.errors import VerifierError

READY_TIMEOUT_S = 120   # how long a started process waits for the others before it answers anyway


class Checkers:
    """A pool of ``processes`` checking articles against the archive ``db``."""

    def __init__(self, db: str, aliases: dict, processes: int):
        self.db, self.aliases, self.processes = db, dict(aliases), processes
        self._lock = threading.Lock()
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._closed = False

    def start(self) -> set[int]:
        """Start every process now (each imports the checking code and opens the archive: about a
        second), so that the first checks do not wait for it; their process ids."""
        pool = self._executor()
        return {future.result() for future in [pool.submit(_ready) for _ in range(self.processes)]}

    def check(self, data: bytes, name: str, fmt: str | None):
        """``service.check_bytes`` of the article in a worker process (this thread waits)."""
        pool = self._executor()
        try:
            return pool.submit(_check, data, name, fmt).result()
        except BrokenProcessPool:
            self._discard(pool)
            raise VerifierError("the check stopped: the process running it ended "
                                "(out of memory, or killed); try again") from None

    def close(self) -> None:
        """Stop the processes at once, checks under way or not."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            _stop(pool)

    def _executor(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise VerifierError("the desk is stopping")
            if self._pool is None:
                context = multiprocessing.get_context("spawn")
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    self.processes, mp_context=context, initializer=_start_worker,
                    initargs=(self.db, self.aliases, context.Barrier(self.processes)))
            return self._pool

    def _discard(self, pool) -> None:
        """Stop a broken pool and start its successor's processes, away from the request."""
        with self._lock:
            if self._pool is not pool:
                return
            self._pool = None
        _stop(pool)
        threading.Thread(target=self._restart, daemon=True).start()

    def _restart(self) -> None:
        try:
            self.start()
        except Exception:   # closed meanwhile, or cannot start: the next check says why
            pass


def _stop(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:   # a check under way is not waited for
        if process.is_alive():
            process.terminate()


# ----------------------------------------------------------------------------- in a worker

_worker = None   # (archive, speaker matcher, the barrier every process meets once started, check_bytes)


def _start_worker(db: str, aliases: dict, started) -> None:
    global _worker
    # Ctrl-C reaches the whole process group: the desk's process stops the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from verifier.archive.store import Archive
    from verifier.quotes.speakers import SpeakerMatcher
    from verifier.web.service import check_bytes   # the checking code, loaded before the first check

    _worker = Archive.open(db, create=True), SpeakerMatcher(aliases), started, check_bytes


def _ready() -> int:
    """Waits until every process of the pool has started (so each takes one of ``start``'s calls)."""
    try:
        _worker[2].wait(timeout=READY_TIMEOUT_S)
    except threading.BrokenBarrierError:   # another process did not start in time: answer anyway
        pass
    return os.getpid()


def _check(data: bytes, name: str, fmt: str | None):
    archive, matcher, _, check_bytes = _worker
    return check_bytes(data, name, fmt, archive, matcher)
