"""Reading request bodies in memory: forms (multipart uploads included) and JSON.

Starlette spools an uploaded file to a temporary file once it passes 1 MB; the desk's parser keeps
every part in memory instead (the whole body is already capped by the size limit), so an upload is
never written to the server's disk.
"""
from __future__ import annotations

import inspect
import json

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser

MAX_FIELDS = 50
MAX_FILES = 20


# Older Starlette versions cap url-encoded fields at 1 MB with no way to change it.
_FORM_PART_SIZE = "max_part_size" in inspect.signature(FormParser.__init__).parameters


class _InMemoryMultiPartParser(MultiPartParser):
    spool_max_size = 1 << 62   # never roll over to a file on disk


async def read_form(request, max_body: int) -> FormData:
    """The request's form; 400 on a malformed one."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    try:
        if ctype == "multipart/form-data":
            parser = _InMemoryMultiPartParser(request.headers, request.stream(), max_files=MAX_FILES,
                                              max_fields=MAX_FIELDS, max_part_size=max_body)
        elif ctype == "application/x-www-form-urlencoded":
            parser = FormParser(request.headers, request.stream(), max_fields=MAX_FIELDS,
                                **({"max_part_size": max_body} if _FORM_PART_SIZE else {}))
        else:
            raise HTTPException(400, "send a form (multipart/form-data or application/x-www-form-urlencoded)")
        return await parser.parse()
    except MultiPartException as exc:
        raise HTTPException(400, f"malformed form: {exc.message}") from None


def text_field(form: FormData, name: str, limit: int = 10_000_000) -> str:
    value = form.get(name)
    if value is None or isinstance(value, UploadFile):
        return ""
    if len(value) > limit:
        raise HTTPException(400, f"the field {name!r} is too long")
    return value


def uploads(form: FormData, name: str) -> list[UploadFile]:
    """The files sent under ``name`` that have a name or content (an empty file input sends one
    nameless empty part)."""
    return [f for f in form.getlist(name) if isinstance(f, UploadFile) and (f.filename or f.size)]


async def read_upload(upload: UploadFile) -> bytes:
    await upload.seek(0)
    return await upload.read()


async def read_json(request) -> dict:
    """The request's JSON object; 400 with a message when it is not one."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype != "application/json" and not ctype.endswith("+json"):
        raise HTTPException(400, "send a JSON body with Content-Type: application/json")
    body = await request.body()
    if not body.strip():
        raise HTTPException(400, "empty body: send a JSON object")
    try:
        data = json.loads(body)
    except UnicodeDecodeError:
        raise HTTPException(400, "malformed JSON: not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise HTTPException(400, f"malformed JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "malformed request: expected a JSON object")
    return data
