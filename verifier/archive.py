"""The archive of originals: a SQLite database (through sqlite-utils) with an FTS5 index.

Owns the schema and its versioning, writing documents atomically (one transaction per document:
its row, its segments and their index entries), removing them, and the queries: listing,
statistics, ranked search, ``candidates`` for a quote (FTS5 only, never a scan) and ``window``
(neighbouring segments joined into one passage with a map back to each segment).

Schema (version 1; ``PRAGMA user_version`` and the ``meta`` table both carry it):

- ``documents``: one row per source file version; ``id`` is derived from the content hash and the
  metadata flags, so re-adding the same file is a no-op; ``text`` is the document's plain text.
- ``segments``: ``document_id``, ``position``, ``speaker``, ``turn``, ``start_time``/``end_time``
  (seconds, media only), ``char_start``/``char_end`` (offsets into the document text), ``text``
  and ``cues`` (JSON ``[[offset, seconds], ...]``: where each caption cue or timed word begins).
  A document's segments have consecutive ids from ``documents.first_segment`` (so no index on
  ``segments.document_id`` is needed: ranges of the primary key do).
- ``segments_fts``: contentless FTS5 (``porter unicode61 remove_diacritics 2``) whose rowid is
  the segment id; it indexes the segment text without stage directions (textnorm).
"""
from __future__ import annotations

import collections
import concurrent.futures
import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field

import sqlite_utils

from verifier import __version__, textnorm
from verifier.errors import InputError, VerifierError
from verifier.sources import (Document, check_overrides, detect_format, display_name,
                              iter_source_files, parse_source, read_bytes)

SCHEMA_VERSION = 1
APPLICATION_ID = 0x56524659        # "VRFY", so `file` and other tools can tell an archive
FORMAT_NAME = "verifier-archive"
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
FTS_TEXT_VERSION = "1"             # bump when textnorm.strip_directions changes: index is rebuilt
ARCHIVE_ENV = "VERIFIER_ARCHIVE"
DEFAULT_ARCHIVE = "verifier.db"
BUSY_TIMEOUT_S = 60.0
MAX_WORDS = 40                     # candidates: look at most at this many words of a quote,
MAX_TERMS = 8                      # ... query at most this many of them,
ROW_BUDGET = 3000                  # ... whose segments add up to at most this many,
COMMON_DF = 300                    # ... each in fewer segments than this (else: "common")
RERANK_EXTRA = 10                  # candidates: re-rank this many more than asked for
QUERY_TIME_LIMIT_S = 0.1          # a query taking longer is cut short (see _ranked_rows)
BATCH_SECONDS = 1.0                # add_paths: commit at least this often
PARSE_WORKERS = 4                  # add_paths: at most this many parsing processes ...
PARALLEL_MIN_BYTES = 4 << 20       # ... used only when there is at least this much to read         # a quote of stopwords only: phrase lookup time cap
DOCUMENT_FIELDS = ("id", "title", "speaker", "date", "url", "kind", "outlet", "language")

# version -> function migrating an archive from version - 1; run in one transaction each.
MIGRATIONS: dict = {}


def default_path() -> str:
    """The archive to use when none is given: ``$VERIFIER_ARCHIVE``, then ``./verifier.db``."""
    return os.environ.get(ARCHIVE_ENV) or DEFAULT_ARCHIVE


@dataclass
class AddResult:
    """What adding one source did: ``status`` is ``added``, ``replaced`` or ``unchanged``."""

    path: str
    status: str
    document_id: str
    title: str | None = None
    segments: int = 0
    words: int = 0
    replaced: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {"path": self.path, "status": self.status, "id": self.document_id,
                "title": self.title, "segments": self.segments, "words": self.words,
                "replaced": self.replaced}


@dataclass
class PassagePart:
    """One segment inside a passage: it starts at ``offset`` in the passage text."""

    offset: int
    segment_id: int
    position: int
    speaker: str | None
    char_start: int
    char_end: int
    start: float | None
    end: float | None
    cues: list | None = None


@dataclass
class Passage:
    """A segment (or a window of neighbouring segments) with its document's metadata.

    ``char_start``/``char_end`` are offsets into the document's text; ``start``/``end`` are
    seconds into the recording (None for print sources); ``parts`` maps passage offsets back to
    segments, and ``time_at``/``document_offset`` use it.
    """

    document: dict
    segment_id: int
    text: str
    speaker: str | None
    char_start: int
    char_end: int
    start: float | None
    end: float | None
    score: float = 0.0
    parts: list[PassagePart] = field(default_factory=list)

    @property
    def timecode(self) -> str | None:
        return timecode(self.start)

    @property
    def segment_ids(self) -> list[int]:
        return [p.segment_id for p in self.parts]

    def part_at(self, offset: int) -> PassagePart:
        """The segment that passage offset ``offset`` falls in."""
        found = self.parts[0]
        for part in self.parts:
            if part.offset <= offset:
                found = part
        return found

    def document_offset(self, offset: int) -> int:
        """The document-text offset of passage offset ``offset``."""
        part = self.part_at(offset)
        return min(part.char_start + max(0, offset - part.offset), part.char_end)

    def time_at(self, offset: int) -> float | None:
        """Seconds into the recording at passage offset ``offset`` (cue or word precision)."""
        part = self.part_at(offset)
        best = part.start
        for cue_offset, seconds in part.cues or ():
            if part.offset + cue_offset <= offset:
                best = seconds
        return best

    def to_json(self) -> dict:
        return {"document": self.document, "speaker": self.speaker, "text": self.text,
                "start": self.char_start, "end": self.char_end, "timecode": self.timecode,
                "score": round(self.score, 3), "segment_id": self.segment_id,
                "segments": self.segment_ids, "start_time": self.start, "end_time": self.end}


