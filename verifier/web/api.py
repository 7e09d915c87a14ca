"""The JSON API for newsroom tools (see ``OPENAPI``, served at /openapi.json).

Errors are ``{"error": "message"}`` with 400 (malformed request, unreadable article or source),
401 (no token), 403 (cross-site), 404, 413 (too large), 422 (an article over its CPU budget,
``verifier.budget``) or 502 (the web source could not be had).
"""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse

from verifier import __version__
from verifier.budget import OverBudget
from verifier.errors import InputError, VerifierError
from verifier.archive.fetch.client import FetchError, Refused
from verifier.archive.reviews import HASH_RE
from verifier.web.forms import read_form, read_json, read_upload, text_field, uploads
from verifier.web.service import METADATA_FIELDS, archive_document, run_check, safe_name

API_FORMATS = ("txt", "md", "html")


def _desk(request):
    return request.app.state.desk


def _int(value: str | None, name: str, default: int, lo: int, hi: int) -> int:
    if value is None or value == "":
        return default
    if not value.isdigit() or not lo <= int(value) <= hi:
        raise HTTPException(400, f"{name} must be a number from {lo} to {hi}")
    return int(value)


async def check(request):
    """POST /api/check: the `verifier check` object for one article (no path)."""
    data = await read_json(request)
    text, fmt = data.get("text"), data.get("format")
    if "text" not in data:
        raise HTTPException(400, 'missing "text": the article to check')
    if not isinstance(text, str):
        raise HTTPException(400, '"text" must be a string')
    if fmt is not None and fmt not in API_FORMATS:
        raise HTTPException(400, f'"format" must be one of {", ".join(API_FORMATS)}, not {fmt!r}')
    if not text.strip():
        raise HTTPException(400, '"text" is empty')
    try:
        checked = await run_check(request, _desk(request).check, text.encode("utf-8"), "article", fmt or "txt")
    except OverBudget as exc:
        raise HTTPException(422, exc.reason) from None
    except InputError as exc:
        raise HTTPException(400, exc.reason) from None
    except VerifierError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONResponse(checked.record())


async def search(request):
    """GET /api/archive/search?q=WORDS[&limit=N][&speaker=NAME]: ranked passages."""
    q = request.query_params.get("q", "").strip()
    if not q:
        raise HTTPException(400, 'missing "q": the words to look for')
    if len(q) > 10_000:
        raise HTTPException(400, '"q" is too long')
    limit = _int(request.query_params.get("limit"), "limit", 10, 1, 100)
    speaker = request.query_params.get("speaker") or None
    try:
        passages = await run_in_threadpool(_desk(request).search, q, limit, speaker)
    except VerifierError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONResponse([p.to_json() for p in passages])


async def documents(request):
    """GET /api/archive/documents[?limit=N&speaker=NAME&kind=KIND]: document summaries."""
    limit = _int(request.query_params.get("limit"), "limit", 100, 1, 10_000)
    qp = request.query_params
    docs = await run_in_threadpool(lambda: _desk(request).archive().documents(
        limit=limit, speaker=qp.get("speaker") or None, kind=qp.get("kind") or None))
    return JSONResponse(docs)


async def document(request):
    """GET /api/archive/documents/{id}: a document with its segments."""
    return JSONResponse(await archive_document(request))


async def add(request):
    """POST /api/archive/add (multipart: ``file`` one or more times, metadata fields)."""
    form = await read_form(request, request.app.state.config.max_body)
    files = uploads(form, "file")
    if not files:
        raise HTTPException(400, 'missing "file": the source file(s) to add')
    overrides = {k: text_field(form, k, 2000).strip() or None for k in METADATA_FIELDS}
    fmt = text_field(form, "source_format", 10) or None
    force = text_field(form, "force", 10).lower() in ("1", "true", "yes")
    results, errors = [], []
    for upload in files:
        name = safe_name(upload.filename, "upload.txt")
        data = await read_upload(upload)
        try:
            result = await run_in_threadpool(_desk(request).add_upload, data, name, overrides, fmt, force)
            results.append(result.to_json())
        except InputError as exc:
            errors.append({"path": name, "error": exc.reason})
        except VerifierError as exc:
            errors.append({"path": name, "error": str(exc)})
    body = {"results": results, "errors": errors}
    if errors and not results:
        return JSONResponse({"error": errors[0]["error"], **body}, status_code=400)
    return JSONResponse(body)


