"""The archive of originals: a SQLite database (through sqlite-utils) with an FTS5 index.

``Archive`` is the public face. This module is the store: opening, creating and migrating the
database (its schema and version), transactions, writing documents atomically (one transaction per
document: its row, its segments and their index entries, or a share of a batch's transaction),
removing them, and reading them back: listing, statistics, consistency check. Adding many files
at once (``add_paths``: parallel parsing, batched transactions) is verifier.archive.ingest's
``IngestMixin``; the queries (``candidates`` for a quote, FTS5 only, never a scan; ``search``;
``window``: neighbouring segments joined into one passage with a map back to each segment) are
verifier.archive.retrieval's ``RetrievalMixin``. Their public names are importable from here too.

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

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from dataclasses import dataclass, field
from operator import itemgetter

import sqlite_utils

from verifier import __version__, textnorm
from verifier.errors import InputError, VerifierError
from verifier.archive.ingest import (IngestMixin, SegmentRows, identify, fts_text, index_texts, prepare_file,
                                     segment_rows)
from verifier.archive.retrieval import RetrievalMixin
from verifier.archive.documents import DocumentsMixin
from verifier.archive.vocabulary import VocabularyMixin
from verifier.archive.sources import Document, check_overrides, iter_source_files

# Re-exported: the public names of verifier.archive.ingest and verifier.archive.retrieval, importable from here
# as before the split (setting a tuning constant here does not change the other module's).
from verifier.archive.ingest import (BATCH_SECONDS, PARALLEL_MIN_BYTES, PARSE_WORKERS,  # noqa: F401
                             document_id)
from verifier.archive.retrieval import (COMMON_DF, DOCUMENT_FIELDS, MAX_TERMS, MAX_WORDS,  # noqa: F401
                                QUERY_TIME_LIMIT_S, RERANK_POOL, ROW_BUDGET, Passage,
                                PassagePart, timecode)

SCHEMA_VERSION = 1
APPLICATION_ID = 0x56524659        # "VRFY", so `file` and other tools can tell an archive
FORMAT_NAME = "verifier-archive"
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"
FTS_TEXT_VERSION = "1"             # bump when textnorm.strip_directions changes: index is rebuilt
ARCHIVE_ENV = "VERIFIER_ARCHIVE"
DEFAULT_ARCHIVE = "verifier.db"
BUSY_TIMEOUT_S = 60.0
MMAP_BYTES = 256 << 20

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


class Archive(IngestMixin, RetrievalMixin, VocabularyMixin, DocumentsMixin):
    """An open archive database. Use ``Archive.open(path, create=...)``; close when done.

    The store is here; ``add_paths`` comes from IngestMixin (verifier.archive.ingest), ``search``,
    ``candidates``, ``segment`` and ``window`` from RetrievalMixin (verifier.archive.retrieval),
    ``word_bits`` from VocabularyMixin (verifier.archive.vocabulary)."""

    # A document's segments have consecutive ids: a range of the primary key (segments has no
    # index on document_id; matching on it scanned every segment once per document).
    SEGMENTS_OF_D = "s.id BETWEEN d.first_segment AND d.first_segment + d.segments - 1"

    def __init__(self, path: str, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn)
        self.backend = "sqlite"
        self._batch_started: float | None = None   # set while add_paths groups documents (ingest)
        self._counts: dict[str, int] = {}  # how many segments match a query word (RetrievalMixin._count)
        self._counts_version: tuple[int, int] | None = None
        self._word_stemmer = None   # VocabularyMixin's tokenizer, made when first needed

    # ------------------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, create: bool = False) -> "Archive":
        """Open the archive at ``path`` (default: ``default_path()``), creating it if asked. A
        ``postgresql://`` address opens a ``PgArchive`` instead (verifier.archive.postgres): the
        same operations and answers, on a server.

        Raises VerifierError when the path is missing (and not ``create``), is not an SQLite
        database, or is a database of another kind or a newer schema.
        """
        path = os.fspath(path) if path is not None else default_path()
        if path.startswith(("postgresql://", "postgres://")):   # a shared archive on a server
            from verifier.archive.postgres.store import PgArchive
            return PgArchive.open(path, create=create)
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

    def close(self, refresh: bool = True) -> None:
        """Close the connection; after this connection changed documents, first copy the index's
        word counts for ``word_bits`` (a cache: if that fails, lookups go to the index instead)."""
        try:
            if self._wrote and refresh:
                with contextlib.suppress(VerifierError):
                    self.refresh_vocabulary()
        finally:
            if self._word_stemmer is not None:
                self._word_stemmer.close()
            self.conn.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(refresh=exc_type is None)

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
        # Pages read through a memory map, not a system call and a copy each: a check reads many
        # scattered pages of a large archive (segment texts, windows, index pages).
        self.conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
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
                                  [(i, fts_text(t)) for i, t in batch])
        self.db["meta"].upsert({"key": "fts_text_version", "value": FTS_TEXT_VERSION}, pk="key")

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------------- transactions

    @contextlib.contextmanager
    def _transaction(self):
        """A write transaction taken up front (BEGIN IMMEDIATE), so writers queue, not fail."""
        self.conn.execute("BEGIN IMMEDIATE")
        with self._rolled_back_on_error():
            yield
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def _rolled_back_on_error(self):
        """Whatever fails inside leaves no transaction open: nothing half-written is kept."""
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    @contextlib.contextmanager
    def _document_transaction(self):
        """One document's writes: its own transaction, or part of the batch's transaction while
        add_paths has one open (``IngestMixin._batch`` sets ``_batch_started``). No savepoint:
        FTS5 flushes its buffer at each one; a failure ends the batch."""
        if self._batch_started is None:
            with self._transaction():
                yield
            return
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self._batch_started = time.monotonic()
        yield

    def _commit(self) -> None:
        """Commit the open transaction, if any (add_paths ends a batch's transaction so)."""
        if self.conn.in_transaction:
            with self._errors():
                self.conn.execute("COMMIT")

    # ------------------------------------------------------------------------- adding
    # (many files at once: IngestMixin.add_paths, in verifier.archive.ingest)

    def add_file(self, path: str, fmt: str | None = None, force: bool = False, **overrides) -> AddResult:
        """Add one source file (``-``: standard input). Unchanged content is not read again;
        a changed file replaces the earlier version from the same path."""
        check_overrides(overrides)
        return self._store_prepared(path, prepare_file(path, fmt, force, overrides, known=_StoredIds(self)), force)

    def _store_prepared(self, path: str, prepared, force: bool) -> AddResult:
        if isinstance(prepared, str):
            with self._errors():
                row = self._document_row(prepared) or {"title": None, "segments": 0, "words": 0}
            return AddResult(path, "unchanged", prepared, row["title"], row["segments"], row["words"])
        if isinstance(prepared, SegmentRows):   # from a worker: segments as rows
            return self.add_document(prepared.doc, force=force, path=path,
                                     _index=(prepared.fts_texts, prepared.words), _rows=prepared.rows)
        doc, fts_texts, words = prepared
        return self.add_document(doc, force=force, path=path, _index=(fts_texts, words))

    def add_document(self, doc: Document, force: bool = False, path: str | None = None,
                     _index: tuple | None = None, _rows: list | None = None) -> AddResult:
        """Store a Document (its row, segments and index entries) in one transaction.

        Without ``doc.id`` one is derived from the text and metadata. A document with the same id
        is left as it is (unless ``force``); documents from the same ``source_path`` are replaced.
        (``_rows``: the segments as ``segment_rows`` gives them, from add_paths' workers.)
        """
        rows = _rows if _rows is not None else segment_rows(doc.segments)
        if not rows:
            raise InputError(path or doc.source_path or "-", "no text to index")
        if doc.content_hash is None:
            doc.content_hash = hashlib.sha256(doc.text.encode()).hexdigest()
        if doc.id is None:
            identify(doc, doc.format, _fields(doc))
        path = path or doc.source_path or "-"
        fts_texts, words = _index or index_texts(doc)
        with self._errors(), self._document_transaction():
            existing = self._existing(doc)
            if doc.id in existing and not force:
                row = self._document_row(doc.id)
                return AddResult(path, "unchanged", doc.id, row["title"], row["segments"], row["words"])
            for old_id in existing:
                self._delete(old_id)
            self._insert(doc, rows, fts_texts, words)
        replaced = [r for r in existing if r != doc.id]
        return AddResult(path, "replaced" if replaced else "added", doc.id, doc.title,
                         len(rows), words, replaced)

    def _existing(self, doc: Document) -> list[str]:
        """Stored documents this one would replace: the same id or the same source path, or the
        same file as older readers read it (``Document.replaces``)."""
        ids = [doc.id, *doc.replaces]
        return [r[0] for r in self.conn.execute(
            f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(ids))}) OR source_path = ?",
            (*ids, doc.source_path))]

    def _insert(self, doc: Document, rows: list[tuple], fts_texts: list[str] | None, words: int) -> None:
        """The document's row, its segments (``rows``: see ``segment_rows``) and index entries
        (``fts_texts``; None: the segments' own texts)."""
        doc.added = _now()
        self._wrote = True
        first = self.conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM segments").fetchone()[0]
        self.conn.execute(
            "INSERT INTO documents (id, title, speaker, speakers, date, url, kind, outlet, language,"
            " format, content_hash, source_path, added, first_segment, segments, words, metadata, text)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (doc.id, doc.title, doc.speaker, json.dumps(doc.speakers, ensure_ascii=False), doc.date,
             doc.url, doc.kind, doc.outlet, doc.language, doc.format, doc.content_hash,
             doc.source_path, doc.added, first, len(rows), words,
             json.dumps(doc.metadata, ensure_ascii=False, default=str), doc.text))
        sql, segments = _segment_rows(doc, rows, first)
        self.conn.executemany(sql, segments)
        self.conn.executemany("INSERT INTO segments_fts (rowid, text) VALUES (?, ?)",
                              [(row[0], row[5]) for row in segments] if fts_texts is None else
                              [(first + i, t) for i, t in enumerate(fts_texts)])

    def _delete(self, doc_id: str) -> None:
        self._wrote = True
        first, last = self._segment_range(doc_id)
        rows = self.conn.execute("SELECT id, text FROM segments WHERE id BETWEEN ? AND ?",
                                 (first, last)).fetchall()
        self.conn.executemany(
            "INSERT INTO segments_fts (segments_fts, rowid, text) VALUES ('delete', ?, ?)",
            [(seg_id, fts_text(text)) for seg_id, text in rows])
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

    def sync(self, directory: str, on_result=None, on_error=None, files: list[str] | None = None,
             **overrides) -> tuple[list[AddResult], list[InputError], list[str]]:
        """Bring the archive in line with a directory: add new and changed files, and remove
        documents whose source file under ``directory`` is gone. Returns (results, errors, removed);
        ``on_result``/``on_error`` as for ``add_paths``; ``files``: the directory's source files
        (``iter_source_files``), when the caller has walked it already."""
        # walked once, for adding and for what is gone
        files = list(iter_source_files([directory]) if files is None else files)
        results, errors = self.add_paths(files, on_result=on_result, on_error=on_error, **overrides)
        root = os.path.join(os.path.abspath(directory), "")
        present = {os.path.abspath(p) for p in files}
        gone = [r[0] for r in self.conn.execute(
            "SELECT id, source_path FROM documents WHERE substr(source_path, 1, ?) = ?", (len(root), root))
            if r[1] not in present]
        for doc_id in gone:
            self.remove(doc_id)
        return results, errors, gone

    # ------------------------------------------------------------------------- documents

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

    def _query(self, sql: str, params=()) -> list[dict]:
        """Rows of a query as dicts (DocumentsMixin's portable SQL)."""
        cur = self.conn.execute(sql, params)
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def is_empty(self) -> bool:
        with self._errors():
            return self.conn.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None

    def stats(self) -> dict:
        """Counts and facts about the archive (documents, segments, words, speakers, ...)."""
        with self._errors():
            q = lambda sql: self.conn.execute(sql).fetchone()  # noqa: E731
            documents, words, first, last = q("SELECT COUNT(*), COALESCE(SUM(words), 0), MIN(date),"
                                              " MAX(date) FROM documents")
            segments = q("SELECT COUNT(*) FROM segments")[0]
            speakers = q("SELECT COUNT(DISTINCT speaker) FROM segments")[0]
            unattributed = len(self.without_speaker())
            kinds = dict(self.conn.execute("SELECT COALESCE(kind, ''), COUNT(*) FROM documents"
                                           " GROUP BY 1 ORDER BY 2 DESC").fetchall())
            formats = dict(self.conn.execute("SELECT format, COUNT(*) FROM documents GROUP BY 1"
                                             " ORDER BY 2 DESC").fetchall())
        size = sum(os.path.getsize(p) for p in (self.path, self.path + "-wal") if os.path.exists(p))
        return {"documents": documents, "segments": segments, "words": words,
                "speakers": speakers, "without_speaker": unattributed, "kinds": kinds, "formats": formats,
                "first_date": first, "last_date": last, "bytes": size, "path": self.path,
                "schema_version": SCHEMA_VERSION, "fts_tokenize": FTS_TOKENIZE, "backend": "sqlite"}

    def check(self) -> list[str]:
        """Consistency problems (empty when the archive is sound): every document has all its
        segments, every segment its document and its index entry, and the index nothing more."""
        problems = []
        with self._errors():
            # counted in one pass over the segments (joining on document_id, which has no index,
            # scanned them once per document)
            stored = dict(self.conn.execute("SELECT document_id, COUNT(*) FROM segments GROUP BY document_id"))
            problems += [f"document {d}: {n} segments recorded, {stored.get(d, 0)} stored" for d, n in
                         self.conn.execute("SELECT id, segments FROM documents ORDER BY id")
                         if stored.get(d, 0) != n]
            problems += [f"segment {s}: no document {d}" for s, d in self.conn.execute(
                "SELECT s.id, s.document_id FROM segments s LEFT JOIN documents d"
                " ON d.id = s.document_id WHERE d.id IS NULL")]
            self.conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances"
                              " USING fts5vocab(main, segments_fts, instance)")
            indexed = {r[0] for r in self.conn.execute("SELECT DISTINCT doc FROM temp.fts_instances")}
            stored = {i for i, t in self.conn.execute("SELECT id, text FROM segments")
                      if textnorm.WORD_RE.search(fts_text(t))}
            problems += [f"segment {i}: not in the index" for i in sorted(stored - indexed)]
            problems += [f"index entry {i}: no such segment" for i in sorted(indexed - stored)]
            self.conn.execute("INSERT INTO segments_fts(segments_fts) VALUES ('integrity-check')")
        return problems