def timecode(seconds: float | None) -> str | None:
    """``HH:MM:SS`` for a number of seconds, None for None."""
    if seconds is None:
        return None
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def document_id(content_hash: str, fmt: str, overrides: dict) -> str:
    """A short id that changes when the content or the metadata flags change."""
    flags = json.dumps({k: v for k, v in sorted(overrides.items()) if v is not None})
    return hashlib.sha256(f"{content_hash}\0{fmt}\0{flags}".encode()).hexdigest()[:12]


class Archive:
    """An open archive database. Use ``Archive.open(path, create=...)``; close when done."""

    def __init__(self, path: str, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self._batch_started: float | None = None   # set while add_paths groups documents
        self._counts: dict[str, int] = {}  # how many segments match a query word (see _count)
        self._counts_version: tuple[int, int] | None = None

    # ------------------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, create: bool = False) -> "Archive":
        """Open the archive at ``path`` (default: ``default_path()``), creating it if asked.

        Raises VerifierError when the path is missing (and not ``create``), is not an SQLite
        database, or is a database of another kind or a newer schema.
        """
        path = os.fspath(path) if path is not None else default_path()
        if os.path.isdir(path):
            raise VerifierError(f"{path}: is a directory, not an archive database")
        if not create and not os.path.exists(path):
            raise VerifierError(f"{path}: no such archive (create one with "
                                f"`verifier archive add --db {path} FILE...`)")
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise VerifierError(f"{path}: cannot open archive ({exc})") from None
        archive = cls(path, conn)
        try:
            with archive._errors():
                archive._prepare_retrying(create)
        except BaseException:
            conn.close()
            raise
        return archive

    def _prepare_retrying(self, create: bool) -> None:
        """``_prepare``, again after a moment when another process holds the lock that switching
        a new database to WAL or creating its schema needs (SQLite reports some of those at once
        instead of waiting for the busy timeout)."""
        for delay in (0.05, 0.1, 0.2, 0.4, 0.8, 1.6, None):
            try:
                return self._prepare(create)
            except sqlite3.OperationalError as exc:
                if delay is None or not ("locked" in str(exc) or "busy" in str(exc)):
                    raise
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                time.sleep(delay)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def _errors(self):
        """SQLite errors become one-line VerifierErrors naming the archive."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            message = str(exc)
            if "file is not a database" in message or "file is encrypted" in message:
                raise VerifierError(f"{self.path}: not a verifier archive (not an SQLite database)") from None
            if "locked" in message or "busy" in message:
                raise VerifierError(f"{self.path}: archive is busy (locked by another process "
                                    f"for more than {BUSY_TIMEOUT_S:.0f}s)") from None
            raise VerifierError(f"{self.path}: archive error: {message}") from None

    def _prepare(self, create: bool) -> None:
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        kind = self._kind()
        if kind == "empty":
            if not create:
                raise VerifierError(f"{self.path}: not a verifier archive (an empty database)")
            self.conn.execute("PRAGMA journal_mode = WAL")
            with self._transaction():
                if self._kind() == "empty":
                    self._create_schema()
        elif kind == "incomplete":
            raise sqlite3.OperationalError("database is locked: another process is creating the archive")
        elif kind != "archive":
            raise VerifierError(f"{self.path}: not a verifier archive (an SQLite database of another kind)")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self._check_version()

    def _kind(self) -> str:
        app_id = self.conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        if not tables and app_id == 0:
            return "empty"
        if app_id == APPLICATION_ID and {"meta", "documents", "segments", "segments_fts"} <= tables:
            return "archive"
        if app_id == APPLICATION_ID:
            return "incomplete"  # another process is creating it (or was stopped doing so)
        return "other"

    def _create_schema(self) -> None:
        # The application id first: sqlite-utils commits after each table, and a process opening
        # the file meanwhile must see an archive being created, not "a database of another kind".
        self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db = self.db
        db["meta"].create({"key": str, "value": str}, pk="key")
        db["documents"].create({
            "id": str, "title": str, "speaker": str, "speakers": str, "date": str, "url": str,
            "kind": str, "outlet": str, "language": str, "format": str, "content_hash": str,
            "source_path": str, "added": str, "first_segment": int, "segments": int, "words": int,
            "metadata": str, "text": str,
        }, pk="id", not_null={"content_hash", "added", "first_segment", "segments", "words", "text"})
        db["segments"].create({
            "id": int, "document_id": str, "position": int, "speaker": str, "turn": int,
            "start_time": float, "end_time": float, "char_start": int, "char_end": int,
            "text": str, "cues": str,
        }, pk="id", foreign_keys=[("document_id", "documents", "id")],
            not_null={"document_id", "position", "char_start", "char_end", "text"})
        db["documents"].create_index(["source_path"])
        db["documents"].create_index(["date"])
        self.conn.execute(f"CREATE VIRTUAL TABLE segments_fts USING fts5(text, content='', "
                          f"tokenize='{FTS_TOKENIZE}')")
        # A bigger in-memory buffer than the 1 MB default: fewer, larger index segments to merge.
        self.conn.execute("INSERT INTO segments_fts(segments_fts, rank) VALUES ('hashsize', 16777216)")
        db["meta"].insert_all([
            {"key": "format", "value": FORMAT_NAME},
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "fts_tokenize", "value": FTS_TOKENIZE},
            {"key": "fts_text_version", "value": FTS_TEXT_VERSION},
            {"key": "created", "value": _now()},
            {"key": "created_by", "value": f"verifier {__version__}"},
        ])
        self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _check_version(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise VerifierError(f"{self.path}: archive schema {version} is newer than this "
                                f"verifier understands ({SCHEMA_VERSION}); upgrade verifier")
        if version < SCHEMA_VERSION:
            self._migrate(version)
        if self.meta("fts_text_version") != FTS_TEXT_VERSION:
            with self._transaction():
                if self.meta("fts_text_version") != FTS_TEXT_VERSION:
                    self._rebuild_index()

    def _migrate(self, version: int) -> None:
        """Run ``MIGRATIONS[v]`` for each version after ``version``, each in a transaction."""
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction():
                if self.conn.execute("PRAGMA user_version").fetchone()[0] >= target:
                    continue
                if target not in MIGRATIONS:
                    raise VerifierError(f"{self.path}: no migration from archive schema {target - 1}")
                MIGRATIONS[target](self)
                self.db["meta"].upsert({"key": "schema_version", "value": str(target)}, pk="key")
                self.conn.execute(f"PRAGMA user_version = {target}")

    def _rebuild_index(self) -> None:
        """Re-index every segment (the index text rules changed)."""
        self.conn.execute("INSERT INTO segments_fts(segments_fts) VALUES ('delete-all')")
        rows = self.conn.execute("SELECT id, text FROM segments")
        while batch := rows.fetchmany(5000):
            self.conn.executemany("INSERT INTO segments_fts(rowid, text) VALUES (?, ?)",
                                  [(i, _fts_text(t)) for i, t in batch])
        self.db["meta"].upsert({"key": "fts_text_version", "value": FTS_TEXT_VERSION}, pk="key")

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @contextlib.contextmanager
    def _transaction(self):
        """A write transaction taken up front (BEGIN IMMEDIATE), so writers queue, not fail."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ------------------------------------------------------------------------- adding

    def add_paths(self, paths: list[str], fmt: str | None = None, force: bool = False,
                  on_result=None, on_error=None, **overrides) -> tuple[list[AddResult], list[InputError]]:
        """Add files and directories (walked recursively). A file that cannot be read is passed
        to ``on_error`` and skipped; the others are still added. Returns (results, errors).

        For speed, large batches are parsed in worker processes while this one writes, and
        consecutive documents may share a transaction. A document never spans two: each is
        written whole or not at all. The transaction is committed before waiting long for a
        file to be parsed and at least every BATCH_SECONDS; results and errors are reported,
        in input order, once what precedes them is committed.
        """
        check_overrides(overrides)
        files = list(iter_source_files(paths))
        with self._errors():
            known = set() if force else {r[0] for r in self.conn.execute("SELECT id FROM documents")}
        report = _Reporter(self, on_result, on_error)
        with _preparer(files, (fmt, force, overrides, known)) as prepared, self._batch():
            for path, future in prepared:
                if not self._wait_briefly(future):
                    report.flush()
                try:
                    report.add(self._store_prepared(path, _outcome(future.result()), force))
                except InputError as exc:
                    report.add(exc)
                if time.monotonic() - self._batch_started > BATCH_SECONDS:
                    report.flush()
            report.flush()
        return report.results, report.errors

    def _wait_briefly(self, future) -> bool:
        """Whether ``future`` is done, waiting for it no longer than the open batch may last."""
        if future.done():
            return True
        remaining = BATCH_SECONDS - (time.monotonic() - self._batch_started)
        if isinstance(future, concurrent.futures.Future) and remaining > 0 and self.conn.in_transaction:
            concurrent.futures.wait([future], timeout=remaining)
        return future.done()

    @contextlib.contextmanager
    def _batch(self):
        """Let ``_document_transaction`` put several documents in one transaction."""
        self._batch_started = time.monotonic()
        # Bulk adds checkpoint the WAL less often (every ~40 MB instead of ~4 MB) with a bigger page
        # cache: FTS5 writes its index segments once instead of again at every checkpoint.
        self.conn.execute("PRAGMA wal_autocheckpoint = 10000")
        self.conn.execute("PRAGMA cache_size = -65536")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        finally:
            self._batch_started = None
            self.conn.execute("PRAGMA wal_autocheckpoint = 1000")
            self.conn.execute("PRAGMA cache_size = -2000")

    def _commit(self) -> None:
        if self.conn.in_transaction:
            with self._errors():
                self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def _document_transaction(self):
        """One document's writes: its own transaction, or part of the batch's transaction
        (no savepoint: FTS5 flushes its buffer at each one; a failure ends the batch)."""
        if self._batch_started is None:
            with self._transaction():
                yield
            return
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self._batch_started = time.monotonic()
        yield

    def add_file(self, path: str, fmt: str | None = None, force: bool = False, **overrides) -> AddResult:
        """Add one source file (``-``: standard input). Unchanged content is not read again;
        a changed file replaces the earlier version from the same path."""
        check_overrides(overrides)
        outcome = prepare_file(path, fmt, force, overrides, known=_StoredIds(self))
        return self._store_prepared(path, _outcome(outcome), force)

    def _store_prepared(self, path: str, prepared, force: bool) -> AddResult:
        if isinstance(prepared, str):
            with self._errors():
                row = self._document_row(prepared) or {"title": None, "segments": 0, "words": 0}
            return AddResult(path, "unchanged", prepared, row["title"], row["segments"], row["words"])
        doc, fts_texts, words = prepared
        return self.add_document(doc, force=force, path=path, _index=(fts_texts, words))

    def add_document(self, doc: Document, force: bool = False, path: str | None = None,
                     _index: tuple | None = None) -> AddResult:
        """Store a Document (its row, segments and index entries) in one transaction.

        Without ``doc.id`` one is derived from the text and metadata. A document with the same id
        is left as it is (unless ``force``); documents from the same ``source_path`` are replaced.
        """
        if not doc.segments:
            raise InputError(path or doc.source_path or "-", "no text to index")
        if doc.content_hash is None:
            doc.content_hash = hashlib.sha256(doc.text.encode()).hexdigest()
        if doc.id is None:
            doc.id = document_id(doc.content_hash, doc.format, _fields(doc))
        path = path or doc.source_path or "-"
        fts_texts, words = _index or _index_texts(doc)
        with self._errors(), self._document_transaction():
            existing = self._existing(doc)
            if doc.id in existing and not force:
                row = self._document_row(doc.id)
                return AddResult(path, "unchanged", doc.id, row["title"], row["segments"], row["words"])
            for old_id in existing:
                self._delete(old_id)
            self._insert(doc, fts_texts, words)
        replaced = [r for r in existing if r != doc.id]
        return AddResult(path, "replaced" if replaced else "added", doc.id, doc.title,
                         len(doc.segments), words, replaced)

    def _existing(self, doc: Document) -> list[str]:
        """Stored documents this one would replace: the same id or the same source path."""
        return [r[0] for r in self.conn.execute(
            "SELECT id FROM documents WHERE id = ? OR source_path = ?", (doc.id, doc.source_path))]

    def _insert(self, doc: Document, fts_texts: list[str], words: int) -> None:
        doc.added = _now()
        first = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM segments").fetchone()[0]
        for offset, seg in enumerate(doc.segments):
            seg.id, seg.position = first + offset, offset
        self.conn.execute(
            "INSERT INTO documents (id, title, speaker, speakers, date, url, kind, outlet, language,"
            " format, content_hash, source_path, added, first_segment, segments, words, metadata, text)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, doc.title, doc.speaker, json.dumps(doc.speakers, ensure_ascii=False), doc.date,
             doc.url, doc.kind, doc.outlet, doc.language, doc.format, doc.content_hash,
             doc.source_path, doc.added, first, len(doc.segments), words,
             json.dumps(doc.metadata, ensure_ascii=False, default=str), doc.text))
        self.conn.executemany(
            "INSERT INTO segments (id, document_id, position, speaker, turn, start_time, end_time,"
            " char_start, char_end, text, cues) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(s.id, doc.id, s.position, s.speaker, s.turn, s.start, s.end, s.char_start,
              s.char_end, s.text, json.dumps(s.cues) if s.cues else None) for s in doc.segments])
        self.conn.executemany("INSERT INTO segments_fts (rowid, text) VALUES (?, ?)",
                              [(s.id, t) for s, t in zip(doc.segments, fts_texts)])

    def _delete(self, doc_id: str) -> None:
        first, last = self._segment_range(doc_id)
        rows = self.conn.execute("SELECT id, text FROM segments WHERE id BETWEEN ? AND ?",
                                 (first, last)).fetchall()
        self.conn.executemany(
            "INSERT INTO segments_fts (segments_fts, rowid, text) VALUES ('delete', ?, ?)",
            [(seg_id, _fts_text(text)) for seg_id, text in rows])
        self.conn.execute("DELETE FROM segments WHERE id BETWEEN ? AND ?", (first, last))
        self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def _segment_range(self, doc_id: str) -> tuple[int, int]:
        """First and last segment id of a document (a document's segments have consecutive ids)."""
        first, count = self.conn.execute("SELECT first_segment, segments FROM documents WHERE id = ?",
                                         (doc_id,)).fetchone()
        return first, first + count - 1

    def remove(self, ref: str) -> dict:
        """Remove a document (by id, unique id prefix or source path); returns its summary."""
        with self._errors():
            doc = self.document(ref, segments=False)
            with self._transaction():
                self._delete(doc["id"])
        return doc

    def sync(self, directory: str, **overrides) -> tuple[list[AddResult], list[InputError], list[str]]:
        """Bring the archive in line with a directory: add new and changed files, and remove
        documents whose source file under ``directory`` is gone. Returns (results, errors, removed)."""
        results, errors = self.add_paths([directory], **overrides)
        root = os.path.join(os.path.abspath(directory), "")
        present = {os.path.abspath(p) for p in iter_source_files([directory])}
        gone = [r[0] for r in self.conn.execute(
            "SELECT id, source_path FROM documents WHERE substr(source_path, 1, ?) = ?", (len(root), root))
            if r[1] not in present]
        for doc_id in gone:
            self.remove(doc_id)
        return results, errors, gone

    # ------------------------------------------------------------------------- documents

    def _document_row(self, doc_id: str) -> dict | None:
        cur = self.conn.execute("SELECT id, title, segments, words FROM documents WHERE id = ?", (doc_id,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row)) if row else None

    def resolve(self, ref: str) -> str:
        """The id of the document ``ref`` names: an id, a unique id prefix or a source path."""
        with self._errors():
            if self._document_row(ref):
                return ref
            rows = [r[0] for r in self.conn.execute(
                "SELECT id FROM documents WHERE source_path = ? ORDER BY added DESC", (os.path.abspath(ref),))]
            if not rows and re.fullmatch(r"[0-9a-f]{4,}", ref):
                rows = [r[0] for r in self.conn.execute(
                    "SELECT id FROM documents WHERE id >= ? AND id < ? || 'g'", (ref, ref))]
        if len(rows) > 1 and not os.path.exists(ref):
            raise VerifierError(f"{ref}: ambiguous document id ({len(rows)} documents start with it)")
        if not rows:
            raise VerifierError(f"{ref}: no such document in {self.path}")
        return rows[0]

    def document(self, ref: str, segments: bool = True) -> dict:
        """A document's fields (``metadata`` and ``speakers`` decoded), with its segments."""
        doc_id = self.resolve(ref)
        with self._errors():
            row = self.db["documents"].get(doc_id)
            row["speakers"] = json.loads(row["speakers"] or "[]")
            row["metadata"] = json.loads(row["metadata"] or "{}")
            if segments:
                row["segments"] = [_segment_json(r) for r in self.db.query(
                    "SELECT * FROM segments WHERE id BETWEEN ? AND ? ORDER BY id", self._segment_range(doc_id))]
            else:
                row.pop("text")
        return row

    def documents(self, limit: int | None = None, speaker: str | None = None,
                  kind: str | None = None) -> list[dict]:
        """Summaries of the documents, newest first."""
        where, params = [], []
        if speaker:
            clause, args = _speaker_clause(speaker, "speakers")
            where.append(clause)
            params += args
        if kind:
            where.append("kind = ?")
            params.append(kind.lower())
        sql = ("SELECT id, title, speaker, speakers, date, url, kind, outlet, language, format,"
               " source_path, added, segments, words FROM documents"
               + (" WHERE " + " AND ".join(where) if where else "")
               + " ORDER BY date IS NULL, date DESC, added DESC"
               + (" LIMIT ?" if limit else ""))
        with self._errors():
            rows = list(self.db.query(sql, params + ([limit] if limit else [])))
        for row in rows:
            row["speakers"] = json.loads(row["speakers"] or "[]")
        return rows

    def stats(self) -> dict:
        """Counts and facts about the archive (documents, segments, words, speakers, ...)."""
        with self._errors():
            q = lambda sql: self.conn.execute(sql).fetchone()  # noqa: E731
            documents, words, first, last = q("SELECT COUNT(*), COALESCE(SUM(words), 0), MIN(date),"
                                              " MAX(date) FROM documents")
            segments = q("SELECT COUNT(*) FROM segments")[0]
            speakers = q("SELECT COUNT(DISTINCT speaker) FROM segments")[0]
            kinds = dict(self.conn.execute("SELECT COALESCE(kind, ''), COUNT(*) FROM documents"
                                           " GROUP BY 1 ORDER BY 2 DESC").fetchall())
            formats = dict(self.conn.execute("SELECT format, COUNT(*) FROM documents GROUP BY 1"
                                             " ORDER BY 2 DESC").fetchall())
        size = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))
        return {"documents": documents, "segments": segments, "words": words,
                "speakers": speakers, "kinds": kinds, "formats": formats,
                "first_date": first, "last_date": last, "bytes": size, "path": self.path,
                "schema_version": SCHEMA_VERSION, "fts_tokenize": FTS_TOKENIZE}

    def check(self) -> list[str]:
        """Consistency problems (empty when the archive is sound): every document has all its
        segments, every segment its document and its index entry, and the index nothing more."""
        problems = []
        with self._errors():
            problems += [f"document {d}: {n} segments recorded, {m} stored" for d, n, m in self.conn.execute(
                "SELECT d.id, d.segments, COUNT(s.id) FROM documents d LEFT JOIN segments s"
                " ON s.document_id = d.id GROUP BY d.id HAVING d.segments != COUNT(s.id)")]
            problems += [f"segment {s}: no document {d}" for s, d in self.conn.execute(
                "SELECT s.id, s.document_id FROM segments s LEFT JOIN documents d"
                " ON d.id = s.document_id WHERE d.id IS NULL")]
            self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances"
                              " USING fts5vocab(main, segments_fts, instance)")
            indexed = {r[0] for r in self.conn.execute("SELECT DISTINCT doc FROM temp.fts_instances")}
            stored = {i for i, t in self.conn.execute("SELECT id, text FROM segments")
                      if textnorm.WORD_RE.search(_fts_text(t))}
            problems += [f"segment {i}: not in the index" for i in sorted(stored - indexed)]
            problems += [f"index entry {i}: no such segment" for i in sorted(indexed - stored)]
            self.conn.execute("INSERT INTO segments_fts(segments_fts) VALUES ('integrity-check')")
        return problems

    # ------------------------------------------------------------------------- queries

    def search(self, text: str, limit: int = 10, speaker: str | None = None,
               raw: bool = False) -> list[Passage]:
        """Ranked passages for ``text`` (words, as typed); ``raw``: an FTS5 query expression."""
        if not raw:
            return self.candidates(text, limit=limit, speaker=speaker)
        with self._errors():
            try:
                rows = self.conn.execute(
                    "SELECT rowid, -rank FROM segments_fts WHERE segments_fts MATCH ? ORDER BY rank LIMIT ?",
                    (text, limit)).fetchall()
            except sqlite3.OperationalError as exc:
                raise VerifierError(f"bad search expression {text!r}: {exc}") from None
            return self._passages(rows)

    def candidates(self, quote_text: str, limit: int = 20, speaker: str | None = None) -> list[Passage]:
        """Segments most likely to contain ``quote_text``, best first, through the index only.

        The FTS5 query ORs the quote's rarest words (stopwords dropped; at most MAX_TERMS, whose
        index entries add up to at most ROW_BUDGET rows), plus pairs of the next rarest ANDed
        together; bm25 ranks, then the best few are re-ranked by how much of the quote's wording
        (words, and word pairs in order) each has. ``speaker``: only passages by that person
        ("Voss" matches "Mara Voss"). A quote of stopwords only is looked up as a phrase.
        """
        with self._errors():
            version = (self.conn.execute("PRAGMA data_version").fetchone()[0], self.conn.total_changes)
            if version != self._counts_version:  # the archive changed: word counts are stale
                self._counts, self._counts_version = {}, version
            query = self._quote_query(quote_text)
            if query is None:
                rows = self._phrase_rows(quote_text, limit, speaker)
            elif not query:
                return []
            else:
                rows = self._ranked_rows(query, limit + RERANK_EXTRA, speaker)
            passages = self._passages(rows)
        return _rerank(passages, quote_text)[:limit]

    def _quote_query(self, text: str) -> str | None:
        """The FTS5 query for a quote: its rare words ORed (rarest first; at most MAX_TERMS,
        together in at most ROW_BUDGET segments), and when it has fewer than two, its common
        words ANDed until few segments have them all. "" if no word of the quote is in the
        archive; None if it has only stopwords."""
        all_words = list(dict.fromkeys(t.norm for t in textnorm.words(text)))
        words = [w for w in all_words if w not in textnorm.STOPWORDS and (len(w) > 1 or w.isdigit())]
        if not words:
            return None if all_words else ""
        counts = [(self._count(_fts_string(w)), i, w) for i, w in enumerate(words[:MAX_WORDS])]
        singles, rows = [], 0
        for n, _, word in sorted(c for c in counts if 0 < c[0] < COMMON_DF):
            if len(singles) >= MAX_TERMS or (singles and rows + n > ROW_BUDGET):
                break
            singles.append(_fts_string(word))
            rows += n
        common = [_fts_string(w) for n, _, w in counts if n >= COMMON_DF]
        if len(singles) < 2 and common:
            singles.append(self._conjunction(common))
        return " OR ".join(singles)

    def _count(self, query: str) -> int:
        """``_count_uncached``, remembered until the archive changes (in this process or another)."""
        if query not in self._counts:
            if len(self._counts) > 100_000:
                self._counts.clear()
            self._counts[query] = self._count_uncached(query)
        return self._counts[query]

    def _count_uncached(self, query: str) -> int:
        """In how many segments ``query`` matches, counting no further than COMMON_DF."""
        return self.conn.execute("SELECT count(*) FROM (SELECT 1 FROM segments_fts WHERE segments_fts"
                                 " MATCH ? LIMIT ?)", (query, COMMON_DF)).fetchone()[0]

    def _conjunction(self, words: list[str]) -> str:
        """Common words ANDed, as few as make the match rarer than COMMON_DF segments."""
        conj = words[:2]
        for word in words[2:MAX_TERMS]:
            if self._count(" AND ".join(conj)) < COMMON_DF:
                break
            conj.append(word)
        return "(" + " AND ".join(conj) + ")"

    def _ranked_rows(self, query: str, k: int, speaker: str | None) -> list[tuple[int, float]]:
        """The ``k`` best (segment id, bm25 score) for ``query``; if ranking takes longer than
        QUERY_TIME_LIMIT_S (a quote of very common words), the first ``k`` matches unranked."""
        clause, args = _speaker_clause(speaker, "s.speaker") if speaker else ("1", [])
        sql = ("SELECT f.rowid, -f.rank FROM segments_fts f" + (" JOIN segments s ON s.id = f.rowid" if speaker else "")
               + f" WHERE segments_fts MATCH ? AND {clause} ORDER BY f.rank LIMIT ?")
        try:
            return self._within(QUERY_TIME_LIMIT_S, sql, [query, *args, k])
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
        try:
            return self._within(QUERY_TIME_LIMIT_S, sql.replace(" ORDER BY f.rank", ""), [query, *args, k])
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            return []

    def _within(self, seconds: float, sql: str, params) -> list[tuple]:
        """Run a query, interrupting it after ``seconds``."""
        deadline = time.monotonic() + seconds
        self.conn.set_progress_handler(lambda: time.monotonic() > deadline, 20000)
        try:
            return self.conn.execute(sql, params).fetchall()
        finally:
            self.conn.set_progress_handler(None, 0)

    def _phrase_rows(self, text: str, limit: int, speaker: str | None) -> list[tuple[int, float]]:
        """Segments holding the quote's words as a phrase (a quote of stopwords only), unranked,
        within a time cap."""
        words = [t.norm for t in textnorm.words(text)][:12]
        clause, args = _speaker_clause(speaker, "s.speaker") if speaker else ("1", [])
        sql = ("SELECT f.rowid, 1.0 FROM segments_fts f" + (" JOIN segments s ON s.id = f.rowid" if speaker else "")
               + f" WHERE segments_fts MATCH ? AND {clause} LIMIT ?")
        try:
            return self._within(QUERY_TIME_LIMIT_S, sql, [_fts_string(" ".join(words)), *args, limit])
        except sqlite3.OperationalError as exc:
            if "interrupted" not in str(exc):
                raise
            return []

    def _passages(self, rows: list[tuple[int, float]]) -> list[Passage]:
        """Passages for (segment id, score) rows, in the order given."""
        if not rows:
            return []
        ids = [r[0] for r in rows]
        found = {r["id"]: r for r in self.db.query(
            f"SELECT s.*, {', '.join('d.' + f + ' AS doc_' + f for f in DOCUMENT_FIELDS)}"
            f" FROM segments s JOIN documents d ON d.id = s.document_id"
            f" WHERE s.id IN ({','.join('?' * len(ids))})", ids)}
        return [_passage([found[i]], score) for i, score in rows if i in found]

    def segment(self, segment_id: int) -> Passage:
        """One segment as a passage."""
        return self.window(segment_id, 0, 0)

    def window(self, segment_id: int, before: int = 1, after: int = 1) -> Passage:
        """Segment ``segment_id`` with up to ``before``/``after`` neighbours of the same document,
        joined into one passage (a space within a speaker turn, a newline between turns)."""
        with self._errors():
            row = self.conn.execute("SELECT document_id FROM segments WHERE id = ?", (segment_id,)).fetchone()
            if row is None:
                raise VerifierError(f"no segment {segment_id} in {self.path}")
            rows = list(self.db.query(
                f"SELECT s.*, {', '.join('d.' + f + ' AS doc_' + f for f in DOCUMENT_FIELDS)}"
                " FROM segments s JOIN documents d ON d.id = s.document_id"
                " WHERE s.id BETWEEN ? AND ? AND s.document_id = ? ORDER BY s.id",
                [segment_id - max(0, before), segment_id + max(0, after), row[0]]))
        passage = _passage(rows, 0.0)
        passage.segment_id = segment_id
        passage.speaker = next(p.speaker for p in passage.parts if p.segment_id == segment_id)
        return passage


