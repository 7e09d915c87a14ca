"""A CPU budget per input: no article can hold a process (or a desk worker) without bound.

``with budget(path):`` gives the work on one input (reading, extracting, checking) at most
``VERIFIER_CPU_BUDGET`` seconds of its thread's CPU (default ``DEFAULT_SECONDS``); the stages call
``spend()`` between units of work (one quote), which raises ``OverBudget`` — an ``InputError``
naming the input — once the budget is spent. The budget is per thread, so the desk's worker
threads each have their own; outside ``budget`` ``spend()`` costs a lookup and does nothing.
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager

from verifier.errors import InputError, VerifierError

DEFAULT_SECONDS = 5.0
ENV = "VERIFIER_CPU_BUDGET"

_local = threading.local()


class OverBudget(InputError):
    """An input that took more CPU than its budget."""


def budget_seconds() -> float:
    """``VERIFIER_CPU_BUDGET`` in seconds (0 or less: no budget), else DEFAULT_SECONDS."""
    value = os.environ.get(ENV, "").strip()
    if not value:
        return DEFAULT_SECONDS
    try:
        return float(value)
    except ValueError:
        raise VerifierError(f"{ENV}={value!r} is not a number of seconds") from None


@contextmanager
def budget(path: str, seconds: float | None = None):
    """Work on ``path`` with at most ``seconds`` (default ``budget_seconds()``) of this thread's CPU."""
    seconds = budget_seconds() if seconds is None else seconds
    outer = getattr(_local, "state", None)
    _local.state = (time.thread_time() + seconds, path, seconds) if seconds > 0 else None
    try:
        yield
    finally:
        _local.state = outer


def spend() -> None:
    """Raise OverBudget if the current input has used up its budget."""
    state = getattr(_local, "state", None)
    if state is not None and time.thread_time() > state[0]:
        _local.state = None   # one error per input: the handlers' own work is not cut short
        raise OverBudget(state[1], f"took more than {state[2]:g} s of CPU, the budget for one input "
                                   f"(set {ENV} to change it)")
