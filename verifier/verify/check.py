"""Checking: every statement of an article verified against the archive.

Owns the flow for one article — extract the quotes, parse each one's editing marks, retrieve and
align candidate passages (``match``), judge them (``judge``) — and the per-quote record of the
interface (verdict, score, source with context and timecode, differences). ``open_archive`` also
turns a directory of source files into a cached archive database.
"""
from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from verifier.archive.store import Archive, default_path, timecode
from verifier.archive.sources.document import READER_VERSION
from verifier.article.load import Article
from verifier.errors import VerifierError
from verifier.records import error_record
from verifier.verify.judge import Candidate, Judgement, judge_quote
from verifier.verify.occasion import Occasion, occasion_around
from verifier.verify.provenance import Indirect, gather, judge_provenance
from verifier.verify.verdicts import FAIL_LEVELS, SEVERITY, VERDICTS, fails  # noqa: F401
from verifier.verify.match import Alignment, QuoteForm, find_alignments, parse_quote
from verifier.budget import spend
from verifier.quotes.extract import STATEMENT, Quote, extract_quotes
from verifier.quotes.speakers import SpeakerMatcher

CONTEXT_CHARS = 160
INDIRECT_CONTEXT = 600  # an attribution by pronoun may mean a person named this far before the quote


@dataclass
class CheckedQuote:
    quote: Quote
    judgement: Judgement
    suppressed: str | None = None  # why the quote is suppressed (never fails the check), if it is

    @property
    def id(self) -> str:
        return quote_id(self.quote.speaker, self.quote.text)


def quote_id(speaker: str | None, text: str) -> str:
    """A short stable id of a quote: its speaker and its normalised words (case, punctuation and
    quotation-mark styles left out), so it survives edits elsewhere in the article."""
    from verifier.textnorm import words

    key = " ".join((speaker or "").split()).lower() + "\n" + " ".join(t.norm for t in words(text))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


@dataclass
class ArticleResult:
    """One input of `verifier check`: its checked quotes, or why it could not be read."""

    path: str
    article: Article | None = None
    checked: list[CheckedQuote] = field(default_factory=list)
    error: str | None = None
    dated_by_name: bool = False   # the article's date was read from its file name

    @property
    def summary(self) -> dict:
        return summary(self.checked)

    def record(self) -> dict:
        """The interface's JSON object for this article."""
        if self.error is not None:
            return error_record(self.path, self.error)
        return {"path": self.path, "quotes": [quote_record(c) for c in self.checked], "summary": self.summary,
                "date": self.article.date if self.article else None}   # the date it was checked with


def check_article(article: Article, archive: Archive, matcher: SpeakerMatcher | None = None,
                  **extract_options) -> list[CheckedQuote]:
    """Every statement of ``article`` with its judgement, in order."""
    matcher = matcher or SpeakerMatcher()
    out = []
    for quote in extract_quotes(article.text, **extract_options):
        if quote.kind != STATEMENT:
            continue
        spend()
        aliased = _name_the_person(quote, matcher)
        quote.line, quote.column = article.position(quote.start)
        quote.end_line, quote.end_column = article.position(max(quote.start, quote.end - 1))
        occasion = occasion_around(article.text, quote.start, quote.end, quote.speaker, cue_after=quote.how == "after")
        indirect = None if aliased else indirect_attribution(article.text, quote)
        out.append(CheckedQuote(quote, check_quote(quote, archive, matcher, article.date, occasion, indirect)))
    return out


def check_quote(quote: Quote, archive: Archive, matcher: SpeakerMatcher,
                article_date: str | None = None, occasion: Occasion | None = None,
                indirect: Indirect | None = None) -> Judgement:
    """The judgement of one quotation: its candidates, their provenance, then the wording."""
    form = parse_quote(quote.text)
    return judge_quote(form, quote.speaker, candidates(form, quote.speaker, archive, matcher, article_date,
                                                       occasion, indirect), matcher,
                       speaker_guessed=quote.how == "nearby")


def _name_the_person(quote: Quote, matcher: SpeakerMatcher) -> bool:
    """A speaker the aliases name ("the Iron Lady") is reported as the person; the words the
    article used stay in ``speaker_mention``. True when so."""
    person = matcher.person(quote.speaker)
    if not person or person == quote.speaker:
        return False
    quote.speaker_mention = quote.speaker_mention or {"text": quote.speaker}
    quote.speaker = person
    return True


def indirect_attribution(text: str, quote: Quote) -> Indirect | None:
    """The quote's attribution when it is a pronoun or a description, not a name."""
    mention = (quote.speaker_mention or {}).get("text") or ""
    if not mention or not quote.speaker or any(w in mention for w in quote.speaker.split()):
        return None
    return Indirect(mention, text[max(0, quote.start - INDIRECT_CONTEXT):quote.start], quote.role_given)