# ----------------------------------------------------------------------------- helpers

def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


def prepare_file(path: str, fmt: str | None, force: bool, overrides: dict, known: set):
    """Read and parse one file (in a worker process when adding in bulk): the document id if
    ``known`` has it already, else (Document, index texts, word count); problems with the
    file as ("error", path, reason), since exceptions do not always survive the trip back."""
    try:
        fmt = detect_format(path, fmt)
        data = read_bytes(path)
        content_hash = hashlib.sha256(data).hexdigest()
        doc_id = document_id(content_hash, fmt, overrides)
        if not force and doc_id in known:
            return doc_id
        doc = parse_source(data, path, fmt, overrides)
    except InputError as exc:
        return ("error", exc.path, exc.reason)
    except VerifierError as exc:
        return ("fatal", str(exc))
    doc.content_hash, doc.id = content_hash, doc_id
    return (doc, *_index_texts(doc))


def _outcome(outcome):
    """What ``prepare_file`` returned, with its errors raised again."""
    if isinstance(outcome, tuple) and outcome and outcome[0] == "error":
        raise InputError(outcome[1], outcome[2])
    if isinstance(outcome, tuple) and outcome and outcome[0] == "fatal":
        raise VerifierError(outcome[1])
    return outcome


class _StoredIds:
    """``doc_id in _StoredIds(archive)``: whether the archive has that document."""

    def __init__(self, archive: "Archive"):
        self.archive = archive

    def __contains__(self, doc_id: str) -> bool:
        with self.archive._errors():
            return self.archive._document_row(doc_id) is not None


