"""Work shared between forked worker processes and this one: each item is done by whoever is
free first, and the results are taken in the items' order.

``SharedWork(items, remote, here, workers)`` forks ``workers`` processes that take items one at a
time (a shared counter says which is next) and send back ``remote(item)``. This process asks for
the results in order (``ready(i)``, ``result(i)``); while the one it wants is not back yet, it
takes the next untaken item and does it itself with ``here(item)`` instead of waiting — when that
shortens the whole: when the workers' work left (items untaken, at the time an item takes them)
is more than this process's own (results left, at the time it spends on each between asking),
both measured as the work goes. So on a machine with few cores the process that consumes the
results is a worker too whenever the workers are the slow side, and it keeps to its own work when
it is. At most ``window`` items are taken and not yet consumed (memory stays bounded when the
consumer is the slow side). A worker that dies loses nothing: what it had taken is done here.
Needs the "fork" start method (the workers inherit ``items`` and the functions; nothing is pickled
on the way out).
"""
from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import time


class _Failure:
    """An exception raised by the work on one item, raised again when its result is taken."""

    def __init__(self, exc: BaseException):
        self.exc = exc


class SharedWork:
    """Items done by worker processes and by this process, results taken in order (see module)."""

    def __init__(self, items: list, remote, here, workers: int, window: int, niceness: int = 0):
        ctx = multiprocessing.get_context("fork")
        self.items, self.remote, self.here, self.niceness = items, remote, here, niceness
        self.next = ctx.Value("q", 0)                  # the first item nobody has taken
        self.slots = ctx.Semaphore(window)             # taken and not yet consumed
        self.taking = ctx.Array("q", [-1] * workers)   # the item each worker is doing
        self.done: dict[int, object] = {}              # results not yet taken
        self.received: set[int] = set()                # every item whose result came back
        self.item_seconds = 0.0                        # how long an item takes (moving average)
        self.consumer_seconds = 0.0                    # the consumer's own time per result (likewise)
        self._handed_back: float | None = None         # when the consumer last got a result
        self._helped = 0.0                             # ... and its time on items since then
        self.workers = []                              # (number, process, reader) still running
        for number in range(workers):
            reader, writer = ctx.Pipe(duplex=False)
            process = ctx.Process(target=self._serve, args=(number, writer), daemon=True)
            process.start()
            writer.close()
            self.workers.append((number, process, reader))

    # ------------------------------------------------------------------------- this process

    def ready(self, index: int) -> bool:
        """Whether item ``index``'s result can be taken now; items still untaken are done here
        meanwhile (so this may take a while, but never waits on a worker)."""
        if index in self.done:
            return True
        self._collect(timeout=0)
        while index not in self.done:
            if not self._worth_doing_here(index) or not self._do_one_here():
                return False
            self._collect(timeout=0)
        return True

    def _worth_doing_here(self, index: int) -> bool:
        """Whether doing an item here would shorten the whole: the workers' work left exceeds
        this process's (see the module); always when no worker is left."""
        if not self.workers or not self.item_seconds:   # nothing known yet: help
            return True
        untaken = len(self.items) - self.next.value
        return untaken * self.item_seconds / len(self.workers) > (len(self.items) - index) * self.consumer_seconds

    def wait(self, index: int, timeout: float) -> bool:
        """``ready``, then waiting at most ``timeout`` seconds for a worker to send it."""
        deadline = time.monotonic() + timeout
        while not self.ready(index) and self.workers:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._collect(left)
        return index in self.done

    def result(self, index: int):
        """Item ``index``'s result (its exception raised again), done here or waited for."""
        if self._handed_back is not None:   # the consumer's own time since the last result
            own = time.perf_counter() - self._handed_back - self._helped   # not the items it did
            self.consumer_seconds = _average(self.consumer_seconds, max(own, 0.0))
            self._handed_back = None
        while not self.ready(index):
            if not self.workers:
                raise RuntimeError(f"item {index} was taken but never done")
            self._collect(timeout=None)
        outcome = self.done.pop(index)
        self.slots.release()
        self._handed_back, self._helped = time.perf_counter(), 0.0
        if isinstance(outcome, _Failure):
            raise outcome.exc
        return outcome

    def close(self) -> None:
        """Stop the workers (whatever they are doing) and wait for them."""
        for _, process, _ in self.workers:
            process.kill()
        for _, process, reader in self.workers:
            process.join()
            reader.close()
        self.workers = []

    def _do_one_here(self) -> bool:
        """Take the next untaken item and do it here; False when none is left or the window is full."""
        if not self.slots.acquire(block=False):
            return False
        index = self._take()
        if index is None:
            self.slots.release()
            return False
        start = time.perf_counter()
        self._keep(index, _attempt(self.here, self.items[index]))
        seconds = time.perf_counter() - start
        self.item_seconds = _average(self.item_seconds, seconds)
        self._helped += seconds
        return True

    def _keep(self, index: int, outcome) -> None:
        self.done[index] = outcome
        self.received.add(index)

    def _collect(self, timeout: float | None) -> None:
        """Results the workers have sent (waiting up to ``timeout`` for the first), and the
        items of any worker that ended without sending them, done here."""
        while self.workers:
            if timeout == 0:   # a look without waiting: each pipe polled (a worker's end shows there too)
                ready = [r for *_, r in self.workers if r.poll()]
            else:
                ready = multiprocessing.connection.wait(
                    [r for *_, r in self.workers] + [p.sentinel for _, p, _ in self.workers], timeout)
            if not ready:
                return
            for worker in list(self.workers):
                _, process, reader = worker
                if reader in ready and self._receive(reader):
                    continue
                if reader in ready or process.sentinel in ready:
                    self._ended(worker)
            timeout = 0

    def _receive(self, reader) -> bool:
        """One result from ``reader``; False at its end (the worker closed it or died)."""
        try:
            index, outcome, seconds = pickle.loads(reader.recv_bytes())
        except (EOFError, OSError):
            return False
        self._keep(index, outcome)
        self.item_seconds = _average(self.item_seconds, seconds)
        return True

    def _ended(self, worker) -> None:
        """A worker has ended (its work ran out, or it died): what it sent before is kept, and
        the item it had taken and not sent is done here."""
        number, process, reader = worker
        while reader.poll() and self._receive(reader):
            pass
        process.join()
        reader.close()
        self.workers.remove(worker)
        lost = self.taking[number]
        if lost >= 0 and lost not in self.received:
            self._keep(lost, _attempt(self.here, self.items[lost]))

    # ------------------------------------------------------------------------- a worker

    def _take(self) -> int | None:
        with self.next.get_lock():
            index = self.next.value
            if index >= len(self.items):
                return None
            self.next.value = index + 1
            return index

    def _serve(self, number: int, writer) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.nice(self.niceness)
        parent = os.getppid()
        while True:
            if not self.slots.acquire(timeout=1.0):
                if os.getppid() != parent:   # the consumer is gone: nobody will free a slot
                    break
                continue
            index = self._take()
            if index is None:
                self.slots.release()
                break
            self.taking[number] = index
            start = time.perf_counter()
            outcome = _attempt(self.remote, self.items[index])
            seconds = time.perf_counter() - start
            try:
                message = pickle.dumps((index, outcome, seconds), pickle.HIGHEST_PROTOCOL)
            except Exception as exc:   # an exception that does not pickle
                message = pickle.dumps((index, _Failure(RuntimeError(repr(exc))), seconds))
            writer.send_bytes(message)
        writer.close()


def _average(average: float, sample: float) -> float:
    """A moving average that follows the recent samples (the first one taken as it is)."""
    return sample if not average else 0.8 * average + 0.2 * sample


def _attempt(fn, item):
    try:
        return fn(item)
    except Exception as exc:
        return _Failure(exc)
