"""SharedWork: items done by forked workers and by the consuming process, results in order."""
import os
import time

import pytest

from verifier.archive.sharedwork import SharedWork

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs the fork start method")


def _pid_and_square(n):
    return os.getpid(), n * n


def test_every_item_once_in_order_by_workers_and_by_this_process():
    items = list(range(60))

    def slow(n):   # as slow here as in the worker: both get a share
        time.sleep(0.01)
        return _pid_and_square(n)

    work = SharedWork(items, slow, slow, workers=1, window=8)
    try:
        results = [work.result(i) for i in items]
    finally:
        work.close()
    assert [square for _, square in results] == [n * n for n in items]
    doers = {pid for pid, _ in results}
    assert os.getpid() in doers and len(doers) == 2      # both this process and the worker


def test_at_most_window_items_are_taken_ahead_of_the_consumer():
    work = SharedWork(list(range(40)), _pid_and_square, _pid_and_square, workers=2, window=5)
    try:
        for i in range(40):
            time.sleep(0.005)                 # a slow consumer
            work._collect(timeout=0)
            assert len(work.done) <= 5
            assert work.result(i)[1] == i * i
    finally:
        work.close()


def test_a_worker_that_dies_loses_nothing():
    def dies_on_seven(n):
        if n == 7:
            os._exit(3)                       # killed mid-item, sends nothing
        return _pid_and_square(n)

    work = SharedWork(list(range(20)), dies_on_seven, _pid_and_square, workers=1, window=4)
    try:
        results = [work.result(i) for i in range(20)]
    finally:
        work.close()
    assert [square for _, square in results] == [n * n for n in range(20)]
    assert results[7][0] == os.getpid()       # done again here


def test_an_exception_is_raised_for_its_own_item_only():
    def fails_on_three(n):
        if n == 3:
            raise ValueError("three")
        return n

    work = SharedWork(list(range(6)), fails_on_three, fails_on_three, workers=1, window=4)
    try:
        assert [work.result(i) for i in range(3)] == [0, 1, 2]
        with pytest.raises(ValueError, match="three"):
            work.result(3)
        assert [work.result(i) for i in (4, 5)] == [4, 5]
    finally:
        work.close()


def test_wait_does_work_here_instead_of_waiting():
    def never_quick(n):
        time.sleep(5)
        return n

    work = SharedWork(list(range(3)), never_quick, lambda n: n, workers=1, window=4)
    try:
        time.sleep(0.2)                       # the worker has taken item 0 and sleeps
        start = time.monotonic()
        assert work.wait(1, timeout=0.1)      # item 1 is done here at once
        assert work.wait(0, timeout=0.1) is False
        assert time.monotonic() - start < 1
    finally:
        work.close()                          # stops the sleeping worker at once


def test_this_process_helps_only_when_the_workers_are_the_slow_side():
    """Doing an item here delays the consumer's own work: worth it when the workers have more
    work left than the consumer, not when the consumer is the slow side."""
    def fast(n):
        return _pid_and_square(n)

    def slow(n):
        time.sleep(0.005)
        return _pid_and_square(n)

    def share_done_here(remote, here, consumer_sleep):
        work = SharedWork(list(range(80)), remote, here, workers=1, window=8)
        try:
            results = []
            for i in range(80):
                results.append(work.result(i))
                time.sleep(consumer_sleep)       # the consumer's own work on each result
        finally:
            work.close()
        return sum(pid == os.getpid() for pid, _ in results) / 80

    assert share_done_here(fast, fast, consumer_sleep=0.005) < 0.15    # the consumer is the slow side
    assert share_done_here(slow, slow, consumer_sleep=0.0) > 0.3       # the worker is


def test_every_verifier_error_survives_the_trip_between_processes():
    """A worker's error is raised again in the process that asked, whatever its __init__ takes."""
    import pickle

    from verifier.archive.fetch.client import FetchError, Gone
    from verifier.errors import InputError, VerifierError

    for error in (InputError("a.txt", "binary file, not text"), FetchError("https://x.example/", "refused", "try later"),
                  Gone("https://x.example/", 410), VerifierError("the archive is locked")):
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error) and vars(again) == vars(error)