class _Reporter:
    """Results and errors of add_paths, handed to the callbacks in order once committed."""

    def __init__(self, archive: "Archive", on_result, on_error):
        self.archive, self.on_result, self.on_error = archive, on_result, on_error
        self.results, self.errors, self.pending = [], [], []

    def add(self, item) -> None:
        self.pending.append(item)

    def flush(self) -> None:
        self.archive._commit()
        for item in self.pending:
            failed = isinstance(item, InputError)
            (self.errors if failed else self.results).append(item)
            callback = self.on_error if failed else self.on_result
            if callback:
                callback(item)
        self.pending.clear()


_KNOWN: set = set()


def _worker_init(known: set) -> None:
    global _KNOWN
    _KNOWN = known


def _worker_prepare(path: str, fmt, force, overrides):
    return prepare_file(path, fmt, force, overrides, _KNOWN)


class _Later:
    """A computation done when its result is asked for (the in-process preparer)."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def done(self) -> bool:
        return False

    def result(self):
        return self.fn(*self.args)


@contextlib.contextmanager
def _preparer(files: list[str], options: tuple):
    """(path, future of prepare_file) for each file, in order: in worker processes when there is
    enough to read to pay for starting them, else one at a time in this process."""
    import multiprocessing

    fmt, force, overrides, known = options
    cpus = os.cpu_count() or 1
    workers = min(PARSE_WORKERS, cpus)   # one per CPU: this process spends its time in SQLite
    size = sum(os.path.getsize(f) for f in files if f != "-" and os.path.isfile(f))
    # Only "fork" starts workers without re-running the program's __main__; the workers never
    # touch the inherited database connection (and leave through os._exit).
    if (cpus < 2 or len(files) < 4 or size < PARALLEL_MIN_BYTES or "-" in files
            or "fork" not in multiprocessing.get_all_start_methods()):
        yield ((f, _Later(prepare_file, f, fmt, force, overrides, known)) for f in files)
        return
    pool = concurrent.futures.ProcessPoolExecutor(workers, multiprocessing.get_context("fork"),
                                                  initializer=_worker_init, initargs=(known,))
    try:
        yield _lookahead(pool, files, lambda f: pool.submit(_worker_prepare, f, fmt, force, overrides),
                         depth=4 * workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _lookahead(pool, items, submit, depth: int):
    """(item, future) in order, keeping ``depth`` items in work ahead."""
    pending = collections.deque()
    for item in items:
        pending.append((item, submit(item)))
        if len(pending) > depth:
            yield pending.popleft()
    while pending:
        yield pending.popleft()


def _index_texts(doc: Document) -> tuple[list[str], int]:
    """What the index gets for each segment, and the document's word count."""
    if textnorm.DIRECTION_RE.search(doc.text):
        texts = [_fts_text(s.text) for s in doc.segments]
    else:
        texts = [s.text for s in doc.segments]
    return texts, textnorm.count_words(" ".join(texts))