# ----------------------------------------------------------------------------- helpers

# The columns of a segment a document may not have at all (a transcript without times, a statement
# without speakers): (column, index in a ``segment_rows`` row).
_OPTIONAL_COLUMNS = (("speaker", 2), ("turn", 3), ("start_time", 4), ("end_time", 5), ("cues", 6))


def _segment_rows(doc: Document, rows: list[tuple], first: int) -> tuple[str, list[tuple]]:
    """The INSERT of a document's segments (``rows``: see ``segment_rows``; ids from ``first``)
    and its parameters: (id, document, position, char_start, char_end, text, the optional
    columns some segment has). A column no segment has is written NULL in the statement itself:
    binding None goes through the sqlite3 module's adapter look-up, an exception per value
    (more than half the cost of storing the segments of a plain transcript)."""
    columns = list(zip(*rows))
    present = [(name, at) for name, at in _OPTIONAL_COLUMNS if columns[at].count(None) < len(rows)]
    names = ", ".join(["id", "document_id", "position", "char_start", "char_end", "text"] + [n for n, _ in present])
    sql = f"INSERT INTO segments ({names}) VALUES ({', '.join('?' * (6 + len(present)))})"
    text, doc_id = doc.text, doc.id
    if not present:
        return sql, [(first + i, doc_id, i, r[0], r[1], text[r[0]:r[1]]) for i, r in enumerate(rows)]
    pick = itemgetter(*[at for _, at in present]) if len(present) > 1 else (lambda r, at=present[0][1]: (r[at],))
    return sql, [(first + i, doc_id, i, r[0], r[1], text[r[0]:r[1]], *pick(r)) for i, r in enumerate(rows)]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class _StoredIds:
    """``doc_id in _StoredIds(archive)``: whether the archive has that document."""

    def __init__(self, archive: "Archive"):
        self.archive = archive

    def __contains__(self, doc_id: str) -> bool:
        with self.archive._errors():
            return self.archive._document_row(doc_id) is not None


def _fields(doc: Document) -> dict:
    return {k: getattr(doc, k) for k in ("title", "speaker", "date", "url", "kind", "outlet", "language")}


def _segment_json(row: dict) -> dict:
    row = dict(row)
    row["cues"] = json.loads(row["cues"]) if row.get("cues") else None
    row["timecode"] = timecode(row.get("start_time"))
    return row
