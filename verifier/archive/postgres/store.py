"""A shared archive on PostgreSQL: the same operations and answers as the SQLite archive.

``PgArchive.open("postgresql://…", create=...)`` is the PostgreSQL twin of
verifier.archive.store's ``Archive``: adding files (``add_paths``, ``add_file``,
``add_document``), ``candidates``/``search``/``windows``/``word_bits`` (verifier.archive.postgres
.queries), ``documents``/``document``/``resolve``/``remove``/``stats``/``check``. Connections come
from one psycopg pool per server address in this process.

Schema (version 1, in ``verifier_schema``; forward migrations in ``MIGRATIONS``):

- ``documents`` as in SQLite; ``segments`` as in SQLite plus ``terms`` (how many index terms) and
  ``tsv``, a ``tsvector`` of the terms SQLite's FTS5 tokenizer makes (verifier.archive.stems; not a
  generated column: PostgreSQL's own parser splits words differently, and both backends must match
  the same words), with a GIN index; a document's neighbours are found by ``position``.
- ``term_df``: in how many segments each term occurs (bm25's idf and ``word_bits``), kept up to
  date in the transaction that adds or removes a document.
- ``meta``: ``changes`` counts committed writes (readers' caches are keyed by it).

Concurrency: each document is written in one transaction, under advisory locks on its id and
source path, so that readers never see half a document and racing writers of the same file add it
once (the second finds it there: "unchanged"). ``term_df`` rows are updated in term order, so
writers wait for each other but never deadlock.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from urllib.parse import urlsplit, urlunsplit

from verifier.archive.ingest import (SegmentRows, _preparer, identify, fts_text, index_texts, prepare_file,
                                     segment_rows)
from verifier.archive.documents import DocumentsMixin
from verifier.archive.postgres.queries import PgQueriesMixin
from verifier.archive.retrieval import RERANK_POOL, RetrievalMixin
from verifier.archive.sources import Document, check_overrides, iter_source_files
from verifier.archive.sources.document import one_line
from verifier.archive.stems import Stemmer, tsvector
from verifier.errors import InputError, VerifierError

SCHEMA_VERSION = 1
POOL_MAX = int(os.environ.get("VERIFIER_PG_POOL", "10") or 10)   # connections per server, per process
CONNECT_TIMEOUT_S = int(os.environ.get("VERIFIER_PG_CONNECT_TIMEOUT", "10") or 10)
URL_PREFIXES = ("postgresql://", "postgres://")

_SCHEMA = [
    "CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE IF NOT EXISTS documents (
        id text PRIMARY KEY, title text, speaker text, speakers text, date text, url text, kind text,
        outlet text, language text, format text, content_hash text NOT NULL, source_path text,
        added text NOT NULL, first_segment bigint NOT NULL, segments integer NOT NULL,
        words integer NOT NULL, metadata text, text text NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS documents_source_path ON documents (source_path)",
    "CREATE INDEX IF NOT EXISTS documents_date ON documents (date)",
    "CREATE SEQUENCE IF NOT EXISTS segment_ids",
    """CREATE TABLE IF NOT EXISTS segments (
        id bigint PRIMARY KEY, document_id text NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        position integer NOT NULL, speaker text, turn integer, start_time double precision,
        end_time double precision, char_start integer NOT NULL, char_end integer NOT NULL,
        text text NOT NULL, cues text, terms integer NOT NULL, tsv tsvector NOT NULL)""",
    "CREATE UNIQUE INDEX IF NOT EXISTS segments_document_position ON segments (document_id, position)",
    "CREATE INDEX IF NOT EXISTS segments_tsv ON segments USING gin (tsv)",
    "CREATE TABLE IF NOT EXISTS term_df (term text PRIMARY KEY, doc integer NOT NULL)",
    "INSERT INTO meta (key, value) VALUES ('format', 'verifier-archive'), ('changes', '0'),"
    " ('fts_tokenize', 'porter unicode61 remove_diacritics 2'), ('fts_text_version', '1') ON CONFLICT DO NOTHING",
]
MIGRATIONS: dict = {}   # version -> list of SQL statements migrating from version - 1

_pools: dict[str, object] = {}
_pools_lock = threading.Lock()
_inherited: list = []   # a forked child's copies of its parent's pools: kept, never used or closed


def _forget_pools_after_fork() -> None:
    """A forked process (the batch checker's workers) opens its own connections: the pools it
    inherited have no threads left, and closing their connections would end the parent's sessions."""
    global _pools_lock
    _inherited.extend(_pools.values())
    _pools.clear()
    _pools_lock = threading.Lock()


os.register_at_fork(after_in_child=_forget_pools_after_fork)


def is_url(location: str | os.PathLike | None) -> bool:
    return isinstance(location, str) and location.startswith(URL_PREFIXES)


def display_url(url: str) -> str:
    """The address without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _pool(url: str):
    """This process's pool for ``url``, made on first use after one direct connection, so that an
    unreachable server is told at once with the driver's own reason."""
    try:
        import psycopg
        from psycopg_pool import ConnectionPool
    except ImportError:
        raise VerifierError("a PostgreSQL archive needs psycopg: pip install 'verifier[postgres]'") from None
    logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())   # its retries are not the user's
    with _pools_lock:
        if url not in _pools:
            try:
                psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
            except psycopg.Error as exc:
                raise VerifierError(f"{display_url(url)}: cannot connect to the archive ({_reason(exc)})") from None
            _pools[url] = ConnectionPool(url, min_size=0, max_size=POOL_MAX, open=True, timeout=CONNECT_TIMEOUT_S,
                                         kwargs={"autocommit": True, "connect_timeout": CONNECT_TIMEOUT_S,
                                                 # a plan per query: a generic plan of the ranked query
                                                 # walks the segments in id order (10x slower)
                                                 "prepare_threshold": None})
        return _pools[url]