def _fts_text(text: str) -> str:
    """What the index holds for a segment: its text without stage directions."""
    return textnorm.strip_directions(text)


def _fts_string(text: str) -> str:
    """An FTS5 string literal: operators, column filters and stars inside it are just words."""
    return '"' + text.replace('"', '""') + '"'


def _fields(doc: Document) -> dict:
    return {k: getattr(doc, k) for k in ("title", "speaker", "date", "url", "kind", "outlet", "language")}


def _speaker_clause(speaker: str, column: str) -> tuple[str, list[str]]:
    """SQL matching ``column`` (a name, or a JSON list of names) against a person's name, word
    by word: "Voss" and "Minister Voss" match "Mara Voss"."""
    words = display_name(" ".join(speaker.split())).lower().replace(".", "").split()
    if not words:
        return "1", []
    expr = f"(' ' || lower(replace(replace(coalesce({column}, ''), '.', ''), '\"', ' ')) || ' ')"
    return "(" + " AND ".join(f"{expr} LIKE ?" for _ in words) + ")", [f"% {w} %" for w in words]


def _segment_json(row: dict) -> dict:
    row = dict(row)
    row["cues"] = json.loads(row["cues"]) if row.get("cues") else None
    row["timecode"] = timecode(row.get("start_time"))
    return row


