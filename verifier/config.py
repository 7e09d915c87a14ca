"""Configuration: ``[tool.verifier]`` in ``pyproject.toml`` or the top level of ``verifier.toml``.

Owns finding the file (walking up from the working directory: the first directory with a
``verifier.toml``, or a ``pyproject.toml`` that has a ``[tool.verifier]`` table; ``verifier.toml``
wins in the same directory), reading and validating it (an unknown key or a wrong type is a
one-line ``VerifierError`` naming the file and the key), merging it with the command line (flags
override the file, the file overrides the defaults) into ``Settings``, and suppressions: quotes
marked ``verifier: ignore`` in the article, or listed by id or by path and opening words in the
file, which are still reported but never fail a check.
"""
from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from verifier.errors import InputError, VerifierError
from verifier.inputs import PathFilter, Pattern, open_regular

CONFIG_NAME = "verifier.toml"
PYPROJECT = "pyproject.toml"
DEFAULT_ARCHIVE = "verifier.db"
DEFAULT_FAIL_ON = "misquote"
DEFAULT_FORMAT = "text"

# key -> what it must be (for the error message)
KEYS = {
    "archive": "a string (a path)",
    "fail-on": "one of {levels}",
    "format": "one of {formats}",
    "jobs": "a positive integer",
    "aliases": "a table of NAME = \"PERSON\" strings",
    "include": "a list of glob patterns (strings)",
    "exclude": "a list of glob patterns (strings)",
    "suppress": "a list of tables ({{hash = \"...\", reason = \"...\"}} or {{path = \"...\", quote = \"...\", reason = \"...\"}})",
    "double-apostrophes": "true or false",
}
SUPPRESS_KEYS = ("hash", "path", "quote", "reason")
_HASH = re.compile(r"[0-9a-f]{12}")


# --------------------------------------------------------------------------- the file

