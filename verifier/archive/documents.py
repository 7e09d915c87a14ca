"""Reading an archive's documents, the same on both backends: finding one by id, id prefix or
source path (``resolve``), listing them (``documents``), and which name no speaker
(``without_speaker``). ``DocumentsMixin`` is shared by the SQLite ``Archive`` and ``PgArchive``; its
SQL is portable, with ``?`` parameters, run through the host's ``_query`` (rows as dicts)."""
from __future__ import annotations

import json
import os
import re

from verifier.archive.retrieval import speaker_clause
from verifier.errors import VerifierError


class DocumentsMixin:
    """The host provides ``_query(sql, params)``, ``_errors()``, ``path`` and ``SEGMENTS_OF_D``: the
    SQL condition that segment ``s`` belongs to document ``d`` that its indexes answer quickly."""

    SEGMENTS_OF_D = "s.document_id = d.id"

    def _document_row(self, doc_id: str) -> dict | None:
        rows = self._query("SELECT id, title, segments, words FROM documents WHERE id = ?", (doc_id,))
        return rows[0] if rows else None

    def resolve(self, ref: str) -> str:
        """The id of the document ``ref`` names: an id, a unique id prefix or a source path."""
        with self._errors():
            if self._document_row(ref):
                return ref
            rows = [r["id"] for r in self._query(
                "SELECT id FROM documents WHERE source_path = ? ORDER BY added DESC", (os.path.abspath(ref),))]
            if not rows and re.fullmatch(r"[0-9a-f]{4,}", ref):
                rows = [r["id"] for r in self._query(
                    "SELECT id FROM documents WHERE id >= ? AND id < ?", (ref, ref + "g"))]
        if len(rows) > 1 and not os.path.exists(ref):
            raise VerifierError(f"{ref}: ambiguous document id ({len(rows)} documents start with it)")
        if not rows:
            raise VerifierError(f"{ref}: no such document in {self.path}")
        return rows[0]

    def documents(self, limit: int | None = None, speaker: str | None = None,
                  kind: str | None = None) -> list[dict]:
        """Summaries of the documents, newest first."""
        where, params = [], []
        if speaker:
            clause, args = speaker_clause(speaker, "speakers")
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
            rows = self._query(sql, params + ([limit] if limit else []))
        for row in rows:
            row["speakers"] = json.loads(row["speakers"] or "[]")
        return rows

    def speakers_from_titles(self, ids: list[str]) -> dict[str, str]:
        """Of the documents ``ids``, those whose speaker was read from their title: id -> speaker."""
        found = {}
        with self._errors():
            for at in range(0, len(ids), 500):
                chunk = ids[at:at + 500]
                for row in self._query("SELECT id, speaker, metadata FROM documents WHERE id IN ("
                                       + ", ".join("?" * len(chunk)) + ")", chunk):
                    if row["speaker"] and json.loads(row["metadata"] or "{}").get("speaker_from") == "title":
                        found[row["id"]] = row["speaker"]
        return found

    def without_speaker(self, ids: list[str] | None = None) -> list[str]:
        """Ids of the documents (of ``ids``, or all) in which no segment names its speaker."""
        with self._errors():
            found = [r["id"] for r in self._query(
                "SELECT d.id FROM documents d WHERE NOT EXISTS (SELECT 1 FROM segments s"
                f" WHERE {self.SEGMENTS_OF_D} AND s.speaker IS NOT NULL AND s.speaker != '')")]
        if ids is None:
            return found
        wanted = set(ids)
        return [i for i in found if i in wanted]
