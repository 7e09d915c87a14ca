"""The desk's HTML pages: check an article, the article view with its review, the archive.

Every GET page makes sure the browser has a session cookie (for the CSRF token of its forms);
every POST form is checked for that token (``check_csrf``) besides the middleware's Origin and
Sec-Fetch-Site checks, and answers with a redirect (post/redirect/get) or the page with a message.
"""
from __future__ import annotations

import asyncio
from urllib.parse import quote, unquote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from verifier.budget import OverBudget
from verifier.errors import VerifierError
from verifier.report.formats.html import render as render_report
from verifier.archive.reviews import HASH_RE
from verifier.web import render
from verifier.web.forms import read_form, read_upload, text_field, uploads
from verifier.web.security import (AUTH_COOKIE, NAME_COOKIE, SESSION_COOKIE, check_csrf, new_session)
from verifier.web.service import METADATA_FIELDS, archive_document, run_check, safe_name

YEAR = 365 * 86400


def _desk(request):
    return request.app.state.desk


def _session(request) -> tuple[str, bool]:
    session = request.cookies.get(SESSION_COOKIE)
    if session and 16 <= len(session) <= 64:
        return session, False
    return new_session(), True


def _cookie(response: Response, request, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, httponly=True, samesite="strict", path="/",
                        secure=request.url.scheme == "https")


def _html(request, build, status: int = 200) -> HTMLResponse:
    """A page built by ``build(csrf_token)``, with the session cookie set when it is new."""
    session, new = _session(request)
    response = HTMLResponse(build(request.app.state.security.csrf_token(session)), status_code=status)
    if new:
        _cookie(response, request, SESSION_COOKIE, session)
    return response


def _reviewer(request) -> str:
    return unquote(request.cookies.get(NAME_COOKIE, ""))[:100]


async def _form(request):
    form = await read_form(request, request.app.state.config.max_body)
    check_csrf(request, form)
    return form


# --------------------------------------------------------------------------- sign in

async def login(request):
    security = request.app.state.security
    if not security.token:
        return RedirectResponse("/", status_code=303)   # no token to enter
    if request.method == "GET":
        return _html(request, lambda csrf: render.login_page(csrf))
    form = await _form(request)
    if not security.token_ok(text_field(form, "token", 1000)):
        await asyncio.sleep(0.5)   # slow down guessing
        return _html(request, lambda csrf: render.login_page(csrf, "That is not the desk's token."), 401)
    response = RedirectResponse("/", status_code=303)
    _cookie(response, request, AUTH_COOKIE, security.auth_cookie_value(), 30 * 86400)
    return response


async def stylesheet(request):
    return Response(render.CSS, media_type="text/css; charset=utf-8",
                    headers={"cache-control": "public, max-age=3600"})


# --------------------------------------------------------------------------- checking

async def home(request):
    recent = await run_in_threadpool(lambda: _desk(request).reviews().recent_articles())
    return _html(request, lambda csrf: render.home_page(csrf, recent))


async def check(request):
    """The check form: a file, else a URL, else the pasted text; then the article's page."""
    form = await _form(request)
    desk = _desk(request)
    fmt = text_field(form, "format", 10) or None
    if fmt not in (None, "txt", "md", "html"):
        raise HTTPException(400, f"unknown format {fmt!r} (txt, md or html)")
    text, url = text_field(form, "text"), text_field(form, "url", 4000).strip()
    files = uploads(form, "file")
    try:
        if files:
            data, name = await read_upload(files[0]), safe_name(files[0].filename, "upload.txt")
            fmt = None if name.lower().endswith(".docx") else fmt
        elif url:
            data, name, fetched_fmt = await run_in_threadpool(desk.fetch_article, url)
            fmt = fmt or fetched_fmt
        elif text.strip():
            data, name = text.encode("utf-8"), "pasted text"
        else:
            raise VerifierError("paste an article, upload a file or give an address")
        checked = await run_check(request, desk.check, data, name, fmt, True)
    except VerifierError as exc:
        recent = await run_in_threadpool(lambda: desk.reviews().recent_articles())
        message = str(exc)
        status = 422 if isinstance(exc, OverBudget) else 400
        return _html(request, lambda csrf: render.home_page(csrf, recent, message, text, fmt or "", url), status)
    return RedirectResponse(f"/article/{checked.digest}", status_code=303)


def _digest(request) -> str:
    digest = request.path_params["digest"]
    if not HASH_RE.fullmatch(digest):
        raise HTTPException(404, "no such article")
    return digest