def _passage(rows: list[dict], score: float) -> Passage:
    """One passage from consecutive segment rows (with ``doc_*`` document columns)."""
    parts, texts, offset = [], [], 0
    for i, r in enumerate(rows):
        if i:
            sep = " " if r["turn"] == rows[i - 1]["turn"] else "\n"
            texts.append(sep)
            offset += len(sep)
        parts.append(PassagePart(offset, r["id"], r["position"], r["speaker"], r["char_start"],
                                 r["char_end"], r["start_time"], r["end_time"],
                                 json.loads(r["cues"]) if r["cues"] else None))
        texts.append(r["text"])
        offset += len(r["text"])
    first, last = rows[0], rows[-1]
    document = {f: first["doc_" + f] for f in DOCUMENT_FIELDS}
    return Passage(document, first["id"], "".join(texts), first["speaker"], first["char_start"],
                   last["char_end"], first["start_time"], last["end_time"], score, parts)


_STEM_RE = re.compile(r"[^\W_]+")


def _stems(text: str) -> list[str]:
    """Crude stems (first five letters, folded) of every word, for re-ranking."""
    return [w[:5] for w in _STEM_RE.findall(textnorm.fold(text))]


def _rerank(passages: list[Passage], quote: str) -> list[Passage]:
    """Order by bm25 weighted by how much of the quote each passage has: the share of its
    content words, and the share of its word pairs in the same order (phrases)."""
    quote_stems = _stems(quote)
    wanted = {w[:5] for w in textnorm.content_words(quote)}
    pairs = set(zip(quote_stems, quote_stems[1:]))
    if len(passages) < 2 or not (wanted or pairs):
        return passages
    for p in passages:
        have = _stems(p.text)
        words = len(wanted & set(have)) / len(wanted) if wanted else 1.0
        order = len(pairs & set(zip(have, have[1:]))) / len(pairs) if pairs else 1.0
        p.score *= 0.2 + 0.4 * words + 0.4 * order
    return sorted(passages, key=lambda p: -p.score)