class PgArchive(PgQueriesMixin, RetrievalMixin, DocumentsMixin):
    """An open PostgreSQL archive. Use ``PgArchive.open(url, create=...)``; close when done."""

    backend = "postgresql"
    rerank_step = RERANK_POOL   # one round trip for the texts re-ranked, not one per few dozen

    def __init__(self, url: str, conn, pool):
        self.url, self.path = url, display_url(url)
        self.conn, self._pool_of = conn, pool
        self.stemmer = Stemmer()
        self._counts: dict[str, int] = {}
        self._counts_version = None
        self._cache: dict = {}               # PgQueriesMixin._cached
        self._cache_version = None
        self._version_read = None            # (when, value) of the write count

    # ------------------------------------------------------------------------- opening

    @classmethod
    def open(cls, url: str, create: bool = False) -> "PgArchive":
        pool = _pool(url)
        try:
            conn = pool.getconn()
        except Exception as exc:   # psycopg_pool.PoolTimeout, OperationalError: cannot connect
            raise VerifierError(f"{display_url(url)}: cannot connect to the archive ({one_line(exc)})") from None
        archive = cls(url, conn, pool)
        try:
            with archive._errors():
                archive._prepare(create)
        except BaseException:
            archive.close()
            raise
        return archive

    def _prepare(self, create: bool) -> None:
        tables = {r["tablename"] for r in self._rows(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
        if "verifier_schema" not in tables:
            if not create:
                raise VerifierError(f"{self.path}: no archive in this database (create one with "
                                    f"`verifier archive add --db {self.path} FILE...`)")
            if tables & {"documents", "segments"}:
                raise VerifierError(f"{self.path}: not a verifier archive (a database of another kind)")
            self._create_schema()
        self._migrate()
        self._check_index_rules()

    def _check_index_rules(self) -> None:
        """Re-index every segment when the rules for what the index holds changed (as SQLite)."""
        from verifier.archive import store

        if self.meta("fts_text_version") == store.FTS_TEXT_VERSION:
            return
        with self._transaction():
            self.conn.execute("LOCK TABLE segments IN EXCLUSIVE MODE")
            if self.meta("fts_text_version") != store.FTS_TEXT_VERSION:
                self._rebuild_index(store.FTS_TEXT_VERSION)

    def _rebuild_index(self, version: str) -> None:
        rows = self._rows("SELECT id, text FROM segments ORDER BY id")
        for i in range(0, len(rows), 5000):
            batch = rows[i:i + 5000]
            terms = self.stemmer.terms([fts_text(r["text"]) for r in batch])
            self.conn.cursor().executemany("UPDATE segments SET terms = %s, tsv = %s::tsvector WHERE id = %s",
                                           [(len(t), tsvector(t), r["id"]) for r, t in zip(batch, terms)])
        self.conn.execute("DELETE FROM term_df")
        self.conn.execute("INSERT INTO term_df (term, doc) SELECT u.lexeme, count(*) FROM segments s,"
                          " unnest(s.tsv) u GROUP BY 1")
        self.conn.execute("INSERT INTO meta (key, value) VALUES ('fts_text_version', %s) ON CONFLICT (key)"
                          " DO UPDATE SET value = EXCLUDED.value", (version,))
        self.conn.execute("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'changes'")
        self._version_read = None

    def _create_schema(self) -> None:
        with self._transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('verifier schema'))")
            self.conn.execute("CREATE TABLE IF NOT EXISTS verifier_schema (version integer NOT NULL)")
            if self._value("SELECT count(*) FROM verifier_schema") == 0:
                for sql in _SCHEMA:
                    self.conn.execute(sql)
                self.conn.execute("INSERT INTO verifier_schema (version) VALUES (%s)", (SCHEMA_VERSION,))

    def _migrate(self) -> None:
        version = self._value("SELECT max(version) FROM verifier_schema") or 0
        if version > SCHEMA_VERSION:
            raise VerifierError(f"{self.path}: archive schema {version} is newer than this verifier "
                                f"understands ({SCHEMA_VERSION}); upgrade verifier")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self._transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext('verifier schema'))")
                if (self._value("SELECT max(version) FROM verifier_schema") or 0) >= target:
                    continue
                if target not in MIGRATIONS:
                    raise VerifierError(f"{self.path}: no migration from archive schema {target - 1}")
                for sql in MIGRATIONS[target]:
                    self.conn.execute(sql)
                self.conn.execute("INSERT INTO verifier_schema (version) VALUES (%s)", (target,))

    def close(self, refresh: bool = True) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            self._pool_of.putconn(conn)
        self.stemmer.close()

    def __enter__(self) -> "PgArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------------- plumbing

    @contextlib.contextmanager
    def _errors(self):
        """Database errors become one-line VerifierErrors naming the archive."""
        import psycopg

        try:
            yield
        except psycopg.Error as exc:
            raise VerifierError(f"{self.path}: archive error: {one_line(exc)}") from None

    @contextlib.contextmanager
    def _transaction(self):
        with self.conn.transaction():
            yield

    def _rows(self, sql: str, params=()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        if cur.description is None:
            return []
        names = [c.name for c in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    def _query(self, sql: str, params=()) -> list[dict]:
        """``_rows`` for portable SQL with ``?`` parameters (DocumentsMixin)."""
        return self._rows(sql.replace("?", "%s"), params)

    def _value(self, sql: str, params=()):
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def meta(self, key: str) -> str | None:
        return self._value("SELECT value FROM meta WHERE key = %s", (key,))

    # ------------------------------------------------------------------------- adding

    def add_paths(self, paths: list[str], fmt: str | None = None, force: bool = False,
                  on_result=None, on_error=None, **overrides):
        """As ``Archive.add_paths``: every file in its own transaction, in input order."""
        check_overrides(overrides)
        files = list(iter_source_files(paths))
        with self._errors():
            known = set() if force else {r["id"] for r in self._rows("SELECT id FROM documents")}
        results, errors = [], []
        with _preparer(files, (fmt, force, overrides, known)) as prepared:
            for path, future in prepared:
                try:
                    result = self._store_prepared(path, future.result(), force)
                except InputError as exc:
                    errors.append(exc)
                    if on_error:
                        on_error(exc)
                    continue
                results.append(result)
                if on_result:
                    on_result(result)
        if any(r.status != "unchanged" for r in results):
            self._tidy_index()
        return results, errors

    def _tidy_index(self) -> None:
        """After a bulk add: move the GIN index's pending entries into the index proper (queries
        scan the pending list linearly until autovacuum gets to it) and refresh the planner's
        statistics."""
        with self._errors():
            self.conn.execute("SELECT gin_clean_pending_list('segments_tsv'::regclass)")
            self.conn.execute("ANALYZE segments")

    def add_file(self, path: str, fmt: str | None = None, force: bool = False, **overrides):
        check_overrides(overrides)
        with self._errors():
            known = set() if force else {r["id"] for r in self._rows("SELECT id FROM documents")}
        return self._store_prepared(path, prepare_file(path, fmt, force, overrides, known), force)

    def _store_prepared(self, path: str, prepared, force: bool):
        if isinstance(prepared, str):
            return self._unchanged(path, prepared)
        if isinstance(prepared, SegmentRows):
            return self.add_document(prepared.doc, force=force, path=path,
                                     _index=(prepared.fts_texts, prepared.words), _rows=prepared.rows)
        doc, fts_texts, words = prepared
        return self.add_document(doc, force=force, path=path, _index=(fts_texts, words))

    def _unchanged(self, path: str, doc_id: str):
        from verifier.archive.store import AddResult

        with self._errors():
            row = self._document_row(doc_id) or {"title": None, "segments": 0, "words": 0}
        return AddResult(path, "unchanged", doc_id, row["title"], row["segments"], row["words"])

    def add_document(self, doc: Document, force: bool = False, path: str | None = None,
                     _index: tuple | None = None, _rows: list | None = None):
        """Store a Document in one transaction (see ``Archive.add_document``)."""
        from verifier.archive.store import AddResult, _fields, _now

        rows = _rows if _rows is not None else segment_rows(doc.segments)
        if not rows:
            raise InputError(path or doc.source_path or "-", "no text to index")
        if doc.content_hash is None:
            doc.content_hash = hashlib.sha256(doc.text.encode()).hexdigest()
        if doc.id is None:
            identify(doc, doc.format, _fields(doc))
        path = path or doc.source_path or "-"
        fts_texts, words = _index or index_texts(doc)
        if fts_texts is None:
            fts_texts = [doc.text[cs:ce] for cs, ce, *_ in rows]
        terms = self.stemmer.terms(fts_texts)
        with self._errors(), self._transaction():
            for key in sorted({doc.id, doc.source_path or ""}):
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (key,))
            existing = [r["id"] for r in self._rows(
                "SELECT id FROM documents WHERE id = ANY(%s) OR source_path = %s",
                ([doc.id, *doc.replaces], doc.source_path))]
            if doc.id in existing and not force:
                row = self._document_row(doc.id)
                return AddResult(path, "unchanged", doc.id, row["title"], row["segments"], row["words"])
            for old_id in existing:
                self._delete(old_id)
            doc.added = _now()
            self._insert(doc, rows, terms, words)
        replaced = [r for r in existing if r != doc.id]
        return AddResult(path, "replaced" if replaced else "added", doc.id, doc.title, len(rows), words, replaced)

    def _insert(self, doc: Document, rows: list[tuple], terms: list[list[str]], words: int) -> None:
        ids = [r[0] for r in self.conn.execute(
            "SELECT nextval('segment_ids') FROM generate_series(1, %s)", (len(rows),)).fetchall()]
        self.conn.execute(
            "INSERT INTO documents (id, title, speaker, speakers, date, url, kind, outlet, language, format,"
            " content_hash, source_path, added, first_segment, segments, words, metadata, text)"
            " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
            (doc.id, doc.title, doc.speaker, json.dumps(doc.speakers, ensure_ascii=False), doc.date, doc.url,
             doc.kind, doc.outlet, doc.language, doc.format, doc.content_hash, doc.source_path, doc.added,
             ids[0], len(rows), words, json.dumps(doc.metadata, ensure_ascii=False, default=str), doc.text))
        with self.conn.cursor().copy(
                "COPY segments (id, document_id, position, speaker, turn, start_time, end_time, char_start,"
                " char_end, text, cues, terms, tsv) FROM STDIN") as copy:
            for i, ((cs, ce, speaker, turn, start, end, cues), seg_terms) in enumerate(zip(rows, terms)):
                copy.write_row((ids[i], doc.id, i, speaker, turn, start, end, cs, ce, doc.text[cs:ce], cues,
                                len(seg_terms), tsvector(seg_terms)))
        self._change_df(_df(terms), +1)

    def _change_df(self, counts: dict[str, int], sign: int) -> None:
        """Add (or take away) each term's segment count, in term order (no deadlocks)."""
        if counts:
            keys = sorted(counts)
            self.conn.execute(
                "INSERT INTO term_df (term, doc) SELECT * FROM unnest(%s::text[], %s::int[])"
                " ON CONFLICT (term) DO UPDATE SET doc = term_df.doc + EXCLUDED.doc",
                (keys, [sign * counts[k] for k in keys]))
            if sign < 0:
                self.conn.execute("DELETE FROM term_df WHERE doc <= 0 AND term = ANY(%s)", (keys,))
        self.conn.execute("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'changes'")
        self._version_read = None   # this archive's own write is seen at once

    def _delete(self, doc_id: str) -> None:
        counts = {r["term"]: r["n"] for r in self._rows(
            "SELECT u.lexeme AS term, count(*) AS n FROM segments s, unnest(s.tsv) u"
            " WHERE s.document_id = %s GROUP BY 1", (doc_id,))}
        self.conn.execute("DELETE FROM documents WHERE id = %s", (doc_id,))   # segments cascade
        self._change_df(counts, -1)

    def remove(self, ref: str) -> dict:
        with self._errors():
            doc = self.document(ref, segments=False)
            with self._transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (doc["id"],))
                self._delete(doc["id"])
        return doc

    def sync(self, directory: str, on_result=None, on_error=None, files=None, **overrides):
        raise VerifierError(f"{self.path}: a directory is indexed into a local SQLite archive, not PostgreSQL")

    # ------------------------------------------------------------------------- documents

    def document(self, ref: str, segments: bool = True) -> dict:
        from verifier.archive.store import _segment_json

        doc_id = self.resolve(ref)
        with self._errors():
            row = self._rows("SELECT * FROM documents WHERE id = %s", (doc_id,))[0]
            row["speakers"] = json.loads(row["speakers"] or "[]")
            row["metadata"] = json.loads(row["metadata"] or "{}")
            if segments:
                segs = self._rows("SELECT id, document_id, position, speaker, turn, start_time, end_time,"
                                  " char_start, char_end, text, cues FROM segments WHERE document_id = %s"
                                  " ORDER BY position", (doc_id,))
                row["segments"] = [_segment_json(r) for r in segs]
            else:
                row.pop("text")
        return row

    def is_empty(self) -> bool:
        with self._errors():
            return self._value("SELECT count(*) FROM (SELECT 1 FROM documents LIMIT 1) d") == 0

    def stats(self) -> dict:
        with self._errors():
            d = self._rows("SELECT count(*) AS n, COALESCE(sum(words), 0) AS words, min(date) AS first,"
                           " max(date) AS last FROM documents")[0]
            segments = self._value("SELECT count(*) FROM segments")
            speakers = self._value("SELECT count(DISTINCT speaker) FROM segments")
            kinds = {r["k"]: r["n"] for r in self._rows(
                "SELECT COALESCE(kind, '') AS k, count(*) AS n FROM documents GROUP BY 1 ORDER BY 2 DESC")}
            formats = {r["f"]: r["n"] for r in self._rows(
                "SELECT format AS f, count(*) AS n FROM documents GROUP BY 1 ORDER BY 2 DESC")}
            size = self._value("SELECT COALESCE(sum(pg_total_relation_size(c)), 0) FROM unnest("
                               "ARRAY['documents', 'segments', 'term_df', 'meta']::regclass[]) c")
        return {"documents": d["n"], "segments": segments, "words": int(d["words"]), "speakers": speakers,
                "without_speaker": len(self.without_speaker()), "kinds": kinds, "formats": formats,
                "first_date": d["first"], "last_date": d["last"], "bytes": int(size), "path": self.path,
                "schema_version": SCHEMA_VERSION, "fts_tokenize": self.meta("fts_tokenize"),
                "backend": self.backend}

    def check(self) -> list[str]:
        """Consistency problems: segment counts, and ``term_df`` against the segments' terms."""
        with self._errors():
            problems = [f"document {r['id']}: {r['segments']} segments recorded, {r['n']} stored" for r in self._rows(
                "SELECT d.id, d.segments, count(s.id) AS n FROM documents d LEFT JOIN segments s"
                " ON s.document_id = d.id GROUP BY d.id HAVING d.segments != count(s.id)")]
            problems += [f"term {r['term']!r}: {r['doc']} segments recorded, {r['n'] or 0} have it" for r in self._rows(
                "WITH c AS (SELECT u.lexeme AS term, count(*) AS n FROM segments s, unnest(s.tsv) u GROUP BY 1)"
                " SELECT COALESCE(t.term, c.term) AS term, COALESCE(t.doc, 0) AS doc, c.n FROM term_df t"
                " FULL JOIN c ON c.term = t.term WHERE t.doc IS DISTINCT FROM c.n LIMIT 20")]
            problems += [f"segment {r['id']}: not in the index" for r in self._rows(
                "SELECT id FROM segments WHERE terms != length(tsv) AND length(tsv) = 0 AND terms > 0")]
        return problems


def _df(terms: list[list[str]]) -> dict[str, int]:
    """In how many of these segments each term occurs."""
    counts: dict[str, int] = {}
    for seg_terms in terms:
        for t in set(seg_terms):
            counts[t] = counts.get(t, 0) + 1
    return counts


def _reason(exc: BaseException) -> str:
    """What a connection error says went wrong ("Connection refused", "password authentication
    failed for user ..."), without the driver's hints."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0].rsplit("failed: ", 1)[-1] if lines else type(exc).__name__
