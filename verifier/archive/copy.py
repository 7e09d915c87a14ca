"""Copying an archive between backends (SQLite file <-> PostgreSQL server, or the same kind).

``copy_archive`` adds every document of one open archive to another, oldest first, each in its
own transaction with its id, text, metadata and segments (speakers, turns, times, cues) as they
are; documents the destination has already are skipped, so an interrupted copy is resumed by
running it again.
"""
from __future__ import annotations

from verifier.archive.sources import Document, Segment

DOCUMENT_FIELDS = ("format", "title", "speaker", "speakers", "date", "url", "kind", "outlet", "language",
                   "metadata", "source_path", "content_hash", "id")


def stored_document(row: dict) -> Document:
    """A Document as ``archive.document(id)`` returned it (with its segments)."""
    segments = [Segment(s["text"], s["char_start"], s["char_end"], s["speaker"], s["start_time"], s["end_time"],
                        s["turn"], [tuple(c) for c in s["cues"]] if s["cues"] else None, s["position"])
                for s in row["segments"]]
    return Document(text=row["text"], segments=segments, **{f: row[f] for f in DOCUMENT_FIELDS})


def copy_archive(source, destination, on_document=None) -> dict:
    """Copy what ``destination`` lacks of ``source``; ``on_document(status, summary)`` after each.
    Returns the counts: ``copied``, ``present`` (there already)."""
    have = {d["id"] for d in destination.documents()}
    counts = {"copied": 0, "present": 0}
    for summary in reversed(source.documents()):   # documents() is newest first
        if summary["id"] in have:
            counts["present"] += 1
            status = "present"
        else:
            result = destination.add_document(stored_document(source.document(summary["id"])))
            status = "copied" if result.status != "unchanged" else "present"
            counts[status] += 1
        if on_document:
            on_document(status, summary)
    return counts