def candidates(form: QuoteForm, speaker: str | None, archive: Archive, matcher: SpeakerMatcher,
               article_date: str | None = None, occasion: Occasion | None = None,
               indirect: Indirect | None = None) -> list[Candidate]:
    """The passages the quote may come from, aligned, each with its provenance, best aligned first."""
    alignments = find_alignments(archive, form)
    if not alignments:
        return []
    bits = archive.word_bits([w.norm for w in form.spoken])
    total = archive.segment_total()
    return [Candidate(a, judge_provenance(gather(form, a, speaker, matcher, bits, article_date, occasion, total,
                                                 indirect))) for a in alignments]


def quote_record(checked: CheckedQuote) -> dict:
    """The interface's JSON object for one checked quote."""
    j = checked.judgement
    rec = checked.quote.to_json()
    rec.update({"id": checked.id, "verdict": j.verdict, "score": j.score,
                "source": source_record(j.alignment) if j.alignment else None,
                "differences": [d.to_json() for d in j.differences]})
    if j.closest is not None:
        rec["closest"] = source_record(j.closest)
    if j.provenance is not None:
        rec["provenance"] = j.provenance.to_json()
    if j.notes:
        rec["notes"] = j.notes
    if checked.suppressed is not None:
        rec["suppressed"] = checked.suppressed
    return rec


def source_record(alignment: Alignment) -> dict:
    """Where the words are: document metadata, the matched text with context, offsets, timecode."""
    p = alignment.passage
    doc = p.document
    return {"id": doc.get("id"), "title": doc.get("title"), "speaker": alignment.speaker,
            "date": doc.get("date"), "url": doc.get("url"), "kind": doc.get("kind"),
            "outlet": doc.get("outlet"),
            "timecode": timecode(p.time_at(alignment.start)),
            "start": p.document_offset(alignment.start), "end": p.document_offset(alignment.end),
            "text": alignment.matched_text, "context": _context(p.text, alignment.start, alignment.end)}


def _context(text: str, start: int, end: int) -> str:
    lo = max(0, start - CONTEXT_CHARS)
    hi = min(len(text), end + CONTEXT_CHARS)
    lead = ("… " if lo else "") + text[lo:start]
    tail = text[end:hi] + (" …" if hi < len(text) else "")
    return " ".join((lead + text[start:end] + tail).split())


def summary(checked: list[CheckedQuote]) -> dict:
    counts = {v: 0 for v in VERDICTS}
    for c in checked:
        counts[c.judgement.verdict] += 1
    return counts


def open_archive(location: str | None, on_file=None, files: list[str] | None = None) -> Archive:
    """An archive database, or a directory of source files indexed into a cached database
    (refreshed when the files change). ``on_file`` is called with each file's outcome as it is
    indexed — an AddResult, or the InputError of a file that cannot be read, which is otherwise
    printed to standard error; ``files``: the directory's source files, if the caller has listed
    them. Default: $VERIFIER_ARCHIVE, then ./verifier.db."""
    location = location or default_path()
    if os.path.isdir(location):
        return _directory_archive(location, on_file, files)
    archive = Archive.open(location)
    if archive.is_empty():
        raise VerifierError(f"{location}: the archive is empty (add sources with "
                            f"`verifier archive add --db {location} FILE...`)")
    return archive


def _drop_older_caches(cache: Path, stem: str, current: Path) -> None:
    """Remove the caches of this directory made by other versions of the readers (``stem.db``
    before versions were named, ``stem-rN.db``), with their write-ahead logs."""
    for old in [*cache.glob(f"{glob.escape(stem)}.db*"), *cache.glob(f"{glob.escape(stem)}-r*.db*")]:
        if not old.name.startswith(current.name):
            with contextlib.suppress(OSError):
                old.unlink()


def _directory_archive(directory: str, on_file=None, files: list[str] | None = None) -> Archive:
    key = hashlib.sha256(os.path.abspath(directory).encode()).hexdigest()[:16]
    cache = Path(os.environ.get("VERIFIER_CACHE") or Path.home() / ".cache" / "verifier")
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise VerifierError(f"{cache}: cannot create the archive cache ({exc.strerror})") from None
    stem = f"{Path(directory).name or 'archive'}-{key}"
    # a new version of the readers makes a new cache (the files are read again); older ones go
    current = cache / f"{stem}-r{READER_VERSION}.db"
    _drop_older_caches(cache, stem, current)
    archive = Archive.open(current, create=True)
    _, errors, _ = archive.sync(directory, on_result=on_file, on_error=on_file, files=files)
    if archive.is_empty():
        raise VerifierError(f"{directory}: no source files the archive can read")
    if on_file is None:
        for err in errors:
            print(f"verifier: {err}", file=sys.stderr)
    return archive