async def _stored(request):
    checked = await run_check(request, _desk(request).check_stored, _digest(request))
    if checked is None:
        raise HTTPException(404, "no such article on this desk (check it again from the start page)")
    return checked


async def article(request):
    desk = _desk(request)
    checked = await _stored(request)

    def gather():
        decisions = desk.reviews().decisions(checked.digest)
        others = {n: desk.other_sources(c) for n, c in enumerate(checked.checked, 1)}
        return decisions, others

    decisions, others = await run_in_threadpool(gather)
    message = "Decision saved." if request.query_params.get("saved") else None
    reviewer = _reviewer(request)
    return _html(request, lambda csrf: render.article_page(checked, decisions, others, csrf, reviewer, message))


async def review(request):
    """Record an editor's decision on one quote of a stored article."""
    form = await _form(request)
    desk = _desk(request)
    checked = await _stored(request)
    quote_id = text_field(form, "quote_id", 100)
    found = next((c for c in checked.checked if c.id == quote_id), None)
    if found is None:
        raise HTTPException(400, "no such quote in this article")
    reviewer = text_field(form, "reviewer", 1000)
    try:
        await run_in_threadpool(desk.reviews().record, checked.digest, quote_id, text_field(form, "decision", 100),
                                reviewer, text_field(form, "comment", 100_000), found.judgement.verdict,
                                found.quote.text)
    except VerifierError as exc:
        raise HTTPException(400, str(exc)) from None
    n = checked.checked.index(found) + 1
    response = RedirectResponse(f"/article/{checked.digest}?saved=1#q{n}", status_code=303)
    _cookie(response, request, NAME_COOKIE, quote(" ".join(reviewer.split())[:100]), YEAR)
    return response


async def report(request):
    """The `verifier check --format html` report of a stored article, as a download."""
    checked = await _stored(request)
    html = render_report([checked.result()], {"archive": request.app.state.config.archive_label})
    from verifier.report.formats.html import CSP as REPORT_CSP

    return HTMLResponse(html, headers={
        "content-disposition": f'attachment; filename="quote-check-{checked.digest[:12]}.html"',
        "content-security-policy": REPORT_CSP})


async def article_json(request):
    from starlette.responses import JSONResponse

    checked = await _stored(request)
    decisions = await run_in_threadpool(_desk(request).reviews().decisions, checked.digest)
    return JSONResponse({**checked.record(), "hash": checked.digest, "reviews": decisions})


# --------------------------------------------------------------------------- the archive

async def archive(request):
    desk = _desk(request)
    q = request.query_params.get("q", "").strip()[:2000]
    speaker = request.query_params.get("speaker", "").strip()[:200]

    def gather():
        archive = desk.archive()
        passages, error = None, None
        if q:
            try:
                passages = desk.search(q, limit=20, speaker=speaker)
            except VerifierError as exc:
                error = str(exc)
        return archive.documents(limit=500, speaker=speaker or None), archive.stats(), passages, error

    docs, stats, passages, error = await run_in_threadpool(gather)
    return _html(request, lambda csrf: render.archive_page(docs, stats, q, speaker, passages, error))


async def document(request):
    doc = await archive_document(request)
    return _html(request, lambda csrf: render.document_page(doc))


async def add_form(request):
    return _html(request, lambda csrf: render.add_page(csrf))


def _overrides(form) -> dict:
    return {k: text_field(form, k, 2000).strip() or None for k in METADATA_FIELDS}


async def add(request):
    form = await _form(request)
    desk = _desk(request)
    overrides = _overrides(form)
    results, errors = [], []
    files = uploads(form, "file")
    if not files:
        errors.append("choose one or more files to add")
    for upload in files:
        name = safe_name(upload.filename, "upload.txt")
        data = await read_upload(upload)
        try:
            results.append(await run_in_threadpool(desk.add_upload, data, name, overrides))
        except VerifierError as exc:
            errors.append(str(exc))
    status = 400 if errors and not results else 200
    return _html(request, lambda csrf: render.add_page(csrf, results, errors), status)


async def fetch(request):
    form = await _form(request)
    desk = _desk(request)
    url = text_field(form, "url", 4000).strip()
    overrides = {k: v for k, v in _overrides(form).items() if k in ("speaker", "date", "kind")}
    try:
        if not url:
            raise VerifierError("give the address of the source")
        result, _ = await run_in_threadpool(desk.fetch_source, url, overrides, bool(form.get("wayback")))
    except VerifierError as exc:
        message = str(exc)
        return _html(request, lambda csrf: render.add_page(csrf, [], [message]), 400)
    return _html(request, lambda csrf: render.add_page(csrf, [result], []))
