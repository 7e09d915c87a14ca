"""Load-test `verifier serve`: concurrent clients posting one article to ``POST /api/check``.

    python benchmarks/bench_serve.py [--clients 20] [--seconds 30] [--words 1000000]
                                     [--article-words 1000] [--quotes 8] [--keep DIR] [--seed 7]

The acceptance test of the issue: "a loopback load test of 20 concurrent clients posting a
1,000-word article for 30 seconds against an archive of 1M words — there are no errors and the
95th-percentile response time is reported".

1. The archive: the synthetic transcripts of ``bench_archive.write_corpus`` (``--words`` words)
   plus the fictional originals in ``fixtures/archive``, added with ``Archive.add_paths``, in a
   temporary directory — or, with ``--keep DIR``, kept there and reused on the next run.
2. The article: about ``--article-words`` words of fictional news prose around ``--quotes``
   quotes drawn from the archive's segments (two from the fixtures, the rest from the synthetic
   transcripts), attributed to the segments' speakers in news style (“…,” Name said.): some
   verbatim, some partial, some with a word changed or words dropped.
3. The server: ``python -m verifier serve --archive DB --host 127.0.0.1 --port PORT`` as a
   subprocess on a free loopback port (never any other address), its output in a log file;
   the script waits until ``/openapi.json`` answers, then checks the article once (warm-up; its
   verdicts are printed and its response is the reference the load's responses are compared with).
4. The load: ``--clients`` asyncio tasks, each with its own ``httpx.AsyncClient``, post the
   article in a loop until ``--seconds`` have passed or ``--max-requests`` (per client) are done.
   Every latency is recorded (request sent to response read). An error is an exception (timeout,
   connection) or a status other than 200 or a body that is not JSON; separately, a 200 response
   whose verdicts differ from the warm-up's is counted, by quote (the check must not depend on
   the load).
5. The report: requests, errors (by kind, with examples), differing verdicts, throughput,
   latency median / p95 / p99 / max, the CPU time the server used (user and system, in cores:
   one uvicorn process checks in its thread pool under one GIL), the machine's CPU count and load
   average before and after, and a final ``SUMMARY`` line. The server log's tracebacks and
   problem lines are counted (and its end printed on errors). The server is stopped at the end
   (SIGTERM, then SIGKILL after a timeout).

The server runs on the same machine as the clients, so the machine's other work skews the
figures: the load average is printed. Exit status 0 when there were no errors and no differing
verdicts, 1 otherwise. Not a pytest test.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import httpx  # noqa: E402

from bench_archive import percentile, write_corpus  # noqa: E402  (puts the repo on sys.path)
from verifier.archive.store import Archive  # noqa: E402

FIXTURES = ROOT / "fixtures" / "archive"
HOST = "127.0.0.1"   # loopback only: the benchmark never binds the desk to another address
FIXTURE_QUOTES = 2
MIN_QUOTE_WORDS, MAX_QUOTE_WORDS = 10, 30
KINDS = ("verbatim", "verbatim", "verbatim", "partial", "one changed", "verbatim", "dropped", "one changed")
REPLACEMENTS = ("never", "twelve", "always", "quickly", "rebuild", "harbour", "budget", "winter")
LOG_TAIL = 40


# ----------------------------------------------------------------------------- archive

def build_archive(path: Path, total_words: int, seed: int) -> None:
    """``write_corpus`` transcripts of ``total_words`` words plus fixtures/archive, in a new archive."""
    with tempfile.TemporaryDirectory(prefix="bench_serve_src_") as tmp:
        t0 = time.perf_counter()
        words, _ = write_corpus(Path(tmp), total_words, seed)
        t1 = time.perf_counter()
        archive = Archive.open(path, create=True)
        try:
            results, errors = archive.add_paths([tmp, str(FIXTURES)])
        finally:
            archive.close()
        if errors:
            raise SystemExit(f"could not build the archive: {errors}")
        print(f"built: {words:,} generated words, {len(results)} documents with fixtures/archive; "
              f"generated in {t1 - t0:.0f}s, ingested in {time.perf_counter() - t1:.0f}s")


def archive_path(args, tmp: Path) -> Path:
    """The archive database: reused from --keep DIR if there, else built (into DIR or tmp)."""
    if not args.keep:
        path = tmp / "archive.db"
        build_archive(path, args.words, args.seed)
        return path
    directory = Path(args.keep)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench_serve_{args.words}w_seed{args.seed}.db"
    if path.exists():
        print(f"reusing {path}")
        return path
    partial = path.with_name(path.name + ".building")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    build_archive(partial, args.words, args.seed)
    os.replace(partial, path)  # only a complete archive gets the name that is reused
    return path


# ----------------------------------------------------------------------------- the article

def quotable(text: str) -> list[list[str]]:
    """The sentences of a segment that make a clean quote: plain words, no quotation marks,
    no speaker labels, brackets or shouting, MIN_QUOTE_WORDS to MAX_QUOTE_WORDS words."""
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        if re.search(r"[\"“”‘:;\[\]()>]|--|\s'|'\s", sentence) or sentence.isupper():
            continue
        words = sentence.rstrip(".!?,").split()
        if MIN_QUOTE_WORDS <= len(words) <= MAX_QUOTE_WORDS and all(re.search(r"\w", w) for w in words):
            out.append(words)
    return out


def draw_passages(conn: sqlite3.Connection, n: int, rng: random.Random) -> list[tuple[str, list[str]]]:
    """(speaker, words) of ``n`` quotable sentences: FIXTURE_QUOTES from the fixtures' documents,
    the rest from the generated ones, each from a different segment, at most two per speaker."""
    named = ("s.speaker IS NOT NULL AND s.speaker LIKE '% %' AND s.speaker NOT LIKE '%Reporter%'")
    fixture = "d.source_path LIKE ?"
    pattern = f"%{os.sep}fixtures{os.sep}archive{os.sep}%"
    pools = []
    for where, want in ((fixture, min(FIXTURE_QUOTES, n)), ("NOT " + fixture, n - min(FIXTURE_QUOTES, n))):
        ids = [i for (i,) in conn.execute(
            f"SELECT s.id FROM segments s JOIN documents d ON d.id = s.document_id WHERE {named} AND {where}",
            (pattern,))]
        rng.shuffle(ids)
        pools.append((ids, want))
    out: list[tuple[str, list[str]]] = []
    per_speaker: collections.Counter = collections.Counter()
    for ids, want in pools:
        got = 0
        for segment_id in ids:
            if got == want:
                break
            speaker, text = conn.execute("SELECT speaker, text FROM segments WHERE id = ?", (segment_id,)).fetchone()
            sentences = quotable(text)
            if not sentences or per_speaker[speaker] >= 2:
                continue
            out.append((speaker, rng.choice(sentences)))
            per_speaker[speaker] += 1
            got += 1
        if got < want:
            raise SystemExit(f"only {got} quotable segments found, {want} wanted")
    rng.shuffle(out)
    return out


def alter(kind: str, words: list[str], rng: random.Random) -> list[str]:
    words = list(words)
    if kind == "partial" and len(words) > 12:
        start = rng.randint(1, len(words) - 9)
        return words[start:start + rng.randint(8, len(words) - start)]
    if kind == "one changed":
        content = [i for i, w in enumerate(words) if len(w.strip(".,!?")) > 4] or list(range(len(words)))
        i = rng.choice(content)
        words[i] = rng.choice([r for r in REPLACEMENTS if r != words[i].lower()])
    elif kind == "dropped":
        k = rng.randint(1, 2)
        at = rng.randint(1, len(words) - 1 - k)   # interior words: the quote keeps its ends
        del words[at:at + k]
    return words


PLACES = ("Varenholm", "the Quayside", "Harrowmere", "the Lowen valley", "Estmark", "the old harbour")
SUBJECTS = ("The council", "Residents of the Quayside", "The water ministry", "Engineers working on the river wall",
            "Shopkeepers near the harbour", "The opposition benches", "Union officials", "Independent analysts",
            "The harbour board", "Volunteers from the flood wardens' network", "The regional auditor",
            "Parents at the two riverside schools")
VERBS = ("met on Tuesday to discuss", "published new figures on", "raised fresh concerns about", "returned to",
         "spent most of the afternoon debating", "set out revised plans for", "asked pointed questions about",
         "ordered an independent review of", "cautiously welcomed", "sharply criticised")
OBJECTS = ("the flood reserve", "the northern grid plan", "the city's budget for next year", "the new bus routes",
           "the repairs to the river wall", "the library opening hours", "the offshore wind contracts",
           "the rise in household energy bills", "the schedule for the pumping stations",
           "the school building programme")
TAILS = ("after a week of heavy rain", "ahead of the next council session", "in a report seen by this newspaper",
         "according to documents released on Monday", "for the third time this year",
         "as the spending deadline approached", "without putting the matter to a vote",
         "amid growing pressure from residents", "in a packed meeting room at the town hall", "")
ASIDES = ("The figures have not been independently checked.",
          "A spokesperson for the ministry declined to comment on the timetable.",
          "Officials expect a final decision before the end of the month.",
          "The last comparable scheme took four years to complete and ran well over budget.",
          "Several speakers were interrupted by applause from the public gallery.",
          "The meeting was broadcast live on the council's website.",
          "Insurers in the region have raised premiums twice since the floods.",
          "A consultation on the plans closes in six weeks.")
ROLES = ("a member of the harbour board", "who chairs the council's finance committee",
         "an engineer with the regional water authority", "a spokesperson for the residents' association",
         "the deputy mayor", "a senior official at the water ministry", "who runs a bakery on the Quayside",
         "an opposition councillor")


def prose(rng: random.Random, n_words: int) -> str:
    out, count = [], 0
    while count < n_words:
        if rng.random() < 0.25:
            sentence = rng.choice([a for a in ASIDES if not out or a != out[-1]])
        else:
            tail = rng.choice(TAILS)
            sentence = (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} in "
                        f"{rng.choice(PLACES)}{' ' + tail if tail else ''}.")
        out.append(sentence)
        count += len(sentence.split())
    return " ".join(out)


def make_article(conn: sqlite3.Connection, n_words: int, n_quotes: int,
                 rng: random.Random) -> tuple[str, list[tuple[str, str, str]]]:
    """A fictional news article of about ``n_words`` words and its quotes: (kind, speaker, words)."""
    passages = draw_passages(conn, n_quotes, rng)
    kinds = [KINDS[i % len(KINDS)] for i in range(n_quotes)]
    rng.shuffle(kinds)
    quotes, quoted_paragraphs, introduced = [], [], set()
    roles = rng.sample(ROLES, len(ROLES))
    for kind, (speaker, words) in zip(kinds, passages):
        text = " ".join(alter(kind, words, rng))
        text = text[0].upper() + text[1:]
        if speaker in introduced:
            attribution = f"“{text},” {speaker.split()[-1]} said."
        else:
            attribution = f"“{text},” said {speaker}, {roles[len(introduced) % len(roles)]}."
            introduced.add(speaker)
        quotes.append((kind, speaker, text))
        quoted_paragraphs.append(attribution + " " + prose(rng, rng.randint(15, 30)))
    title = "Council faces questions over flood defences as costs climb"
    lede = f"VARENHOLM — {prose(rng, 45)}"
    left = n_words - sum(len(p.split()) for p in [title, lede, *quoted_paragraphs])
    paragraphs = [lede]
    for i, quoted in enumerate(quoted_paragraphs):   # background prose before each quote
        filler = prose(rng, left // (n_quotes - i)) if left > 10 else ""
        left -= len(filler.split())
        paragraphs += [p for p in (filler, quoted) if p]
    return title + "\n\n" + "\n\n".join(paragraphs) + "\n", quotes


# ----------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(db: Path, port: int, log_path: Path, workers: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERIFIER_")}  # no token, no config
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    log = open(log_path, "wb")
    try:
        return subprocess.Popen([sys.executable, "-m", "verifier", "serve", "--archive", str(db),
                                 "--host", HOST, "--port", str(port), "--workers", str(workers)],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    finally:
        log.close()  # the child has its own descriptor


def wait_until_up(proc: subprocess.Popen, base: str, timeout: float, log_path: Path) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with status {proc.returncode}:\n{log_tail(log_path)}")
        try:
            if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:
                return time.perf_counter() - start
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer within {timeout:.0f}s:\n{log_tail(log_path)}")


def stop_server(proc: subprocess.Popen, timeout: float = 10) -> str:
    if proc.poll() is not None:
        return f"had already exited with status {proc.returncode}"
    proc.terminate()
    try:
        proc.wait(timeout)
        return f"stopped (status {proc.returncode})"
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return f"killed after {timeout:.0f}s"


def cpu_seconds(pid: int) -> tuple[float, float] | None:
    """(user, system) CPU seconds of a process (all its threads) and of its worker processes,
    from /proc (None elsewhere)."""
    try:
        tick = os.sysconf("SC_CLK_TCK")
        user = system = 0.0
        for each in (pid, *child_pids(pid)):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            user, system = user + int(fields[11]) / tick, system + int(fields[12]) / tick
        return user, system
    except (OSError, ValueError, IndexError):
        return None


def child_pids(pid: int) -> list[int]:
    """The processes ``pid`` started, from any of its threads (the desk starts its checkers from one)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    found = []
    for task in tasks:
        try:
            found += [int(x) for x in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except OSError:
            pass
    return found


def checking_pids(pid: int) -> list[int]:
    """The desk's checking processes: its children but multiprocessing's resource tracker."""
    def tracker(child: int) -> bool:
        try:
            return b"resource_tracker" in Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            return False
    return [child for child in child_pids(pid) if not tracker(child)]


def threads(pid: int) -> int | None:
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return None


def log_tail(log_path: Path, n: int = LOG_TAIL) -> str:
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join("    " + line for line in lines[-n:])


def log_problems(log_path: Path) -> tuple[int, list[str]]:
    """Tracebacks and non-200 access-log lines in the server's log."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return 0, []
    tracebacks = sum(line.startswith("Traceback") for line in lines)
    bad = [line for line in lines if ('"POST /api/check' in line and '" 200' not in line)
           or line.startswith(("ERROR", "WARNING")) or "Error" in line]
    return tracebacks, bad


# ----------------------------------------------------------------------------- the load

def verdicts(record: dict) -> list[tuple]:
    return [(q.get("text"), q.get("speaker"), q.get("verdict")) for q in record.get("quotes", [])]


@dataclass
class Tally:
    """What the clients saw: every latency (seconds), the failures by kind (with an example of
    each), and the 200 responses whose verdicts differ from the idle reference (by quote)."""

    latencies: list[float] = field(default_factory=list)
    errors: collections.Counter = field(default_factory=collections.Counter)
    examples: dict = field(default_factory=dict)
    changed: int = 0
    changes: collections.Counter = field(default_factory=collections.Counter)

    def error(self, kind: str, example: str) -> None:
        self.errors[kind] += 1
        self.examples.setdefault(kind, example[:200])

    def compare(self, got: list[tuple], reference: list[tuple]) -> None:
        if got == reference:
            return
        self.changed += 1
        if len(got) != len(reference):
            self.changes[f"{len(got)} quotes instead of {len(reference)}"] += 1
            return
        for (_, speaker, want), (_, _, have) in zip(reference, got):
            if want != have:
                self.changes[f"{speaker}: {want} -> {have}"] += 1


async def client_loop(base: str, body: bytes, reference: list, deadline: float, args, tally: Tally) -> None:
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(base_url=base, timeout=args.timeout) as client:
        done = 0
        while done < args.max_requests and time.perf_counter() < deadline:
            done += 1
            start = time.perf_counter()
            try:
                response = await client.post("/api/check", content=body, headers=headers)
            except Exception as exc:  # noqa: BLE001 — every failure counts, whatever it is
                tally.latencies.append(time.perf_counter() - start)
                tally.error(f"exception {type(exc).__name__}", str(exc))
                continue
            tally.latencies.append(time.perf_counter() - start)
            if response.status_code != 200:
                tally.error(f"status {response.status_code}", response.text)
                continue
            try:
                got = verdicts(response.json())
            except (ValueError, AttributeError) as exc:
                tally.error("bad body", f"{exc}: {response.text}")
                continue
            tally.compare(got, reference)


async def run_load(base: str, body: bytes, reference: list, args) -> tuple[Tally, float]:
    tally = Tally()
    start = time.perf_counter()
    deadline = start + args.seconds
    await asyncio.gather(*(client_loop(base, body, reference, deadline, args, tally) for _ in range(args.clients)))
    return tally, time.perf_counter() - start


# ----------------------------------------------------------------------------- main

def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except (OSError, AttributeError):
        return "unknown"


def cpus() -> str:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{os.cpu_count()}" + (f" ({usable} usable)" if usable != os.cpu_count() else "")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    ap.add_argument("--seconds", type=float, default=30, help="how long the clients post (default 30)")
    ap.add_argument("--words", type=lambda s: int(float(s)), default=1_000_000,
                    help="generated archive words (default 1000000), plus fixtures/archive")
    ap.add_argument("--article-words", type=int, default=1000)
    ap.add_argument("--quotes", type=int, default=8)
    ap.add_argument("--max-requests", type=int, default=10_000, help="per client (default 10000)")
    ap.add_argument("--timeout", type=float, default=120, help="per request, in seconds (default 120)")
    ap.add_argument("--startup-timeout", type=float, default=120)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--keep", metavar="DIR", help="keep the archive (and the server log) here; reuse it")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                    help="`verifier serve --workers` (default: one per CPU, as the command's default)")
    args = ap.parse_args()
    if args.clients < 1 or args.seconds <= 0 or args.max_requests < 1 or args.quotes < 1:
        ap.error("--clients, --seconds, --max-requests and --quotes must be positive")

    print(f"machine: {cpus()} CPUs, load average {load_average()}")
    tmp = Path(tempfile.mkdtemp(prefix="bench_serve_"))
    proc = None
    try:
        db = archive_path(args, tmp)
        with Archive.open(db) as archive:
            stats = archive.stats()
            article, quotes = make_article(archive.conn, args.article_words, args.quotes, random.Random(args.seed))
        print(f"archive: {db} — {stats['documents']:,} documents, {stats['segments']:,} segments, "
              f"{stats['words']:,} words")
        print(f"article: {len(article.split()):,} words, {len(quotes)} quotes, {len(article.encode()):,} bytes")

        log_path = (Path(args.keep) if args.keep else tmp) / "bench_serve_server.log"
        port = free_port()
        base = f"http://{HOST}:{port}"
        proc = start_server(db, port, log_path, args.workers)
        up = wait_until_up(proc, base, args.startup_timeout, log_path)
        print(f"server: pid {proc.pid} at {base}, answering after {up:.1f}s; log {log_path}")

        body = json.dumps({"text": article, "format": "txt"}).encode()
        t0 = time.perf_counter()
        warm = httpx.post(base + "/api/check", content=body, headers={"content-type": "application/json"},
                          timeout=args.timeout)
        warm_ms = (time.perf_counter() - t0) * 1000
        if warm.status_code != 200:
            print(f"warm-up request failed: {warm.status_code} {warm.text[:300]}\n{log_tail(log_path)}")
            return 1
        record = warm.json()
        reference = verdicts(record)
        print(f"warm-up: {warm_ms:.0f} ms, {len(reference)} quotes found, summary {record.get('summary')}")
        found = {q.get("text", "").strip(): q for q in record.get("quotes", [])}
        for kind, speaker, text in quotes:
            q = found.get(text.strip()) or next((v for k, v in found.items() if k and (k in text or text in k)), None)
            verdict = q.get("verdict") if q else "(not extracted)"
            said = q.get("speaker") if q else None
            print(f"  {kind:12} {speaker:28} -> {verdict}{'' if said == speaker else f' (speaker: {said})'}")

        cpu_before = cpu_seconds(proc.pid)
        client_cpu = time.process_time()
        load_before = load_average()
        print(f"load: {args.clients} clients for {args.seconds:g}s (at most {args.max_requests} requests each); "
              f"load average before {load_before}")
        tally, elapsed = asyncio.run(run_load(base, body, reference, args))
        client_cpu = time.process_time() - client_cpu
        cpu_after = cpu_seconds(proc.pid)
        load_after = load_average()
        server_alive = proc.poll() is None

        n, n_errors = len(tally.latencies), sum(tally.errors.values())
        ms = [x * 1000 for x in tally.latencies] or [float("nan")]
        p50, p95, p99, worst = statistics.median(ms), percentile(ms, 0.95), percentile(ms, 0.99), max(ms)
        rate = n / elapsed
        print(f"requests: {n:,} in {elapsed:.1f}s ({n - n_errors:,} answered 200), errors: {n_errors}"
              + (f" — {dict(tally.errors)}" if tally.errors else ""))
        for kind, example in tally.examples.items():
            print(f"  e.g. {kind}: {example}")
        print(f"verdicts differing from the idle request's: {tally.changed} responses"
              + "".join(f"\n  {change}: {count}x" for change, count in tally.changes.most_common()))
        print(f"throughput: {rate:.2f} req/s ({rate * len(article.split()):,.0f} article words/s, "
              f"{rate * len(reference):,.1f} quotes/s)")
        print(f"latency: median {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {worst:.0f} ms "
              f"(min {min(ms):.0f} ms; single request when idle: {warm_ms:.0f} ms)")
        if cpu_before is not None and cpu_after is not None:
            user, system = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
            used = user + system
            print(f"server CPU: {used:.1f}s in {elapsed:.1f}s = {used / elapsed:.2f} cores (user {user:.1f}s, "
                  f"system {system:.1f}s; {used / max(1, n) * 1000:.0f} CPU ms per request; "
                  f"{threads(proc.pid)} threads, {len(checking_pids(proc.pid))} worker processes); clients' CPU: {client_cpu:.1f}s")
        print(f"machine: {cpus()} CPUs, load average before {load_before}, after {load_after}")
        tracebacks, bad = log_problems(log_path)
        print(f"server log: {tracebacks} tracebacks, {len(bad)} problem lines"
              + ("" if server_alive else f"; the server exited ({proc.returncode})"))
        for line in bad[:10]:
            print(f"    {line}")
        if n_errors or tracebacks or bad or not server_alive:
            print(f"end of the server log:\n{log_tail(log_path)}")
        print(f"SUMMARY clients={args.clients} seconds={args.seconds:g} archive_words={stats['words']} "
              f"article_words={len(article.split())} quotes={len(reference)} requests={n} errors={n_errors} "
              f"different_verdicts={tally.changed} "
              f"throughput={rate:.2f}req/s p50_ms={p50:.0f} p95_ms={p95:.0f} p99_ms={p99:.0f} "
              f"max_ms={worst:.0f} cpus={os.cpu_count()} workers={args.workers} load=\"{load_after}\"")
        return 0 if n_errors == 0 and tally.changed == 0 and n > 0 else 1
    finally:
        if proc is not None:
            print(f"server: {stop_server(proc)}")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
