"""What the desk does, apart from HTTP: read an article (pasted, uploaded, fetched), check it, keep
reviews, and add sources to the archive. Blocking code, run in Starlette's thread pool.

Each thread has its own archive connection (SQLite connections are not shared between threads);
all are closed when the server stops. Nothing here opens a file named by a request: uploads are
bytes in memory, URLs go through ``verifier.archive.fetch.client`` (its guard refuses private addresses).
"""
from __future__ import annotations

import io
import os
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from verifier.archive.store import Archive
from verifier.article.load import Article, parse_article, publication_date
from verifier.verify.check import ArticleResult, CheckedQuote, check_article
from verifier.budget import budget
from verifier.errors import InputError, VerifierError
from verifier.archive.reviews import Reviews, article_hash
from verifier.quotes.speakers import SpeakerMatcher

ARTICLE_EXTENSIONS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md",
                      ".html": "html", ".htm": "html", ".docx": "docx"}
MAX_DOCX_UNPACKED = 50_000_000     # a .docx whose parts unpack to more than this is refused
MAX_UPLOAD_FILES = 20
METADATA_FIELDS = ("speaker", "date", "title", "url", "kind", "outlet", "language")
MEDIA_FORMATS = {"text/html": "html", "application/xhtml+xml": "html", "text/markdown": "md",
                 "text/x-markdown": "md", "text/plain": "txt"}


@dataclass
class Checked:
    """An article checked on the desk: the article, its quotes, its content hash."""

    name: str
    article: Article
    checked: list[CheckedQuote]
    digest: str
    stored_format: str = "txt"   # how to read ``stored_text`` again
    stored_text: str = ""

    def result(self) -> ArticleResult:
        return ArticleResult(self.name, self.article, self.checked)

    def record(self) -> dict:
        """The `verifier check` JSON object for this article, without ``path``."""
        rec = self.result().record()
        rec.pop("path", None)
        return rec


def safe_name(name: str | None, default: str) -> str:
    """A display name for an upload: the last part of what the browser sent, never a path."""
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    base = "".join(ch for ch in base if ch.isprintable())[:120]
    return base or default


def read_article(data: bytes, name: str, fmt: str | None) -> tuple[Article, str, str]:
    """An Article from bytes (``fmt``: txt, md, html, docx or None for the name's extension, else a
    look at the text); also the format and text to store for checking it again."""
    if fmt is None:
        fmt = ARTICLE_EXTENSIONS.get(PurePath(name).suffix.lower())
    if fmt == "docx":
        article = parse_article(docx_text(data, name).encode("utf-8"), name, "txt")
    else:
        article = parse_article(data, name, fmt)
    article.date = publication_date(article)   # as `check` dates it (without --date)
    stored = article.original if article.original is not None else article.text
    return article, article.format, stored


def check_bytes(data: bytes, name: str, fmt: str | None, archive: Archive, matcher: SpeakerMatcher) -> Checked:
    """Read an article and check it against ``archive``, in this thread, within its CPU budget."""
    with budget(name):
        article, stored_format, stored_text = read_article(data, name, fmt)
        checked = check_article(article, archive, matcher)
    return Checked(name, article, checked, article_hash(article.text), stored_format, stored_text)


def _fetcher():
    from verifier.archive.fetch.client import FetchConfig, Fetcher, Guard

    return Fetcher(FetchConfig.from_env(), Guard(allow_private=False))


