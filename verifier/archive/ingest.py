"""Ingest: turning source files into what the archive stores, and adding many at once.

``prepare_file`` reads and parses one file into a Document with its id (``document_id``: from
the content hash and the metadata flags) and the text the index gets for each segment
(``index_texts``/``fts_text``: without stage directions). ``IngestMixin`` gives ``Archive``
(verifier.archive.store) ``add_paths``: when there is enough to read, files are prepared by forked
worker processes and, whenever storing leaves it idle, by this process too (``_preparer``, through
verifier.archive.sharedwork; each document sent back as ``SegmentRows``: plain rows unpickle ten
times faster than Segment objects), while this process stores them, several documents to a
transaction (never one document across two); results and errors are reported in input order once
what precedes them is committed.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from typing import TYPE_CHECKING, NamedTuple

from verifier import textnorm
from verifier.errors import InputError
from verifier.archive.sources import (Document, check_overrides, detect_format, iter_source_files,
                              parse_source, read_bytes)
from verifier.archive.sources.document import READER_VERSION

if TYPE_CHECKING:
    from verifier.archive.store import AddResult, Archive

BATCH_SECONDS = 1.0                # add_paths: commit at least this often, and when waiting for a
IDLE_COMMIT_WORDS = 50_000         # ... file with at least this many words stored uncommitted
PARSE_WORKERS = 4                  # add_paths: at most this many parsing processes ...
PARALLEL_MIN_BYTES = 1 << 20       # ... used only when there is at least this much to read
WORKER_NICENESS = 5                # ... at a lower priority than the process writing
WINDOW_PER_WORKER = 4              # files prepared ahead of storing, per process preparing


def document_id(content_hash: str, fmt: str, overrides: dict, version: int | None = None) -> str:
    """A short id that changes when the content, the metadata flags or the readers change: a
    file read by a newer version of the readers (``READER_VERSION``) is a new reading of it,
    which replaces the stored one when the file is added again (``identify``)."""
    flags = json.dumps({k: v for k, v in sorted(overrides.items()) if v is not None})
    version = READER_VERSION if version is None else version
    suffix = f"\0{version}" if version >= 2 else ""   # version 1's ids had none
    return hashlib.sha256(f"{content_hash}\0{fmt}\0{flags}{suffix}".encode()).hexdigest()[:12]


def identify(doc: Document, fmt: str, flags: dict) -> None:
    """``doc.id`` from its content hash, format and metadata flags, and ``doc.replaces``: the ids
    the same content and flags had when older versions of the readers read them."""
    doc.id = document_id(doc.content_hash, fmt, flags)
    doc.replaces = [document_id(doc.content_hash, fmt, flags, v) for v in range(1, READER_VERSION)]


def index_texts(doc: Document) -> tuple[list[str], int]:
    """What the index gets for each segment (its text without stage directions), and how many
    words that is: the reader's count of the segments' words (when it made one), corrected for
    the segments that lose directions."""
    if not textnorm.has_directions(doc.text):   # the usual document: one look, not one per segment
        texts = [s.text for s in doc.segments]
    else:
        texts = [fts_text(s.text) if textnorm.has_directions(s.text) else s.text for s in doc.segments]
    if doc.words is None:
        return texts, textnorm.count_words(" ".join(texts))
    changed = [(t, s.text) for t, s in zip(texts, doc.segments) if t is not s.text]
    return texts, doc.words + sum(textnorm.count_words(t) - textnorm.count_words(s) for t, s in changed)


def fts_text(text: str) -> str:
    """What the index holds for a segment: its text without stage directions."""
    return textnorm.strip_directions(text)


def prepare_file(path: str, fmt: str | None, force: bool, overrides: dict, known: set):
    """Read and parse one file (in a worker process when adding in bulk): the document id if
    ``known`` has it already, else (Document, index texts, word count). A problem with the file
    raises its InputError (from a worker too: SharedWork sends it back, and it pickles whole)."""
    fmt = detect_format(path, fmt)
    data = read_bytes(path)
    content_hash = hashlib.sha256(data).hexdigest()
    doc_id = document_id(content_hash, fmt, overrides)
    if not force and doc_id in known:
        return doc_id
    doc = parse_source(data, path, fmt, overrides)
    doc.content_hash = content_hash
    identify(doc, fmt, overrides)
    return (doc, *index_texts(doc))


class IngestMixin:
    """``add_paths`` for ``Archive``. The host provides ``conn``, ``_errors()``, ``_commit()``,
    ``_rolled_back_on_error()``, ``_store_prepared()`` (store what ``prepare_file`` returned) and ``_batch_started``, which
    ``_batch`` sets while documents may share a transaction (``Archive._document_transaction``
    reads it)."""

    def add_paths(self, paths: list[str], fmt: str | None = None, force: bool = False,
                  on_result=None, on_error=None, **overrides) -> tuple[list[AddResult], list[InputError]]:
        """Add files and directories (walked recursively). A file that cannot be read is passed
        to ``on_error`` and skipped; the others are still added. Returns (results, errors).

        For speed, large batches are parsed in worker processes (and here, when they are the
        slow side) while this process writes, and consecutive documents may share a
        transaction. A document never spans two: each is written whole or not at all. The
        transaction is committed when a file is not ready and it holds IDLE_COMMIT_WORDS or
        more, before waiting long for a file, and at least every BATCH_SECONDS; results and
        errors are reported, in input order, once what precedes them is committed.
        """
        check_overrides(overrides)
        files = list(iter_source_files(paths))
        with self._errors():
            known = set() if force else {r[0] for r in self.conn.execute("SELECT id FROM documents")}
        report = _Reporter(self, on_result, on_error)
        with _preparer(files, (fmt, force, overrides, known)) as prepared, self._batch():
            for path, future in prepared:
                # The file is not ready: with much stored, commit meanwhile; else wait for it
                # while the open batch may last, and commit if it is still not ready.
                if not future.wait(0) and (report.words >= IDLE_COMMIT_WORDS or not self._wait_briefly(future)):
                    report.flush()
                try:
                    report.add(self._store_prepared(path, future.result(), force))
                except InputError as exc:
                    report.add(exc)
                if time.monotonic() - self._batch_started > BATCH_SECONDS:
                    report.flush()
            report.flush()
        return report.results, report.errors

    def _wait_briefly(self, outcome) -> bool:
        """Whether ``outcome`` is ready, waiting for it no longer than the open batch may last."""
        remaining = BATCH_SECONDS - (time.monotonic() - self._batch_started)
        return outcome.wait(remaining if self.conn.in_transaction else 0)

    @contextlib.contextmanager
    def _batch(self):
        """Let ``_document_transaction`` put several documents in one transaction."""
        self._batch_started = time.monotonic()
        # Bulk adds checkpoint the WAL less often (every ~40 MB instead of ~4 MB): FTS5 writes its
        # index segments once instead of again at every checkpoint. (A 64 MB page cache was slower
        # by 11 % on the 74 real transcripts and 5 % at 3M words, faster by 3 % at 10M.)
        self.conn.execute("PRAGMA wal_autocheckpoint = 10000")
        try:
            with self._rolled_back_on_error():
                yield
        finally:
            self._batch_started = None
            self.conn.execute("PRAGMA wal_autocheckpoint = 1000")


# ----------------------------------------------------------------------------- helpers

class _Reporter:
    """Results and errors of add_paths, handed to the callbacks in order once committed."""

    def __init__(self, archive: "Archive", on_result, on_error):
        self.archive, self.on_result, self.on_error = archive, on_result, on_error
        self.results, self.errors, self.pending = [], [], []
        self.words = 0   # written since the last commit

    def add(self, item) -> None:
        self.pending.append(item)
        if not isinstance(item, InputError) and item.status != "unchanged":   # an error or a known file: none
            self.words += item.words

    def flush(self) -> None:
        self.archive._commit()
        self.words = 0
        for item in self.pending:
            failed = isinstance(item, InputError)
            (self.errors if failed else self.results).append(item)
            callback = self.on_error if failed else self.on_result
            if callback:
                callback(item)
        self.pending.clear()


def _compact(outcome):
    """What ``prepare_file`` returned, made small and quick to unpickle for the trip back from a
    worker: the segments as plain rows (a segment's text is a slice of the document's text), and
    the index texts only if stage directions were taken out of them."""
    if not (isinstance(outcome, tuple) and isinstance(outcome[0], Document)):
        return outcome
    doc, texts, words = outcome
    rows = segment_rows(doc.segments)
    if all(t is s.text for t, s in zip(texts, doc.segments)):
        texts = None
    doc.segments = []
    return SegmentRows(doc, rows, texts, words)


class SegmentRows(NamedTuple):
    """A prepared document whose segments are rows (``segment_rows``); ``fts_texts`` None: the
    index gets the segments' own texts."""
    doc: Document
    rows: list
    fts_texts: list | None
    words: int