@dataclass
class ConfigFile:
    """A configuration file as read: ``values`` by key, validated; relative paths in it are
    relative to ``base`` (the file's directory). ``path`` is None for no file."""

    path: Path | None = None
    values: dict = field(default_factory=dict)

    @property
    def base(self) -> Path:
        return self.path.parent if self.path is not None else Path(os.getcwd())

    @property
    def label(self) -> str:
        return str(self.path) if self.path is not None else "no configuration file"


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The configuration file for ``start`` (default: the working directory), walking up to the
    filesystem root; None if there is none."""
    try:
        here = Path(os.path.abspath(start if start is not None else os.getcwd()))
    except OSError:  # the working directory is gone
        return None
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
        candidate = directory / PYPROJECT
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False  # not ours to complain about
    if "verifier" not in text:
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if re.search(r"^\s*\[\s*tool\s*\.\s*verifier\b", text, re.M):
            raise VerifierError(f"{path}: invalid TOML ({exc})") from None
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "verifier" in tool


def _read_regular(path: Path) -> bytes:
    fh, _ = open_regular(str(path))
    with fh:
        return fh.read()


def load_config(path: str | os.PathLike) -> ConfigFile:
    """Read and validate one configuration file (``[tool.verifier]`` of a ``pyproject.toml``,
    else the top level)."""
    path = Path(os.path.abspath(path))
    try:
        raw = _read_regular(path)
    except InputError as exc:
        raise VerifierError(f"{path}: cannot read the configuration: {exc.reason}") from None
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc)).lower()
        raise VerifierError(f"{path}: cannot read the configuration ({reason})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise VerifierError(f"{path}: invalid TOML (not UTF-8 text)") from None
    except tomllib.TOMLDecodeError as exc:
        raise VerifierError(f"{path}: invalid TOML ({exc})") from None
    prefix = ""
    if path.name == PYPROJECT:
        tool = data.get("tool")
        if not isinstance(tool, dict) or "verifier" not in tool:
            raise VerifierError(f"{path}: no [tool.verifier] table")
        data, prefix = tool["verifier"], "tool.verifier."
        if not isinstance(data, dict):
            raise VerifierError(f"{path}: 'tool.verifier' must be a table")
    return ConfigFile(path, _validate(data, path, prefix))


def config_for(args) -> ConfigFile:
    """The configuration a command runs with: ``--config FILE``, none with ``--no-config``, else
    the one found from the working directory."""
    if getattr(args, "no_config", False):
        return ConfigFile()
    given = getattr(args, "config", None)
    if given:
        return load_config(given)
    found = find_config()
    return load_config(found) if found is not None else ConfigFile()


def _validate(data: dict, path: Path, prefix: str) -> dict:
    from verifier.verify.verdicts import FAIL_LEVELS
    from verifier.report.formats import available

    def bad(key: str, what: str | None = None) -> VerifierError:
        what = what or KEYS[key].format(levels=", ".join(FAIL_LEVELS), formats=", ".join(available()))
        return VerifierError(f"{path}: '{prefix}{key}' must be {what}")

    out: dict = {}
    for key, value in data.items():
        if key not in KEYS:
            hint = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
            also = f" (did you mean '{prefix}{hint[0]}'?)" if hint else f" (known keys: {', '.join(KEYS)})"
            raise VerifierError(f"{path}: unknown key '{prefix}{key}'{also}")
        if key == "archive":
            if not isinstance(value, str) or not value.strip():
                raise bad(key)
        elif key == "fail-on":
            if value not in FAIL_LEVELS:
                raise bad(key)
        elif key == "format":
            if value not in available():
                raise bad(key)
        elif key == "jobs":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise bad(key)
        elif key == "double-apostrophes":
            if not isinstance(value, bool):
                raise bad(key)
        elif key == "aliases":
            if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() and k.strip()
                                                      for k, v in value.items()):
                raise bad(key)
            value = {k.strip(): v.strip() for k, v in value.items()}
        elif key in ("include", "exclude"):
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise bad(key)
        elif key == "suppress":
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise bad(key)
            for n, entry in enumerate(value, 1):
                _check_suppression(entry, f"{prefix}suppress[{n}]", path)
        out[key] = value
    return out


def _check_suppression(entry: dict, where: str, path: Path) -> None:
    for key, value in entry.items():
        if key not in SUPPRESS_KEYS:
            raise VerifierError(f"{path}: unknown key '{where}.{key}' (use hash, path, quote and reason)")
        if not isinstance(value, str) or not value.strip():
            raise VerifierError(f"{path}: '{where}.{key}' must be a non-empty string")
    if "reason" not in entry:
        raise VerifierError(f"{path}: '{where}' needs a reason")
    if "hash" not in entry and "path" not in entry:
        raise VerifierError(f"{path}: '{where}' needs a hash (a quote's id) or a path")
    if "quote" in entry and "path" not in entry:
        raise VerifierError(f"{path}: '{where}.quote' needs a path")
    if "hash" in entry and not _HASH.fullmatch(entry["hash"].strip().lower()):
        raise VerifierError(f"{path}: '{where}.hash' must be a quote id of 12 hexadecimal digits "
                            f"(as `verifier check` shows), not {entry['hash']!r}")


# --------------------------------------------------------------------------- effective settings

@dataclass
class Settings:
    """What `verifier check` runs with, and where each value came from (``origins``: a key ->
    "command line", "environment ($VERIFIER_ARCHIVE)", the configuration file's path, or
    "default")."""

    config: ConfigFile
    archive: str = DEFAULT_ARCHIVE
    fail_on: str = DEFAULT_FAIL_ON
    format: str = DEFAULT_FORMAT
    jobs: int = 1
    double_apostrophes: bool = False
    aliases: dict = field(default_factory=dict)
    include: list = field(default_factory=list)
    exclude: list = field(default_factory=list)
    suppress: list = field(default_factory=list)
    origins: dict = field(default_factory=dict)

    def filters(self) -> PathFilter:
        base = self.config.base
        return PathFilter([Pattern(p, base) for p in self.include], [Pattern(p, base) for p in self.exclude])

    def suppressions(self) -> list["Suppression"]:
        base = self.config.base
        return [Suppression.from_entry(e, base) for e in self.suppress]

    def as_dict(self) -> dict:
        """The settings under their configuration keys."""
        return {"archive": self.archive, "fail-on": self.fail_on, "format": self.format, "jobs": self.jobs,
                "double-apostrophes": self.double_apostrophes, "aliases": dict(self.aliases),
                "include": list(self.include), "exclude": list(self.exclude),
                "suppress": [dict(e) for e in self.suppress]}


def default_jobs() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def settings(args, config: ConfigFile | None = None) -> Settings:
    """Flags (``args``; absent ones are None) over the configuration file over the defaults.
    ``--alias`` adds to the file's aliases; ``$VERIFIER_ARCHIVE`` comes between ``--archive`` and
    the file's ``archive``."""
    config = config if config is not None else config_for(args)
    values, source = config.values, str(config.path)
    out = Settings(config)
    origins = out.origins

    def pick(key: str, flag, default, convert=lambda v: v):
        if flag is not None:
            origins[key] = "command line"
            return flag
        if key in values:
            origins[key] = source
            return convert(values[key])
        origins[key] = "default"
        return default

    env_archive = os.environ.get("VERIFIER_ARCHIVE")
    archive_flag = getattr(args, "archive", None)
    if archive_flag is None and env_archive:
        out.archive, origins["archive"] = env_archive, "environment ($VERIFIER_ARCHIVE)"
    else:
        out.archive = pick("archive", archive_flag, DEFAULT_ARCHIVE,
                           lambda v: os.path.normpath(os.path.join(config.base, os.path.expanduser(v))))
    out.fail_on = pick("fail-on", getattr(args, "fail_on", None), DEFAULT_FAIL_ON)
    out.format = pick("format", getattr(args, "format", None), DEFAULT_FORMAT)
    out.jobs = pick("jobs", getattr(args, "jobs", None), default_jobs())
    out.double_apostrophes = pick("double-apostrophes", True if getattr(args, "double_apostrophes", False) else None,
                                  False)
    out.aliases = dict(values.get("aliases", {}))
    flag_aliases = parse_aliases(getattr(args, "alias", None) or [])
    out.aliases.update(flag_aliases)
    origins["aliases"] = " + ".join(filter(None, (source if "aliases" in values else None,
                                                  "command line" if flag_aliases else None))) or "default"
    for key in ("include", "exclude", "suppress"):
        setattr(out, key, list(values.get(key, [])))
        origins[key] = source if key in values else "default"
    return out


