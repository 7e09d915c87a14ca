"""`verifier serve --workers N`: checks run in N processes sharing the archive (#14)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_serve_browser import FIXTURES, free_port, stop_desk  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.bench_serve import checking_pids, cpu_seconds  # noqa: E402  (/proc readers that survive a process ending)

ARTICLE = (FIXTURES / "articles" / "estmark-energy.md").read_text(encoding="utf-8")


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(x) for x in out.stdout.split()]


def start(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "VERIFIER_CACHE": str(tmp_path / "cache")}
    env.pop("VERIFIER_TOKEN", None)
    db = tmp_path / "desk.db"
    subprocess.run([sys.executable, "-m", "verifier", "archive", "add", "--db", str(db), str(FIXTURES / "archive")],
                   check=True, capture_output=True, env=env, cwd=tmp_path, timeout=60)
    port = free_port()
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "verifier", "serve", "--archive", str(db), "--port", str(port),
                             *extra], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    import time
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail((tmp_path / "serve.log").read_text()[-2000:], pytrace=False)
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.1)
    stop_desk(proc)
    pytest.fail("the desk did not start", pytrace=False)


def post_check(base: str) -> dict:
    request = urllib.request.Request(base + "/api/check", data=json.dumps({"text": ARTICLE, "format": "md"}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.loads(r.read())


def test_two_workers_answer_every_check_alike(tmp_path):
    proc, base = start(tmp_path, "--workers", "2")
    try:
        kids = children(proc.pid)
        assert len(kids) >= 2   # uvicorn's worker processes (and its supervisor's helpers)
        with ThreadPoolExecutor(6) as pool:
            records = list(pool.map(lambda _: post_check(base), range(12)))
        verdicts = {tuple(q["verdict"] for q in r["quotes"]) for r in records}
        assert len(verdicts) == 1 and "misquote" in next(iter(verdicts))
    finally:
        stop_desk(proc)
    assert proc.returncode is not None
    assert all(_gone(k) for k in kids)   # the workers stop with the server


def _gone(pid: int) -> bool:
    import time
    for _ in range(50):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.1)
    return False


def test_starting_the_checkers_starts_every_process_before_the_first_check(tmp_path):
    from verifier.archive.store import Archive
    from verifier.web.checkers import Checkers

    db = tmp_path / "desk.db"
    with Archive.open(str(db), create=True) as archive:
        archive.add_paths([str(FIXTURES / "archive")])
    checkers = Checkers(str(db), {}, 3)
    try:
        pids = checkers.start()
        assert len(pids) == 3 and os.getpid() not in pids   # each process answered one of them
        result = checkers.check(ARTICLE.encode("utf-8"), "estmark-energy.md", "md")
        assert result.digest and result.stored_format == "md"
        assert {q.judgement.verdict for q in result.checked} >= {"verified", "misquote"}
    finally:
        checkers.close()


def test_one_worker_serves_in_its_own_process(tmp_path):
    proc, base = start(tmp_path, "--workers", "1")
    try:
        assert children(proc.pid) == []
        assert post_check(base)["quotes"]
    finally:
        stop_desk(proc)


@pytest.mark.parametrize("value", ["0", "x", "65"])
def test_a_bad_number_of_workers_is_a_one_line_error(value):
    out = subprocess.run([sys.executable, "-m", "verifier", "serve", "--workers", value], capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 2 and "workers" in out.stderr.splitlines()[-1]


def _settled_checkers(pid: int, n: int) -> dict[int, float]:
    """The CPU seconds of the desk's ``n`` checking processes once they have all started and none
    uses CPU any more (their warm-up done), so that a rise afterwards is a check's."""
    import time
    deadline, before = time.monotonic() + 30, None
    while time.monotonic() < deadline:
        now = {p: _cpu_seconds(p) for p in checking_pids(pid)}
        if len(now) == n and now == before:
            return now
        before = now
        time.sleep(0.3)
    raise AssertionError(f"the desk's {n} checking processes did not settle: {before}")


def _cpu_seconds(pid: int) -> float:
    """A process's CPU seconds (0 once it has gone)."""
    return sum(cpu_seconds(pid) or (0.0, 0.0))


def test_concurrent_checks_keep_every_checking_process_busy(tmp_path):
    """Checks wait in one queue for whichever process is free: with clients on a few kept-alive
    connections, every process still checks (uvicorn's workers each took whole connections, and
    one of two could get them all)."""
    proc, base = start(tmp_path, "--workers", "2")
    try:
        checkers = checking_pids(proc.pid)
        assert len(checkers) == 2
        before = {p: _cpu_seconds(p) for p in checkers}
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda _: post_check(base), range(16)))
        used = [_cpu_seconds(p) - before[p] for p in checkers]
        assert min(used) > 0.25 * max(used) > 0, used
    finally:
        stop_desk(proc)


def test_a_checking_process_that_dies_costs_only_its_check(tmp_path):
    import signal
    import threading
    import time
    import urllib.error

    proc, base = start(tmp_path, "--workers", "2")
    try:
        outcome = {}

        def slow_check():
            text = ARTICLE * 40   # long enough to be killed while it is checked
            request = urllib.request.Request(base + "/api/check", data=json.dumps({"text": text, "format": "md"}).encode(),
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=60) as r:
                    outcome["status"] = r.status
            except urllib.error.HTTPError as exc:
                outcome["status"], outcome["body"] = exc.code, json.loads(exc.read())

        idle = _settled_checkers(proc.pid, 2)   # warmed up: only the check will use CPU now
        worker = threading.Thread(target=slow_check)
        worker.start()
        deadline = time.monotonic() + 20
        busy = None
        while busy is None and time.monotonic() < deadline:   # the process that took the check
            time.sleep(0.05)
            busy = next((p for p in idle if _cpu_seconds(p) - idle[p] > 0.3), None)
        assert busy is not None
        os.kill(busy, signal.SIGKILL)
        worker.join(60)
        assert outcome["status"] >= 400 and "\n" not in outcome["body"]["error"]
        assert post_check(base)["quotes"]           # the next check is answered
        deadline = time.monotonic() + 20
        while len(checking_pids(proc.pid)) != 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(checking_pids(proc.pid)) == 2        # and both processes are back
    finally:
        stop_desk(proc)