def segment_rows(segments) -> list[tuple]:
    """(char_start, char_end, speaker, turn, start, end, cues as JSON) for each segment."""
    return [(s.char_start, s.char_end, s.speaker, s.turn, s.start, s.end,
             json.dumps(s.cues) if s.cues else None) for s in segments]


class _Later:
    """A file prepared in this process when its outcome is asked for."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def wait(self, timeout: float) -> bool:
        # Computed here, in this process: asking for it waits on nobody, so the open batch need
        # not be committed first (committing before every file made 1 FTS5 segment per document).
        return True

    def result(self):
        return self.fn(*self.args)


class _Shared:
    """A file of a SharedWork (verifier.archive.sharedwork): prepared by a worker or here."""

    def __init__(self, work, index: int):
        self.work, self.index = work, index

    def wait(self, timeout: float) -> bool:
        return self.work.wait(self.index, timeout)

    def result(self):
        return self.work.result(self.index)


@contextlib.contextmanager
def _preparer(files: list[str], options: tuple):
    """(path, its outcome to come: ``wait(timeout)``, ``result()``) for each file, in order:
    shared between worker processes and this one when there is enough to read to pay for
    starting them, else one at a time in this process."""
    import multiprocessing

    fmt, force, overrides, known = options
    cpus = os.cpu_count() or 1
    size = sum(os.path.getsize(f) for f in files if f != "-" and os.path.isfile(f))

    def here(path):
        return prepare_file(path, fmt, force, overrides, known)

    # Only "fork" starts workers without re-running the program's __main__; the workers never
    # touch the inherited database connection (and leave through os._exit).
    if (cpus < 2 or len(files) < 4 or size < PARALLEL_MIN_BYTES or "-" in files
            or "fork" not in multiprocessing.get_all_start_methods()):
        yield ((f, _Later(here, f)) for f in files)
        return
    from verifier.archive.sharedwork import SharedWork

    # A worker per other CPU, at a lower priority than this process, which writes and, whenever
    # writing leaves it idle, prepares files too: writing is the bottleneck when documents are
    # many and small, parsing when they are long transcripts.
    workers = max(1, min(PARSE_WORKERS, cpus - 1))
    work = SharedWork(files, lambda path: _compact(here(path)), here, workers,
                      window=WINDOW_PER_WORKER * (workers + 1), niceness=WORKER_NICENESS)
    try:
        yield ((f, _Shared(work, i)) for i, f in enumerate(files))
    finally:
        work.close()