async def fetch(request):
    """POST /api/archive/fetch {"url": ..., "speaker"?, "date"?, ..., "wayback"?: bool}."""
    data = await read_json(request)
    url = data.get("url")
    if not isinstance(url, str) or not url.strip():
        raise HTTPException(400, 'missing "url": the address of the source')
    overrides = {}
    for key in METADATA_FIELDS:
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise HTTPException(400, f'"{key}" must be a string')
        overrides[key] = value
    try:
        result, source = await run_in_threadpool(_desk(request).fetch_source, url.strip(), overrides,
                                                 bool(data.get("wayback")), bool(data.get("force")))
    except Refused as exc:
        raise HTTPException(400, str(exc)) from None
    except FetchError as exc:
        raise HTTPException(502, str(exc)) from None
    except VerifierError as exc:
        raise HTTPException(400, str(exc)) from None
    return JSONResponse({**result.to_json(), **source.to_json()})


async def reviews(request):
    """GET /api/reviews/{hash}: the current decision per quote of an article, with history."""
    digest = request.path_params["digest"]
    if not HASH_RE.fullmatch(digest):
        raise HTTPException(400, "an article hash is 64 hex digits")
    decisions = await run_in_threadpool(_desk(request).reviews().decisions, digest)
    return JSONResponse({"hash": digest, "reviews": decisions})


async def openapi(request):
    return JSONResponse(OPENAPI)


_ERROR = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_META = {k: {"type": "string"} for k in METADATA_FIELDS}

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "verifier desk API", "version": __version__,
             "description": "Check the quotes of an article against the archive of originals, and look "
                            "after the archive. When the desk has a token, send `Authorization: Bearer TOKEN`."},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "CheckRequest": {"type": "object", "required": ["text"], "properties": {
                "text": {"type": "string", "description": "the article"},
                "format": {"type": "string", "enum": list(API_FORMATS), "default": "txt"}}},
            "CheckResult": {"type": "object", "required": ["quotes", "summary"], "description":
                            "the `verifier check --format json` object of the article, without `path`",
                            "properties": {"quotes": {"type": "array", "items": {"type": "object"}},
                                           "summary": {"type": "object", "additionalProperties": {"type": "integer"}}}},
            "Passage": {"type": "object", "description": "as `verifier archive search --format json`"},
            "AddResult": {"type": "object", "properties": {
                "path": {"type": "string"}, "status": {"type": "string", "enum": ["added", "replaced", "unchanged"]},
                "id": {"type": "string"}, "title": {"type": ["string", "null"]}, "segments": {"type": "integer"},
                "words": {"type": "integer"}, "replaced": {"type": "array", "items": {"type": "string"}}}},
        },
    },
    "security": [{"bearer": []}, {}],
    "paths": {
        "/api/check": {"post": {
            "summary": "Check every quote of one article",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CheckRequest"}}}},
            "responses": {"200": {"description": "the checked quotes", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CheckResult"}}}},
                "400": _ERROR, "401": _ERROR, "413": _ERROR}}},
        "/api/archive/search": {"get": {
            "summary": "Ranked passages for some words",
            "parameters": [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                           {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                        "maximum": 100, "default": 10}},
                           {"name": "speaker", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "passages, best first", "content": {"application/json": {
                "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Passage"}}}}},
                "400": _ERROR}}},
        "/api/archive/documents": {"get": {
            "summary": "The documents of the archive, newest first",
            "parameters": [{"name": n, "in": "query", "schema": {"type": t}}
                           for n, t in (("limit", "integer"), ("speaker", "string"), ("kind", "string"))],
            "responses": {"200": {"description": "document summaries"}}}},
        "/api/archive/documents/{id}": {"get": {
            "summary": "One document with its segments and timecodes",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the document"}, "404": _ERROR}}},
        "/api/archive/add": {"post": {
            "summary": "Add uploaded source files (read in memory)",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                               "source_format": {"type": "string", "enum": ["txt", "md", "srt", "vtt", "html", "json"]},
                               "force": {"type": "boolean"}, **_META}}}}},
            "responses": {"200": {"description": "one result per file, and the files that failed",
                                  "content": {"application/json": {"schema": {"type": "object", "properties": {
                                      "results": {"type": "array", "items": {"$ref": "#/components/schemas/AddResult"}},
                                      "errors": {"type": "array", "items": {"type": "object"}}}}}}},
                          "400": _ERROR, "413": _ERROR}}},
        "/api/archive/fetch": {"post": {
            "summary": "Fetch an original from the web into the archive (private addresses refused)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["url"],
                "properties": {"url": {"type": "string"}, "wayback": {"type": "boolean"},
                               "force": {"type": "boolean"}, **_META}}}}},
            "responses": {"200": {"description": "the add result and where the document came from"},
                          "400": _ERROR, "502": _ERROR}}},
        "/api/reviews/{hash}": {"get": {
            "summary": "Editors' decisions on an article's quotes (by its content hash)",
            "parameters": [{"name": "hash", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "the current decision per quote id, with history"},
                          "400": _ERROR}}},
    },
}
