"""JSON Lines, shared by every command that prints one record per article: the writer, and the
record of an article that could not be read or checked (``../shared/interface.md``)."""
from __future__ import annotations

import json
from typing import IO


def error_record(path: str, message: str) -> dict:
    return {"path": path, "error": message, "quotes": []}


def write_json_line(record: dict, out: IO[str]) -> None:
    out.write(json.dumps(record, ensure_ascii=False) + "\n")