@dataclass
class Desk:
    """The desk's work on one archive database (``db``)."""

    db: str
    aliases: dict = field(default_factory=dict)
    fetcher_factory: object = _fetcher   # () -> verifier.archive.fetch.client.Fetcher
    checkers: object = None   # verifier.web.checkers.Checkers: checks in worker processes (None: here)

    def __post_init__(self):
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[Archive] = []
        self.reviews().ensure()

    # --------------------------------------------------------------------------- connections

    def archive(self) -> Archive:
        """This thread's archive connection."""
        archive = getattr(self._local, "archive", None)
        if archive is None:
            archive = Archive.open(self.db, create=True)
            self._local.archive = archive
            with self._lock:
                self._open.append(archive)
        return archive

    def reviews(self) -> Reviews:
        """The editors' decisions: in the archive database, or for an archive on a PostgreSQL
        server in a local SQLite file (``$VERIFIER_REVIEWS``, default ./verifier-reviews.db)."""
        archive = self.archive()
        if getattr(archive, "backend", "sqlite") == "sqlite":
            return Reviews(archive.conn)
        conn = getattr(self._local, "reviews", None)
        if conn is None:
            import sqlite3

            path = os.environ.get("VERIFIER_REVIEWS") or "verifier-reviews.db"
            try:
                conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
            except sqlite3.Error as exc:
                raise VerifierError(f"{path}: cannot open the reviews database ({exc})") from None
            self._local.reviews = conn
        return Reviews(conn)

    def close(self) -> None:
        if self.checkers is not None:
            self.checkers.close()
        with self._lock:
            for archive in self._open:
                try:
                    archive.close()
                except Exception:
                    pass
            self._open.clear()
        self._local = threading.local()

    # --------------------------------------------------------------------------- articles

    def check(self, data: bytes, name: str, fmt: str | None = None, remember: bool = False) -> Checked:
        """Read and check an article, in a worker process when there are some (``checkers``)."""
        if self.checkers is not None:
            result = self.checkers.check(data, name, fmt)
        else:
            result = check_bytes(data, name, fmt, self.archive(), SpeakerMatcher(self.aliases))
        if remember:
            self.reviews().save_article(result.digest, name, result.stored_format, result.stored_text,
                                        result.article.title)
        return result

    def check_stored(self, digest: str) -> Checked | None:
        """The stored article with this hash, checked again (None if unknown)."""
        row = self.reviews().article(digest)
        if row is None:
            return None
        checked = self.check(row["text"].encode("utf-8"), row["name"], row["format"])
        checked.digest = digest   # the key its reviews are stored under, even if extraction changed
        return checked

    def fetch_article(self, url: str) -> tuple[bytes, str, str | None]:
        """The body of an article page, its name (the URL) and format (from its media type)."""
        with self.fetcher_factory() as fetcher:
            fetched = fetcher.get(url)
        fmt = MEDIA_FORMATS.get(fetched.media_type)
        return fetched.body, url, fmt

    # --------------------------------------------------------------------------- archive

    def add_upload(self, data: bytes, name: str, overrides: dict, fmt: str | None = None,
                   force: bool = False):
        """Add one uploaded source file (bytes in memory) to the archive; an AddResult."""
        from verifier.archive.sources import detect_format, parse_source

        overrides = {k: v for k, v in overrides.items() if v}
        doc = parse_source(data, name, detect_format(name, fmt), overrides)
        doc.source_path = f"upload:{name}"   # never a path on this server
        return self.archive().add_document(doc, force=force, path=name)

    def fetch_source(self, url: str, overrides: dict, wayback: bool = False, force: bool = False):
        """Fetch an original from the web (as `verifier archive fetch`); (AddResult, Source)."""
        from verifier.archive.fetch.web import fetch_source

        overrides = {k: v for k, v in overrides.items() if v}
        with self.fetcher_factory() as fetcher:
            source = fetch_source(fetcher, url, overrides, wayback=wayback)
        return self.archive().add_document(source.document, force=force, path=url), source

    def search(self, text: str, limit: int = 10, speaker: str | None = None):
        return self.archive().search(text, limit=limit, speaker=speaker or None)

    def other_sources(self, checked: CheckedQuote, limit: int = 3) -> list:
        """Other passages that may be the quote's source, besides the one judged."""
        alignment = checked.judgement.alignment or checked.judgement.closest
        seen = set(alignment.passage.segment_ids) if alignment else set()
        try:
            found = self.archive().search(checked.quote.text, limit=limit + len(seen) + 1)
        except VerifierError:
            return []
        return [p for p in found if p.segment_id not in seen][:limit]


def docx_text(data: bytes, name: str) -> str:
    """The paragraphs (and table cells) of a Word document, a blank line between paragraphs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_DOCX_UNPACKED:
                raise InputError(name, "the Word document unpacks to too much data")
    except zipfile.BadZipFile:
        raise InputError(name, "not a Word (.docx) document") from None
    try:
        import docx
    except ImportError:
        raise InputError(name, ".docx needs python-docx (pip install python-docx)") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # a broken or hostile file must not end the request with a trace
        raise InputError(name, f"cannot read the Word document ({type(exc).__name__})") from None
    paragraphs = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += [p.text for p in cell.paragraphs]
    text = "\n\n".join(p.strip() for p in paragraphs if p.strip())
    if not text:
        raise InputError(name, "the Word document has no text")
    return text + "\n"


CHECK_THREADS = 2   # checks at once in one desk process (each is CPU-bound Python under one GIL)


async def run_check(request, fn, *args):
    """``fn(*args)`` — a check — in a worker thread, at most CHECK_THREADS at once in this process
    (with worker processes, one more than they are: the threads only wait for them); the others
    wait in the event loop, holding no thread. Twenty checks in twenty threads shared one GIL and
    each took ~80% more CPU than alone (measured with benchmarks/bench_serve.py)."""
    import anyio.to_thread

    state = request.app.state
    limiter = getattr(state, "check_limiter", None)
    if limiter is None:
        checkers = state.desk.checkers
        limiter = state.check_limiter = anyio.CapacityLimiter(
            CHECK_THREADS if checkers is None else checkers.processes + 1)
    return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)


async def archive_document(request) -> dict:
    """The archive document named by the request's ``doc_id`` (hex only), or a 404."""
    doc_id = request.path_params["doc_id"]
    if not (4 <= len(doc_id) <= 64 and all(c in "0123456789abcdef" for c in doc_id)):
        raise HTTPException(404, "no such document")
    try:
        return await run_in_threadpool(request.app.state.desk.archive().document, doc_id)
    except VerifierError as exc:
        raise HTTPException(404, str(exc)) from None