def parse_aliases(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, person = pair.partition("=")
        if not sep or not name.strip() or not person.strip():
            raise VerifierError(f"--alias {pair!r}: expected NAME=PERSON")
        out[name.strip()] = person.strip()
    return out


# --------------------------------------------------------------------------- showing it

def to_toml(s: Settings) -> str:
    """The settings as TOML (which `verifier.toml` accepts), each value commented with its origin."""
    lines = [f"# verifier configuration: {s.config.label}"]
    for key, value in s.as_dict().items():
        if key in ("aliases", "suppress"):
            continue
        lines.append(f"{key} = {_toml_value(value)}  # {s.origins.get(key, 'default')}")
    lines.append("")
    lines.append(f"[aliases]  # {s.origins.get('aliases', 'default')}")
    for name, person in s.aliases.items():
        lines.append(f"{_toml_key(name)} = {_toml_value(person)}")
    for entry in s.suppress:
        lines.append("")
        lines.append("[[suppress]]")
        for key in SUPPRESS_KEYS:
            if key in entry:
                lines.append(f"{key} = {_toml_value(entry[key])}")
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


# --------------------------------------------------------------------------- suppressions

@dataclass
class Suppression:
    """A configuration entry that suppresses quotes: by id (``hash``), by file (``path``, a glob
    relative to the configuration file's directory) and opening words (``quote``), or both."""

    reason: str
    hash: str | None = None
    path: Pattern | None = None
    words: tuple[str, ...] = ()

    @classmethod
    def from_entry(cls, entry: dict, base: Path) -> "Suppression":
        return cls(reason=" ".join(entry["reason"].split()),
                   hash=entry["hash"].strip().lower() if "hash" in entry else None,
                   path=Pattern(entry["path"], base) if "path" in entry else None,
                   words=_norm_words(entry.get("quote", "")))

    def matches(self, article_path: str, checked) -> bool:
        if self.hash is not None and checked.id != self.hash:
            return False
        if self.path is not None and (article_path == "-" or not self.path.matches(article_path)):
            return False
        if self.words and _norm_words(checked.quote.text)[:len(self.words)] != self.words:
            return False
        return True


def _norm_words(text: str) -> tuple[str, ...]:
    from verifier.textnorm import words

    return tuple(t.norm for t in words(text))


def apply_suppressions(article, checked: list, rules: list[Suppression]) -> None:
    """Mark the checked quotes of ``article`` that are suppressed: by a ``verifier: ignore``
    marker in the article (the paragraph after it; ``ignore-next-quote``: the first quote after
    it) or by a configuration entry. ``CheckedQuote.suppressed`` gets the reason."""
    for marker in getattr(article, "markers", None) or ():
        label = f"`verifier: {marker.kind}` at line {marker.line}" if marker.line else f"`verifier: {marker.kind}`"
        reason = marker.reason or f"{label} in the article"
        if marker.kind == "ignore-next-quote":
            target = next((c for c in checked if c.quote.start >= marker.offset), None)
            if target is not None and target.suppressed is None:
                target.suppressed = reason
            continue
        start, end = _paragraph_after(article.text, marker.offset)
        for c in checked:
            if start <= c.quote.start < end and c.suppressed is None:
                c.suppressed = reason
    for c in checked:
        if c.suppressed is None:
            rule = next((r for r in rules if r.matches(article.path, c)), None)
            if rule is not None:
                c.suppressed = rule.reason


def _paragraph_after(text: str, offset: int) -> tuple[int, int]:
    """From ``offset`` to the end of the paragraph in which the next text after it starts."""
    from verifier.quotes.quotemarks import paragraphs

    m = re.compile(r"\S").search(text, offset)
    if m is None:
        return offset, offset
    for start, end in paragraphs(text):
        if start <= m.start() < end:
            return offset, end
    return offset, m.start() + 1
